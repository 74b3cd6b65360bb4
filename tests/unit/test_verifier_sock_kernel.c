/* tests/unit/test_verifier_sock_kernel.c - every load through a socket
 * pointer, against the running kernel: each offset of struct bpf_sock (and
 * a little past it) at each size, through __sk_buff->sk (sock_common, a
 * socket filter), through bpf_sk_fullsock (sock, tc), and each offset of
 * struct bpf_tcp_sock through bpf_tcp_sock (tc). bpfemu's verdict, error
 * line and errno must be the kernel's for all 2 × 85 × 4 + 121 × 4
 * programs (SKIP without bpf()). The suite files tests/verifier/sk-*.s hold one of each
 * kind for runs without a kernel. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/verifier_kernel.h"

static const char *const size_names[] = {"u8", "u16", "u32", "u64"};

/* A suite-format program loading `size` bytes at `off` of the socket:
 * kind 0 through __sk_buff->sk, 1 through bpf_sk_fullsock, 2 through
 * bpf_tcp_sock (struct bpf_tcp_sock). */
static void program_text(char *buf, size_t n, int kind, int off, unsigned size_idx)
{
    if (kind == 2)
        snprintf(buf, n,
                 "# prog_type: sched_cls\n# priv: root\n# expect: accept\n"
                 "r1 = *(u64 *)(r1 +168)\nr0 = 0\nif r1 == 0 goto +4\ncall 96\n"
                 "if r0 == 0 goto +2\nr0 = *(%s *)(r0 +%d)\nexit\nr0 = 0\nexit\n",
                 size_names[size_idx], off);
    else if (!kind)
        snprintf(buf, n,
                 "# prog_type: socket_filter\n# priv: root\n# expect: accept\n"
                 "r1 = *(u64 *)(r1 +168)\nr0 = 0\nif r1 == 0 goto +1\n"
                 "r0 = *(%s *)(r1 +%d)\nexit\n",
                 size_names[size_idx], off);
    else
        snprintf(buf, n,
                 "# prog_type: sched_cls\n# priv: root\n# expect: accept\n"
                 "r1 = *(u64 *)(r1 +168)\nr0 = 0\nif r1 == 0 goto +4\ncall 95\n"
                 "if r0 == 0 goto +2\nr0 = *(%s *)(r0 +%d)\nexit\nr0 = 0\nexit\n",
                 size_names[size_idx], off);
}

Test(verifier_sock_kernel, every_socket_field_load_agrees_with_the_kernel, .timeout = 300)
{
    const char *skip = vkernel_unavailable();
    if (skip) {
        printf("SKIP: socket field differential test: %s\n", skip);
        cr_skip_test("%s", skip);
    }
    char path[] = "/tmp/bpfemu-sockXXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    unsigned total = 0, accepted = 0, disagree = 0;
    static const char *const kinds[] = {"sock_common", "sock", "tcp_sock"};
    static const int ends[] = {85, 85, 121}; /* a little past each struct */
    for (int kind = 0; kind < 3; kind++)
        for (int off = 0; off < ends[kind]; off++)
            for (unsigned si = 0; si < 4; si++) {
                char text[1024], err[512];
                program_text(text, sizeof text, kind, off, si);
                FILE *f = fopen(path, "w");
                cr_assert_not_null(f);
                fputs(text, f);
                fclose(f);
                struct vsuite_case c;
                cr_assert_eq(vsuite_load(path, &c, err, sizeof err), 0, "%s", err);
                struct vkernel_result kr;
                if (vkernel_load(&c, 1, false, &kr, err, sizeof err)) {
                    vsuite_free(&c);
                    cr_assert_fail("kernel load could not run: %s", err);
                    continue;
                }
                struct verifier_opts o;
                struct verifier_result r;
                vsuite_opts(&c, &o, 0);
                int rc = verifier_check(c.prog, &o, &r);
                char ktail[512];
                vsuite_log_tail(kr.log, 1, ktail, sizeof ktail);
                bool k_ok = kr.verdict == 1, b_ok = rc == 0;
                total++;
                accepted += k_ok;
                if (k_ok != b_ok || (!k_ok && (strcmp(ktail, r.error) || kr.err != -rc))) {
                    disagree++;
                    cr_log_error("%s off=%d size=%s: kernel %s '%s', bpfemu %s '%s'",
                                 kinds[kind], off, size_names[si],
                                 k_ok ? "accepts" : "rejects", ktail,
                                 b_ok ? "accepts" : "rejects", r.error);
                }
                verifier_result_free(&r);
                free(kr.log);
                vsuite_free(&c);
            }
    unlink(path);
    printf("socket field loads: %u programs, %u accepted by the kernel, %u disagreements\n",
           total, accepted, disagree);
    cr_assert_eq(total, 680 + 484);
    cr_assert_gt(accepted, 100, "the kernel accepted only %u loads: the programs are wrong", accepted);
    cr_assert_eq(disagree, 0, "%u of %u socket field loads differ from the kernel", disagree, total);
}

/* tests/unit/test_verifier_kernel.c - the differential test: every program
 * of the verifier suite (tests/verifier/NAME.s) is loaded into the running
 * kernel with bpf(BPF_PROG_LOAD) and a log, and the kernel's verdict, error
 * lines and errno are compared with the file's (which test_verifier.c holds
 * bpfemu's verifier to) and with bpfemu's errno. A disagreement fails unless
 * tests/verifier/known-differences.txt lists the file with a reason.
 *
 * Prints "SKIP: ..." and skips when bpf() is not permitted here. Programs
 * for the unprivileged regime are loaded only with BPFEMU_KERNEL_UNPRIV=1
 * (it sets kernel.unprivileged_bpf_disabled to 0 for each load and
 * restores it). */
#include <criterion/criterion.h>

#include "tests/unit/verifier_kernel.h"

static const char *suite_dir(void)
{
    const char *d = getenv("VERIFIER_SUITE");
    return d ? d : "verifier";
}

/* The reason a file is a known difference, or NULL. */
static const char *known_difference(const char *known, const char *name)
{
    static char reason[512];
    if (!known)
        return NULL;
    size_t l = strlen(name);
    for (const char *p = known; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (p[0] != '#' && len > l && !strncmp(p, name, l) && p[l] == ':') {
            snprintf(reason, sizeof(reason), "%.*s", (int)(len - l - 1), p + l + 1);
            return reason;
        }
        p += len + (nl != NULL);
    }
    return NULL;
}

Test(verifier_kernel, suite_agrees_with_the_running_kernel, .timeout = 600)
{
    const char *skip = vkernel_unavailable();
    if (skip) {
        printf("SKIP: verifier differential test: %s\n", skip);
        cr_skip_test("%s", skip);
    }
    bool unpriv = getenv("BPFEMU_KERNEL_UNPRIV") && !strcmp(getenv("BPFEMU_KERNEL_UNPRIV"), "1");
    char kpath[1024];
    snprintf(kpath, sizeof(kpath), "%s/known-differences.txt", suite_dir());
    char *known = vsuite_read_file(kpath, NULL);

    unsigned n = 0, agree = 0, disagree = 0, known_n = 0, skipped = 0;
    char **files = vsuite_list(suite_dir(), &n);
    cr_assert_not_null(files, "cannot read %s", suite_dir());
    for (unsigned i = 0; i < n; i++) {
        char path[1024], err[512];
        snprintf(path, sizeof(path), "%s/%s", suite_dir(), files[i]);
        struct vsuite_case c;
        if (vsuite_load(path, &c, err, sizeof(err))) {
            cr_log_error("%s: bad suite file: %s", files[i], err);
            disagree++;
            continue;
        }
        struct vkernel_result kr;
        if (vkernel_load(&c, 1, unpriv, &kr, err, sizeof(err))) {
            skipped++;
            vsuite_free(&c);
            continue;
        }
        /* bpfemu's errno, to compare with the kernel's */
        struct verifier_opts o;
        struct verifier_result r;
        vsuite_opts(&c, &o, 0);
        int rc = verifier_check(c.prog, &o, &r);
        verifier_result_free(&r);

        char why[2048] = "", tail[768];
        vsuite_log_tail(kr.log, 3, tail, sizeof(tail));
        if (c.expect_accept != (kr.verdict == 1))
            snprintf(why, sizeof(why), "kernel %s (%s), file expects %s; kernel log tail:\n%s",
                     kr.verdict ? "accepts" : "rejects", vsuite_errno_name(kr.err),
                     c.expect_accept ? "accept" : "reject", tail);
        else if (!kr.verdict && c.n_errors &&
                 !vsuite_log_has_lines(kr.log, c.errors, c.n_errors))
            snprintf(why, sizeof(why), "kernel error differs; expected '%s', kernel log tail:\n%s",
                     c.errors[0], tail);
        else if (!kr.verdict && !c.n_errors && kr.log[0])
            snprintf(why, sizeof(why), "file expects an empty log; kernel log tail:\n%s", tail);
        else if (!kr.verdict && c.expect_errno && kr.err != c.expect_errno)
            snprintf(why, sizeof(why), "kernel errno %s, file expects %s",
                     vsuite_errno_name(kr.err), vsuite_errno_name(c.expect_errno));
        else if (!kr.verdict && -rc != kr.err)
            snprintf(why, sizeof(why), "kernel errno %s, bpfemu's %s", vsuite_errno_name(kr.err),
                     vsuite_errno_name(-rc));
        const char *reason = known_difference(known, c.name);
        if (why[0] && reason) {
            known_n++;
            cr_log_info("%s: known difference (%s): %s", c.name, reason, why);
        } else if (why[0]) {
            disagree++;
            cr_log_error("%s: %s", c.name, why);
        } else {
            if (reason)
                cr_log_warn("%s: listed in known-differences.txt but agrees now", c.name);
            agree++;
        }
        free(kr.log);
        vsuite_free(&c);
    }
    vsuite_list_free(files);
    free(known);
    printf("verifier differential: %u programs: %u agree, %u known differences, %u disagree, "
           "%u skipped%s\n",
           n, agree, known_n, disagree, skipped,
           skipped && !unpriv ? " (unprivileged ones need BPFEMU_KERNEL_UNPRIV=1)" : "");
    if (skipped)
        printf("SKIP: %u unprivileged verifier-suite programs not loaded into the kernel%s\n",
               skipped, unpriv ? "" : " (set BPFEMU_KERNEL_UNPRIV=1)");
    cr_expect_eq(disagree, 0, "%u suite programs disagree with the kernel (see above)", disagree);
}

/* ------------------------------------------------ random programs */

/* xorshift64*: deterministic, seeded per program */
static uint64_t rnd_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static int rnd_imm(uint64_t *s)
{
    static const int pool[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 0xff, 0x7fff, -1, -8,
                               0x7fffffff, INT32_MIN, 0x10000, 100, -100, 255, 1024};
    if (rnd_next(s) % 4 == 0)
        return (int)(rnd_next(s) % 601) - 300;
    return pool[rnd_next(s) % (sizeof(pool) / sizeof(pool[0]))];
}

/* A random program: two unknown scalars (r7, r8) and a constant (r9) go
 * through ALU ops (32 and 64-bit, register and immediate), sign-extending
 * moves, byte swaps, spills and fills, and branches on immediates and
 * registers that rewrite them; one of them finally offsets a pointer into
 * a 64-byte map value, which is read. Whether that read is proven safe
 * depends on every transfer function and branch refinement on the way. */
static void rnd_program(uint64_t seed, char *buf, size_t n)
{
    static const char *const ops[] = {"+=", "-=", "*=", "&=", "|=", "^=", "<<=", ">>=", "s>>=",
                                      "/=", "%="};
    static const char *const jmps[] = {">", ">=", "<", "<=", "s>", "s>=", "s<", "s<=", "==",
                                       "!=", "&"};
    static const char *const swaps[] = {"be16", "be32", "le16", "bswap32", "bswap64"};
    static const char *const regs[] = {"r7", "r8", "w7", "w8", "r9"};
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    size_t p = 0;
#define EMIT(...) (p += (size_t)snprintf(buf + p, p < n ? n - p : 0, __VA_ARGS__))
    EMIT("*(u32 *)(r10 -4) = 0\nr2 = r10\nr2 += -4\nr1 = map[idx:0]\ncall 1\nr6 = r0\n"
         "call 7\nr7 = r0\ncall 7\nr8 = r0\nr9 = 0\n");
    int len = 4 + (int)(rnd_next(&s) % 13);
    for (int i = 0; i < len; i++) {
        unsigned t = (unsigned)(rnd_next(&s) % 100);
        const char *d = regs[rnd_next(&s) % 5];
        char w = d[0];
        const char *o = ops[rnd_next(&s) % 11];
        bool shift = !strcmp(o, "<<=") || !strcmp(o, ">>=") || !strcmp(o, "s>>=");
        bool div = !strcmp(o, "/=") || !strcmp(o, "%=");
        if (t < 35) {
            if (shift)
                EMIT("%s %s %d\n", d, o, (int)(rnd_next(&s) % (w == 'w' ? 32 : 64)));
            else if (div)
                EMIT("%s %s %d\n", d, o, (int)(rnd_next(&s) % 7) + 1);
            else
                EMIT("%s %s %d\n", d, o, rnd_imm(&s));
        } else if (t < 50) {
            char src[4] = {w, (char)('7' + rnd_next(&s) % 3), 0, 0};
            if (shift)
                EMIT("%s &= 31\n", src);
            EMIT("%s %s %s\n", d, o, src);
        } else if (t < 55) {
            EMIT("%c7 = (s%d)%c8\n", w == 'w' ? 'w' : 'r', w == 'w' ? 8 << (rnd_next(&s) % 2)
                                                                  : 8 << (rnd_next(&s) % 3),
                 w == 'w' ? 'w' : 'r');
        } else if (t < 60) {
            EMIT("%s = -%s\n", d, d);
        } else if (t < 65) {
            EMIT("r7 = %s r7\n", swaps[rnd_next(&s) % 5]);
        } else if (t < 75) {
            static const char *const sz[] = {"u64", "u32", "u16", "u8"};
            EMIT("*(u64 *)(r10 -16) = r%d\n", 7 + (int)(rnd_next(&s) % 3));
            EMIT("r%d = *(%s *)(r10 -16)\n", 7 + (int)(rnd_next(&s) % 2), sz[rnd_next(&s) % 4]);
        } else {
            const char *a = regs[rnd_next(&s) % 5];
            if (rnd_next(&s) % 5 < 2)
                EMIT("if %s %s %c%d goto +%d\n", a, jmps[rnd_next(&s) % 11], a[0],
                     7 + (int)(rnd_next(&s) % 3), 1 + (int)(rnd_next(&s) % 3 == 0));
            else
                EMIT("if %s %s %d goto +%d\n", a, jmps[rnd_next(&s) % 11], rnd_imm(&s),
                     1 + (int)(rnd_next(&s) % 3 == 0));
            EMIT("r%d = %d\n", 7 + (int)(rnd_next(&s) % 3), rnd_imm(&s));
            static const int masks[] = {1, 3, 7, 0xff, 0xffff};
            EMIT("r%d &= %d\n", 7 + (int)(rnd_next(&s) % 3), masks[rnd_next(&s) % 5]);
        }
    }
    EMIT("r6 += r%d\nr0 = *(u8 *)(r6 +0)\nr0 = 0\nexit\n", 7 + (int)(rnd_next(&s) % 3));
#undef EMIT
}

/* Random programs through the kernel and bpfemu (root): same verdict, and
 * for a reject bpfemu's error line is in the kernel's log. Seeds are fixed:
 * a failure names the seed, and the program can be printed from it. */
Test(verifier_kernel, random_programs_agree, .timeout = 600)
{
    const char *skip = vkernel_unavailable();
    if (skip) {
        printf("SKIP: verifier random differential test: %s\n", skip);
        cr_skip_test("%s", skip);
    }
    unsigned n = getenv("VERIFIER_RANDOM") ? (unsigned)atoi(getenv("VERIFIER_RANDOM")) : 400;
    unsigned disagree = 0, accepted = 0;
    char *text = malloc(16384);
    cr_assert_not_null(text);
    for (unsigned i = 0; i < n; i++) {
        struct vsuite_case c;
        memset(&c, 0, sizeof(c));
        snprintf(c.path, sizeof(c.path), "random-%u", i);
        c.name = c.path;
        c.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
        c.priv = VERIFIER_PRIV_ROOT;
        c.n_maps = 1;
        c.maps[0] = (struct verifier_map){BPF_MAP_TYPE_ARRAY, 4, 64, 1, 0, 0, NULL};
        rnd_program(i, text, 16384);
        char err[VM_ERR_LEN];
        cr_assert_eq(vm_asm(text, strlen(text), c.name, &c.prog, err, sizeof(err)), 0,
                     "seed %u: %s\n%s", i, err, text);
        struct vkernel_result kr;
        char why[512];
        if (vkernel_load(&c, 1, false, &kr, why, sizeof(why))) {
            vsuite_free(&c);
            cr_skip_test("%s", why);
        }
        struct verifier_opts o;
        struct verifier_result r;
        vsuite_opts(&c, &o, 1);
        verifier_check(c.prog, &o, &r);
        char line[256];
        snprintf(line, sizeof(line), "%s", r.error);
        char lines[1][256];
        memcpy(lines[0], line, sizeof(line));
        bool same = (kr.verdict == 1) == r.accepted &&
                    (r.accepted || vsuite_log_has_lines(kr.log, (const char(*)[256])lines, 1));
        accepted += kr.verdict == 1;
        if (!same) {
            char tail[512];
            vsuite_log_tail(kr.log, 2, tail, sizeof(tail));
            cr_log_error("seed %u: kernel %s, bpfemu %s (%s); kernel tail:\n%s\nprogram:\n%s", i,
                         kr.verdict ? "accepts" : "rejects", r.accepted ? "accepts" : "rejects",
                         r.error, tail, text);
            disagree++;
        }
        verifier_result_free(&r);
        free(kr.log);
        vsuite_free(&c);
    }
    free(text);
    printf("verifier random differential: %u programs (%u accepted by the kernel), %u "
           "disagree\n",
           n, accepted, disagree);
    cr_expect_eq(disagree, 0, "%u random programs disagree with the kernel", disagree);
}

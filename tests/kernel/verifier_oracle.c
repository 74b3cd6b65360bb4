/* tests/kernel/verifier_oracle.c - load verifier-suite programs
 * (tests/verifier/NAME.s) into the running kernel and print its verdict, errno
 * and log; with -b also bpfemu's, for writing and checking suite files.
 *
 *   verifier_oracle [-l LEVEL] [-u] [-b] [-q] FILE.s...
 *
 * -l   log level (default 1)       -u  allow unprivileged loads (flips the
 * -b   bpfemu's verdict and log too      unprivileged_bpf_disabled sysctl)
 * -q   one line per file: kernel verdict, errno and error line
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -I. tests/kernel/verifier_oracle.c
 *        BUILD/obj/vm/(asterisk).o BUILD/obj/verifier/(asterisk).o
 * Exit: 0, 1 on a bad file, 2 when bpf() is not permitted here. */
#include "tests/unit/verifier_kernel.h"

#include <getopt.h>

static void last_lines(const char *log, char *out, size_t n)
{
    vsuite_log_tail(log, 1, out, n);
}

int main(int argc, char **argv)
{
    int level = 1, opt;
    bool unpriv = false, both = false, quiet = false;
    while ((opt = getopt(argc, argv, "l:ubq")) != -1) {
        switch (opt) {
        case 'l': level = atoi(optarg); break;
        case 'u': unpriv = true; break;
        case 'b': both = true; break;
        case 'q': quiet = true; break;
        default:
            fprintf(stderr, "usage: %s [-l LEVEL] [-u] [-b] [-q] FILE.s...\n", argv[0]);
            return 1;
        }
    }
    const char *skip = vkernel_unavailable();
    if (skip) {
        printf("SKIP: %s\n", skip);
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        struct vsuite_case c;
        char err[512];
        if (vsuite_load(argv[i], &c, err, sizeof(err))) {
            fprintf(stderr, "%s: %s\n", argv[i], err);
            status = 1;
            continue;
        }
        struct vkernel_result kr;
        if (vkernel_load(&c, level, unpriv, &kr, err, sizeof(err))) {
            printf("%s: cannot load: %s\n", c.name, err);
            vsuite_free(&c);
            continue;
        }
        char tail[1024];
        last_lines(kr.log, tail, sizeof(tail));
        if (quiet) {
            printf("%s: kernel %s%s%s | %s\n", c.name, kr.verdict ? "accept" : "reject",
                   kr.verdict ? "" : " ", kr.verdict ? "" : vsuite_errno_name(kr.err),
                   kr.verdict ? "" : tail);
        } else {
            printf("==== %s: kernel %s", c.name, kr.verdict ? "accept" : "reject");
            if (!kr.verdict)
                printf(" (%s)", vsuite_errno_name(kr.err));
            printf("\n%s", kr.log);
        }
        if (both) {
            struct verifier_opts o;
            struct verifier_result r;
            vsuite_opts(&c, &o, level);
            int rc = verifier_check(c.prog, &o, &r);
            printf("---- %s: bpfemu %s", c.name, r.accepted ? "accept" : "reject");
            if (!r.accepted)
                printf(" (%s) error: %s", vsuite_errno_name(-rc), r.error);
            printf("\n");
            if (!quiet)
                printf("%s", r.log ? r.log : "");
            verifier_result_free(&r);
        }
        free(kr.log);
        vsuite_free(&c);
    }
    return status;
}

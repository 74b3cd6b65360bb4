/* tools/fuzz.h - the checks `bpfemu fuzz` runs on generated programs, one
 * program at a time, shared by the CLI (tools/cmd_fuzz.c: workers, status,
 * summary) and the libFuzzer/AFL++ entry points (tests/fuzz/fuzz_gen_*.c).
 *
 *  verifier-diff      the program to both verifiers: bpfemu accepts and the
 *                     kernel rejects = a soundness bug in bpfemu; bpfemu
 *                     rejects and the kernel accepts = a precision gap; both
 *                     reject with different errors = a reject difference.
 *                     A disagreement is minimised (instructions deleted while
 *                     it stays the same) and deduplicated by its rule: the
 *                     normalised first error line of the side that rejects.
 *  runtime-soundness  programs the kernel accepts run in bpfemu's checked
 *                     interpreter and in the kernel on generated packets and
 *                     map contents: a fault (out-of-bounds access) in a
 *                     kernel-accepted program is a candidate kernel verifier
 *                     bug (or a false fault of bpfemu); a different result is
 *                     a runtime difference.
 *  jit-diff           accepted programs in the interpreter and the JIT on the
 *                     same inputs: every result and map must match. */
#ifndef BPFEMU_TOOLS_FUZZ_H
#define BPFEMU_TOOLS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/gen.h"
#include "tools/kdiff.h"

enum fuzz_mode {
    FUZZ_VERIFIER_DIFF,
    FUZZ_RUNTIME,
    FUZZ_JIT_DIFF,
    FUZZ_GEN,
};

enum fuzz_kind {
    FK_NONE = 0,
    FK_SOUNDNESS,      /* bpfemu accepts, the kernel rejects */
    FK_PRECISION,      /* bpfemu rejects, the kernel accepts */
    FK_REJECT_DIFF,    /* both reject, for different reasons */
    FK_RUNTIME_FAULT,  /* kernel-accepted program faults in bpfemu's checked run */
    FK_RUNTIME_DIFF,   /* kernel and bpfemu results differ */
    FK_JIT_DIFF,       /* interpreter and JIT differ */
    FK_N
};
const char *fuzz_kind_name(int kind);

struct fuzz_opts {
    enum fuzz_mode mode;
    struct gen_opts gen;
    const char *out_dir;     /* findings are written here (NULL: not written) */
    const char *save_dir;    /* every program is written here (NULL: not) */
    bool no_minimise;
    bool reject_diffs;       /* count both-reject error differences as findings */
    unsigned inputs;         /* runtime modes: packets per program (0: 8) */
    bool verbose;            /* replay: print programs, logs, results */
};

/* Counters (per worker; summed by the caller). */
struct fuzz_stats {
    uint64_t programs;
    uint64_t kernel_known, kernel_accepted;
    uint64_t emu_known, emu_accepted;
    uint64_t agree;
    uint64_t findings[FK_N];          /* programs per kind */
    uint64_t soundness_safety;        /* FK_SOUNDNESS where the kernel said EACCES */
    uint64_t runs;                    /* test runs compared */
    uint64_t skipped;                 /* programs that could not be checked */
    uint64_t kernel_slow;             /* kernel verifications stopped after 10 s */
    uint64_t nondeterministic;        /* runtime differences in programs CAP_BPF-only
                                         rejects (uninitialised stack, pointer leaks) */
};

/* One finding (after minimisation). */
struct fuzz_finding {
    int kind;
    uint64_t seed;
    char rule[256];                   /* normalised: the dedup key with the kind */
    char detail[1536];                /* both verdicts / the fault / the difference */
    struct gen_program prog;          /* minimised */
    uint32_t orig_len;
    uint8_t *input;                   /* runtime: the packet */
    size_t input_len;
};
void fuzz_finding_free(struct fuzz_finding *f);

struct fuzz_ctx;
int fuzz_ctx_create(const struct fuzz_opts *o, struct fuzz_ctx **out, char *err, size_t errlen);
void fuzz_ctx_destroy(struct fuzz_ctx *c);
/* False when the kernel cannot be used here (then verifier-diff and
 * runtime-soundness only exercise bpfemu). */
bool fuzz_ctx_kernel(const struct fuzz_ctx *c);

/* The seed of program i of a campaign with seed S. */
uint64_t fuzz_program_seed(uint64_t campaign_seed, uint64_t i);

/* Generate program `seed` and check it (opts.mode). Returns 1 with *f
 * filled (free with fuzz_finding_free) when it is a finding, 0 when not,
 * -errno when it could not be checked. Counters go to st. */
int fuzz_one(struct fuzz_ctx *c, uint64_t seed, struct fuzz_stats *st, struct fuzz_finding *f);

/* Packet j of program `seed`'s runtime checks (buf: 1500 bytes). */
void fuzz_packet(uint64_t seed, uint32_t j, uint8_t *buf, size_t *len);

/* The rule normalised for deduplication: digits runs -> N. */
void fuzz_normalise(const char *in, char *out, size_t outlen);
/* A 64-bit hash of kind + rule (file names, dedup). */
uint64_t fuzz_rule_hash(int kind, const char *rule);

/* Write a finding as OUT/<kind>-<hash>.s (+ .bin, + .txt with details),
 * unless that file exists (another worker found the rule first): returns
 * 1 when written, 0 when it existed, -errno on failure. replay_args is the
 * command-line tail that regenerates the program ("--type xdp ..."). */
int fuzz_write_finding(const char *dir, const struct fuzz_finding *f, const char *mode_name,
                       const char *replay_args);

#endif

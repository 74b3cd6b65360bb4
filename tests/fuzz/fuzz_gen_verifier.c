/* libFuzzer / AFL++ target: `bpfemu fuzz verifier-diff`, one generated
 * program per input (tools/gen.h, tools/fuzz.h). The input chooses the
 * program: bytes 0-7 the generator's seed (little-endian), byte 8 the
 * program type (0 mixed, 1 xdp, 2 tc, 3 socket filter), byte 9 the mutation
 * rate (% mod 101), byte 10 the length limit (x4, 0: default). The fuzzer's
 * coverage feedback then steers the seeds towards programs that reach new
 * code in bpfemu's verifier (and generator).
 *
 * Each program goes to bpfemu's verifier (crashes, UB and leaks are found
 * with or without a kernel) and, where bpf() works (root), to the running
 * kernel's: a disagreement of a kind listed in $BPFEMU_FUZZ_ABORT aborts,
 * so the fuzzer keeps the input. Kinds: soundness (bpfemu accepts, the
 * kernel rejects with EACCES: a safety rule; the default), soundness-any
 * (any errno), precision (bpfemu rejects, the kernel accepts), reject-diff
 * (both reject, different first error lines). Replay a crash input's
 * program with `bpfemu fuzz verifier-diff --replay SEED` (the seed is
 * printed before the abort).
 *
 *   make fuzz
 *   mkdir -p /tmp/fz-gen && head -c 16 /dev/urandom >/tmp/fz-gen/seed0
 *   build-fuzz/fuzz/fuzz_gen_verifier -max_len=16 -max_total_time=600 /tmp/fz-gen
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/kbpf.c"
#include "tools/gen.c"
#include "tools/gen_mutate.c"
#include "tools/gen_io.c"
#include "tools/kdiff.c"
#include "tools/fuzz.c"

static struct fuzz_ctx *fz_ctx;
static bool fz_abort[FK_N];
static bool fz_abort_any_soundness;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *a = getenv("BPFEMU_FUZZ_ABORT");
    if (!a)
        a = "soundness";
    fz_abort[FK_SOUNDNESS] = strstr(a, "soundness") != NULL;
    fz_abort_any_soundness = strstr(a, "soundness-any") != NULL;
    fz_abort[FK_PRECISION] = strstr(a, "precision") != NULL;
    fz_abort[FK_REJECT_DIFF] = strstr(a, "reject-diff") != NULL;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[16] = {0};
    memcpy(in, data, size < sizeof in ? size : sizeof in);
    uint64_t seed;
    memcpy(&seed, in, 8);
    static const uint32_t types[4] = {0, BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS,
                                      BPF_PROG_TYPE_SOCKET_FILTER};
    struct fuzz_opts o;
    memset(&o, 0, sizeof o);
    o.mode = FUZZ_VERIFIER_DIFF;
    o.no_minimise = true; /* the fuzzer minimises inputs itself */
    o.reject_diffs = fz_abort[FK_REJECT_DIFF];
    o.gen.prog_type = types[in[8] & 3];
    o.gen.mutate_pct = in[9] % 101;
    o.gen.max_insns = (uint32_t)in[10] * 4;
    if (!fz_ctx) {
        char err[256];
        if (fuzz_ctx_create(&o, &fz_ctx, err, sizeof err))
            abort();
    }
    fz_ctx->o = o;
    if (!fz_ctx->o.inputs)
        fz_ctx->o.inputs = 8;
    struct fuzz_stats st;
    memset(&st, 0, sizeof st);
    struct fuzz_finding f;
    int rc = fuzz_one(fz_ctx, seed, &st, &f);
    if (rc == 1) {
        bool stop = fz_abort[f.kind];
        if (f.kind == FK_SOUNDNESS && !fz_abort_any_soundness && !st.soundness_safety)
            stop = false;
        if (stop) {
            fprintf(stderr,
                    "bpfemu verifier-diff %s finding: %s\n%s\nreplay: bpfemu fuzz verifier-diff "
                    "--replay %#llx%s%s --mutate %d%s\n",
                    fuzz_kind_name(f.kind), f.rule, f.detail, (unsigned long long)seed,
                    o.gen.prog_type ? " --type " : "",
                    o.gen.prog_type ? gen_prog_type_name(o.gen.prog_type) : "", o.gen.mutate_pct,
                    o.gen.max_insns ? " --max-insns (see input byte 10)" : "");
            gen_write_suite(stderr, &f.prog, NULL, NULL, NULL);
            abort();
        }
        fuzz_finding_free(&f);
    }
    return 0;
}

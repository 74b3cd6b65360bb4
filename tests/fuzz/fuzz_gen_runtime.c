/* libFuzzer / AFL++ target: `bpfemu fuzz runtime-soundness` and `jit-diff`,
 * one generated program per input (the same input layout as
 * fuzz_gen_verifier.c: seed, program type, mutation rate, length). The
 * generator runs in its deterministic setting (no random or clock helpers,
 * no uninitialised stack), and the program is
 *  - with bpf() (root): loaded into the kernel; if it accepts, run in
 *    bpfemu's checked interpreter and in the kernel on 8 generated packets
 *    from the same map contents. An out-of-bounds access in bpfemu (a
 *    candidate kernel verifier bug, or a false fault of bpfemu) aborts;
 *  - with the JIT (jit/jit.h): run in the interpreter and the JIT on the
 *    same packets; any difference aborts.
 * $BPFEMU_FUZZ_ABORT adds runtime-diff (bpfemu's results differ from the
 * kernel's: known differences exist, see tests/kdiff/known-differences.txt)
 * to the aborting kinds; runtime-fault and jit-diff always abort.
 *
 *   make fuzz
 *   mkdir -p /tmp/fz-rt && head -c 16 /dev/urandom >/tmp/fz-rt/seed0
 *   build-fuzz/fuzz/fuzz_gen_runtime -max_len=16 -max_total_time=600 /tmp/fz-rt
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

static struct fuzz_ctx *rt_ctx, *jit_ctx;
static bool abort_runtime_diff;
static bool have_jit;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *a = getenv("BPFEMU_FUZZ_ABORT");
    abort_runtime_diff = a && strstr(a, "runtime-diff");
    struct fuzz_opts o;
    memset(&o, 0, sizeof o);
    o.no_minimise = true;
    char err[256];
    o.mode = FUZZ_RUNTIME;
    if (fuzz_ctx_create(&o, &rt_ctx, err, sizeof err))
        abort();
    o.mode = FUZZ_JIT_DIFF;
    if (fuzz_ctx_create(&o, &jit_ctx, err, sizeof err))
        abort();
    /* is there a JIT? */
    struct gen_program p;
    struct gen_opts go = {.deterministic = true};
    if (!gen_program(1, &go, &p)) {
        struct helper_env_opts eo = {.ncpus = 1};
        struct kd_emu *e = NULL;
        have_jit = !kd_emu_from_raw(&p, &eo, &e, err, sizeof err) &&
                   !kd_emu_enable_jit(e, err, sizeof err);
        kd_emu_destroy(e);
        gen_program_free(&p);
    }
    return 0;
}

static void check(struct fuzz_ctx *c, uint64_t seed, const struct gen_opts *go, const char *mode)
{
    c->o.gen = *go;
    struct fuzz_stats st;
    memset(&st, 0, sizeof st);
    struct fuzz_finding f;
    if (fuzz_one(c, seed, &st, &f) != 1)
        return;
    if (f.kind == FK_RUNTIME_FAULT || f.kind == FK_JIT_DIFF ||
        (f.kind == FK_RUNTIME_DIFF && abort_runtime_diff)) {
        fprintf(stderr, "bpfemu %s %s finding: %s\n%s\nreplay: bpfemu fuzz %s --replay %#llx%s%s "
                        "--mutate %d\n",
                mode, fuzz_kind_name(f.kind), f.rule, f.detail, mode, (unsigned long long)seed,
                go->prog_type ? " --type " : "", go->prog_type ? gen_prog_type_name(go->prog_type) : "",
                go->mutate_pct);
        gen_write_suite(stderr, &f.prog, NULL, NULL, NULL);
        abort();
    }
    fuzz_finding_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[16] = {0};
    memcpy(in, data, size < sizeof in ? size : sizeof in);
    uint64_t seed;
    memcpy(&seed, in, 8);
    static const uint32_t types[4] = {0, BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS,
                                      BPF_PROG_TYPE_SOCKET_FILTER};
    struct gen_opts go = {.prog_type = types[in[8] & 3], .mutate_pct = in[9] % 101,
                          .max_insns = (uint32_t)in[10] * 4, .deterministic = true};
    if (fuzz_ctx_kernel(rt_ctx))
        check(rt_ctx, seed, &go, "runtime-soundness");
    if (have_jit)
        check(jit_ctx, seed, &go, "jit-diff");
    return 0;
}

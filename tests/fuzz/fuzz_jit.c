/* libFuzzer target: the JIT against the interpreter. The first byte picks
 * the program: even, a structurally valid random program whose choices are
 * the remaining bytes (tests/unit/prog_gen.h); odd, the remaining bytes as
 * raw bytecode (kept when vm_prog_check accepts it). Both engines run it on
 * the same memory (tests/unit/jit_diff.h) with a budget; any difference in
 * r0, error, message, insns_executed, region bytes or helper calls aborts
 * with both outcomes and the program on stderr. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/prog_gen.h"

static struct bpf_insn prog[PG_MAX];
static struct jd_out interp, jitted;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n;
    struct jd_cfg cfg = {.budget = 5000};
    if (data[0] & 1) {
        n = (size - 1) / 8;
        if (n == 0 || n > PG_MAX)
            return 0;
        memcpy(prog, data + 1, n * 8);
        char err[VM_ERR_LEN];
        struct vm_prog *p;
        if (vm_prog_from_bytes(prog, n * 8, "fuzz", &p, err, sizeof err))
            return 0;
        int rc = vm_prog_check(p, err, sizeof err);
        vm_prog_free(p);
        if (rc)
            return 0;
    } else {
        struct pg_src src = {.data = data + 1, .len = size - 1, .rng = 0x2545f4914f6cdd1dull ^ size};
        n = pg_generate(&src, prog);
        cfg.budget = 1 + pg_below(&src, 8000);
    }
    cfg.jit_flags = (data[0] & 2) ? JIT_HARDEN : (data[0] & 4) ? JIT_NO_BMI2 : 0;
    cfg.no_on_call = data[0] & 8;
    char err[VM_ERR_LEN], why[512];
    if (jd_run(prog, n, &cfg, false, &interp, err, sizeof err))
        return 0;
    if (jd_run(prog, n, &cfg, true, &jitted, err, sizeof err)) {
        fprintf(stderr, "JIT refused a program the interpreter runs: %s\n", err);
        abort();
    }
    if (!jd_same(&interp, &jitted, why, sizeof why)) {
        fprintf(stderr, "interpreter and JIT differ (jit flags 0x%x, budget %llu): %s\n",
                cfg.jit_flags, (unsigned long long)cfg.budget, why);
        fprintf(stderr, "interp: rc %d r0 0x%llx insns %llu %s\n", interp.rc,
                (unsigned long long)interp.r0, (unsigned long long)interp.insns, interp.msg);
        fprintf(stderr, "jit:    rc %d r0 0x%llx insns %llu %s\n", jitted.rc,
                (unsigned long long)jitted.r0, (unsigned long long)jitted.insns, jitted.msg);
        struct vm_prog *p;
        if (vm_prog_from_bytes(prog, n * 8, "fuzz", &p, err, sizeof err) == 0) {
            char *text = vm_disasm_prog(p);
            fprintf(stderr, "%s", text ? text : "");
            free(text);
            vm_prog_free(p);
        }
        abort();
    }
    return 0;
}

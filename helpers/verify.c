/* helpers/verify.c - verify an environment's programs and run the accepted
 * ones trusted: the step between loading and running that BPF_PROG_LOAD
 * is in the kernel. */
#include "helpers/helpers_internal.h"
#include "jit/jit.h"
#include "verifier/verifier.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ctx fields trusted code may load directly (vm_set_ctx_layout). */
static int set_layout(struct helper_prog *hp)
{
    struct vm_ctx_field f[8];
    unsigned n = 0;
    switch (hp->prog_type) {
    case BPF_PROG_TYPE_XDP:
        n = helper_ctx_xdp_layout(f);
        break;
    case BPF_PROG_TYPE_SCHED_CLS: case BPF_PROG_TYPE_SCHED_ACT: case BPF_PROG_TYPE_CGROUP_SKB:
    case BPF_PROG_TYPE_LWT_IN: case BPF_PROG_TYPE_LWT_OUT: case BPF_PROG_TYPE_LWT_XMIT:
        n = helper_ctx_skb_layout(f);
        break;
    }
    return vm_set_ctx_layout(hp->vm, f, n);
}

/* The end of the furthest context byte the program reads or writes: the
 * kernel's prog->aux->max_ctx_offset, which raw tracepoint test runs check
 * ctx_in against. */
static uint32_t ctx_extent(const struct vm_prog *p, const uint8_t *ctx_insns)
{
    static const uint8_t bytes[4] = {4, 2, 1, 8}; /* BPF_W, BPF_H, BPF_B, BPF_DW */
    uint32_t max = 0;
    for (uint32_t i = 0; ctx_insns && i < p->len; i++) {
        const struct bpf_insn *in = &p->insns[i];
        if (!ctx_insns[i] || in->off < 0)
            continue;
        uint32_t end = (uint32_t)in->off + bytes[BPF_SIZE(in->code) >> 3];
        if (end > max)
            max = end;
    }
    return max;
}

/* The kernel's license_is_gpl_compatible (include/linux/license.h). */
static bool license_gpl(const char *l)
{
    static const char *const ok[] = {"GPL", "GPL v2", "GPL and additional rights",
                                     "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(l, ok[i]))
            return true;
    return false;
}

int helper_env_verify(struct helper_env *env, int priv, char *err, size_t errlen)
{
    struct verifier_map *maps = NULL;
    uint32_t n_maps = 0;
    if (verifier_maps_of_object(env->obj, &maps, &n_maps)) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    /* a frozen .rodata is read at verification as the run will see it:
     * the environment's contents (--map-in and options applied), which
     * nothing can change afterwards (the program may not write it) */
    for (uint32_t i = 0; i < n_maps; i++) {
        uint32_t zero = 0;
        if (maps[i].frozen)
            maps[i].frozen = env->maps[i] ? maps_elem_lookup(env->maps[i], &zero, 0) : NULL;
    }
    int rc = 0;
    for (uint32_t i = 0; i < env->n_progs && !rc; i++) {
        struct helper_prog *hp = &env->progs[i];
        struct verifier_opts o = {.prog_type = hp->prog_type,
                                  .expected_attach_type = hp->info->expected_attach_type,
                                  .priv = (enum verifier_priv)priv,
                                  .maps = maps,
                                  .n_maps = n_maps,
                                  .nr_cpus = env->opts.ncpus,
                                  .non_gpl = !license_gpl(env->obj->license)};
        struct verifier_result r;
        /* the object's code (map references by index), not the relocated
         * copy: the slots are the same, so the marks apply to hp->vm */
        int vrc = verifier_check(hp->info->prog, &o, &r);
        struct helper_verdict *v = &hp->verdict;
        memset(v, 0, sizeof(*v));
        v->verified = true;
        v->accepted = vrc == 0 && r.accepted;
        v->err = vrc;
        v->error_pc = r.error_pc;
        v->insns_processed = r.insns_processed;
        snprintf(v->error, sizeof(v->error), "%s", r.error);
        v->error[strcspn(v->error, "\n")] = 0;
        if (vrc == -ENOMEM && !r.accepted) {
            snprintf(err, errlen, "program '%s': out of memory in the verifier", hp->info->name);
            rc = -ENOMEM;
        } else if (v->accepted) {
            char jerr[VM_ERR_LEN];
            v->max_ctx_offset = ctx_extent(hp->info->prog, r.ctx_insns);
            rc = vm_set_ctx_insns(hp->vm, r.ctx_insns);
            if (!rc)
                rc = set_layout(hp);
            if (rc)
                snprintf(err, errlen, "out of memory");
            /* JIT-compiled environments: trusted native code too, built
             * after the marks (the checked code stays for checked runs) */
            else if (env->opts.jit &&
                     (rc = jit_compile(hp->vm, env->opts.jit | JIT_TRUSTED, jerr, sizeof jerr)))
                snprintf(err, errlen, "program '%s': %s", hp->info->name, jerr);
            else
                vm_set_mode(hp->vm, VM_MODE_TRUSTED);
        }
        verifier_result_free(&r);
    }
    free(maps);
    return rc;
}

const struct helper_verdict *helper_prog_verdict(const struct helper_prog *prog)
{
    return &prog->verdict;
}

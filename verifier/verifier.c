/* verifier/verifier.c - verifier_check: the phases in the kernel's order
 * (bpf_prog_load's size and privilege checks, then bpf_check: early insn
 * checks, subprograms, CFG, the path walk, stack depth) and the closing
 * statistics line of the log. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *verifier_priv_name(enum verifier_priv p)
{
    switch (p) {
    case VERIFIER_PRIV_ROOT: return "root";
    case VERIFIER_PRIV_BPF: return "bpf";
    case VERIFIER_PRIV_UNPRIV: return "unpriv";
    }
    return "?";
}

int verifier_priv_parse(const char *name)
{
    if (!strcmp(name, "root"))
        return VERIFIER_PRIV_ROOT;
    if (!strcmp(name, "bpf"))
        return VERIFIER_PRIV_BPF;
    if (!strcmp(name, "unpriv"))
        return VERIFIER_PRIV_UNPRIV;
    return -1;
}

void verifier_result_free(struct verifier_result *r)
{
    if (!r)
        return;
    free(r->log);
    r->log = NULL;
    r->log_len = 0;
    free(r->ctx_insns);
    r->ctx_insns = NULL;
}

/* A reject the kernel makes before verifying, with an empty log: our own
 * words in result.error. */
static int early_reject(struct venv *env, int code, const char *why)
{
    snprintf(env->res->error, sizeof(env->res->error), "%s", why);
    return code;
}

static bool is_perfmon_prog_type(uint32_t t)
{
    switch (t) {
    case BPF_PROG_TYPE_KPROBE: case BPF_PROG_TYPE_TRACEPOINT: case BPF_PROG_TYPE_PERF_EVENT:
    case BPF_PROG_TYPE_RAW_TRACEPOINT: case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
    case BPF_PROG_TYPE_TRACING: case BPF_PROG_TYPE_LSM: case BPF_PROG_TYPE_STRUCT_OPS:
    case BPF_PROG_TYPE_EXT:
        return true;
    default:
        return false;
    }
}

static int load_checks(struct venv *env)
{
    const struct verifier_opts *o = env->opts;
    if (env->len == 0)
        return early_reject(env, -EINVAL, "empty program");
    uint32_t max_len = o->priv == VERIFIER_PRIV_UNPRIV
                           ? (o->insn_limit ? o->insn_limit : VERIFIER_UNPRIV_INSN_LIMIT)
                           : VERIFIER_COMPLEXITY_LIMIT;
    if (env->len > max_len) {
        char why[128];
        snprintf(why, sizeof(why), "program of %u insns is too large (limit %u)", env->len,
                 max_len);
        return early_reject(env, -E2BIG, why);
    }
    if (o->priv == VERIFIER_PRIV_UNPRIV && o->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
        o->prog_type != BPF_PROG_TYPE_CGROUP_SKB)
        return early_reject(env, -EPERM, "this program type needs CAP_BPF");
    if (o->priv != VERIFIER_PRIV_ROOT && is_perfmon_prog_type(o->prog_type))
        return early_reject(env, -EPERM, "this program type needs CAP_PERFMON");
    return 0;
}

static int run(struct venv *env)
{
    int rc;
    if ((rc = v_add_subprogs(env)))
        return rc;
    if (env->log.level & 2)
        for (uint32_t i = 0; i < env->n_subprogs; i++)
            verbose(env, "func#%u @%u\n", i, env->subprogs[i].start);
    if ((rc = v_check_subprogs(env)))
        return rc;
    if ((rc = v_check_insns_early(env)))
        return rc;
    if ((rc = v_check_cfg(env)))
        return rc;
    if ((rc = v_compute_live_regs(env)))
        return rc;

    /* the main program's entry state: R1 = ctx, R10 = fp */
    struct vframe *f = v_frame_new();
    if (!f)
        return -ENOMEM;
    env->cur.frame[0] = f;
    env->cur.curframe = 0;
    v_init_frame(env, f, -1, 0, 0);
    f->regs[1].type = PTR_TO_CTX;
    v_mark_reg_known_zero(&f->regs[1]);
    v_mark_all_scratched(env);
    env->cur.branches = 1;
    env->cur.first_insn_idx = 0;
    env->cur.last_insn_idx = -1;
    env->explored = calloc(env->len, sizeof(*env->explored));
    if (!env->explored)
        return -ENOMEM;
    env->insn_idx = 0;
    rc = v_do_check(env);
    if (rc)
        return rc;
    if (env->log.level && !(env->log.level & 2))
        vlog_reset(&env->log, 0);
    return v_check_max_stack_depth(env);
}

int verifier_check(const struct vm_prog *prog, const struct verifier_opts *o,
                   struct verifier_result *r)
{
    memset(r, 0, sizeof(*r));
    r->error_pc = -1;
    struct venv *env = calloc(1, sizeof(*env));
    if (!env) {
        snprintf(r->error, sizeof(r->error), "out of memory");
        return -ENOMEM;
    }
    env->insns = prog->insns;
    env->len = prog->len;
    env->opts = o;
    env->res = r;
    env->error_pc = -1;
    env->bpf_capable = o->priv != VERIFIER_PRIV_UNPRIV;
    env->allow_ptr_leaks = o->priv == VERIFIER_PRIV_ROOT;
    env->allow_uninit_stack = env->allow_ptr_leaks;
    env->bypass_spec_v1 = env->allow_ptr_leaks;
    env->bypass_spec_v4 = env->allow_ptr_leaks;
    env->insn_limit = o->insn_limit && o->priv != VERIFIER_PRIV_UNPRIV ? o->insn_limit
                                                                        : VERIFIER_COMPLEXITY_LIMIT;
    vlog_init(&env->log, o->log_level & 3);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    int rc = load_checks(env);
    bool logged = false;
    if (!rc) {
        env->aux = calloc(env->len + 1, sizeof(*env->aux));
        rc = env->aux ? run(env) : -ENOMEM;
        logged = true;
    }
    if (!rc) {
        r->ctx_insns = calloc(env->len + 1, 1);
        if (!r->ctx_insns)
            rc = -ENOMEM;
        for (uint32_t i = 0; !rc && i < env->len; i++)
            r->ctx_insns[i] = env->aux[i].ctx_access;
    }
    if (rc == -ENOMEM && !r->error[0])
        snprintf(r->error, sizeof(r->error), "out of memory");
    r->accepted = rc == 0;
    r->error_pc = rc ? env->error_pc : -1;
    r->insns_processed = env->insns_processed;
    r->max_states_per_insn = env->res->max_states_per_insn;
    r->total_states = env->total_states;
    r->peak_states = env->peak_states;
    if (logged && o->log_level) {
        env->log.level = o->log_level;
        if (o->log_level & 4) {
            /* BPF_LOG_STATS: our own verification time */
            clock_gettime(CLOCK_MONOTONIC, &t1);
            long long us = (t1.tv_sec - t0.tv_sec) * 1000000ll + (t1.tv_nsec - t0.tv_nsec) / 1000;
            verbose(env, "verification time %lld usec\n", us);
            verbose(env, "stack depth ");
            for (uint32_t i = 0; i < env->n_subprogs; i++)
                verbose(env, "%u%s", env->subprogs[i].stack_depth,
                        i + 1 < env->n_subprogs ? "+" : "");
            if (!env->n_subprogs)
                verbose(env, "0");
            verbose(env, "\n");
        }
        verbose(env, "processed %u insns (limit %u) max_states_per_insn %u total_states %u "
                     "peak_states %u mark_read %u\n",
                env->insns_processed, VERIFIER_COMPLEXITY_LIMIT, r->max_states_per_insn,
                r->total_states, r->peak_states, 0u);
    }
    if (o->log_level) {
        if (env->log.oom && rc == 0) {
            rc = -ENOMEM;
            r->accepted = false;
            snprintf(r->error, sizeof(r->error), "out of memory for the log");
        }
        r->log = env->log.buf ? env->log.buf : calloc(1, 1);
        if (env->log.buf)
            env->log.buf[env->log.len] = '\0';
        r->log_len = env->log.len;
        env->log.buf = NULL;
    }
    vlog_free(&env->log);
    v_free_explored(env);
    v_state_free(&env->cur);
    for (uint32_t i = 0; i < env->stack_cap; i++)
        v_state_free(&env->stack[i].st);
    free(env->stack);
    free(env->aux);
    free(env);
    return rc;
}

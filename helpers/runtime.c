/* helpers/runtime.c - an object instantiated: maps created and filled,
 * programs relocated to them, helpers bound. */
#include "helpers/helpers_internal.h"
#include "jit/jit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int find_map_def(const struct vm_object *obj, const char *name)
{
    for (uint32_t i = 0; i < obj->n_maps; i++)
        if (strcmp(obj->maps[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Does BTF type `id` hold a struct bpf_spin_lock (directly or in a
 * nested struct)? The kernel finds it the same way (btf_record). */
static bool has_spin_lock(const struct vm_object *obj, uint32_t id, int depth)
{
    struct vm_btf_type t;
    if (!id || depth > 8 || vm_btf_type(obj, id, &t) || t.kind != VM_BTF_STRUCT)
        return false;
    if (!strcmp(t.name, "bpf_spin_lock"))
        return true;
    for (uint32_t i = 0; i < t.vlen; i++) {
        struct vm_btf_member mb;
        if (!vm_btf_member(obj, t.id, i, &mb) && has_spin_lock(obj, mb.type, depth + 1))
            return true;
    }
    return false;
}

static int create_maps(struct helper_env *env, char *err, size_t errlen)
{
    const struct vm_object *obj = env->obj;
    uint32_t ncpus = env->opts.ncpus;
    env->attrs = calloc(obj->n_maps ? obj->n_maps : 1, sizeof(*env->attrs));
    env->maps = calloc(obj->n_maps ? obj->n_maps : 1, sizeof(*env->maps));
    if (!env->attrs || !env->maps)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        const struct vm_map_def *d = &obj->maps[i];
        struct maps_attr *a = &env->attrs[i];
        a->type = d->type;
        a->key_size = d->key_size;
        a->value_size = d->value_size;
        a->max_entries = d->max_entries;
        a->map_flags = d->map_flags;
        a->ncpus = ncpus;
        a->has_spin_lock = has_spin_lock(obj, d->btf_value_type_id, 0);
        snprintf(a->name, sizeof(a->name), "%s", d->name);
        /* what libbpf adjusts before BPF_MAP_CREATE */
        if (a->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && a->max_entries == 0)
            a->max_entries = ncpus;
        if (a->type == BPF_MAP_TYPE_RINGBUF) {
            uint32_t sz = 4096;
            while (sz < a->max_entries && sz < (1u << 30))
                sz <<= 1;
            a->max_entries = sz;
        }
    }
    for (uint32_t i = 0; i < obj->n_maps; i++)
        if (obj->maps[i].inner >= 0 && (uint32_t)obj->maps[i].inner < obj->n_maps)
            env->attrs[i].inner = &env->attrs[obj->maps[i].inner];
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        const struct vm_map_def *d = &obj->maps[i];
        if (d->is_inner)
            continue;
        char merr[VM_ERR_LEN];
        int rc = maps_create(&env->attrs[i], &env->maps[i], merr, sizeof merr);
        if (rc)
            return helper_err(err, errlen, rc, "map '%s': %s", d->name, merr);
        if (d->data) {
            uint32_t zero = 0;
            rc = maps_user_update(env->maps[i], &zero, d->data, BPF_ANY);
            if (rc)
                return helper_err(err, errlen, rc, "map '%s': initial value: %s", d->name,
                               strerror(-rc));
        }
    }
    return 0;
}

/* Map-in-map and prog-array slots the object initialises. */
static int fill_inits(struct helper_env *env, char *err, size_t errlen)
{
    const struct vm_object *obj = env->obj;
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        const struct vm_map_def *d = &obj->maps[i];
        for (uint32_t k = 0; k < d->n_inits && env->maps[i]; k++) {
            const char *t = d->inits[k].target;
            int rc;
            if (d->type == BPF_MAP_TYPE_PROG_ARRAY) {
                struct helper_prog *p = helper_env_prog(env, t);
                if (!p)
                    return helper_err(err, errlen, -ENOENT,
                                   "map '%s': slot %u names program '%s', which the object lacks",
                                   d->name, d->inits[k].key, t);
                rc = maps_prog_array_set(env->maps[i], d->inits[k].key, p);
            } else {
                int m = find_map_def(obj, t);
                if (m < 0 || !env->maps[m])
                    return helper_err(err, errlen, -ENOENT,
                                   "map '%s': slot %u names map '%s', which the object lacks",
                                   d->name, d->inits[k].key, t);
                rc = maps_inner_set(env->maps[i], &d->inits[k].key, env->maps[m]);
            }
            if (rc)
                return helper_err(err, errlen, rc, "map '%s': slot %u: %s", d->name,
                               d->inits[k].key, strerror(-rc));
        }
    }
    return 0;
}

static int collect_regions(struct helper_env *env, char *err, size_t errlen)
{
    struct vm_region tmp[16];
    for (uint32_t i = 0; i < env->obj->n_maps; i++) {
        if (!env->maps[i])
            continue;
        unsigned n = maps_regions(env->maps[i], tmp, 16);
        struct vm_region *grown = realloc(env->map_regions,
                                          (env->n_map_regions + n + 1) * sizeof(*grown));
        if (!grown)
            return helper_err(err, errlen, -ENOMEM, "out of memory");
        env->map_regions = grown;
        for (unsigned k = 0; k < n; k++) {
            if (env->obj->maps[i].readonly)
                tmp[k].flags &= ~VM_REGION_WRITE;
            env->map_regions[env->n_map_regions++] = tmp[k];
        }
    }
    return 0;
}

/* Point each lddw of a map at the map (or into its value). */
static int relocate(struct helper_env *env, struct helper_prog *hp, char *err, size_t errlen)
{
    const struct vm_obj_prog *info = hp->info;
    struct vm_prog *code = hp->code;
    for (uint32_t r = 0; r < info->n_relocs; r++) {
        const struct vm_map_reloc *rel = &info->relocs[r];
        if (rel->insn + 1 >= code->len || rel->map >= env->obj->n_maps || !env->maps[rel->map])
            return helper_err(err, errlen, -EINVAL, "program '%s': bad map relocation at insn %u",
                           info->name, rel->insn);
        uint64_t addr = (uintptr_t)env->maps[rel->map];
        if (rel->value) {
            uint32_t zero = 0;
            uint8_t *v = maps_elem_lookup(env->maps[rel->map], &zero, 0);
            if (!v || rel->offset >= env->attrs[rel->map].value_size)
                return helper_err(err, errlen, -EINVAL,
                               "program '%s': insn %u: offset %u outside map '%s''s value",
                               info->name, rel->insn, rel->offset, env->obj->maps[rel->map].name);
            addr = (uintptr_t)(v + rel->offset);
        }
        code->insns[rel->insn].imm = (int32_t)(uint32_t)addr;
        code->insns[rel->insn + 1].imm = (int32_t)(uint32_t)(addr >> 32);
    }
    return 0;
}

/* For the JIT (vm_set_helper_inline): bpf_map_lookup_elem on an array map
 * of this object is an index computation, as the kernel inlines it. Only
 * while our own helper is the registered one (not a mock). */
static bool describe_inline(const struct vm *vm, uint32_t id, uint64_t arg1,
                            struct vm_helper_inline *out, void *data)
{
    struct helper_env *env = data;
    const struct helper_proto *p = helper_proto(BPF_FUNC_map_lookup_elem);
    if (id != BPF_FUNC_map_lookup_elem || !p || vm_get_helper(vm, id) != p->fn)
        return false;
    for (uint32_t i = 0; i < env->obj->n_maps; i++) {
        uintptr_t values;
        uint32_t max, stride;
        if (env->maps[i] && (uintptr_t)env->maps[i] == arg1 &&
            maps_array_layout(env->maps[i], &values, &max, &stride)) {
            *out = (struct vm_helper_inline){.kind = VM_INLINE_ARRAY_LOOKUP, .max_entries = max,
                                             .base = values, .stride = stride,
                                             .value_size = maps_get_attr(env->maps[i])->value_size};
            return true;
        }
    }
    return false;
}

/* Every helper a program calls must exist and be allowed for its type:
 * known at load, never discovered mid-run. */
static int bind_helpers(struct helper_env *env, struct helper_prog *hp, char *err, size_t errlen)
{
    const struct vm_prog *code = hp->code;
    for (uint32_t i = 0; i < code->len; i++) {
        const struct bpf_insn *in = &code->insns[i];
        if (vm_insn_is_lddw(in)) {
            i++;
            continue;
        }
        if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != 0)
            continue;
        const struct helper_proto *p = helper_proto(in->imm);
        const char *name = vm_helper_name(in->imm);
        if (!p && !(in->imm >= 0 && in->imm < (int32_t)VM_MAX_HELPER_ID && env->overrides[in->imm]))
            return helper_err(err, errlen, -ENOTSUP,
                           "program '%s': insn %u calls helper %s#%d, which bpfemu does not implement",
                           hp->info->name, i, name ? name : "unknown", in->imm);
        if (p && p->prog_types && hp->prog_type < 64 &&
            !(p->prog_types & (1ull << hp->prog_type)))
            return helper_err(err, errlen, -EINVAL,
                           "program '%s': insn %u: helper %s#%d is not available to this program type",
                           hp->info->name, i, name ? name : "unknown", in->imm);
        if (p && p->gpl_only && !strstr(env->obj->license, "GPL") &&
            strcmp(env->obj->license, "Dual BSD/GPL") != 0)
            return helper_err(err, errlen, -EINVAL,
                           "program '%s': insn %u: cannot call GPL-restricted function %s from non-GPL program (license '%s')",
                           hp->info->name, i, name ? name : "unknown", env->obj->license);
    }
    for (int32_t id = 0; id < (int32_t)VM_MAX_HELPER_ID; id++) {
        const struct helper_proto *p = helper_proto(id);
        vm_helper_fn fn = env->overrides[id] ? env->overrides[id] : p ? p->fn : NULL;
        if (fn)
            vm_register_helper(hp->vm, (uint32_t)id, vm_helper_name(id), fn);
    }
    vm_set_helper_inline(hp->vm, describe_inline, env);
    /* the program types the kernel's verifier lets use ld_abs/ld_ind */
    if (hp->prog_type == BPF_PROG_TYPE_SOCKET_FILTER || hp->prog_type == BPF_PROG_TYPE_SCHED_CLS ||
        hp->prog_type == BPF_PROG_TYPE_SCHED_ACT)
        vm_set_ld_pkt(hp->vm, helper_skb_ld_pkt);
    return 0;
}

/* Sections libbpf cannot type ("xdp/icmp", Cilium's "1/7") hold tail-call
 * targets: tc and the kernel's prog arrays give them the type of the
 * programs that call them. Do the same when the typed programs agree. */
static int infer_types(struct helper_env *env, char *err, size_t errlen)
{
    uint32_t common = BPF_PROG_TYPE_UNSPEC;
    bool agree = true;
    for (uint32_t i = 0; i < env->n_progs; i++) {
        uint32_t t = env->progs[i].info->prog_type;
        env->progs[i].prog_type = t;
        if (t == BPF_PROG_TYPE_UNSPEC)
            continue;
        if (common != BPF_PROG_TYPE_UNSPEC && common != t)
            agree = false;
        common = t;
    }
    for (uint32_t i = 0; i < env->n_progs; i++) {
        if (env->progs[i].prog_type != BPF_PROG_TYPE_UNSPEC)
            continue;
        if (env->opts.default_prog_type)
            env->progs[i].prog_type = env->opts.default_prog_type;
        else if (common != BPF_PROG_TYPE_UNSPEC && agree)
            env->progs[i].prog_type = common;
        else
            return helper_err(err, errlen, -EINVAL,
                           "program '%s' in section '%s': the section names no program type and "
                           "the object's other programs do not agree on one",
                           env->progs[i].info->name, env->progs[i].info->section);
    }
    return 0;
}

static int create_progs(struct helper_env *env, char *err, size_t errlen)
{
    const struct vm_object *obj = env->obj;
    env->progs = calloc(obj->n_progs ? obj->n_progs : 1, sizeof(*env->progs));
    if (!env->progs)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    env->n_progs = obj->n_progs;
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        env->progs[i].env = env;
        env->progs[i].info = &obj->progs[i];
    }
    int trc = infer_types(env, err, errlen);
    if (trc)
        return trc;
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        struct helper_prog *hp = &env->progs[i];
        const struct vm_prog *src = hp->info->prog;
        int rc = vm_prog_from_bytes(src->insns, (size_t)src->len * 8, hp->info->name, &hp->code,
                                    err, errlen);
        if (rc || (rc = relocate(env, hp, err, errlen)))
            return rc;
        char verr[VM_ERR_LEN];
        rc = vm_create(hp->code, &hp->vm, verr, sizeof verr);
        if (rc)
            return helper_err(err, errlen, rc, "program '%s': %s", hp->info->name, verr);
        if (env->opts.budget)
            vm_set_budget(hp->vm, env->opts.budget);
        if ((rc = bind_helpers(env, hp, err, errlen)))
            return rc;
        /* helpers are called through the VM's table: overrides set later
         * reach JIT-compiled code too */
        if (env->opts.jit && (rc = jit_compile(hp->vm, env->opts.jit, verr, sizeof verr)))
            return helper_err(err, errlen, rc, "program '%s': %s", hp->info->name, verr);
    }
    return 0;
}

int helper_env_create(const struct vm_object *obj, const struct helper_env_opts *opts,
                      struct helper_env **out, char *err, size_t errlen)
{
    *out = NULL;
    struct helper_env *env = calloc(1, sizeof(*env));
    if (!env)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    env->obj = obj;
    if (opts)
        env->opts = *opts;
    if (!env->opts.ncpus)
        env->opts.ncpus = 1;
    if (!env->opts.clock_ns)
        env->opts.clock_ns = 1000000000ull;
    if (!env->opts.clock_step_ns)
        env->opts.clock_step_ns = 1000;
    if (!env->opts.prng_seed)
        env->opts.prng_seed = 1;
    if (!env->opts.task_given) {
        env->opts.pid = env->opts.tgid = 4242;
        env->opts.uid = env->opts.gid = 0;
        snprintf(env->opts.comm, sizeof(env->opts.comm), "bpfemu");
    }
    env->opts.comm[sizeof(env->opts.comm) - 1] = 0;
    env->prng = env->opts.prng_seed;
    pthread_mutex_init(&env->lock, NULL);
    int rc = create_maps(env, err, errlen);
    if (!rc)
        rc = create_progs(env, err, errlen);
    if (!rc)
        rc = fill_inits(env, err, errlen);
    if (!rc)
        rc = collect_regions(env, err, errlen);
    if (rc) {
        helper_env_destroy(env);
        return rc;
    }
    *out = env;
    return 0;
}

void helper_env_destroy(struct helper_env *env)
{
    if (!env)
        return;
    for (uint32_t i = 0; i < env->n_progs; i++) {
        vm_destroy(env->progs[i].vm);
        vm_prog_free(env->progs[i].code);
    }
    free(env->progs);
    for (uint32_t i = 0; env->maps && i < env->obj->n_maps; i++)
        maps_destroy(env->maps[i]);
    free(env->maps);
    free(env->attrs);
    free(env->map_regions);
    free(env->calls);
    pthread_mutex_destroy(&env->lock);
    free(env);
}

int helper_env_set_jit(struct helper_env *env, unsigned jit, char *err, size_t errlen)
{
    for (uint32_t i = 0; i < env->n_progs; i++) {
        struct helper_prog *hp = &env->progs[i];
        if (!jit) {
            jit_detach(hp->vm);
            continue;
        }
        char jerr[VM_ERR_LEN];
        int rc = jit_compile(hp->vm, jit, jerr, sizeof jerr);
        if (rc)
            return helper_err(err, errlen, rc, "program '%s': %s", hp->info->name, jerr);
    }
    env->opts.jit = jit;
    return 0;
}

struct helper_prog *helper_env_prog(struct helper_env *env, const char *name)
{
    for (uint32_t i = 0; i < env->n_progs; i++)
        if (strcmp(env->progs[i].info->name, name) == 0)
            return &env->progs[i];
    for (uint32_t i = 0; i < env->n_progs; i++)
        if (strcmp(env->progs[i].info->section, name) == 0)
            return &env->progs[i];
    return NULL;
}

struct maps_map *helper_env_map(struct helper_env *env, const char *name)
{
    int i = find_map_def(env->obj, name);
    return i < 0 ? NULL : env->maps[i];
}

uint32_t helper_env_map_count(const struct helper_env *env) { return env->obj->n_maps; }
const struct vm_object *helper_env_object(const struct helper_env *env) { return env->obj; }

struct maps_map *helper_env_map_at(struct helper_env *env, uint32_t i, const char **name)
{
    if (i >= env->obj->n_maps)
        return NULL;
    if (name)
        *name = env->obj->maps[i].name;
    return env->maps[i];
}

const struct vm_obj_prog *helper_prog_info(const struct helper_prog *prog) { return prog->info; }
uint32_t helper_prog_type(const struct helper_prog *prog) { return prog->prog_type; }
struct vm *helper_prog_vm(struct helper_prog *prog) { return prog->vm; }

int helper_env_coverage_enable(struct helper_env *env)
{
    for (uint32_t i = 0; i < env->n_progs; i++) {
        int rc = vm_coverage_enable(env->progs[i].vm);
        if (rc)
            return rc;
    }
    return 0;
}

int helper_env_override(struct helper_env *env, int32_t id, vm_helper_fn fn, void *user)
{
    if (id < 0 || id >= (int32_t)VM_MAX_HELPER_ID)
        return -EINVAL;
    env->overrides[id] = fn;
    if (user)
        env->override_user = user;
    for (uint32_t i = 0; i < env->n_progs; i++) {
        const struct helper_proto *p = helper_proto(id);
        vm_helper_fn f = fn ? fn : p ? p->fn : NULL;
        vm_register_helper(env->progs[i].vm, (uint32_t)id, vm_helper_name(id), f);
    }
    return 0;
}

void *helper_run_user(struct vm_run *run) { return helper_cc(run)->env->override_user; }

void helper_env_record_calls(struct helper_env *env, bool on) { env->record = on; }

const struct helper_call_record *helper_env_calls(const struct helper_env *env, size_t *count)
{
    *count = env->n_calls;
    return env->calls;
}

void helper_env_clear_calls(struct helper_env *env)
{
    pthread_mutex_lock(&env->lock);
    env->n_calls = 0;
    pthread_mutex_unlock(&env->lock);
}

void helper_record_call(struct vm_run *run, uint32_t id, const uint64_t args[5], uint64_t ret)
{
    struct helper_env *env = helper_cc(run)->env;
    pthread_mutex_lock(&env->lock);
    if (env->n_calls == env->cap_calls) {
        size_t cap = env->cap_calls ? env->cap_calls * 2 : 64;
        struct helper_call_record *c = realloc(env->calls, cap * sizeof(*c));
        if (!c) {
            pthread_mutex_unlock(&env->lock);
            return;
        }
        env->calls = c;
        env->cap_calls = cap;
    }
    struct helper_call_record *r = &env->calls[env->n_calls++];
    r->helper_id = id;
    memcpy(r->args, args, sizeof(r->args));
    r->ret = ret;
    pthread_mutex_unlock(&env->lock);
}

uint64_t helper_env_next_prandom(struct helper_env *env)
{
    /* xorshift64*: deterministic from the seed */
    pthread_mutex_lock(&env->lock);
    uint64_t x = env->prng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    env->prng = x;
    pthread_mutex_unlock(&env->lock);
    return x * 0x2545F4914F6CDD1Dull;
}

struct maps_map *helper_arg_map(struct vm_run *run, uint64_t ptr)
{
    struct helper_env *env = helper_cc(run)->env;
    for (uint32_t i = 0; i < env->obj->n_maps; i++)
        if (env->maps[i] && (uintptr_t)env->maps[i] == ptr)
            return env->maps[i];
    /* inner maps reached through map-in-map lookups are env maps too */
    vm_run_fault(run, -EFAULT, "helper argument 0x%llx is not a map", (unsigned long long)ptr);
    return NULL;
}

bool helper_arg_mem(struct vm_run *run, uint64_t ptr, uint64_t len, bool write, const char *what)
{
    if (len == 0 || vm_run_mem_ok(run, ptr, len, write ? VM_REGION_WRITE : VM_REGION_READ))
        return true;
    vm_run_fault(run, -EFAULT, "helper argument %s: %s of %llu bytes at 0x%llx is not accessible",
                 what, write ? "write" : "read", (unsigned long long)len, (unsigned long long)ptr);
    return false;
}

void helper_trace_append(struct helper_call_ctx *cc, const char *s, size_t n)
{
    if (cc->trace_len + n + 1 > cc->trace_cap) {
        size_t cap = (cc->trace_cap ? cc->trace_cap * 2 : 256) + n;
        char *t = realloc(cc->trace, cap);
        if (!t)
            return;
        cc->trace = t;
        cc->trace_cap = cap;
    }
    memcpy(cc->trace + cc->trace_len, s, n);
    cc->trace_len += n;
    cc->trace[cc->trace_len] = 0;
}

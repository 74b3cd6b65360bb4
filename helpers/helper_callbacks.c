/* helpers/helper_callbacks.c - helpers that call back into the program:
 * bpf_loop and bpf_for_each_map_elem. The callback is a subprogram whose
 * address the program loaded with a BPF_PSEUDO_FUNC lddw (VM_FUNC_TAG);
 * it runs on the same run, in a frame below the caller's. */
#include "helpers/helper_fns.h"

#include <errno.h>
#include <string.h>

#define LOOP_MAX (1u << 23) /* BPF_MAX_LOOPS */

static bool callback_slot(struct vm_run *run, uint64_t fn, uint32_t *insn)
{
    if ((fn >> 32) != VM_FUNC_TAG) {
        vm_run_fault(run, -EINVAL, "callback argument 0x%llx is not a function pointer",
                     (unsigned long long)fn);
        return false;
    }
    *insn = (uint32_t)fn;
    return true;
}

HELPER_FN(loop)
{
    uint32_t insn;
    if (!callback_slot(run, r2, &insn))
        return 0;
    if (r4)
        return (uint64_t)-EINVAL;
    if (r1 > LOOP_MAX)
        return (uint64_t)-E2BIG;
    for (uint64_t i = 0; i < r1; i++) {
        uint64_t args[5] = {i, r3, 0, 0, 0}, ret;
        if (vm_run_callback(run, insn, args, &ret))
            return 0;
        if (ret == 1)
            return i + 1;
    }
    return r1;
}

HELPER_FN(for_each_map_elem)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct maps_map *m = helper_arg_map(run, r1);
    uint32_t insn;
    if (!m || !callback_slot(run, r2, &insn))
        return 0;
    if (r4)
        return (uint64_t)-EINVAL;
    const struct maps_attr *a = maps_get_attr(m);
    if (a->key_size > sizeof(cc->cb_key))
        return (uint64_t)-EINVAL;
    /* the key lives in the call context's scratch (a read-only region) */
    uint8_t next[sizeof(cc->cb_key)];
    bool have = false;
    uint64_t n = 0;
    while (maps_user_next_key(m, have ? cc->cb_key : NULL, next) == 0) {
        memcpy(cc->cb_key, next, a->key_size);
        have = true;
        void *value = maps_elem_lookup(m, cc->cb_key, cc->cpu);
        if (!value)
            continue;
        uint64_t args[5] = {r1, (uintptr_t)cc->cb_key, (uintptr_t)value, r3, 0}, ret;
        n++;
        if (vm_run_callback(run, insn, args, &ret))
            return 0;
        if (ret == 1)
            break;
    }
    return n;
}

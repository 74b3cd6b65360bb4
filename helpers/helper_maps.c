/* helpers/helper_maps.c - the map helpers: each checks its map and memory
 * arguments (checked mode), then calls the map's program-side operation. */
#include "helpers/helper_fns.h"

#include <errno.h>
#include <string.h>

#define MAP_OR_FAIL(m, ptr)                                                    \
    struct maps_map *m = helper_arg_map(run, (ptr));                          \
    if (!m)                                                                    \
        return 0

HELPER_FN(map_lookup_elem)
{
    MAP_OR_FAIL(m, r1);
    const struct maps_attr *a = maps_get_attr(m);
    if (!helper_arg_mem(run, r2, a->key_size, false, "key"))
        return 0;
    return (uintptr_t)maps_elem_lookup(m, (const void *)(uintptr_t)r2, helper_cc(run)->cpu);
}

HELPER_FN(map_update_elem)
{
    MAP_OR_FAIL(m, r1);
    const struct maps_attr *a = maps_get_attr(m);
    if (!helper_arg_mem(run, r2, a->key_size, false, "key") ||
        !helper_arg_mem(run, r3, a->value_size, false, "value"))
        return 0;
    return (uint64_t)maps_elem_update(m, (const void *)(uintptr_t)r2, (const void *)(uintptr_t)r3,
                                      r4, helper_cc(run)->cpu);
}

HELPER_FN(map_delete_elem)
{
    MAP_OR_FAIL(m, r1);
    if (!helper_arg_mem(run, r2, maps_get_attr(m)->key_size, false, "key"))
        return 0;
    return (uint64_t)maps_elem_delete(m, (const void *)(uintptr_t)r2);
}

HELPER_FN(map_push_elem)
{
    MAP_OR_FAIL(m, r1);
    if (!helper_arg_mem(run, r2, maps_get_attr(m)->value_size, false, "value"))
        return 0;
    return (uint64_t)maps_elem_push(m, (const void *)(uintptr_t)r2, r3);
}

HELPER_FN(map_pop_elem)
{
    MAP_OR_FAIL(m, r1);
    if (!helper_arg_mem(run, r2, maps_get_attr(m)->value_size, true, "value"))
        return 0;
    return (uint64_t)maps_elem_pop(m, (void *)(uintptr_t)r2);
}

HELPER_FN(map_peek_elem)
{
    MAP_OR_FAIL(m, r1);
    if (!helper_arg_mem(run, r2, maps_get_attr(m)->value_size, true, "value"))
        return 0;
    return (uint64_t)maps_elem_peek(m, (void *)(uintptr_t)r2);
}

HELPER_FN(ringbuf_output)
{
    MAP_OR_FAIL(m, r1);
    if (!helper_arg_mem(run, r2, r3, false, "data"))
        return 0;
    return (uint64_t)maps_ringbuf_output(m, (const void *)(uintptr_t)r2, r3, r4);
}

HELPER_FN(ringbuf_reserve)
{
    MAP_OR_FAIL(m, r1);
    return (uintptr_t)maps_ringbuf_reserve(m, r2, r3);
}

/* The ring a record belongs to: the ringbuf map whose region holds it. */
static struct maps_map *ring_of(struct vm_run *run, uint64_t data)
{
    struct helper_env *env = helper_cc(run)->env;
    struct vm_region r[4];
    for (uint32_t i = 0; i < env->obj->n_maps; i++) {
        struct maps_map *m = env->maps[i];
        if (!m || maps_get_attr(m)->type != BPF_MAP_TYPE_RINGBUF)
            continue;
        unsigned n = maps_regions(m, r, 4);
        for (unsigned k = 0; k < n; k++)
            if (data >= r[k].start && data < r[k].end)
                return m;
    }
    vm_run_fault(run, -EFAULT, "ringbuf record 0x%llx was not returned by bpf_ringbuf_reserve",
                 (unsigned long long)data);
    return NULL;
}

HELPER_FN(ringbuf_submit)
{
    struct maps_map *m = ring_of(run, r1);
    if (m)
        maps_ringbuf_submit(m, (void *)(uintptr_t)r1, r2);
    return 0;
}

HELPER_FN(ringbuf_discard)
{
    struct maps_map *m = ring_of(run, r1);
    if (m)
        maps_ringbuf_discard(m, (void *)(uintptr_t)r1, r2);
    return 0;
}

HELPER_FN(ringbuf_query)
{
    MAP_OR_FAIL(m, r1);
    (void)m;
    return 0; /* BPF_RB_AVAIL_DATA etc.: nothing pending between runs */
}

HELPER_FN(perf_event_output)
{
    MAP_OR_FAIL(m, r2);
    if (!helper_arg_mem(run, r4, r5, false, "data"))
        return 0;
    uint64_t index = r3 & BPF_F_INDEX_MASK;
    if (r3 & ~(BPF_F_INDEX_MASK | BPF_F_CTXLEN_MASK))
        return (uint64_t)-EINVAL;
    if (index == BPF_F_INDEX_MASK)
        index = helper_cc(run)->cpu; /* BPF_F_CURRENT_CPU */
    return (uint64_t)maps_perf_output(m, (uint32_t)index, (const void *)(uintptr_t)r4, r5);
}

HELPER_FN(tail_call)
{
    MAP_OR_FAIL(m, r2);
    if (maps_get_attr(m)->type != BPF_MAP_TYPE_PROG_ARRAY) {
        vm_run_fault(run, -EINVAL, "bpf_tail_call: map is not a prog array");
        return 0;
    }
    struct helper_prog *next = maps_prog_array_get(m, (uint32_t)r3);
    if (r3 > UINT32_MAX || !next || run->tail_calls >= VM_MAX_TAIL_CALLS)
        return (uint64_t)-ENOENT; /* the kernel falls through to the next insn */
    helper_cc(run)->prog = next;
    vm_run_tail_call(run, next->vm, r1);
    return 0;
}

/* Spin locks: runs of one program on one thread need no lock; replay's
 * threads take the map's own locks inside maps_elem_*. A struct
 * bpf_spin_lock word is still flipped so a program can observe it. */
HELPER_FN(spin_lock)
{
    if (!helper_arg_mem(run, r1, 4, true, "lock"))
        return 0;
    uint32_t *w = (uint32_t *)(uintptr_t)r1;
    uint32_t expected = 0;
    /* bounded: a lock taken twice by one program must not hang the host */
    for (uint64_t spins = 0; spins < 100000000u; spins++) {
        if (__atomic_compare_exchange_n(w, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return 0;
        expected = 0;
    }
    vm_run_fault(run, -EDEADLK, "bpf_spin_lock: the lock is never released (deadlock)");
    return 0;
}

HELPER_FN(spin_unlock)
{
    if (!helper_arg_mem(run, r1, 4, true, "lock"))
        return 0;
    __atomic_store_n((uint32_t *)(uintptr_t)r1, 0, __ATOMIC_RELEASE);
    return 0;
}

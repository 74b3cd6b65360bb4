/* verifier/map_func.c - which helpers a map may be passed to (the kernel's
 * check_map_func_compatibility): a map type that only some helpers serve
 * (prog arrays, perf event arrays, ring buffers, queues, devmaps...), and
 * helpers that serve only some map types (tail_call, redirect_map,
 * ringbuf_*, map_pop_elem...). Both directions are checked: a prototype's
 * ARG_CONST_MAP_PTR accepts any map, so without this a bpf_redirect_map
 * on a hash map or a lookup in a prog array would pass. Socket maps take
 * their helpers, and map_update/delete_elem where may_update_sockmap
 * allows them; a program's lookup in one (a referenced socket pointer) is
 * refused as not modelled. Local storages are not modelled. */
#include "verifier/verifier_int.h"

#include <errno.h>

static bool one_of(int32_t id, const int32_t *ids, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

#define ONE_OF(id, ...) \
    one_of((id), (const int32_t[]){__VA_ARGS__}, sizeof((int32_t[]){__VA_ARGS__}) / sizeof(int32_t))

/* The helpers a map of this type may be given to; true when any may. */
static bool map_allows(uint32_t type, int32_t id)
{
    switch (type) {
    case BPF_MAP_TYPE_PROG_ARRAY:
        return id == BPF_FUNC_tail_call;
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
        return ONE_OF(id, BPF_FUNC_perf_event_read, BPF_FUNC_perf_event_output,
                      BPF_FUNC_skb_output, BPF_FUNC_perf_event_read_value, BPF_FUNC_xdp_output);
    case BPF_MAP_TYPE_RINGBUF:
        return ONE_OF(id, BPF_FUNC_ringbuf_output, BPF_FUNC_ringbuf_reserve,
                      BPF_FUNC_ringbuf_query, BPF_FUNC_ringbuf_reserve_dynptr,
                      BPF_FUNC_user_ringbuf_drain);
    case BPF_MAP_TYPE_USER_RINGBUF:
        return id == BPF_FUNC_user_ringbuf_drain;
    case BPF_MAP_TYPE_STACK_TRACE:
        return id == BPF_FUNC_get_stackid;
    case BPF_MAP_TYPE_CGROUP_ARRAY:
        return ONE_OF(id, BPF_FUNC_skb_under_cgroup, BPF_FUNC_current_task_under_cgroup);
    case BPF_MAP_TYPE_CGROUP_STORAGE:
    case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
        return id == BPF_FUNC_get_local_storage;
    case BPF_MAP_TYPE_DEVMAP:
    case BPF_MAP_TYPE_DEVMAP_HASH:
    case BPF_MAP_TYPE_XSKMAP:
        return ONE_OF(id, BPF_FUNC_redirect_map, BPF_FUNC_map_lookup_elem);
    case BPF_MAP_TYPE_CPUMAP:
        return id == BPF_FUNC_redirect_map;
    case BPF_MAP_TYPE_ARRAY_OF_MAPS:
    case BPF_MAP_TYPE_HASH_OF_MAPS:
        return id == BPF_FUNC_map_lookup_elem;
    case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
        return id == BPF_FUNC_sk_select_reuseport;
    case BPF_MAP_TYPE_QUEUE:
    case BPF_MAP_TYPE_STACK:
        return ONE_OF(id, BPF_FUNC_map_peek_elem, BPF_FUNC_map_pop_elem, BPF_FUNC_map_push_elem);
    case BPF_MAP_TYPE_BLOOM_FILTER:
        return ONE_OF(id, BPF_FUNC_map_peek_elem, BPF_FUNC_map_push_elem);
    default:
        return true;
    }
}

/* The map types this helper serves; true for helpers that take any. */
static bool func_allows(int32_t id, uint32_t type)
{
    switch (id) {
    case BPF_FUNC_tail_call:
        return type == BPF_MAP_TYPE_PROG_ARRAY;
    case BPF_FUNC_perf_event_read: case BPF_FUNC_perf_event_output:
    case BPF_FUNC_perf_event_read_value: case BPF_FUNC_skb_output: case BPF_FUNC_xdp_output:
        return type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
    case BPF_FUNC_ringbuf_output: case BPF_FUNC_ringbuf_reserve: case BPF_FUNC_ringbuf_query:
    case BPF_FUNC_ringbuf_reserve_dynptr: case BPF_FUNC_ringbuf_submit_dynptr:
    case BPF_FUNC_ringbuf_discard_dynptr:
        return type == BPF_MAP_TYPE_RINGBUF;
    case BPF_FUNC_user_ringbuf_drain:
        return type == BPF_MAP_TYPE_USER_RINGBUF;
    case BPF_FUNC_get_stackid:
        return type == BPF_MAP_TYPE_STACK_TRACE;
    case BPF_FUNC_current_task_under_cgroup: case BPF_FUNC_skb_under_cgroup:
        return type == BPF_MAP_TYPE_CGROUP_ARRAY;
    case BPF_FUNC_redirect_map:
        return type == BPF_MAP_TYPE_DEVMAP || type == BPF_MAP_TYPE_DEVMAP_HASH ||
               type == BPF_MAP_TYPE_CPUMAP || type == BPF_MAP_TYPE_XSKMAP;
    case BPF_FUNC_sk_redirect_map: case BPF_FUNC_msg_redirect_map: case BPF_FUNC_sock_map_update:
        return type == BPF_MAP_TYPE_SOCKMAP;
    case BPF_FUNC_sk_redirect_hash: case BPF_FUNC_msg_redirect_hash:
    case BPF_FUNC_sock_hash_update:
        return type == BPF_MAP_TYPE_SOCKHASH;
    case BPF_FUNC_get_local_storage:
        return type == BPF_MAP_TYPE_CGROUP_STORAGE || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
    case BPF_FUNC_sk_select_reuseport:
        return type == BPF_MAP_TYPE_REUSEPORT_SOCKARRAY || type == BPF_MAP_TYPE_SOCKMAP ||
               type == BPF_MAP_TYPE_SOCKHASH;
    case BPF_FUNC_map_pop_elem:
        return type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK;
    case BPF_FUNC_map_peek_elem: case BPF_FUNC_map_push_elem:
        return type == BPF_MAP_TYPE_QUEUE || type == BPF_MAP_TYPE_STACK ||
               type == BPF_MAP_TYPE_BLOOM_FILTER;
    case BPF_FUNC_map_lookup_percpu_elem:
        return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
               type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
    case BPF_FUNC_sk_storage_get: case BPF_FUNC_sk_storage_delete:
        return type == BPF_MAP_TYPE_SK_STORAGE;
    case BPF_FUNC_inode_storage_get: case BPF_FUNC_inode_storage_delete:
        return type == BPF_MAP_TYPE_INODE_STORAGE;
    case BPF_FUNC_task_storage_get: case BPF_FUNC_task_storage_delete:
        return type == BPF_MAP_TYPE_TASK_STORAGE;
    default:
        return true;
    }
}

/* may_update_sockmap: map_update_elem / map_delete_elem on a socket map,
 * from the program types where no locked socket can be reached. */
static bool may_update_sockmap(struct venv *env, int32_t id)
{
    if (id != BPF_FUNC_map_update_elem && id != BPF_FUNC_map_delete_elem)
        return false;
    switch (env->opts->prog_type) {
    case BPF_PROG_TYPE_TRACING:
        if (env->opts->expected_attach_type == BPF_TRACE_ITER)
            return true;
        break;
    case BPF_PROG_TYPE_SOCK_OPS: /* updates only through the helpers that check the op */
        if (id == BPF_FUNC_map_delete_elem)
            return true;
        break;
    case BPF_PROG_TYPE_SOCKET_FILTER: case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT: case BPF_PROG_TYPE_XDP: case BPF_PROG_TYPE_SK_REUSEPORT:
    case BPF_PROG_TYPE_FLOW_DISSECTOR: case BPF_PROG_TYPE_SK_LOOKUP:
        return true;
    default:
        break;
    }
    (void)v_err(env, -EINVAL, "cannot update sockmap in this context\n");
    return false;
}

static int sock_map_compat(struct venv *env, const struct verifier_map *m, int32_t id)
{
    bool hash = m->type == BPF_MAP_TYPE_SOCKHASH;
    bool ok = ONE_OF(id, hash ? BPF_FUNC_sk_redirect_hash : BPF_FUNC_sk_redirect_map,
                     hash ? BPF_FUNC_sock_hash_update : BPF_FUNC_sock_map_update,
                     hash ? BPF_FUNC_msg_redirect_hash : BPF_FUNC_msg_redirect_map,
                     BPF_FUNC_sk_select_reuseport, BPF_FUNC_map_lookup_elem) ||
              may_update_sockmap(env, id);
    if (ok && id == BPF_FUNC_map_lookup_elem)
        return v_err(env, -EINVAL,
                     "bpfemu's verifier does not model socket pointers from a %s lookup yet\n",
                     hash ? "sockhash" : "sockmap");
    return ok ? 0 : 1;
}

int v_check_map_func_compat(struct venv *env, int32_t map_idx, int32_t func_id,
                            const char *func_name)
{
    const struct verifier_map *m = map_idx >= 0 ? v_map(env, (uint32_t)map_idx) : NULL;
    if (!m)
        return 0;
    if (m->type == BPF_MAP_TYPE_SOCKMAP || m->type == BPF_MAP_TYPE_SOCKHASH) {
        int rc = sock_map_compat(env, m, func_id);
        if (rc < 0 || (rc == 0 && func_allows(func_id, m->type)))
            return rc;
        return v_err(env, -EINVAL, "cannot pass map_type %u into func %s#%d\n", m->type,
                     func_name, func_id);
    }
    if (map_allows(m->type, func_id) && func_allows(func_id, m->type))
        return 0;
    return v_err(env, -EINVAL, "cannot pass map_type %u into func %s#%d\n", m->type, func_name,
                 func_id);
}

/* helpers/maps.c - emulated BPF maps: creation (BPF_MAP_CREATE's checks),
 * destruction, and the dispatch of every maps_* call to the map type's
 * operations table. The types live in maps_array.c, maps_hash.c,
 * maps_lpm.c, maps_queue.c, maps_ringbuf.c, maps_perf.c and maps_sock.c.
 *
 * Errno values are the kernel's, with one exception: where the kernel
 * returns its internal ENOTSUPP (524, which user space can only print as
 * "Unknown error 524") we return EOPNOTSUPP. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bpftool's names, indexed by enum bpf_map_type (numbers past Debian 12's
 * uapi header included: cgrp_storage 32, arena 33). */
static const char *const type_names[] = {
    "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
    "percpu_array", "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash",
    "lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap",
    "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue",
    "stack", "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage",
    "task_storage", "bloom_filter", "user_ringbuf", "cgrp_storage", "arena",
};

const char *maps_type_name(uint32_t type)
{
    return type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : NULL;
}

static const struct maps_ops *type_ops(uint32_t type)
{
    switch (type) {
    case BPF_MAP_TYPE_HASH: return &maps_hash_ops;
    case BPF_MAP_TYPE_ARRAY: return &maps_array_ops;
    case BPF_MAP_TYPE_PROG_ARRAY: return &maps_prog_array_ops;
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY: return &maps_perf_ops;
    case BPF_MAP_TYPE_PERCPU_HASH: return &maps_percpu_hash_ops;
    case BPF_MAP_TYPE_PERCPU_ARRAY: return &maps_percpu_array_ops;
    case BPF_MAP_TYPE_LRU_HASH: return &maps_lru_hash_ops;
    case BPF_MAP_TYPE_LRU_PERCPU_HASH: return &maps_lru_percpu_hash_ops;
    case BPF_MAP_TYPE_LPM_TRIE: return &maps_lpm_ops;
    case BPF_MAP_TYPE_ARRAY_OF_MAPS: return &maps_array_of_maps_ops;
    case BPF_MAP_TYPE_HASH_OF_MAPS: return &maps_hash_of_maps_ops;
    case BPF_MAP_TYPE_DEVMAP: return &maps_devmap_ops;
    case BPF_MAP_TYPE_CPUMAP: return &maps_cpumap_ops;
    case BPF_MAP_TYPE_XSKMAP: return &maps_xskmap_ops;
    case BPF_MAP_TYPE_QUEUE: return &maps_queue_ops;
    case BPF_MAP_TYPE_STACK: return &maps_stack_ops;
    case BPF_MAP_TYPE_DEVMAP_HASH: return &maps_devmap_hash_ops;
    case BPF_MAP_TYPE_RINGBUF: return &maps_ringbuf_ops;
    case BPF_MAP_TYPE_SOCKMAP:
    case BPF_MAP_TYPE_SOCKHASH: return &maps_sock_ops;
    default: return NULL;
    }
}

void *maps_pool_alloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        return calloc(1, 8);
    return calloc(count, size);
}

uint32_t maps_value_region_flags(const struct maps_map *m)
{
    if (m->attr.map_flags & BPF_F_RDONLY_PROG)
        return VM_REGION_READ;
    if (m->attr.map_flags & BPF_F_WRONLY_PROG)
        return VM_REGION_WRITE;
    return VM_REGION_RW;
}

unsigned maps_pool_region(const struct maps_map *m, void *pool, size_t count, uint32_t flags,
                          const char *name, struct vm_region *out, unsigned max)
{
    if (!out || max == 0 || !pool || count == 0)
        return 0;
    memset(out, 0, sizeof(*out));
    out->start = (uintptr_t)pool;
    out->end = (uintptr_t)pool + count * m->vstride;
    out->flags = flags;
    out->elem_size = m->vstride;
    out->elem_len = m->attr.value_size;
    out->name = name;
    return 1;
}

bool maps_inner_matches(const struct maps_map *outer, const struct maps_map *inner)
{
    const struct maps_attr *want = &outer->inner_attr, *have = &inner->attr;
    if (want->type != have->type || want->key_size != have->key_size ||
        want->value_size != have->value_size || want->map_flags != have->map_flags)
        return false;
    /* BPF_F_INNER_MAP: inner arrays may differ in size */
    return (want->map_flags & BPF_F_INNER_MAP) || want->max_entries == have->max_entries;
}

/* ---------------------------------------------------------------- create */

static int check_common(const struct maps_attr *a, const struct maps_ops *ops, const char *tname,
                        char *err, size_t errlen)
{
    uint32_t f = a->map_flags;
    if ((f & BPF_F_RDONLY) && (f & BPF_F_WRONLY))
        return helper_err(err, errlen, -EINVAL,
                        "map_flags: BPF_F_RDONLY and BPF_F_WRONLY exclude each other");
    if ((f & BPF_F_RDONLY_PROG) && (f & BPF_F_WRONLY_PROG))
        return helper_err(err, errlen, -EINVAL,
                        "map_flags: BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
    if (f & ~ops->flag_mask)
        return helper_err(err, errlen, -EINVAL, "map_flags 0x%x: 0x%x not valid for a %s map", f,
                        f & ~ops->flag_mask, tname);
    if (a->max_entries == 0)
        return helper_err(err, errlen, -EINVAL, "max_entries 0: must be > 0");
    return 0;
}

int maps_create(const struct maps_attr *attr, struct maps_map **out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!attr || !out)
        return helper_err(err, errlen, -EINVAL, "no attributes");
    *out = NULL;
    const char *tname = maps_type_name(attr->type);
    const struct maps_ops *ops = type_ops(attr->type);
    if (!tname || attr->type == BPF_MAP_TYPE_UNSPEC)
        return helper_err(err, errlen, -EINVAL, "type %u: unknown map type", attr->type);
    if (!ops)
        return helper_err(err, errlen, -EOPNOTSUPP, "type %u (%s): not supported by bpfemu",
                        attr->type, tname);
    int rc = check_common(attr, ops, tname, err, errlen);
    if (rc)
        return rc;
    if (ops->check && (rc = ops->check(attr, err, errlen)) != 0)
        return rc;

    struct maps_map *m = calloc(1, sizeof(*m));
    if (!m)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    m->attr = *attr;
    m->attr.name[sizeof(m->attr.name) - 1] = '\0';
    m->ncpus = attr->ncpus ? attr->ncpus : 1;
    m->attr.ncpus = m->ncpus;
    m->attr.inner = NULL;
    if (attr->inner) {
        m->inner_attr = *attr->inner;
        m->inner_attr.inner = NULL;
        m->attr.inner = &m->inner_attr;
    }
    m->vstride = maps_round8(attr->value_size);
    m->ops = ops;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return helper_err(err, errlen, -ENOMEM, "cannot create the map's lock");
    }
    rc = ops->init(m, err, errlen);
    if (rc) {
        pthread_mutex_destroy(&m->lock);
        free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void maps_destroy(struct maps_map *m)
{
    if (!m)
        return;
    if (m->ops->fini)
        m->ops->fini(m);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

const struct maps_attr *maps_get_attr(const struct maps_map *m)
{
    return m ? &m->attr : NULL;
}

/* ---------------------------------------------------------- program view */

/* The verifier refuses helpers that write a BPF_F_RDONLY_PROG map
 * ("write into map forbidden", -EACCES); we answer at call time. */
static bool prog_may_write(const struct maps_map *m)
{
    return !(m->attr.map_flags & BPF_F_RDONLY_PROG);
}

/* A keyed map needs a key (queues, stacks and ring buffers have none). */
static bool key_ok(const struct maps_map *m, const void *key)
{
    return key || m->attr.key_size == 0;
}

void *maps_elem_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    if (!m || !m->ops->elem_lookup || !key_ok(m, key))
        return NULL;
    return m->ops->elem_lookup(m, key, cpu);
}

long maps_elem_update(struct maps_map *m, const void *key, const void *value, uint64_t flags,
                      uint32_t cpu)
{
    if (!m || !key_ok(m, key) || !value)
        return -EINVAL;
    if (!prog_may_write(m))
        return -EACCES;
    if (!m->ops->elem_update)
        return -EOPNOTSUPP;
    return m->ops->elem_update(m, key, value, flags, cpu);
}

long maps_elem_delete(struct maps_map *m, const void *key)
{
    if (!m || !key_ok(m, key))
        return -EINVAL;
    if (!prog_may_write(m))
        return -EACCES;
    if (!m->ops->elem_delete)
        return -EOPNOTSUPP;
    return m->ops->elem_delete(m, key);
}

long maps_elem_push(struct maps_map *m, const void *value, uint64_t flags)
{
    if (!m || !value)
        return -EINVAL;
    if (!prog_may_write(m))
        return -EACCES;
    if (!m->ops->elem_push)
        return -EOPNOTSUPP;
    return m->ops->elem_push(m, value, flags);
}

long maps_elem_pop(struct maps_map *m, void *value)
{
    if (!m || !value)
        return -EINVAL;
    if (!prog_may_write(m))
        return -EACCES;
    if (!m->ops->elem_pop)
        return -EOPNOTSUPP;
    return m->ops->elem_pop(m, value, true);
}

long maps_elem_peek(struct maps_map *m, void *value)
{
    if (!m || !value)
        return -EINVAL;
    if (!m->ops->elem_pop)
        return -EOPNOTSUPP;
    return m->ops->elem_pop(m, value, false);
}

/* ------------------------------------------------------------- user view */

/* BPF_F_RDONLY / BPF_F_WRONLY restrict the syscall side (-EPERM, as the
 * kernel's map_get_sys_perms). */
static bool user_may_read(const struct maps_map *m)
{
    return !(m->attr.map_flags & BPF_F_WRONLY);
}

static bool user_may_write(const struct maps_map *m)
{
    return !(m->attr.map_flags & BPF_F_RDONLY);
}

int maps_user_lookup(struct maps_map *m, const void *key, void *value)
{
    if (!m || !key_ok(m, key) || !value)
        return -EINVAL;
    if (!user_may_read(m))
        return -EPERM;
    if (!m->ops->user_lookup)
        return -EOPNOTSUPP;
    return m->ops->user_lookup(m, key, value);
}

int maps_user_update(struct maps_map *m, const void *key, const void *value, uint64_t flags)
{
    if (!m || !key_ok(m, key) || !value)
        return -EINVAL;
    if (!user_may_write(m))
        return -EPERM;
    if (!m->ops->user_update)
        return -EOPNOTSUPP;
    return m->ops->user_update(m, key, value, flags);
}

int maps_user_delete(struct maps_map *m, const void *key)
{
    if (!m || !key_ok(m, key))
        return -EINVAL;
    if (!user_may_write(m))
        return -EPERM;
    if (!m->ops->user_delete)
        return -EOPNOTSUPP;
    return m->ops->user_delete(m, key);
}

int maps_user_next_key(struct maps_map *m, const void *key, void *next_key)
{
    if (!m || !next_key)
        return -EINVAL;
    if (!user_may_read(m))
        return -EPERM;
    if (!m->ops->user_next_key)
        return -EOPNOTSUPP;
    return m->ops->user_next_key(m, key, next_key);
}

int maps_user_lookup_and_delete(struct maps_map *m, const void *key, void *value)
{
    if (!m || !key_ok(m, key) || !value)
        return -EINVAL;
    if (!user_may_read(m) || !user_may_write(m))
        return -EPERM;
    if (!m->ops->user_lookup_and_delete)
        return -EOPNOTSUPP;
    return m->ops->user_lookup_and_delete(m, key, value);
}

/* ----------------------------------------------- prog arrays, map-in-map */

int maps_prog_array_set(struct maps_map *m, uint32_t index, void *prog)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_PROG_ARRAY)
        return -EINVAL;
    return maps_array_prog_set(m, index, prog);
}

void *maps_prog_array_get(const struct maps_map *m, uint32_t index)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_PROG_ARRAY)
        return NULL;
    return maps_array_prog_get(m, index);
}

int maps_inner_set(struct maps_map *m, const void *key, struct maps_map *inner)
{
    if (!m || !key)
        return -EINVAL;
    if (m->attr.type != BPF_MAP_TYPE_ARRAY_OF_MAPS && m->attr.type != BPF_MAP_TYPE_HASH_OF_MAPS)
        return -EINVAL;
    if (inner && !maps_inner_matches(m, inner))
        return -EINVAL;
    if (m->attr.type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
        uint32_t index;
        memcpy(&index, key, sizeof(index));
        return maps_array_inner_set(m, index, inner);
    }
    return maps_hash_inner_set(m, key, inner);
}

/* ---------------------------------------------------------------- regions */

unsigned maps_regions(const struct maps_map *m, struct vm_region *out, unsigned max)
{
    if (!m || !out || max == 0 || !m->ops->regions)
        return 0;
    return m->ops->regions(m, out, max);
}

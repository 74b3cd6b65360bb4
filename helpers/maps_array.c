/* helpers/maps_array.c - the maps indexed by a u32 below max_entries:
 * array, percpu_array, prog_array, array_of_maps, devmap, cpumap, xskmap
 * (kernel/bpf/arraymap.c, devmap.c, cpumap.c, xskmap.c).
 *
 * Value memory is one zeroed pool of max_entries slots of
 * round_up(value_size, 8) bytes (per-CPU maps: ncpus such pools back to
 * back, CPU-major), so it is described by one region and never moves.
 *
 * Locking: lookups take no lock (a plain array's slots always exist; the
 * sparse types publish a slot with a release store of its `present` byte,
 * the pointer arrays with atomic pointer stores). Plain-array updates copy
 * without a lock, as the kernel does (a concurrent reader may see a torn
 * value; BPF_F_LOCK updates copy under the map's lock). Updates of the
 * sparse and pointer types take the map's lock. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

struct arr {
    uint8_t *values;   /* ncopies × max_entries × vstride (value types) */
    uint8_t *present;  /* devmap, cpumap, xskmap: slot in use */
    void **ptrs;       /* prog_array, array_of_maps */
    uint32_t ncopies;  /* ncpus for percpu_array, else 1 */
};

#define ARR(m) ((struct arr *)(m)->priv)

static uint32_t key_index(const void *key)
{
    uint32_t i;
    memcpy(&i, key, sizeof(i));
    return i;
}

static uint8_t *slot(const struct maps_map *m, uint32_t cpu, uint32_t idx)
{
    return ARR(m)->values + ((size_t)cpu * m->attr.max_entries + idx) * m->vstride;
}

/* ----------------------------------------------------------- create/free */

static int check_key4(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->key_size != 4)
        return helper_err(err, errlen, -EINVAL,
                        "key_size %u: a %s map's key is a 4-byte index", a->key_size,
                        maps_type_name(a->type));
    return 0;
}

static int check_array(const struct maps_attr *a, char *err, size_t errlen)
{
    int rc = check_key4(a, err, errlen);
    if (rc)
        return rc;
    if (a->value_size == 0)
        return helper_err(err, errlen, -EINVAL, "value_size 0: must be > 0");
    if (a->value_size > INT_MAX)
        return helper_err(err, errlen, -E2BIG, "value_size %u: too large", a->value_size);
    if (a->type == BPF_MAP_TYPE_PERCPU_ARRAY && maps_round8(a->value_size) > MAPS_PCPU_MIN_UNIT)
        return helper_err(err, errlen, -E2BIG,
                        "value_size %u: a per-CPU value is at most %u bytes", a->value_size,
                        MAPS_PCPU_MIN_UNIT);
    return 0;
}

/* prog_array, array_of_maps, perf_event_array hold file descriptors. */
static int check_fd_array(const struct maps_attr *a, char *err, size_t errlen)
{
    int rc = check_key4(a, err, errlen);
    if (rc)
        return rc;
    if (a->value_size != 4)
        return helper_err(err, errlen, -EINVAL,
                        "value_size %u: a %s map's value is a 4-byte file descriptor",
                        a->value_size, maps_type_name(a->type));
    return 0;
}

static int check_array_of_maps(const struct maps_attr *a, char *err, size_t errlen)
{
    int rc = check_fd_array(a, err, errlen);
    if (rc)
        return rc;
    if (!a->inner)
        return helper_err(err, errlen, -EINVAL, "inner: a map-in-map needs its inner map's shape");
    if (a->inner->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || a->inner->type == BPF_MAP_TYPE_HASH_OF_MAPS)
        return helper_err(err, errlen, -EINVAL, "inner: map-in-map does not nest");
    return 0;
}

static int check_dev_value(const struct maps_attr *a, char *err, size_t errlen, const char *what)
{
    int rc = check_key4(a, err, errlen);
    if (rc)
        return rc;
    if (a->value_size != 4 && a->value_size != 8)
        return helper_err(err, errlen, -EINVAL, "value_size %u: a %s value is 4 or 8 bytes (%s)",
                        a->value_size, maps_type_name(a->type), what);
    return 0;
}

static int check_devmap(const struct maps_attr *a, char *err, size_t errlen)
{
    return check_dev_value(a, err, errlen, "ifindex, or struct bpf_devmap_val");
}

static int check_cpumap(const struct maps_attr *a, char *err, size_t errlen)
{
    int rc = check_dev_value(a, err, errlen, "qsize, or struct bpf_cpumap_val");
    if (rc)
        return rc;
    if (a->max_entries > MAPS_NR_CPUS)
        return helper_err(err, errlen, -E2BIG, "max_entries %u: a cpumap has at most %u entries",
                        a->max_entries, MAPS_NR_CPUS);
    return 0;
}

static int check_xskmap(const struct maps_attr *a, char *err, size_t errlen)
{
    int rc = check_key4(a, err, errlen);
    if (rc)
        return rc;
    if (a->value_size != 4)
        return helper_err(err, errlen, -EINVAL,
                        "value_size %u: an xskmap value is a 4-byte socket descriptor",
                        a->value_size);
    return 0;
}

static int init_common(struct maps_map *m, bool values, bool present, bool ptrs, uint32_t ncopies,
                       char *err, size_t errlen)
{
    struct arr *a = calloc(1, sizeof(*a));
    if (!a)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    a->ncopies = ncopies;
    size_t n;
    bool ok = maps_mul(m->attr.max_entries, ncopies, &n);
    if (ok && values) {
        size_t bytes;
        ok = maps_mul(n, m->vstride, &bytes) && (a->values = maps_pool_alloc(n, m->vstride));
    }
    if (ok && present)
        ok = (a->present = calloc(m->attr.max_entries, 1)) != NULL;
    if (ok && ptrs)
        ok = (a->ptrs = calloc(m->attr.max_entries, sizeof(void *))) != NULL;
    if (!ok) {
        free(a->values);
        free(a->present);
        free(a);
        return helper_err(err, errlen, -ENOMEM,
                        "max_entries %u × value_size %u: cannot allocate the values",
                        m->attr.max_entries, m->attr.value_size);
    }
    m->priv = a;
    return 0;
}

static int init_array(struct maps_map *m, char *err, size_t errlen)
{
    return init_common(m, true, false, false, 1, err, errlen);
}

static int init_percpu_array(struct maps_map *m, char *err, size_t errlen)
{
    return init_common(m, true, false, false, m->ncpus, err, errlen);
}

static int init_ptrs(struct maps_map *m, char *err, size_t errlen)
{
    return init_common(m, false, false, true, 1, err, errlen);
}

static int init_sparse(struct maps_map *m, char *err, size_t errlen)
{
    return init_common(m, true, true, false, 1, err, errlen);
}

static void fini_array(struct maps_map *m)
{
    struct arr *a = ARR(m);
    if (!a)
        return;
    free(a->values);
    free(a->present);
    free(a->ptrs);
    free(a);
}

/* ------------------------------------------------------- array, percpu */

static void *array_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries)
        return NULL;
    return slot(m, 0, idx);
}

static void *percpu_array_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries || cpu >= m->ncpus)
        return NULL;
    return slot(m, cpu, idx);
}

/* Flags and index checks of array_map_update_elem. */
static long array_update_check(const struct maps_map *m, uint32_t idx, uint64_t flags)
{
    bool percpu = m->attr.type == BPF_MAP_TYPE_PERCPU_ARRAY;
    uint64_t allowed_lock = percpu ? 0 : BPF_F_LOCK;
    if ((flags & ~allowed_lock) > BPF_EXIST)
        return -EINVAL;
    if ((flags & BPF_F_LOCK) && !m->attr.has_spin_lock)
        return -EINVAL;
    if (idx >= m->attr.max_entries)
        return -E2BIG;  /* every element exists: none can be added */
    if (flags & BPF_NOEXIST)
        return -EEXIST;
    return 0;
}

static void copy_value(struct maps_map *m, uint8_t *dst, const void *src, uint64_t flags)
{
    if (flags & BPF_F_LOCK) {
        pthread_mutex_lock(&m->lock);
        memcpy(dst, src, m->attr.value_size);
        pthread_mutex_unlock(&m->lock);
    } else {
        memcpy(dst, src, m->attr.value_size);
    }
}

static long array_elem_update(struct maps_map *m, const void *key, const void *value,
                              uint64_t flags, uint32_t cpu)
{
    uint32_t idx = key_index(key);
    long rc = array_update_check(m, idx, flags);
    if (rc)
        return rc;
    if (m->attr.type == BPF_MAP_TYPE_PERCPU_ARRAY) {
        if (cpu >= m->ncpus)
            return -EINVAL;
        memcpy(slot(m, cpu, idx), value, m->attr.value_size);
    } else {
        copy_value(m, slot(m, 0, idx), value, flags);
    }
    return 0;
}

static long array_delete(struct maps_map *m, const void *key)
{
    return -EINVAL; /* array elements cannot be deleted */
}

static int array_user_lookup(struct maps_map *m, const void *key, void *value)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries)
        return -ENOENT;
    if (m->attr.type == BPF_MAP_TYPE_PERCPU_ARRAY) {
        for (uint32_t c = 0; c < m->ncpus; c++)
            memcpy((uint8_t *)value + (size_t)c * m->vstride, slot(m, c, idx), m->vstride);
    } else {
        memcpy(value, slot(m, 0, idx), m->attr.value_size);
    }
    return 0;
}

static int array_user_update(struct maps_map *m, const void *key, const void *value,
                             uint64_t flags)
{
    uint32_t idx = key_index(key);
    long rc = array_update_check(m, idx, flags);
    if (rc)
        return (int)rc;
    if (m->attr.type == BPF_MAP_TYPE_PERCPU_ARRAY) {
        for (uint32_t c = 0; c < m->ncpus; c++)
            memcpy(slot(m, c, idx), (const uint8_t *)value + (size_t)c * m->vstride,
                   m->attr.value_size);
    } else {
        copy_value(m, slot(m, 0, idx), value, flags);
    }
    return 0;
}

static int array_user_delete(struct maps_map *m, const void *key)
{
    return -EINVAL;
}

/* Every array-like map: NULL or an index out of range gives 0, the last
 * index gives -ENOENT (array_map_get_next_key). */
int maps_array_next_key(struct maps_map *m, const void *key, void *next_key)
{
    uint32_t idx = key ? key_index(key) : UINT32_MAX;
    uint32_t next;
    if (idx >= m->attr.max_entries)
        next = 0;
    else if (idx == m->attr.max_entries - 1)
        return -ENOENT;
    else
        next = idx + 1;
    memcpy(next_key, &next, sizeof(next));
    return 0;
}

static unsigned array_regions(const struct maps_map *m, struct vm_region *out, unsigned max)
{
    return maps_pool_region(m, ARR(m)->values, (size_t)ARR(m)->ncopies * m->attr.max_entries,
                            maps_value_region_flags(m), "map value", out, max);
}

/* ------------------------------------------- prog_array, array_of_maps */

static void *ptr_get(const struct maps_map *m, uint32_t idx)
{
    if (idx >= m->attr.max_entries)
        return NULL;
    return __atomic_load_n(&ARR(m)->ptrs[idx], __ATOMIC_ACQUIRE);
}

static int ptr_set(struct maps_map *m, uint32_t idx, void *p)
{
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    __atomic_store_n(&ARR(m)->ptrs[idx], p, __ATOMIC_RELEASE);
    return 0;
}

int maps_array_prog_set(struct maps_map *m, uint32_t index, void *prog)
{
    return ptr_set(m, index, prog);
}

void *maps_array_prog_get(const struct maps_map *m, uint32_t index)
{
    return ptr_get(m, index);
}

int maps_array_inner_set(struct maps_map *m, uint32_t index, struct maps_map *inner)
{
    return ptr_set(m, index, inner);
}

/* Program lookup in an array_of_maps gives the inner map itself. */
static void *array_of_maps_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    return ptr_get(m, key_index(key));
}

/* fd_array_map_delete_elem */
static int ptr_user_delete(struct maps_map *m, const void *key)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    void *old = __atomic_exchange_n(&ARR(m)->ptrs[idx], NULL, __ATOMIC_ACQ_REL);
    return old ? 0 : -ENOENT;
}

/* ------------------------------------------------ devmap, cpumap, xskmap */

static bool is_present(const struct maps_map *m, uint32_t idx)
{
    return __atomic_load_n(&ARR(m)->present[idx], __ATOMIC_ACQUIRE) != 0;
}

/* Program lookup: the slot's value (read-only), or NULL when unset. For a
 * cpumap the kernel lets programs only redirect; the helpers use this
 * lookup to know whether the slot is populated. */
static void *sparse_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries || !is_present(m, idx))
        return NULL;
    return slot(m, 0, idx);
}

static void sparse_store(struct maps_map *m, uint32_t idx, const void *value)
{
    memcpy(slot(m, 0, idx), value, m->attr.value_size);
    __atomic_store_n(&ARR(m)->present[idx], 1, __ATOMIC_RELEASE);
}

static int sparse_user_lookup(struct maps_map *m, const void *key, void *value)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries)
        return -ENOENT;
    pthread_mutex_lock(&m->lock);
    int rc = -ENOENT;
    if (is_present(m, idx)) {
        memcpy(value, slot(m, 0, idx), m->attr.value_size);
        rc = 0;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* devmap, cpumap, xskmap delete: -EINVAL out of range, else 0 whether or
 * not the slot was set. */
static int sparse_user_delete(struct maps_map *m, const void *key)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries)
        return -EINVAL;
    pthread_mutex_lock(&m->lock);
    __atomic_store_n(&ARR(m)->present[idx], 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

/* The program attached to a devmap/cpumap entry (bpf_prog.fd > 0) would
 * need a program fd table: not emulated. */
static int dev_prog_fd(const struct maps_map *m, const void *value)
{
    if (m->attr.value_size < 8)
        return 0;
    int32_t fd;
    memcpy(&fd, (const uint8_t *)value + 4, sizeof(fd));
    return fd;
}

/* dev_map_update_elem: every slot "exists" as in an array, so BPF_NOEXIST
 * always fails; the ifindex must name a device (we have no device list:
 * any nonzero ifindex is accepted). */
static int devmap_user_update(struct maps_map *m, const void *key, const void *value,
                              uint64_t flags)
{
    uint32_t idx = key_index(key), ifindex;
    if (flags > BPF_EXIST)
        return -EINVAL;
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    if (flags == BPF_NOEXIST)
        return -EEXIST;
    memcpy(&ifindex, value, sizeof(ifindex));
    if (ifindex == 0)
        return -EINVAL;
    if (dev_prog_fd(m, value) > 0)
        return -EOPNOTSUPP;
    uint8_t v[8] = {0};
    memcpy(v, &ifindex, 4); /* read back: bpf_prog.id 0 (no program) */
    pthread_mutex_lock(&m->lock);
    sparse_store(m, idx, v);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

/* cpu_map_update_elem: qsize 0 empties the slot, qsize > 16384 is
 * -EOVERFLOW, the key must be a CPU that exists (< ncpus) or -ENODEV. */
static int cpumap_user_update(struct maps_map *m, const void *key, const void *value,
                              uint64_t flags)
{
    uint32_t idx = key_index(key), qsize;
    if (flags > BPF_EXIST)
        return -EINVAL;
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    if (flags == BPF_NOEXIST)
        return -EEXIST;
    memcpy(&qsize, value, sizeof(qsize));
    if (qsize > 16384)
        return -EOVERFLOW;
    if (idx >= m->ncpus)
        return -ENODEV;
    if (dev_prog_fd(m, value) > 0)
        return -EOPNOTSUPP;
    pthread_mutex_lock(&m->lock);
    if (qsize == 0) {
        __atomic_store_n(&ARR(m)->present[idx], 0, __ATOMIC_RELEASE);
    } else {
        uint8_t v[8] = {0};
        memcpy(v, &qsize, 4);
        sparse_store(m, idx, v);
    }
    pthread_mutex_unlock(&m->lock);
    return 0;
}

/* xsk_map_update_elem: the value is an AF_XDP socket fd; we have no
 * sockets and record the number as the slot's socket handle. */
static int xskmap_user_update(struct maps_map *m, const void *key, const void *value,
                              uint64_t flags)
{
    uint32_t idx = key_index(key);
    if (flags > BPF_EXIST)
        return -EINVAL;
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    bool old = is_present(m, idx);
    if (old && flags == BPF_NOEXIST)
        rc = -EEXIST;
    else if (!old && flags == BPF_EXIST)
        rc = -ENOENT;
    else
        sparse_store(m, idx, value);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static unsigned sparse_regions(const struct maps_map *m, struct vm_region *out, unsigned max)
{
    return maps_pool_region(m, ARR(m)->values, m->attr.max_entries, VM_REGION_READ, "map value",
                            out, max);
}

/* ------------------------------------------------------------- tables */

#define ARRAY_FLAGS (BPF_F_NUMA_NODE | MAPS_F_ACCESS_MASK)
#define FD_ARRAY_FLAGS (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY)

const struct maps_ops maps_array_ops = {
    .flag_mask = ARRAY_FLAGS | BPF_F_MMAPABLE | BPF_F_INNER_MAP,
    .check = check_array,
    .init = init_array,
    .fini = fini_array,
    .elem_lookup = array_lookup,
    .elem_update = array_elem_update,
    .elem_delete = array_delete,
    .user_lookup = array_user_lookup,
    .user_update = array_user_update,
    .user_delete = array_user_delete,
    .user_next_key = maps_array_next_key,
    .regions = array_regions,
};

const struct maps_ops maps_percpu_array_ops = {
    .flag_mask = ARRAY_FLAGS,
    .check = check_array,
    .init = init_percpu_array,
    .fini = fini_array,
    .elem_lookup = percpu_array_lookup,
    .elem_update = array_elem_update,
    .elem_delete = array_delete,
    .user_lookup = array_user_lookup,
    .user_update = array_user_update,
    .user_delete = array_user_delete,
    .user_next_key = maps_array_next_key,
    .regions = array_regions,
};

/* Programs only tail-call through a prog array; user space sets slots
 * with maps_prog_array_set (there are no program fds to write). */
const struct maps_ops maps_prog_array_ops = {
    .flag_mask = FD_ARRAY_FLAGS,
    .check = check_fd_array,
    .init = init_ptrs,
    .fini = fini_array,
    .user_delete = ptr_user_delete,
    .user_next_key = maps_array_next_key,
};

const struct maps_ops maps_array_of_maps_ops = {
    .flag_mask = FD_ARRAY_FLAGS,
    .check = check_array_of_maps,
    .init = init_ptrs,
    .fini = fini_array,
    .elem_lookup = array_of_maps_lookup,
    .user_delete = ptr_user_delete,
    .user_next_key = maps_array_next_key,
};

const struct maps_ops maps_devmap_ops = {
    .flag_mask = FD_ARRAY_FLAGS,
    .check = check_devmap,
    .init = init_sparse,
    .fini = fini_array,
    .elem_lookup = sparse_lookup,
    .user_lookup = sparse_user_lookup,
    .user_update = devmap_user_update,
    .user_delete = sparse_user_delete,
    .user_next_key = maps_array_next_key,
    .regions = sparse_regions,
};

const struct maps_ops maps_cpumap_ops = {
    .flag_mask = BPF_F_NUMA_NODE,
    .check = check_cpumap,
    .init = init_sparse,
    .fini = fini_array,
    .elem_lookup = sparse_lookup,
    .user_lookup = sparse_user_lookup,
    .user_update = cpumap_user_update,
    .user_delete = sparse_user_delete,
    .user_next_key = maps_array_next_key,
    .regions = sparse_regions,
};

/* User-space lookups of an xskmap are -EOPNOTSUPP in the kernel too. */
const struct maps_ops maps_xskmap_ops = {
    .flag_mask = FD_ARRAY_FLAGS,
    .check = check_xskmap,
    .init = init_sparse,
    .fini = fini_array,
    .elem_lookup = sparse_lookup,
    .user_update = xskmap_user_update,
    .user_delete = sparse_user_delete,
    .user_next_key = maps_array_next_key,
    .regions = sparse_regions,
};

bool maps_array_layout(const struct maps_map *m, uintptr_t *values, uint32_t *max_entries,
                       uint32_t *stride)
{
    if (!m || m->ops != &maps_array_ops)
        return false;
    *values = (uintptr_t)ARR(m)->values;
    *max_entries = m->attr.max_entries;
    *stride = m->vstride;
    return true;
}

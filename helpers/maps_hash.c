/* helpers/maps_hash.c - the hashed maps: hash, percpu_hash, lru_hash,
 * lru_percpu_hash, hash_of_maps, devmap_hash (kernel/bpf/hashtab.c,
 * devmap.c).
 *
 * Elements come from a pool of max_entries preallocated at creation (the
 * kernel's default; with BPF_F_NO_PREALLOC the kernel allocates on demand,
 * which behaves the same seen from programs and user space). Element i's
 * value is at a fixed place: values + (cpu × max_entries + i) × stride,
 * stride = round_up(value_size, 8), so all value memory is one region and
 * a pointer a program got from a lookup stays valid memory; a deleted
 * element goes on a free list and is reused by a later insert (as the
 * kernel's preallocated elements are).
 *
 * Differences from the kernel, none visible to a correct program:
 *  - updates of an existing key copy the new value in place (the kernel
 *    swaps in a fresh element, except with BPF_F_LOCK and per-CPU maps), so
 *    a pointer from an earlier lookup sees the new value;
 *  - iteration (next_key) follows insertion order, not the kernel's
 *    bucket order (which depends on a random seed); it is stable while the
 *    map is unchanged, a missing key restarts from the first key, as the
 *    kernel does for hash maps;
 *  - LRU maps: the kernel's LRU is approximate (per-CPU free lists, a
 *    reference bit instead of moving entries, eviction in batches from the
 *    inactive list, and even an update of an existing key takes a fresh
 *    node and may evict). Ours is exact: one list ordered by last use
 *    (program lookups and all updates count as use; user-space lookups do
 *    not, as in the kernel), eviction of the least recently used entry
 *    only when all max_entries are in use, updates in place.
 *
 * Locking: every operation holds the map's mutex (lookups too, as chains
 * and lists change under updates). */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HTAB_ELEM_SIZE 48u /* sizeof(struct htab_elem) in the kernel's size checks */

struct helem {
    uint32_t hash;
    uint32_t bnext;        /* bucket chain; free list */
    uint32_t prev, next;   /* iteration order (insertion) */
    uint32_t lprev, lnext; /* LRU order: head = most recently used */
};

struct htab {
    uint32_t n_buckets;
    uint32_t *buckets;     /* index + 1 of the chain's first element, 0 = empty */
    struct helem *elems;
    uint8_t *keys;         /* max_entries × key_size */
    uint8_t *values;       /* ncopies × max_entries × vstride */
    uint32_t ncopies;
    uint32_t count;
    uint32_t used;         /* elements ever taken from the pool (bump) */
    uint32_t free_head;    /* recycled elements */
    uint32_t first, last;
    uint32_t lru_head, lru_tail;
    bool lru, percpu;
};

#define HT(m) ((struct htab *)(m)->priv)

static bool is_lru(uint32_t t)
{
    return t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_percpu(uint32_t t)
{
    return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* --------------------------------------------------------------- hashing */

static uint32_t hash_bytes(const uint8_t *k, uint32_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, k, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        k += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, k, len);
        h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static uint8_t *key_at(const struct maps_map *m, uint32_t i)
{
    return HT(m)->keys + (size_t)i * m->attr.key_size;
}

static uint8_t *val_at(const struct maps_map *m, uint32_t cpu, uint32_t i)
{
    return HT(m)->values + ((size_t)cpu * m->attr.max_entries + i) * m->vstride;
}

static uint32_t find(const struct maps_map *m, const void *key, uint32_t hash)
{
    const struct htab *h = HT(m);
    uint32_t i = h->buckets[hash & (h->n_buckets - 1)];
    for (i = i ? i - 1 : MAPS_NIL; i != MAPS_NIL; i = h->elems[i].bnext)
        if (h->elems[i].hash == hash && memcmp(key_at(m, i), key, m->attr.key_size) == 0)
            return i;
    return MAPS_NIL;
}

/* ------------------------------------------------------------------ lists */

static void lru_unlink(struct htab *h, uint32_t i)
{
    struct helem *e = &h->elems[i];
    if (e->lprev != MAPS_NIL)
        h->elems[e->lprev].lnext = e->lnext;
    else
        h->lru_head = e->lnext;
    if (e->lnext != MAPS_NIL)
        h->elems[e->lnext].lprev = e->lprev;
    else
        h->lru_tail = e->lprev;
}

static void lru_push_front(struct htab *h, uint32_t i)
{
    struct helem *e = &h->elems[i];
    e->lprev = MAPS_NIL;
    e->lnext = h->lru_head;
    if (h->lru_head != MAPS_NIL)
        h->elems[h->lru_head].lprev = i;
    else
        h->lru_tail = i;
    h->lru_head = i;
}

static void lru_touch(struct htab *h, uint32_t i)
{
    if (h->lru && h->lru_head != i) {
        lru_unlink(h, i);
        lru_push_front(h, i);
    }
}

static void link_elem(struct maps_map *m, uint32_t i, uint32_t hash)
{
    struct htab *h = HT(m);
    struct helem *e = &h->elems[i];
    uint32_t b = hash & (h->n_buckets - 1);
    e->hash = hash;
    e->bnext = h->buckets[b] ? h->buckets[b] - 1 : MAPS_NIL;
    h->buckets[b] = i + 1;
    e->next = MAPS_NIL;
    e->prev = h->last;
    if (h->last != MAPS_NIL)
        h->elems[h->last].next = i;
    else
        h->first = i;
    h->last = i;
    if (h->lru)
        lru_push_front(h, i);
    h->count++;
}

static void unlink_elem(struct maps_map *m, uint32_t i)
{
    struct htab *h = HT(m);
    struct helem *e = &h->elems[i];
    uint32_t b = e->hash & (h->n_buckets - 1);
    uint32_t *slot = &h->buckets[b];
    /* chain links are stored as index + 1 in the bucket head and as plain
     * indices in bnext: walk with a pointer to the link to rewrite */
    if (*slot == i + 1) {
        *slot = e->bnext == MAPS_NIL ? 0 : e->bnext + 1;
    } else {
        uint32_t p = *slot - 1;
        while (h->elems[p].bnext != i)
            p = h->elems[p].bnext;
        h->elems[p].bnext = e->bnext;
    }
    if (e->prev != MAPS_NIL)
        h->elems[e->prev].next = e->next;
    else
        h->first = e->next;
    if (e->next != MAPS_NIL)
        h->elems[e->next].prev = e->prev;
    else
        h->last = e->prev;
    if (h->lru)
        lru_unlink(h, i);
    e->bnext = h->free_head;
    h->free_head = i;
    h->count--;
}

/* A free element, or MAPS_NIL when all max_entries are in use (an LRU map
 * then evicts its least recently used element). */
static uint32_t alloc_elem(struct maps_map *m)
{
    struct htab *h = HT(m);
    if (h->free_head != MAPS_NIL) {
        uint32_t i = h->free_head;
        h->free_head = h->elems[i].bnext;
        return i;
    }
    if (h->used < m->attr.max_entries)
        return h->used++;
    if (h->lru && h->lru_tail != MAPS_NIL) {
        unlink_elem(m, h->lru_tail);
        return alloc_elem(m);
    }
    return MAPS_NIL;
}

/* ------------------------------------------------------------ create/free */

static int check_hash(const struct maps_attr *a, char *err, size_t errlen)
{
    if (is_lru(a->type) && (a->map_flags & BPF_F_NO_PREALLOC))
        return helper_err(err, errlen, -EOPNOTSUPP,
                        "map_flags: BPF_F_NO_PREALLOC is not supported by LRU maps");
    if (a->key_size == 0)
        return helper_err(err, errlen, -EINVAL, "key_size 0: must be > 0");
    if (a->value_size == 0)
        return helper_err(err, errlen, -EINVAL, "value_size 0: must be > 0");
    if ((uint64_t)a->key_size + a->value_size >= MAPS_KMALLOC_MAX - HTAB_ELEM_SIZE)
        return helper_err(err, errlen, -E2BIG,
                        "key_size %u + value_size %u: an element is at most %u bytes",
                        a->key_size, a->value_size, MAPS_KMALLOC_MAX - HTAB_ELEM_SIZE - 1);
    if (is_percpu(a->type) && maps_round8(a->value_size) > MAPS_PCPU_MIN_UNIT)
        return helper_err(err, errlen, -E2BIG, "value_size %u: a per-CPU value is at most %u bytes",
                        a->value_size, MAPS_PCPU_MIN_UNIT);
    if (a->max_entries > (1u << 28))
        return helper_err(err, errlen, -E2BIG, "max_entries %u: too many buckets", a->max_entries);
    return 0;
}

static int check_hash_of_maps(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->value_size != 4)
        return helper_err(err, errlen, -EINVAL,
                        "value_size %u: a hash_of_maps value is a 4-byte map descriptor",
                        a->value_size);
    if (!a->inner)
        return helper_err(err, errlen, -EINVAL, "inner: a map-in-map needs its inner map's shape");
    if (a->inner->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || a->inner->type == BPF_MAP_TYPE_HASH_OF_MAPS)
        return helper_err(err, errlen, -EINVAL, "inner: map-in-map does not nest");
    return check_hash(a, err, errlen);
}

static int check_devmap_hash(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->key_size != 4)
        return helper_err(err, errlen, -EINVAL, "key_size %u: a devmap_hash key is a 4-byte index",
                        a->key_size);
    if (a->value_size != 4 && a->value_size != 8)
        return helper_err(err, errlen, -EINVAL,
                        "value_size %u: a devmap_hash value is 4 or 8 bytes (ifindex, or struct "
                        "bpf_devmap_val)",
                        a->value_size);
    return check_hash(a, err, errlen);
}

static int init_hash(struct maps_map *m, char *err, size_t errlen)
{
    /* BPF_F_NO_COMMON_LRU: the kernel gives every CPU an equal share of
     * the entries, rounding max_entries to a multiple of the CPU count. */
    if (m->attr.map_flags & BPF_F_NO_COMMON_LRU) {
        uint64_t n = ((uint64_t)m->attr.max_entries + m->ncpus - 1) / m->ncpus * m->ncpus;
        if (n > UINT32_MAX)
            n = (uint64_t)m->attr.max_entries / m->ncpus * m->ncpus;
        if (n == 0)
            return helper_err(err, errlen, -EINVAL, "max_entries %u: fewer than the CPUs (%u)",
                            m->attr.max_entries, m->ncpus);
        m->attr.max_entries = (uint32_t)n;
    }
    struct htab *h = calloc(1, sizeof(*h));
    if (!h)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    uint32_t max = m->attr.max_entries;
    h->lru = is_lru(m->attr.type);
    h->percpu = is_percpu(m->attr.type);
    h->ncopies = h->percpu ? m->ncpus : 1;
    h->n_buckets = 1;
    while (h->n_buckets < max)
        h->n_buckets <<= 1;
    h->free_head = h->first = h->last = h->lru_head = h->lru_tail = MAPS_NIL;
    size_t nvals, bytes;
    bool ok = maps_mul(max, h->ncopies, &nvals) && maps_mul(nvals, m->vstride, &bytes) &&
              maps_mul(max, m->attr.key_size, &bytes);
    if (ok) {
        h->buckets = calloc(h->n_buckets, sizeof(*h->buckets));
        h->elems = calloc(max, sizeof(*h->elems));
        h->keys = calloc(max, m->attr.key_size);
        h->values = maps_pool_alloc(nvals, m->vstride);
        ok = h->buckets && h->elems && h->keys && h->values;
    }
    if (!ok) {
        free(h->buckets);
        free(h->elems);
        free(h->keys);
        free(h->values);
        free(h);
        return helper_err(err, errlen, -ENOMEM,
                        "max_entries %u × (key_size %u + value_size %u): cannot allocate the "
                        "elements",
                        max, m->attr.key_size, m->attr.value_size);
    }
    m->priv = h;
    return 0;
}

static void fini_hash(struct maps_map *m)
{
    struct htab *h = HT(m);
    if (!h)
        return;
    free(h->buckets);
    free(h->elems);
    free(h->keys);
    free(h->values);
    free(h);
}

/* ----------------------------------------------------------------- update */

enum { UPD_USER = 1, UPD_LOCK_OK = 2, UPD_NO_EXIST_CHECK = 4 };

/* Write a value into element i: user updates of per-CPU maps give every
 * CPU's copy (ncpus × stride bytes); program updates give only `cpu`'s,
 * and a new element's other copies start zeroed (pcpu_init_value). */
static void write_value(struct maps_map *m, uint32_t i, const void *value, uint32_t cpu,
                        bool user, bool fresh)
{
    struct htab *h = HT(m);
    if (!h->percpu) {
        uint8_t *v = val_at(m, 0, i);
        if (fresh)
            memset(v, 0, m->vstride);
        memcpy(v, value, m->attr.value_size);
        return;
    }
    for (uint32_t c = 0; c < m->ncpus; c++) {
        uint8_t *v = val_at(m, c, i);
        if (user) {
            memset(v, 0, m->vstride);
            memcpy(v, (const uint8_t *)value + (size_t)c * m->vstride, m->attr.value_size);
        } else if (c == cpu) {
            if (fresh)
                memset(v, 0, m->vstride);
            memcpy(v, value, m->attr.value_size);
        } else if (fresh) {
            memset(v, 0, m->vstride);
        }
    }
}

static long htab_update(struct maps_map *m, const void *key, const void *value, uint64_t flags,
                        uint32_t cpu, unsigned mode)
{
    struct htab *h = HT(m);
    uint64_t lock_bit = (mode & UPD_LOCK_OK) ? BPF_F_LOCK : 0;
    if ((flags & ~lock_bit) > BPF_EXIST)
        return -EINVAL;
    if ((flags & BPF_F_LOCK) && !m->attr.has_spin_lock)
        return -EINVAL;
    uint64_t op = flags & ~(uint64_t)BPF_F_LOCK;
    if (h->percpu && !(mode & UPD_USER) && cpu >= m->ncpus)
        return -EINVAL;
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    long rc = 0;
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    if (i != MAPS_NIL && op == BPF_NOEXIST) {
        rc = -EEXIST;
    } else if (i == MAPS_NIL && op == BPF_EXIST && !(mode & UPD_NO_EXIST_CHECK)) {
        rc = -ENOENT;
    } else if (i != MAPS_NIL) {
        write_value(m, i, value, cpu, mode & UPD_USER, false);
        lru_touch(h, i);
    } else if ((i = alloc_elem(m)) == MAPS_NIL) {
        rc = -E2BIG; /* full (LRU maps evict instead) */
    } else {
        memcpy(key_at(m, i), key, m->attr.key_size);
        write_value(m, i, value, cpu, mode & UPD_USER, true);
        link_elem(m, i, hash);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static unsigned lock_mode(const struct maps_map *m)
{
    /* BPF_F_LOCK: accepted by plain hash maps only (htab_lru_map_update_elem
     * and the per-CPU updates reject any flag above BPF_EXIST). */
    return m->attr.type == BPF_MAP_TYPE_HASH ? UPD_LOCK_OK : 0;
}

static long hash_elem_update(struct maps_map *m, const void *key, const void *value,
                             uint64_t flags, uint32_t cpu)
{
    return htab_update(m, key, value, flags, cpu, lock_mode(m));
}

static int hash_user_update(struct maps_map *m, const void *key, const void *value,
                            uint64_t flags)
{
    return (int)htab_update(m, key, value, flags, 0, lock_mode(m) | UPD_USER);
}

/* ----------------------------------------------------------------- lookup */

static void *hash_elem_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    struct htab *h = HT(m);
    if (h->percpu && cpu >= m->ncpus)
        return NULL;
    if (!h->percpu)
        cpu = 0;
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    void *v = NULL;
    if (i != MAPS_NIL) {
        lru_touch(h, i);
        v = val_at(m, cpu, i);
    }
    pthread_mutex_unlock(&m->lock);
    return v;
}

static void copy_out(const struct maps_map *m, uint32_t i, void *value)
{
    if (HT(m)->percpu) {
        for (uint32_t c = 0; c < m->ncpus; c++)
            memcpy((uint8_t *)value + (size_t)c * m->vstride, val_at(m, c, i), m->vstride);
    } else {
        memcpy(value, val_at(m, 0, i), m->attr.value_size);
    }
}

static int hash_user_lookup(struct maps_map *m, const void *key, void *value)
{
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    if (i != MAPS_NIL)
        copy_out(m, i, value);
    pthread_mutex_unlock(&m->lock);
    return i != MAPS_NIL ? 0 : -ENOENT;
}

/* ----------------------------------------------------------------- delete */

static long hash_delete(struct maps_map *m, const void *key)
{
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    if (i != MAPS_NIL)
        unlink_elem(m, i);
    pthread_mutex_unlock(&m->lock);
    return i != MAPS_NIL ? 0 : -ENOENT;
}

static int hash_user_delete(struct maps_map *m, const void *key)
{
    return (int)hash_delete(m, key);
}

static int hash_user_lookup_and_delete(struct maps_map *m, const void *key, void *value)
{
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    if (i != MAPS_NIL) {
        copy_out(m, i, value);
        unlink_elem(m, i);
    }
    pthread_mutex_unlock(&m->lock);
    return i != MAPS_NIL ? 0 : -ENOENT;
}

/* ---------------------------------------------------------------- next_key */

static int hash_next_key(struct maps_map *m, const void *key, void *next_key)
{
    struct htab *h = HT(m);
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    uint32_t i = key ? find(m, key, hash_bytes(key, m->attr.key_size)) : MAPS_NIL;
    uint32_t n = i == MAPS_NIL ? h->first : h->elems[i].next;
    if (n == MAPS_NIL)
        rc = -ENOENT;
    else
        memcpy(next_key, key_at(m, n), m->attr.key_size);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static unsigned hash_regions(const struct maps_map *m, struct vm_region *out, unsigned max)
{
    const struct htab *h = HT(m);
    uint32_t flags = m->attr.type == BPF_MAP_TYPE_DEVMAP_HASH ? VM_REGION_READ
                                                              : maps_value_region_flags(m);
    return maps_pool_region(m, h->values, (size_t)h->ncopies * m->attr.max_entries, flags,
                            "map value", out, max);
}

/* ------------------------------------------------------------ hash_of_maps */

/* The value slot (8 bytes) holds the inner struct maps_map *. */
static void *hash_of_maps_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    void *inner = NULL;
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    if (i != MAPS_NIL)
        memcpy(&inner, val_at(m, 0, i), sizeof(inner));
    pthread_mutex_unlock(&m->lock);
    return inner;
}

int maps_hash_inner_set(struct maps_map *m, const void *key, struct maps_map *inner)
{
    if (!inner)
        return (int)hash_delete(m, key);
    uint32_t hash = hash_bytes(key, m->attr.key_size);
    int rc = 0;
    pthread_mutex_lock(&m->lock);
    uint32_t i = find(m, key, hash);
    if (i == MAPS_NIL) {
        i = alloc_elem(m);
        if (i == MAPS_NIL) {
            rc = -E2BIG;
        } else {
            memcpy(key_at(m, i), key, m->attr.key_size);
            link_elem(m, i, hash);
        }
    }
    if (!rc) {
        memset(val_at(m, 0, i), 0, m->vstride);
        memcpy(val_at(m, 0, i), &inner, sizeof(inner));
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* ------------------------------------------------------------- devmap_hash */

/* dev_map_hash_update_elem: BPF_NOEXIST on a present key is -EEXIST, but
 * BPF_EXIST on a missing key inserts; a new key in a full map is -E2BIG. */
static int devmap_hash_user_update(struct maps_map *m, const void *key, const void *value,
                                   uint64_t flags)
{
    if (flags > BPF_EXIST)
        return -EINVAL;
    uint32_t ifindex;
    memcpy(&ifindex, value, sizeof(ifindex));
    if (ifindex == 0)
        return -EINVAL; /* no such device */
    uint8_t v[8] = {0};
    memcpy(v, &ifindex, 4);
    if (m->attr.value_size == 8) {
        int32_t fd;
        memcpy(&fd, (const uint8_t *)value + 4, 4);
        if (fd > 0)
            return -EOPNOTSUPP; /* programs on devmap entries: not emulated */
    }
    return (int)htab_update(m, key, v, flags, 0, UPD_USER | UPD_NO_EXIST_CHECK);
}

/* ------------------------------------------------------------------ tables */

#define HTAB_FLAGS (BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | MAPS_F_ACCESS_MASK | BPF_F_ZERO_SEED)

#define HASH_COMMON                                                                                \
    .check = check_hash, .init = init_hash, .fini = fini_hash, .elem_lookup = hash_elem_lookup,   \
    .elem_update = hash_elem_update, .elem_delete = hash_delete, .user_lookup = hash_user_lookup, \
    .user_update = hash_user_update, .user_delete = hash_user_delete,                             \
    .user_next_key = hash_next_key, .user_lookup_and_delete = hash_user_lookup_and_delete,       \
    .regions = hash_regions

const struct maps_ops maps_hash_ops = {.flag_mask = HTAB_FLAGS, HASH_COMMON};
const struct maps_ops maps_percpu_hash_ops = {.flag_mask = HTAB_FLAGS, HASH_COMMON};
const struct maps_ops maps_lru_hash_ops = {.flag_mask = HTAB_FLAGS | BPF_F_NO_COMMON_LRU,
                                           HASH_COMMON};
const struct maps_ops maps_lru_percpu_hash_ops = {.flag_mask = HTAB_FLAGS | BPF_F_NO_COMMON_LRU,
                                                  HASH_COMMON};

/* Programs only look inner maps up; user space sets them with
 * maps_inner_set (there are no map fds to write), deletes and iterates. */
const struct maps_ops maps_hash_of_maps_ops = {
    .flag_mask = HTAB_FLAGS,
    .check = check_hash_of_maps,
    .init = init_hash,
    .fini = fini_hash,
    .elem_lookup = hash_of_maps_lookup,
    .user_delete = hash_user_delete,
    .user_next_key = hash_next_key,
};

const struct maps_ops maps_devmap_hash_ops = {
    .flag_mask = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY,
    .check = check_devmap_hash,
    .init = init_hash,
    .fini = fini_hash,
    .elem_lookup = hash_elem_lookup,
    .user_lookup = hash_user_lookup,
    .user_update = devmap_hash_user_update,
    .user_delete = hash_user_delete,
    .user_next_key = hash_next_key,
    .regions = hash_regions,
};

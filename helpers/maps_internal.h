/* helpers/maps_internal.h - shared by helpers/maps*.c only: the map object,
 * the per-type operations table and small helpers. Not for other files:
 * they use the maps_* API of helpers/helpers.h.
 *
 * Every map owns all of its state (no globals) and one mutex. Which
 * operations take it is each type's business (see the file of the type);
 * the dispatcher in maps.c takes no lock itself. */
#ifndef BPFEMU_MAPS_INTERNAL_H
#define BPFEMU_MAPS_INTERNAL_H

#include "helpers/helpers_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernel-internal constants we follow (not in the uapi header). */
#define MAPS_F_ACCESS_MASK   (BPF_F_RDONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY | BPF_F_WRONLY_PROG)
#define MAPS_KMALLOC_MAX     (4u << 20)   /* KMALLOC_MAX_SIZE on x86-64 (order 10 pages) */
#define MAPS_PCPU_MIN_UNIT   32768u       /* PCPU_MIN_UNIT_SIZE: per-CPU value limit */
#define MAPS_PAGE_SIZE       4096u
#define MAPS_NR_CPUS         8192u        /* NR_CPUS of distribution kernels (cpumap limit) */
#define MAPS_NIL             UINT32_MAX   /* "no element" in index-linked lists */

struct maps_map;

/* One map type. NULL operations answer -EOPNOTSUPP (NULL for lookups);
 * maps.c has already checked the flags against flag_mask and the access
 * flags before calling check, and check before init. */
struct maps_ops {
    uint32_t flag_mask;  /* map_flags the type accepts at creation */
    /* BPF_MAP_CREATE's type-specific attribute checks: 0 or a negative
     * errno with a message naming the field. */
    int (*check)(const struct maps_attr *a, char *err, size_t errlen);
    int (*init)(struct maps_map *m, char *err, size_t errlen);
    void (*fini)(struct maps_map *m);

    void *(*elem_lookup)(struct maps_map *m, const void *key, uint32_t cpu);
    long (*elem_update)(struct maps_map *m, const void *key, const void *value, uint64_t flags,
                        uint32_t cpu);
    long (*elem_delete)(struct maps_map *m, const void *key);
    long (*elem_push)(struct maps_map *m, const void *value, uint64_t flags);
    long (*elem_pop)(struct maps_map *m, void *value, bool remove);

    int (*user_lookup)(struct maps_map *m, const void *key, void *value);
    int (*user_update)(struct maps_map *m, const void *key, const void *value, uint64_t flags);
    int (*user_delete)(struct maps_map *m, const void *key);
    int (*user_next_key)(struct maps_map *m, const void *key, void *next_key);
    int (*user_lookup_and_delete)(struct maps_map *m, const void *key, void *value);

    unsigned (*regions)(const struct maps_map *m, struct vm_region *out, unsigned max);
};

struct maps_map {
    struct maps_attr attr;       /* as created; ncpus >= 1; inner -> inner_attr */
    struct maps_attr inner_attr; /* map-in-map: a copy of the inner maps' shape */
    const struct maps_ops *ops;
    uint32_t ncpus;              /* == attr.ncpus */
    uint32_t vstride;            /* round_up(value_size, 8): value slot stride */
    pthread_mutex_t lock;        /* the map's lock (see each type) */
    void *priv;                  /* the type's state */
};

/* The types' tables (one file each). */
extern const struct maps_ops maps_array_ops, maps_percpu_array_ops, maps_prog_array_ops,
    maps_array_of_maps_ops, maps_devmap_ops, maps_cpumap_ops, maps_xskmap_ops;
extern const struct maps_ops maps_hash_ops, maps_percpu_hash_ops, maps_lru_hash_ops,
    maps_lru_percpu_hash_ops, maps_hash_of_maps_ops, maps_devmap_hash_ops;
extern const struct maps_ops maps_lpm_ops;
extern const struct maps_ops maps_queue_ops, maps_stack_ops;
extern const struct maps_ops maps_ringbuf_ops;
extern const struct maps_ops maps_perf_ops;
extern const struct maps_ops maps_sock_ops;

/* Type-specific entry points behind the maps_* calls of helpers.h. */
int maps_array_prog_set(struct maps_map *m, uint32_t index, void *prog);
void *maps_array_prog_get(const struct maps_map *m, uint32_t index);
int maps_array_inner_set(struct maps_map *m, uint32_t index, struct maps_map *inner);
int maps_hash_inner_set(struct maps_map *m, const void *key, struct maps_map *inner);
/* next_key of every array-like map (u32 index below max_entries). */
int maps_array_next_key(struct maps_map *m, const void *key, void *next_key);

/* True when inner has the shape map-in-map `outer` was created with
 * (the kernel's bpf_map_meta_equal). */
bool maps_inner_matches(const struct maps_map *outer, const struct maps_map *inner);

/* Region flags for value memory from map_flags (RDONLY_PROG, WRONLY_PROG). */
uint32_t maps_value_region_flags(const struct maps_map *m);

/* One region over a value pool of `count` slots of m->vstride bytes, of
 * which the first value_size are the value. */
unsigned maps_pool_region(const struct maps_map *m, void *pool, size_t count, uint32_t flags,
                          const char *name, struct vm_region *out, unsigned max);

/* n * size, or false on overflow. */
static inline bool maps_mul(size_t n, size_t size, size_t *out)
{
    return !__builtin_mul_overflow(n, size, out);
}

static inline uint32_t maps_round8(uint32_t v)
{
    return (uint32_t)(((uint64_t)v + 7) & ~(uint64_t)7);
}

/* Zero-initialised value memory, 8-byte aligned (calloc is 16-aligned on
 * the platforms we build for; large pools stay lazily mapped). */
void *maps_pool_alloc(size_t count, size_t size);

#endif

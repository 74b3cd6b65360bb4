/* helpers/helpers.h - the helpers subsystem's one header: emulated maps,
 * helpers and program-type contexts (xdp_md, __sk_buff), and the runtime
 * that ties a loaded object to them.
 *
 * Map types, flags and errno values are the kernel's (<linux/bpf.h>); a map
 * behaves as the kernel's map of that type does, seen from a BPF program
 * (the maps_elem_* calls, used by helpers) and from user space (the
 * maps_user_* calls, which mirror the bpf(2) map commands). */
#ifndef BPFEMU_HELPERS_H
#define BPFEMU_HELPERS_H

#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ maps */

struct maps_map;

struct maps_attr {
    uint32_t type;        /* enum bpf_map_type */
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;
    uint32_t map_flags;   /* BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ... */
    uint32_t ncpus;       /* emulated CPUs for per-CPU maps (0 means 1) */
    char name[64];
    /* map-in-map: the inner maps' shape (type, sizes) */
    const struct maps_attr *inner;
};

/* Create a map; the attributes are checked as BPF_MAP_CREATE checks them
 * (-EINVAL with a message naming the bad field). Values start zeroed. */
int maps_create(const struct maps_attr *attr, struct maps_map **out, char *err, size_t errlen);
void maps_destroy(struct maps_map *m);
const struct maps_attr *maps_get_attr(const struct maps_map *m);

/* Program view (what helpers call). `cpu` picks the per-CPU copy. Lookup
 * returns a pointer into value memory the program may read and write (for
 * map-in-map: the inner struct maps_map *), or NULL. Return values are the
 * kernel helpers' (0 or a negative errno). */
void *maps_elem_lookup(struct maps_map *m, const void *key, uint32_t cpu);
long maps_elem_update(struct maps_map *m, const void *key, const void *value, uint64_t flags,
                      uint32_t cpu);
long maps_elem_delete(struct maps_map *m, const void *key);
long maps_elem_push(struct maps_map *m, const void *value, uint64_t flags); /* queue, stack */
long maps_elem_pop(struct maps_map *m, void *value);
long maps_elem_peek(struct maps_map *m, void *value);

/* User view, as bpf(2): per-CPU values are ncpus × round_up(value_size, 8)
 * bytes; BPF_ANY / BPF_NOEXIST / BPF_EXIST; -ENOENT, -EEXIST, -E2BIG, ...
 * next_key with key == NULL gives the first key; iteration order is stable
 * while the map is not modified. For prog arrays the value is a program
 * handle index (see maps_prog_array_*), for map-in-map an inner map. */
int maps_user_lookup(struct maps_map *m, const void *key, void *value);
int maps_user_update(struct maps_map *m, const void *key, const void *value, uint64_t flags);
int maps_user_delete(struct maps_map *m, const void *key);
int maps_user_next_key(struct maps_map *m, const void *key, void *next_key);
int maps_user_lookup_and_delete(struct maps_map *m, const void *key, void *value);

/* Prog arrays hold opaque program pointers (the runtime's); map-in-map
 * holds inner maps (which must match attr->inner). */
int maps_prog_array_set(struct maps_map *m, uint32_t index, void *prog);
void *maps_prog_array_get(const struct maps_map *m, uint32_t index);
int maps_inner_set(struct maps_map *m, const void *key, struct maps_map *inner);

/* Ring buffer: reserve/submit/discard/output as the bpf_ringbuf_* helpers
 * (flags BPF_RB_*); records are read in order with maps_ringbuf_consume. */
void *maps_ringbuf_reserve(struct maps_map *m, uint64_t size, uint64_t flags);
void maps_ringbuf_submit(struct maps_map *m, void *data, uint64_t flags);
void maps_ringbuf_discard(struct maps_map *m, void *data, uint64_t flags);
long maps_ringbuf_output(struct maps_map *m, const void *data, uint64_t size, uint64_t flags);
typedef int (*maps_record_fn)(void *ctx, const void *data, size_t size);
int maps_ringbuf_consume(struct maps_map *m, maps_record_fn fn, void *ctx);

/* Perf event array: records written by bpf_perf_event_output, per index
 * (BPF_F_CURRENT_CPU resolved by the caller), read in order. */
long maps_perf_output(struct maps_map *m, uint32_t index, const void *data, uint64_t size);
int maps_perf_consume(struct maps_map *m, maps_record_fn fn, void *ctx);

/* The memory a program may reach through this map's values, for checked
 * mode (array: one region with the value size as element; hash: its
 * element pool; ringbuf: its data area). Returns the count written. */
unsigned maps_regions(const struct maps_map *m, struct vm_region *out, unsigned max);

/* The name of a map type ("hash", "lru_percpu_hash"), or NULL. */
const char *maps_type_name(uint32_t type);

#endif

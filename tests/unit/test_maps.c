/* Emulated maps (helpers/maps*.c): BPF_MAP_CREATE checks, the program and
 * user views of every type with the kernel's flags and errnos, LRU
 * eviction, per-CPU layout, longest-prefix match, queue/stack order, ring
 * and perf buffers, value regions, and concurrent use. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"

/* ------------------------------------------------------------ utilities */

static int try_create(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags,
                      uint32_t ncpus, struct maps_map **out, char *err, size_t errlen)
{
    struct maps_attr a = {.type = type, .key_size = ks, .value_size = vs, .max_entries = max,
                          .map_flags = flags, .ncpus = ncpus};
    snprintf(a.name, sizeof a.name, "t%u", type);
    return maps_create(&a, out, err, errlen);
}

static struct maps_map *mk_cpus(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max,
                                uint32_t flags, uint32_t ncpus)
{
    struct maps_map *m = NULL;
    char err[VM_ERR_LEN] = "";
    int rc = try_create(type, ks, vs, max, flags, ncpus, &m, err, sizeof err);
    cr_assert_eq(rc, 0, "create type %u: %d %s", type, rc, err);
    cr_assert_not_null(m);
    return m;
}

static struct maps_map *mk(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags)
{
    return mk_cpus(type, ks, vs, max, flags, 1);
}

/* Creation must fail with rc and a message containing `field`. */
static void create_fails(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags,
                         int rc, const char *field)
{
    struct maps_map *m = (struct maps_map *)0x1;
    char err[VM_ERR_LEN] = "";
    int got = try_create(type, ks, vs, max, flags, 1, &m, err, sizeof err);
    cr_assert_eq(got, rc, "type %u ks %u vs %u max %u flags 0x%x: got %d (%s), want %d", type, ks,
                 vs, max, flags, got, err, rc);
    cr_assert_null(m);
    cr_assert(strstr(err, field) != NULL, "message '%s' should name '%s'", err, field);
}

static uint32_t u32_at(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* ---------------------------------------------------------------- create */

Test(maps_create, unknown_and_unsupported_types)
{
    create_fails(999, 4, 4, 1, 0, -EINVAL, "type");
    create_fails(BPF_MAP_TYPE_UNSPEC, 4, 4, 1, 0, -EINVAL, "type");
    create_fails(BPF_MAP_TYPE_SK_STORAGE, 4, 4, 1, 0, -EOPNOTSUPP, "sk_storage");
    create_fails(BPF_MAP_TYPE_STACK_TRACE, 4, 8, 1, 0, -EOPNOTSUPP, "stack_trace");
}

Test(maps_create, type_names)
{
    cr_assert_str_eq(maps_type_name(BPF_MAP_TYPE_HASH), "hash");
    cr_assert_str_eq(maps_type_name(BPF_MAP_TYPE_LRU_PERCPU_HASH), "lru_percpu_hash");
    cr_assert_str_eq(maps_type_name(BPF_MAP_TYPE_RINGBUF), "ringbuf");
    cr_assert_str_eq(maps_type_name(BPF_MAP_TYPE_DEVMAP_HASH), "devmap_hash");
    cr_assert_str_eq(maps_type_name(BPF_MAP_TYPE_LPM_TRIE), "lpm_trie");
    cr_assert_null(maps_type_name(1000));
}

Test(maps_create, array_checks)
{
    create_fails(BPF_MAP_TYPE_ARRAY, 8, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_ARRAY, 0, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 0, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 4, 0, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 0x80000000u, 1, 0, -E2BIG, "value_size");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_NO_PREALLOC, -EINVAL, "map_flags");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_PRESERVE_ELEMS, -EINVAL, "map_flags");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG, -EINVAL,
                 "map_flags");
    create_fails(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_RDONLY | BPF_F_WRONLY, -EINVAL, "map_flags");
    /* BPF_F_MMAPABLE and BPF_F_INNER_MAP: plain arrays only */
    maps_destroy(mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_MMAPABLE | BPF_F_INNER_MAP));
    create_fails(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 1, BPF_F_MMAPABLE, -EINVAL, "map_flags");
    /* per-CPU values: at most PCPU_MIN_UNIT_SIZE (32 KiB) after rounding */
    create_fails(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32769, 1, 0, -E2BIG, "value_size");
    maps_destroy(mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32768, 1, 0));
}

Test(maps_create, hash_checks)
{
    create_fails(BPF_MAP_TYPE_HASH, 0, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_HASH, 4, 0, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_HASH, 4, 4, 0, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_HASH, 4, 4, 1, BPF_F_MMAPABLE, -EINVAL, "map_flags");
    create_fails(BPF_MAP_TYPE_HASH, 4, 4, 1, BPF_F_NO_COMMON_LRU, -EINVAL, "map_flags");
    create_fails(BPF_MAP_TYPE_HASH, 4, 4u << 20, 1, 0, -E2BIG, "value_size");
    create_fails(BPF_MAP_TYPE_PERCPU_HASH, 4, 40000, 1, 0, -E2BIG, "value_size");
    create_fails(BPF_MAP_TYPE_LRU_HASH, 4, 4, 1, BPF_F_NO_PREALLOC, -EOPNOTSUPP, "map_flags");
    create_fails(BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 4, 1, BPF_F_NO_PREALLOC, -EOPNOTSUPP,
                 "map_flags");
    maps_destroy(mk(BPF_MAP_TYPE_HASH, 4, 4, 1, BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED));
    maps_destroy(mk(BPF_MAP_TYPE_LRU_HASH, 4, 4, 8, BPF_F_NO_COMMON_LRU));
    create_fails(BPF_MAP_TYPE_DEVMAP_HASH, 8, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_DEVMAP_HASH, 4, 6, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 8, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 1, 0, -EINVAL, "inner");
}

Test(maps_create, lpm_queue_ringbuf_checks)
{
    create_fails(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 1, 0, -EINVAL, "BPF_F_NO_PREALLOC");
    create_fails(BPF_MAP_TYPE_LPM_TRIE, 4, 4, 1, BPF_F_NO_PREALLOC, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_LPM_TRIE, 261, 4, 1, BPF_F_NO_PREALLOC, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_LPM_TRIE, 8, 0, 1, BPF_F_NO_PREALLOC, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 0, BPF_F_NO_PREALLOC, -EINVAL, "max_entries");
    maps_destroy(mk(BPF_MAP_TYPE_LPM_TRIE, 5, 1, 1, BPF_F_NO_PREALLOC));
    maps_destroy(mk(BPF_MAP_TYPE_LPM_TRIE, 260, 1, 1, BPF_F_NO_PREALLOC));

    create_fails(BPF_MAP_TYPE_QUEUE, 4, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_STACK, 0, 0, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_QUEUE, 0, 4, 0, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_QUEUE, 0, 4, 1, BPF_F_NO_PREALLOC, -EINVAL, "map_flags");

    create_fails(BPF_MAP_TYPE_RINGBUF, 4, 0, 4096, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_RINGBUF, 0, 4, 4096, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_RINGBUF, 0, 0, 4095, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_RINGBUF, 0, 0, 12288, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_RINGBUF, 0, 0, 2048, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_RINGBUF, 0, 0, 0, 0, -EINVAL, "max_entries");
    create_fails(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, BPF_F_RDONLY_PROG, -EINVAL, "map_flags");
    maps_destroy(mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0));
    maps_destroy(mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 1u << 16, 0));
}

Test(maps_create, fd_and_dev_checks)
{
    create_fails(BPF_MAP_TYPE_PROG_ARRAY, 4, 8, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_PROG_ARRAY, 8, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, BPF_F_RDONLY_PROG, -EINVAL, "map_flags");
    create_fails(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 8, 1, 0, -EINVAL, "value_size");
    maps_destroy(mk(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1, BPF_F_PRESERVE_ELEMS));
    create_fails(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 1, 0, -EINVAL, "inner");
    create_fails(BPF_MAP_TYPE_DEVMAP, 4, 12, 1, 0, -EINVAL, "value_size");
    create_fails(BPF_MAP_TYPE_DEVMAP, 2, 4, 1, 0, -EINVAL, "key_size");
    create_fails(BPF_MAP_TYPE_CPUMAP, 4, 4, 9000, 0, -E2BIG, "max_entries");
    create_fails(BPF_MAP_TYPE_CPUMAP, 4, 4, 4, BPF_F_RDONLY, -EINVAL, "map_flags");
    create_fails(BPF_MAP_TYPE_XSKMAP, 4, 8, 4, 0, -EINVAL, "value_size");
    maps_destroy(mk(BPF_MAP_TYPE_DEVMAP, 4, 8, 4, 0));
    maps_destroy(mk(BPF_MAP_TYPE_CPUMAP, 4, 8, 4, 0));
}

Test(maps_create, attr_kept)
{
    struct maps_attr inner = {.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8,
                              .max_entries = 2};
    struct maps_attr a = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4,
                          .max_entries = 3, .inner = &inner};
    strcpy(a.name, "outer");
    struct maps_map *m;
    char err[VM_ERR_LEN];
    cr_assert_eq(maps_create(&a, &m, err, sizeof err), 0, "%s", err);
    const struct maps_attr *got = maps_get_attr(m);
    cr_assert_eq(got->type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    cr_assert_eq(got->max_entries, 3);
    cr_assert_eq(got->ncpus, 1); /* 0 means 1 */
    cr_assert_str_eq(got->name, "outer");
    cr_assert_not_null(got->inner);
    cr_assert_neq(got->inner, &inner); /* copied: the caller's may go away */
    cr_assert_eq(got->inner->value_size, 8);
    maps_destroy(m);
    maps_destroy(NULL);
}

/* ----------------------------------------------------------------- array */

Test(maps_array, lookup_update_errnos)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
    uint32_t k = 2, big = 4;
    uint64_t v = 0x1122334455667788ull, out = 0;
    uint64_t *p = maps_elem_lookup(m, &k, 0);
    cr_assert_not_null(p);
    cr_assert_eq(*p, 0); /* values start zeroed */
    cr_assert_eq((uintptr_t)p % 8, 0);
    cr_assert_null(maps_elem_lookup(m, &big, 0));

    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    cr_assert_eq(*p, v); /* the program sees the same memory */
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
    cr_assert_eq(maps_user_update(m, &big, &v, BPF_ANY), -E2BIG);
    /* BPF_F_LOCK needs a struct bpf_spin_lock in the value (BTF) */
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_F_LOCK), -EINVAL);
    cr_assert_eq(maps_user_update(m, &k, &v, 3), -EINVAL);
    cr_assert_eq(maps_user_update(m, &k, &v, 8), -EINVAL);
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_NOEXIST, 0), -EEXIST);
    cr_assert_eq(maps_elem_update(m, &big, &v, BPF_ANY, 0), -E2BIG);

    *p = 42; /* a program store */
    cr_assert_eq(maps_user_lookup(m, &k, &out), 0);
    cr_assert_eq(out, 42);
    cr_assert_eq(maps_user_lookup(m, &big, &out), -ENOENT);
    cr_assert_eq(maps_user_delete(m, &k), -EINVAL);
    cr_assert_eq(maps_elem_delete(m, &k), -EINVAL);
    cr_assert_eq(maps_user_lookup_and_delete(m, &k, &out), -EOPNOTSUPP);
    cr_assert_eq(maps_elem_push(m, &v, 0), -EOPNOTSUPP);
    cr_assert_eq(maps_elem_pop(m, &v), -EOPNOTSUPP);
    maps_destroy(m);
}

Test(maps_array, null_arguments)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 4, 4, 2, 0);
    uint32_t k = 1, v = 2;
    cr_assert_null(maps_elem_lookup(m, NULL, 0));
    cr_assert_eq(maps_elem_update(m, NULL, &v, BPF_ANY, 0), -EINVAL);
    cr_assert_eq(maps_elem_update(m, &k, NULL, BPF_ANY, 0), -EINVAL);
    cr_assert_eq(maps_elem_delete(m, NULL), -EINVAL);
    cr_assert_eq(maps_user_lookup(m, NULL, &v), -EINVAL);
    cr_assert_eq(maps_user_lookup(m, &k, NULL), -EINVAL);
    cr_assert_eq(maps_user_update(m, NULL, &v, BPF_ANY), -EINVAL);
    cr_assert_eq(maps_user_delete(m, NULL), -EINVAL);
    cr_assert_eq(maps_user_lookup_and_delete(m, NULL, &v), -EINVAL);
    cr_assert_eq(maps_user_next_key(m, NULL, NULL), -EINVAL);
    cr_assert_null(maps_elem_lookup(NULL, &k, 0));
    cr_assert_eq(maps_user_lookup(NULL, &k, &v), -EINVAL);
    cr_assert_null(maps_get_attr(NULL));
    cr_assert_eq(maps_regions(NULL, NULL, 0), 0);
    maps_destroy(m);
}

Test(maps_array, next_key)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 3, 0);
    uint32_t k, n = 99;
    cr_assert_eq(maps_user_next_key(m, NULL, &n), 0);
    cr_assert_eq(n, 0);
    k = 0;
    cr_assert_eq(maps_user_next_key(m, &k, &n), 0);
    cr_assert_eq(n, 1);
    k = 1;
    cr_assert_eq(maps_user_next_key(m, &k, &n), 0);
    cr_assert_eq(n, 2);
    k = 2;
    cr_assert_eq(maps_user_next_key(m, &k, &n), -ENOENT);
    k = 100; /* out of range restarts */
    cr_assert_eq(maps_user_next_key(m, &k, &n), 0);
    cr_assert_eq(n, 0);
    maps_destroy(m);
}

Test(maps_array, value_stride_and_alignment)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 5, 3, 0);
    uint32_t k0 = 0, k1 = 1;
    uint8_t *a = maps_elem_lookup(m, &k0, 0), *b = maps_elem_lookup(m, &k1, 0);
    cr_assert_eq(b - a, 8);
    cr_assert_eq((uintptr_t)a % 8, 0);
    uint8_t v[5] = {1, 2, 3, 4, 5}, out[5];
    cr_assert_eq(maps_elem_update(m, &k1, v, BPF_ANY, 0), 0);
    cr_assert_eq(maps_user_lookup(m, &k1, out), 0);
    cr_assert_arr_eq(out, v, 5);
    cr_assert_eq(a[5], 0); /* neighbour untouched */
    maps_destroy(m);
}

Test(maps_array, access_flags)
{
    uint32_t k = 0, v = 7, out;
    struct maps_map *ro = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_RDONLY_PROG);
    cr_assert_eq(maps_elem_update(ro, &k, &v, BPF_ANY, 0), -EACCES);
    cr_assert_eq(maps_user_update(ro, &k, &v, BPF_ANY), 0); /* user space may write */
    cr_assert_eq(u32_at(maps_elem_lookup(ro, &k, 0)), 7);
    maps_destroy(ro);

    struct maps_map *urd = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_RDONLY);
    cr_assert_eq(maps_user_update(urd, &k, &v, BPF_ANY), -EPERM);
    cr_assert_eq(maps_user_lookup(urd, &k, &out), 0);
    cr_assert_eq(maps_elem_update(urd, &k, &v, BPF_ANY, 0), 0);
    maps_destroy(urd);

    struct maps_map *uwr = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_WRONLY);
    cr_assert_eq(maps_user_lookup(uwr, &k, &out), -EPERM);
    cr_assert_eq(maps_user_next_key(uwr, NULL, &out), -EPERM);
    cr_assert_eq(maps_user_update(uwr, &k, &v, BPF_ANY), 0);
    maps_destroy(uwr);
}

/* --------------------------------------------------------------- per-CPU */

Test(maps_percpu, array_layout)
{
    struct maps_map *m = mk_cpus(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 2, 0, 4);
    uint32_t k = 1, bad = 2;
    uint8_t in[4 * 8], out[4 * 8];
    memset(in, 0xee, sizeof in);
    for (uint32_t c = 0; c < 4; c++) {
        uint32_t v = 100 + c;
        memcpy(in + c * 8, &v, 4); /* bytes 4..7 of each slot: padding */
    }
    cr_assert_eq(maps_user_update(m, &k, in, BPF_ANY), 0);
    for (uint32_t c = 0; c < 4; c++)
        cr_assert_eq(u32_at(maps_elem_lookup(m, &k, c)), 100 + c);
    cr_assert_null(maps_elem_lookup(m, &k, 4)); /* no such CPU */
    cr_assert_null(maps_elem_lookup(m, &bad, 0));

    uint32_t nv = 555;
    cr_assert_eq(maps_elem_update(m, &k, &nv, BPF_ANY, 2), 0); /* only CPU 2's copy */
    cr_assert_eq(maps_elem_update(m, &k, &nv, BPF_F_LOCK, 2), -EINVAL);
    cr_assert_eq(maps_user_update(m, &k, in, BPF_F_LOCK), -EINVAL);
    memset(out, 0xaa, sizeof out);
    cr_assert_eq(maps_user_lookup(m, &k, out), 0);
    uint32_t want[4] = {100, 101, 555, 103};
    for (uint32_t c = 0; c < 4; c++) {
        cr_assert_eq(u32_at(out + c * 8), want[c], "cpu %u", c);
        cr_assert_eq(u32_at(out + c * 8 + 4), 0, "cpu %u padding", c); /* stride of 8, zeroed */
    }
    /* each CPU's copy is its own memory */
    uint8_t *c0 = maps_elem_lookup(m, &k, 0), *c1 = maps_elem_lookup(m, &k, 1);
    cr_assert_neq(c0, c1);
    maps_destroy(m);
}

Test(maps_percpu, hash_program_insert_zeroes_other_cpus)
{
    struct maps_map *m = mk_cpus(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, 0, 3);
    uint32_t k = 9;
    uint64_t v = 77, out[3];
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 1), 0);
    cr_assert_eq(maps_user_lookup(m, &k, out), 0);
    cr_assert_eq(out[0], 0);
    cr_assert_eq(out[1], 77);
    cr_assert_eq(out[2], 0);
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 3), -EINVAL); /* no CPU 3 */
    uint64_t all[3] = {1, 2, 3};
    cr_assert_eq(maps_user_update(m, &k, all, BPF_EXIST), 0);
    cr_assert_eq(*(uint64_t *)maps_elem_lookup(m, &k, 2), 3);
    cr_assert_null(maps_elem_lookup(m, &k, 3));
    uint64_t nv = 10;
    cr_assert_eq(maps_elem_update(m, &k, &nv, BPF_EXIST, 0), 0); /* existing: only CPU 0 */
    cr_assert_eq(maps_user_lookup(m, &k, out), 0);
    cr_assert_eq(out[0], 10);
    cr_assert_eq(out[1], 2);
    cr_assert_eq(out[2], 3);
    cr_assert_eq(maps_user_update(m, &k, all, BPF_F_LOCK), -EINVAL);
    maps_destroy(m);
}

Test(maps_percpu, lru_percpu_hash)
{
    struct maps_map *m = mk_cpus(BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 4, 2, 0, 2);
    uint32_t k, v[4] = {1, 0, 2, 0}, out[4];
    for (k = 0; k < 3; k++)
        cr_assert_eq(maps_user_update(m, &k, v, BPF_ANY), 0);
    k = 0; /* evicted: least recently used */
    cr_assert_eq(maps_user_lookup(m, &k, out), -ENOENT);
    k = 2;
    cr_assert_eq(maps_user_lookup(m, &k, out), 0);
    cr_assert_eq(out[0], 1);
    cr_assert_eq(out[2], 2);
    cr_assert_eq(u32_at(maps_elem_lookup(m, &k, 1)), 2);
    maps_destroy(m);
}

/* ------------------------------------------------------------------ hash */

Test(maps_hash, update_lookup_delete)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 4, 8, 8, 0);
    uint32_t k = 5, missing = 6;
    uint64_t v = 1, out = 0;
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    cr_assert_eq(maps_user_lookup(m, &k, &out), -ENOENT);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), -ENOENT);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_NOEXIST), 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
    v = 2;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), 0);
    cr_assert_eq(maps_user_lookup(m, &k, &out), 0);
    cr_assert_eq(out, 2);
    uint64_t *p = maps_elem_lookup(m, &k, 0);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % 8, 0);
    cr_assert_eq(*p, 2);
    cr_assert_eq(maps_user_update(m, &k, &v, 3), -EINVAL);
    cr_assert_eq(maps_user_update(m, &k, &v, 8), -EINVAL);
    /* BPF_F_LOCK needs a struct bpf_spin_lock in the value (BTF) */
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_F_LOCK | BPF_EXIST), -EINVAL);
    cr_assert_eq(maps_elem_delete(m, &missing), -ENOENT);
    cr_assert_eq(maps_user_delete(m, &missing), -ENOENT);
    cr_assert_eq(maps_elem_delete(m, &k), 0);
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    cr_assert_eq(maps_user_delete(m, &k), -ENOENT);
    maps_destroy(m);
}

Test(maps_hash, full_map)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 4, 4, 4, 0);
    uint32_t k, v;
    for (k = 0; k < 4; k++) {
        v = k * 10;
        cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 0), 0);
    }
    k = 4;
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 0), -E2BIG);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_NOEXIST), -E2BIG);
    k = 2;
    v = 99;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0); /* existing key: fine when full */
    cr_assert_eq(maps_user_delete(m, &k), 0);
    k = 4;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    k = 5;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), -E2BIG);
    maps_destroy(m);
}

Test(maps_hash, value_memory_stable_and_recycled)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 8, 16, 4, 0);
    uint64_t k1 = 1, k2 = 2, v[2] = {5, 6};
    cr_assert_eq(maps_user_update(m, &k1, v, BPF_ANY), 0);
    uint64_t *p = maps_elem_lookup(m, &k1, 0);
    v[0] = 50;
    cr_assert_eq(maps_user_update(m, &k1, v, BPF_ANY), 0);
    cr_assert_eq(maps_elem_lookup(m, &k1, 0), p); /* updated in place */
    cr_assert_eq(p[0], 50);
    cr_assert_eq(maps_user_delete(m, &k1), 0);
    cr_assert_eq(maps_user_update(m, &k2, v, BPF_ANY), 0);
    cr_assert_eq(maps_elem_lookup(m, &k2, 0), p); /* the freed element is reused */
    /* every value lies in the map's one region, at the stride */
    struct vm_region r;
    cr_assert_eq(maps_regions(m, &r, 1), 1);
    cr_assert((uintptr_t)p >= r.start && (uintptr_t)p + 16 <= r.end);
    cr_assert_eq(((uintptr_t)p - r.start) % r.elem_size, 0);
    maps_destroy(m);
}

static int collect_keys(struct maps_map *m, uint32_t *keys, int max)
{
    uint32_t cur, next;
    int n = 0;
    const void *prev = NULL;
    while (n < max && maps_user_next_key(m, prev, &next) == 0) {
        keys[n++] = next;
        cur = next;
        prev = &cur;
    }
    return n;
}

Test(maps_hash, iteration_after_deletes)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 4, 4, 16, 0);
    uint32_t k, v = 0, keys[32], next;
    cr_assert_eq(maps_user_next_key(m, NULL, &next), -ENOENT);
    for (k = 1; k <= 6; k++)
        cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    int n = collect_keys(m, keys, 32);
    cr_assert_eq(n, 6);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(keys[i], (uint32_t)i + 1); /* insertion order */
    /* the same order again while unchanged */
    uint32_t again[32];
    cr_assert_eq(collect_keys(m, again, 32), 6);
    cr_assert_arr_eq(again, keys, 6 * sizeof(uint32_t));

    k = 3;
    cr_assert_eq(maps_user_delete(m, &k), 0);
    k = 6;
    cr_assert_eq(maps_user_delete(m, &k), 0);
    n = collect_keys(m, keys, 32);
    cr_assert_eq(n, 4);
    uint32_t want[4] = {1, 2, 4, 5};
    cr_assert_arr_eq(keys, want, sizeof want);
    /* a key that is not in the map restarts from the first */
    k = 3;
    cr_assert_eq(maps_user_next_key(m, &k, &next), 0);
    cr_assert_eq(next, 1);
    k = 5;
    cr_assert_eq(maps_user_next_key(m, &k, &next), -ENOENT);

    /* delete everything while walking, the usual user-space loop */
    int deleted = 0;
    while (maps_user_next_key(m, NULL, &next) == 0) {
        cr_assert_eq(maps_user_delete(m, &next), 0);
        deleted++;
    }
    cr_assert_eq(deleted, 4);
    k = 7; /* refill after emptying */
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    cr_assert_eq(collect_keys(m, keys, 32), 1);
    cr_assert_eq(keys[0], 7);
    maps_destroy(m);
}

Test(maps_hash, lookup_and_delete_and_odd_sizes)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 3, 12, 4, 0);
    uint8_t k[3] = {1, 2, 3}, k2[3] = {1, 2, 4};
    uint8_t v[12], out[12];
    for (int i = 0; i < 12; i++)
        v[i] = (uint8_t)(i + 1);
    cr_assert_eq(maps_user_update(m, k, v, BPF_ANY), 0);
    cr_assert_null(maps_elem_lookup(m, k2, 0));
    cr_assert_eq(maps_user_lookup_and_delete(m, k2, out), -ENOENT);
    cr_assert_eq(maps_user_lookup_and_delete(m, k, out), 0);
    cr_assert_arr_eq(out, v, 12);
    cr_assert_eq(maps_user_lookup(m, k, out), -ENOENT);
    struct vm_region r;
    cr_assert_eq(maps_regions(m, &r, 1), 1);
    cr_assert_eq(r.elem_size, 16);
    cr_assert_eq(r.elem_len, 12);
    cr_assert_eq(r.end - r.start, 4 * 16);
    maps_destroy(m);
}

Test(maps_hash, many_keys_collisions)
{
    /* more keys than a bucket's worth: every one found, deletes of half */
    struct maps_map *m = mk(BPF_MAP_TYPE_HASH, 8, 8, 1000, 0);
    for (uint64_t k = 0; k < 1000; k++) {
        uint64_t v = k * 3;
        cr_assert_eq(maps_elem_update(m, &k, &v, BPF_NOEXIST, 0), 0);
    }
    uint64_t extra = 5000;
    cr_assert_eq(maps_elem_update(m, &extra, &extra, BPF_ANY, 0), -E2BIG);
    for (uint64_t k = 0; k < 1000; k += 2)
        cr_assert_eq(maps_elem_delete(m, &k), 0);
    for (uint64_t k = 0; k < 1000; k++) {
        uint64_t *p = maps_elem_lookup(m, &k, 0);
        if (k % 2)
            cr_assert(p && *p == k * 3);
        else
            cr_assert_null(p);
    }
    uint64_t cur, next;
    const void *prev = NULL;
    int n = 0;
    while (maps_user_next_key(m, prev, &next) == 0) {
        cr_assert_eq(next % 2, 1);
        cur = next;
        prev = &cur;
        n++;
    }
    cr_assert_eq(n, 500);
    maps_destroy(m);
}

/* ------------------------------------------------------------------- LRU */

static bool has(struct maps_map *m, uint32_t k)
{
    uint32_t out;
    return maps_user_lookup(m, &k, &out) == 0;
}

Test(maps_lru, eviction_order)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 4, 3, 0);
    uint32_t k, v = 0;
    for (k = 1; k <= 3; k++)
        cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 0), 0);
    /* use 1 from a program: 2 is now the least recently used */
    k = 1;
    cr_assert_not_null(maps_elem_lookup(m, &k, 0));
    k = 4;
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 0), 0); /* never -E2BIG */
    cr_assert(!has(m, 2));
    cr_assert(has(m, 1) && has(m, 3) && has(m, 4));
    /* recency now 4, 1, 3: user-space lookups (above) do not count */
    k = 5;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    cr_assert(!has(m, 3));
    /* an update counts as use: 1 becomes the most recent */
    k = 1;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), 0);
    k = 6;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    cr_assert(!has(m, 4));
    cr_assert(has(m, 1) && has(m, 5) && has(m, 6));
    /* flags still apply */
    k = 6;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
    k = 40;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), -ENOENT);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_F_LOCK), -EINVAL);
    /* a delete frees a slot: nothing is evicted by the next insert */
    k = 5;
    cr_assert_eq(maps_user_delete(m, &k), 0);
    k = 7;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    cr_assert(has(m, 1) && has(m, 6) && has(m, 7));
    maps_destroy(m);
}

Test(maps_lru, no_common_lru_rounds_max_entries)
{
    struct maps_map *m = mk_cpus(BPF_MAP_TYPE_LRU_HASH, 4, 4, 10, BPF_F_NO_COMMON_LRU, 4);
    cr_assert_eq(maps_get_attr(m)->max_entries, 12);
    maps_destroy(m);
}

/* ------------------------------------------------------------------- LPM */

struct ip4_key {
    uint32_t prefixlen;
    uint8_t addr[4];
};

static struct ip4_key ip4(uint32_t plen, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ip4_key k = {plen, {a, b, c, d}};
    return k;
}

static long lpm_get(struct maps_map *m, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct ip4_key k = ip4(32, a, b, c, d);
    uint32_t *p = maps_elem_lookup(m, &k, 0);
    uint32_t out = 0;
    int rc = maps_user_lookup(m, &k, &out);
    cr_assert_eq(rc == 0, p != NULL);
    if (p)
        cr_assert_eq(*p, out);
    return p ? (long)*p : -1;
}

static void lpm_put(struct maps_map *m, struct ip4_key k, uint32_t v)
{
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
}

Test(maps_lpm, longest_match)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 16, BPF_F_NO_PREALLOC);
    lpm_put(m, ip4(16, 10, 1, 0, 0), 16);
    lpm_put(m, ip4(32, 10, 1, 2, 3), 32);
    lpm_put(m, ip4(8, 10, 0, 0, 0), 8);
    lpm_put(m, ip4(24, 10, 1, 2, 0), 24);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 3), 32);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 4), 24);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 255), 24);
    cr_assert_eq(lpm_get(m, 10, 1, 3, 1), 16);
    cr_assert_eq(lpm_get(m, 10, 1, 255, 255), 16);
    cr_assert_eq(lpm_get(m, 10, 2, 0, 1), 8);
    cr_assert_eq(lpm_get(m, 10, 255, 255, 255), 8);
    cr_assert_eq(lpm_get(m, 11, 0, 0, 1), -1);
    cr_assert_eq(lpm_get(m, 9, 255, 255, 255), -1);

    /* a shorter key prefix only matches entries at most that long */
    struct ip4_key k = ip4(20, 10, 1, 2, 3);
    uint32_t *p = maps_elem_lookup(m, &k, 0);
    cr_assert(p && *p == 16);
    k = ip4(0, 10, 1, 2, 3);
    cr_assert_null(maps_elem_lookup(m, &k, 0));

    /* a default route matches everything else */
    lpm_put(m, ip4(0, 0, 0, 0, 0), 100);
    cr_assert_eq(lpm_get(m, 11, 0, 0, 1), 100);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 3), 32);
    k = ip4(0, 10, 1, 2, 3);
    p = maps_elem_lookup(m, &k, 0);
    cr_assert(p && *p == 100);
    maps_destroy(m);
}

Test(maps_lpm, exact_update_delete)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 4, BPF_F_NO_PREALLOC);
    lpm_put(m, ip4(8, 10, 0, 0, 0), 8);
    lpm_put(m, ip4(16, 10, 1, 0, 0), 16);
    lpm_put(m, ip4(24, 10, 1, 2, 0), 24);
    lpm_put(m, ip4(32, 10, 1, 2, 3), 32);
    uint32_t v = 1;
    struct ip4_key k = ip4(16, 10, 1, 0, 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
    k = ip4(16, 10, 2, 0, 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), -ENOENT);
    k = ip4(33, 10, 1, 0, 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), -EINVAL);
    cr_assert_eq(maps_user_delete(m, &k), -EINVAL);
    k = ip4(16, 10, 1, 0, 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_F_LOCK), -EINVAL);
    /* full: a new prefix is -ENOSPC, replacing an existing one is fine */
    k = ip4(12, 10, 0, 0, 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), -ENOSPC);
    v = 1616;
    k = ip4(16, 10, 1, 0, 0);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_EXIST), 0);
    cr_assert_eq(lpm_get(m, 10, 1, 9, 9), 1616);

    /* delete matches exactly */
    k = ip4(23, 10, 1, 2, 0);
    cr_assert_eq(maps_user_delete(m, &k), -ENOENT);
    k = ip4(16, 10, 1, 0, 0);
    cr_assert_eq(maps_elem_delete(m, &k), 0);
    cr_assert_eq(maps_user_delete(m, &k), -ENOENT);
    cr_assert_eq(lpm_get(m, 10, 1, 9, 9), 8);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 9), 24);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 3), 32);
    /* room again: an entry between existing ones */
    k = ip4(12, 10, 0, 0, 0);
    v = 12;
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_NOEXIST, 0), 0);
    cr_assert_eq(lpm_get(m, 10, 1, 9, 9), 12);
    cr_assert_eq(lpm_get(m, 10, 16, 0, 0), 8);
    k = ip4(8, 10, 0, 0, 0);
    cr_assert_eq(maps_user_delete(m, &k), 0);
    cr_assert_eq(lpm_get(m, 10, 16, 0, 0), -1);
    cr_assert_eq(lpm_get(m, 10, 1, 2, 3), 32);
    maps_destroy(m);
}

static int lpm_walk(struct maps_map *m, struct ip4_key *out, int max)
{
    struct ip4_key cur, next;
    const void *prev = NULL;
    int n = 0;
    while (n < max && maps_user_next_key(m, prev, &next) == 0) {
        out[n++] = next;
        cur = next;
        prev = &cur;
    }
    return n;
}

static void key_is(struct ip4_key k, uint32_t plen, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    cr_assert_eq(k.prefixlen, plen);
    uint8_t want[4] = {a, b, c, d};
    cr_assert_arr_eq(k.addr, want, 4, "%u.%u.%u.%u/%u", k.addr[0], k.addr[1], k.addr[2],
                     k.addr[3], k.prefixlen);
}

Test(maps_lpm, next_key_post_order)
{
    /* the kernel's own example (lpm_trie.c): more specific first */
    struct maps_map *m = mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 16, BPF_F_NO_PREALLOC);
    struct ip4_key keys[16], next;
    cr_assert_eq(maps_user_next_key(m, NULL, &next), -ENOENT);
    lpm_put(m, ip4(16, 192, 168, 0, 0), 1);
    lpm_put(m, ip4(24, 192, 168, 0, 0), 2);
    lpm_put(m, ip4(24, 192, 168, 128, 0), 3);
    lpm_put(m, ip4(24, 192, 168, 1, 0), 4);
    cr_assert_eq(lpm_walk(m, keys, 16), 4);
    key_is(keys[0], 24, 192, 168, 0, 0);
    key_is(keys[1], 24, 192, 168, 1, 0);
    key_is(keys[2], 24, 192, 168, 128, 0);
    key_is(keys[3], 16, 192, 168, 0, 0);
    /* a key that is not an entry restarts from the first */
    struct ip4_key k = ip4(20, 192, 168, 0, 0);
    cr_assert_eq(maps_user_next_key(m, &k, &next), 0);
    key_is(next, 24, 192, 168, 0, 0);
    k = ip4(40, 1, 2, 3, 4); /* prefixlen beyond the maximum: the first too */
    cr_assert_eq(maps_user_next_key(m, &k, &next), 0);
    key_is(next, 24, 192, 168, 0, 0);

    /* the chain /8 /16 /24 /32 */
    struct maps_map *c = mk(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 16, BPF_F_NO_PREALLOC);
    lpm_put(c, ip4(24, 10, 1, 2, 0), 24);
    lpm_put(c, ip4(8, 10, 0, 0, 0), 8);
    lpm_put(c, ip4(32, 10, 1, 2, 3), 32);
    lpm_put(c, ip4(16, 10, 1, 0, 0), 16);
    lpm_put(c, ip4(16, 172, 16, 0, 0), 17);
    cr_assert_eq(lpm_walk(c, keys, 16), 5);
    key_is(keys[0], 32, 10, 1, 2, 3);
    key_is(keys[1], 24, 10, 1, 2, 0);
    key_is(keys[2], 16, 10, 1, 0, 0);
    key_is(keys[3], 8, 10, 0, 0, 0);
    key_is(keys[4], 16, 172, 16, 0, 0);
    /* deleting an inner entry keeps the order of the rest */
    k = ip4(16, 10, 1, 0, 0);
    cr_assert_eq(maps_user_delete(c, &k), 0);
    cr_assert_eq(lpm_walk(c, keys, 16), 4);
    key_is(keys[0], 32, 10, 1, 2, 3);
    key_is(keys[1], 24, 10, 1, 2, 0);
    key_is(keys[2], 8, 10, 0, 0, 0);
    key_is(keys[3], 16, 172, 16, 0, 0);
    maps_destroy(m);
    maps_destroy(c);
}

Test(maps_lpm, ipv6_and_regions)
{
    struct {
        uint32_t prefixlen;
        uint8_t a[16];
    } k = {64, {0x20, 0x01, 0x0d, 0xb8}};
    struct maps_map *m = mk(BPF_MAP_TYPE_LPM_TRIE, 20, 8, 8, BPF_F_NO_PREALLOC);
    uint64_t v = 64;
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), 0);
    k.prefixlen = 128;
    k.a[15] = 1;
    uint64_t *p = maps_elem_lookup(m, &k, 0);
    cr_assert(p && *p == 64);
    cr_assert_eq((uintptr_t)p % 8, 0);
    k.a[7] = 1; /* outside the /64 */
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    struct vm_region r;
    cr_assert_eq(maps_regions(m, &r, 1), 1);
    cr_assert_str_eq(r.name, "map value");
    cr_assert_eq(r.elem_size, 8);
    cr_assert_eq(r.end - r.start, 8 * 8);
    maps_destroy(m);
}

/* ----------------------------------------------------------- queue/stack */

Test(maps_queue, fifo_and_overwrite)
{
    struct maps_map *q = mk(BPF_MAP_TYPE_QUEUE, 0, 4, 3, 0);
    uint32_t v, out;
    for (v = 1; v <= 3; v++)
        cr_assert_eq(maps_elem_push(q, &v, BPF_ANY), 0);
    v = 4;
    cr_assert_eq(maps_elem_push(q, &v, BPF_ANY), -E2BIG);
    cr_assert_eq(maps_elem_push(q, &v, BPF_NOEXIST), -EINVAL);
    cr_assert_eq(maps_elem_push(q, &v, 4), -EINVAL);
    cr_assert_eq(maps_elem_push(q, &v, BPF_EXIST), 0); /* drops the oldest (1) */
    cr_assert_eq(maps_elem_peek(q, &out), 0);
    cr_assert_eq(out, 2);
    uint32_t want[3] = {2, 3, 4};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(maps_elem_pop(q, &out), 0);
        cr_assert_eq(out, want[i]);
    }
    out = 0xffffffff;
    cr_assert_eq(maps_elem_pop(q, &out), -ENOENT);
    cr_assert_eq(out, 0); /* zeroed when empty */
    out = 0xffffffff;
    cr_assert_eq(maps_elem_peek(q, &out), -ENOENT);
    cr_assert_eq(out, 0);
    /* wrap around several times */
    for (uint32_t i = 0; i < 10; i++) {
        cr_assert_eq(maps_elem_push(q, &i, BPF_ANY), 0);
        cr_assert_eq(maps_elem_pop(q, &out), 0);
        cr_assert_eq(out, i);
    }
    maps_destroy(q);
}

Test(maps_queue, stack_lifo_and_overwrite)
{
    struct maps_map *s = mk(BPF_MAP_TYPE_STACK, 0, 4, 3, 0);
    uint32_t v, out;
    for (v = 1; v <= 3; v++)
        cr_assert_eq(maps_elem_push(s, &v, BPF_ANY), 0);
    cr_assert_eq(maps_elem_peek(s, &out), 0);
    cr_assert_eq(out, 3);
    v = 4;
    cr_assert_eq(maps_elem_push(s, &v, BPF_ANY), -E2BIG);
    cr_assert_eq(maps_elem_push(s, &v, BPF_EXIST), 0); /* drops the oldest: the bottom 1 */
    uint32_t want[3] = {4, 3, 2};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(maps_elem_pop(s, &out), 0);
        cr_assert_eq(out, want[i]);
    }
    cr_assert_eq(maps_elem_pop(s, &out), -ENOENT);
    maps_destroy(s);
}

Test(maps_queue, user_view)
{
    struct maps_map *q = mk(BPF_MAP_TYPE_QUEUE, 0, 8, 2, 0);
    uint64_t v = 11, out = 0, k;
    cr_assert_eq(maps_user_update(q, NULL, &v, BPF_ANY), 0); /* push */
    v = 12;
    cr_assert_eq(maps_user_update(q, NULL, &v, BPF_ANY), 0);
    cr_assert_eq(maps_user_update(q, NULL, &v, BPF_ANY), -E2BIG);
    cr_assert_eq(maps_user_update(q, NULL, &v, BPF_NOEXIST), -EINVAL);
    cr_assert_eq(maps_user_lookup(q, NULL, &out), 0); /* peek */
    cr_assert_eq(out, 11);
    cr_assert_eq(maps_user_lookup_and_delete(q, NULL, &out), 0); /* pop */
    cr_assert_eq(out, 11);
    cr_assert_eq(maps_user_lookup_and_delete(q, NULL, &out), 0);
    cr_assert_eq(out, 12);
    cr_assert_eq(maps_user_lookup_and_delete(q, NULL, &out), -ENOENT);
    cr_assert_eq(maps_user_delete(q, NULL), -EINVAL);
    cr_assert_eq(maps_user_next_key(q, NULL, &k), -EINVAL);
    cr_assert_eq(maps_elem_update(q, NULL, &v, BPF_ANY, 0), -EINVAL);
    cr_assert_eq(maps_elem_delete(q, NULL), -EINVAL);
    cr_assert_null(maps_elem_lookup(q, NULL, 0));
    struct vm_region r;
    cr_assert_eq(maps_regions(q, &r, 1), 0);

    struct maps_map *s = mk(BPF_MAP_TYPE_STACK, 0, 8, 2, 0);
    v = 1;
    cr_assert_eq(maps_user_update(s, NULL, &v, BPF_ANY), 0);
    v = 2;
    cr_assert_eq(maps_user_update(s, NULL, &v, BPF_ANY), 0);
    cr_assert_eq(maps_user_lookup(s, NULL, &out), 0);
    cr_assert_eq(out, 2);
    cr_assert_eq(maps_user_lookup_and_delete(s, NULL, &out), 0);
    cr_assert_eq(out, 2);
    maps_destroy(q);
    maps_destroy(s);
}

Test(maps_queue, rdonly_prog)
{
    struct maps_map *q = mk(BPF_MAP_TYPE_QUEUE, 0, 4, 2, BPF_F_RDONLY_PROG);
    uint32_t v = 1, out;
    cr_assert_eq(maps_elem_push(q, &v, 0), -EACCES);
    cr_assert_eq(maps_user_update(q, NULL, &v, 0), 0);
    cr_assert_eq(maps_elem_pop(q, &out), -EACCES);
    cr_assert_eq(maps_elem_peek(q, &out), 0);
    cr_assert_eq(out, 1);
    maps_destroy(q);
}

/* ---------------------------------------------------------------- ringbuf */

struct recs {
    int n;
    size_t size[16];
    uint8_t data[16][64];
    int fail_at;
};

static int rec_cb(void *ctx, const void *data, size_t size)
{
    struct recs *r = ctx;
    if (r->n < 16) {
        r->size[r->n] = size;
        memcpy(r->data[r->n], data, size < 64 ? size : 64);
    }
    r->n++;
    return r->fail_at && r->n == r->fail_at ? -7 : 0;
}

Test(maps_ringbuf, reserve_submit_discard_consume)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
    uint8_t *a = maps_ringbuf_reserve(m, 10, 0);
    cr_assert_not_null(a);
    cr_assert_eq((uintptr_t)a % 8, 0);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(a[i], 0);
    memcpy(a, "0123456789", 10);
    uint8_t *b = maps_ringbuf_reserve(m, 4, 0);
    cr_assert_eq(b - a, 16 + 8); /* 8-byte header, length rounded to 8 */
    memcpy(b, "skip", 4);
    cr_assert_eq(maps_ringbuf_output(m, "abc", 3, 0), 0);
    maps_ringbuf_submit(m, a, 0);
    maps_ringbuf_discard(m, b, BPF_RB_NO_WAKEUP);
    maps_ringbuf_submit(m, a, 0); /* twice: ignored */

    struct recs r = {0};
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 2);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.size[0], 10);
    cr_assert_arr_eq(r.data[0], "0123456789", 10);
    cr_assert_eq(r.size[1], 3);
    cr_assert_arr_eq(r.data[1], "abc", 3);
    memset(&r, 0, sizeof r);
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 0);
    cr_assert_eq(r.n, 0);

    /* flags: reserve takes none, output only the wakeup ones */
    cr_assert_null(maps_ringbuf_reserve(m, 8, 1));
    cr_assert_eq(maps_ringbuf_output(m, "x", 1, 4), -EINVAL);
    cr_assert_eq(maps_ringbuf_output(m, "x", 1, BPF_RB_FORCE_WAKEUP), 0);

    /* the user view has no elements */
    uint32_t k = 0, v;
    cr_assert_eq(maps_user_lookup(m, &k, &v), -EOPNOTSUPP);
    cr_assert_eq(maps_user_update(m, &k, &v, 0), -EOPNOTSUPP);
    cr_assert_eq(maps_user_next_key(m, NULL, &k), -EOPNOTSUPP);
    maps_destroy(m);
}

Test(maps_ringbuf, out_of_space_and_wrap)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
    /* a record may not fill the whole ring: at most size - 8 bytes of
     * records are outstanding */
    cr_assert_null(maps_ringbuf_reserve(m, 4088, 0)); /* 4096 with header */
    cr_assert_null(maps_ringbuf_reserve(m, 5000, 0));
    uint8_t *a = maps_ringbuf_reserve(m, 4080, 0);    /* 4088 */
    cr_assert_not_null(a);
    cr_assert_null(maps_ringbuf_reserve(m, 0, 0));
    cr_assert_eq(maps_ringbuf_output(m, "x", 1, 0), -EAGAIN);
    maps_ringbuf_submit(m, a, 0);
    cr_assert_null(maps_ringbuf_reserve(m, 1, 0)); /* not consumed yet */
    struct recs r = {0};
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 1);
    cr_assert_eq(r.size[0], 4080);

    /* the producer is now at 4088: this record wraps past the end and
     * still reads back contiguously */
    uint8_t *b = maps_ringbuf_reserve(m, 100, 0);
    cr_assert_not_null(b);
    for (int i = 0; i < 100; i++)
        b[i] = (uint8_t)(i + 1);
    maps_ringbuf_submit(m, b, 0);
    memset(&r, 0, sizeof r);
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 1);
    cr_assert_eq(r.size[0], 100);
    for (int i = 0; i < 64; i++)
        cr_assert_eq(r.data[0][i], i + 1);
    /* the region covers every record */
    struct vm_region reg;
    cr_assert_eq(maps_regions(m, &reg, 1), 1);
    cr_assert_str_eq(reg.name, "ringbuf");
    cr_assert_eq(reg.flags, VM_REGION_RW);
    cr_assert((uintptr_t)b >= reg.start && (uintptr_t)b + 100 <= reg.end);
    maps_destroy(m);
}

Test(maps_ringbuf, consumer_stops_at_reserved_record)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
    uint8_t *a = maps_ringbuf_reserve(m, 8, 0);
    cr_assert_eq(maps_ringbuf_output(m, "later", 5, 0), 0);
    struct recs r = {0};
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 0); /* a still reserved */
    memcpy(a, "first!!!", 8);
    maps_ringbuf_submit(m, a, 0);
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 2);
    cr_assert_arr_eq(r.data[0], "first!!!", 8);
    cr_assert_arr_eq(r.data[1], "later", 5);

    /* a failing callback stops consumption; its record is consumed */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(maps_ringbuf_output(m, &i, sizeof i, 0), 0);
    memset(&r, 0, sizeof r);
    r.fail_at = 2;
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), -7);
    cr_assert_eq(r.n, 2);
    memset(&r, 0, sizeof r);
    cr_assert_eq(maps_ringbuf_consume(m, rec_cb, &r), 1);
    cr_assert_eq(u32_at(r.data[0]), 2);
    maps_destroy(m);
}

/* ------------------------------------------------------------------ perf */

Test(maps_perf, output_and_consume)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0);
    cr_assert_eq(maps_perf_output(m, 0, "abcd", 4), 0);
    cr_assert_eq(maps_perf_output(m, 1, "hello", 5), 0);
    cr_assert_eq(maps_perf_output(m, 0, "12345678", 8), 0);
    cr_assert_eq(maps_perf_output(m, 2, "x", 1), -E2BIG);
    struct recs r = {0};
    cr_assert_eq(maps_perf_consume(m, rec_cb, &r), 3);
    /* perf pads raw samples so that size + 4 is a multiple of 8 */
    cr_assert_eq(r.size[0], 4);
    cr_assert_arr_eq(r.data[0], "abcd", 4);
    cr_assert_eq(r.size[1], 12);
    cr_assert_arr_eq(r.data[1], "hello\0\0\0\0\0\0\0", 12);
    cr_assert_eq(r.size[2], 12);
    cr_assert_arr_eq(r.data[2], "12345678\0\0\0\0", 12);
    memset(&r, 0, sizeof r);
    cr_assert_eq(maps_perf_consume(m, rec_cb, &r), 0);

    /* a failing callback keeps the records after it */
    for (uint32_t i = 0; i < 4; i++)
        cr_assert_eq(maps_perf_output(m, i % 2, &i, 4), 0);
    r.fail_at = 2;
    cr_assert_eq(maps_perf_consume(m, rec_cb, &r), -7);
    cr_assert_eq(maps_perf_output(m, 0, "new!", 4), 0);
    memset(&r, 0, sizeof r);
    cr_assert_eq(maps_perf_consume(m, rec_cb, &r), 3);
    cr_assert_eq(u32_at(r.data[0]), 2);
    cr_assert_eq(u32_at(r.data[1]), 3);
    cr_assert_arr_eq(r.data[2], "new!", 4);
    maps_destroy(m);
}

Test(maps_perf, user_view)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2, 0);
    uint32_t k = 1, fd = 9, n;
    cr_assert_eq(maps_user_update(m, &k, &fd, BPF_NOEXIST), -EINVAL);
    cr_assert_eq(maps_user_delete(m, &k), -ENOENT);
    cr_assert_eq(maps_user_update(m, &k, &fd, BPF_ANY), 0);
    cr_assert_eq(maps_user_lookup(m, &k, &fd), -EOPNOTSUPP);
    cr_assert_eq(maps_user_delete(m, &k), 0);
    k = 2;
    cr_assert_eq(maps_user_update(m, &k, &fd, BPF_ANY), -E2BIG);
    cr_assert_eq(maps_user_next_key(m, NULL, &n), 0);
    cr_assert_eq(n, 0);
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    struct vm_region r;
    cr_assert_eq(maps_regions(m, &r, 1), 0);
    maps_destroy(m);
}

/* ------------------------------------------------ prog arrays, map-in-map */

Test(maps_fd, prog_array)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
    int prog_a, prog_b;
    cr_assert_eq(maps_prog_array_set(m, 1, &prog_a), 0);
    cr_assert_eq(maps_prog_array_set(m, 3, &prog_b), 0);
    cr_assert_eq(maps_prog_array_set(m, 4, &prog_b), -E2BIG);
    cr_assert_eq(maps_prog_array_get(m, 1), &prog_a);
    cr_assert_eq(maps_prog_array_get(m, 3), &prog_b);
    cr_assert_null(maps_prog_array_get(m, 0));
    cr_assert_null(maps_prog_array_get(m, 4));
    uint32_t k = 1, v = 0, n;
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    cr_assert_eq(maps_user_lookup(m, &k, &v), -EOPNOTSUPP);
    cr_assert_eq(maps_user_update(m, &k, &v, BPF_ANY), -EOPNOTSUPP);
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 0), -EOPNOTSUPP);
    cr_assert_eq(maps_user_delete(m, &k), 0);
    cr_assert_null(maps_prog_array_get(m, 1));
    cr_assert_eq(maps_user_delete(m, &k), -ENOENT);
    k = 9;
    cr_assert_eq(maps_user_delete(m, &k), -E2BIG);
    cr_assert_eq(maps_prog_array_set(m, 3, NULL), 0);
    cr_assert_null(maps_prog_array_get(m, 3));
    k = 2;
    cr_assert_eq(maps_user_next_key(m, &k, &n), 0);
    cr_assert_eq(n, 3);
    /* not a prog array */
    struct maps_map *arr = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0);
    cr_assert_eq(maps_prog_array_set(arr, 0, &prog_a), -EINVAL);
    cr_assert_null(maps_prog_array_get(arr, 0));
    cr_assert_eq(maps_inner_set(arr, &k, m), -EINVAL);
    maps_destroy(arr);
    maps_destroy(m);
}

Test(maps_fd, array_of_maps)
{
    struct maps_attr inner = {.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8,
                              .max_entries = 2};
    struct maps_attr outer = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4, .value_size = 4,
                              .max_entries = 2, .inner = &inner};
    char err[VM_ERR_LEN];
    struct maps_map *o, *i1, *bad, *big;
    cr_assert_eq(maps_create(&outer, &o, err, sizeof err), 0, "%s", err);
    cr_assert_eq(maps_create(&inner, &i1, err, sizeof err), 0, "%s", err);
    bad = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 2, 0);
    big = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 5, 0);
    uint32_t k = 1, k2 = 2, v;
    cr_assert_null(maps_elem_lookup(o, &k, 0));
    cr_assert_eq(maps_inner_set(o, &k, i1), 0);
    cr_assert_eq(maps_elem_lookup(o, &k, 0), i1); /* the inner map itself */
    cr_assert_eq(maps_inner_set(o, &k, bad), -EINVAL);   /* value_size differs */
    cr_assert_eq(maps_inner_set(o, &k, big), -EINVAL);   /* max_entries differs */
    cr_assert_eq(maps_inner_set(o, &k2, i1), -E2BIG);
    cr_assert_null(maps_elem_lookup(o, &k2, 0));
    cr_assert_eq(maps_user_lookup(o, &k, &v), -EOPNOTSUPP);
    cr_assert_eq(maps_user_update(o, &k, &v, BPF_ANY), -EOPNOTSUPP);
    cr_assert_eq(maps_user_delete(o, &k), 0);
    cr_assert_null(maps_elem_lookup(o, &k, 0));
    maps_destroy(o);

    /* BPF_F_INNER_MAP: inner arrays of any size */
    inner.map_flags = BPF_F_INNER_MAP;
    cr_assert_eq(maps_create(&outer, &o, err, sizeof err), 0, "%s", err);
    struct maps_map *flex = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 5, BPF_F_INNER_MAP);
    cr_assert_eq(maps_inner_set(o, &k, flex), 0);
    cr_assert_eq(maps_inner_set(o, &k, big), -EINVAL); /* flags differ */
    maps_destroy(o);
    maps_destroy(flex);
    maps_destroy(i1);
    maps_destroy(bad);
    maps_destroy(big);
}

Test(maps_fd, hash_of_maps)
{
    struct maps_attr inner = {.type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 4,
                              .max_entries = 8};
    struct maps_attr outer = {.type = BPF_MAP_TYPE_HASH_OF_MAPS, .key_size = 8, .value_size = 4,
                              .max_entries = 2, .inner = &inner};
    char err[VM_ERR_LEN];
    struct maps_map *o, *a, *b;
    cr_assert_eq(maps_create(&outer, &o, err, sizeof err), 0, "%s", err);
    a = mk(BPF_MAP_TYPE_HASH, 4, 4, 8, 0);
    b = mk(BPF_MAP_TYPE_HASH, 4, 4, 8, 0);
    uint64_t k1 = 100, k2 = 200, k3 = 300, n;
    cr_assert_eq(maps_inner_set(o, &k1, a), 0);
    cr_assert_eq(maps_inner_set(o, &k2, b), 0);
    cr_assert_eq(maps_inner_set(o, &k3, b), -E2BIG);
    cr_assert_eq(maps_elem_lookup(o, &k1, 0), a);
    cr_assert_eq(maps_elem_lookup(o, &k2, 0), b);
    cr_assert_null(maps_elem_lookup(o, &k3, 0));
    cr_assert_eq(maps_inner_set(o, &k1, b), 0); /* replace */
    cr_assert_eq(maps_elem_lookup(o, &k1, 0), b);
    cr_assert_eq(maps_user_next_key(o, NULL, &n), 0);
    cr_assert_eq(n, 100);
    cr_assert_eq(maps_user_next_key(o, &n, &n), 0);
    cr_assert_eq(n, 200);
    cr_assert_eq(maps_user_lookup(o, &k1, &n), -EOPNOTSUPP);
    cr_assert_eq(maps_inner_set(o, &k1, NULL), 0); /* NULL removes */
    cr_assert_null(maps_elem_lookup(o, &k1, 0));
    cr_assert_eq(maps_user_delete(o, &k2), 0);
    cr_assert_eq(maps_user_delete(o, &k2), -ENOENT);
    struct vm_region r;
    cr_assert_eq(maps_regions(o, &r, 1), 0); /* programs get maps, not memory */
    maps_destroy(o);
    maps_destroy(a);
    maps_destroy(b);
}

/* ------------------------------------------------- devmap, cpumap, xskmap */

Test(maps_dev, devmap)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_DEVMAP, 4, 4, 4, 0);
    uint32_t k = 1, ifindex = 3, out, n;
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    cr_assert_eq(maps_user_lookup(m, &k, &out), -ENOENT);
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_NOEXIST), -EEXIST);
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_ANY), 0);
    cr_assert_eq(u32_at(maps_elem_lookup(m, &k, 0)), 3);
    cr_assert_eq(maps_user_lookup(m, &k, &out), 0);
    cr_assert_eq(out, 3);
    uint32_t zero = 0;
    cr_assert_eq(maps_user_update(m, &k, &zero, BPF_ANY), -EINVAL); /* no device 0 */
    k = 4;
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_ANY), -E2BIG);
    cr_assert_eq(maps_user_delete(m, &k), -EINVAL);
    cr_assert_eq(maps_elem_update(m, &k, &ifindex, BPF_ANY, 0), -EOPNOTSUPP);
    k = 1;
    cr_assert_eq(maps_user_delete(m, &k), 0);
    cr_assert_eq(maps_user_delete(m, &k), 0); /* empty slot: still 0 */
    cr_assert_null(maps_elem_lookup(m, &k, 0));
    cr_assert_eq(maps_user_next_key(m, NULL, &n), 0);
    cr_assert_eq(n, 0);
    struct vm_region r;
    cr_assert_eq(maps_regions(m, &r, 1), 1);
    cr_assert_eq(r.flags, VM_REGION_READ); /* the kernel makes devmap values read-only */
    maps_destroy(m);

    struct maps_map *m8 = mk(BPF_MAP_TYPE_DEVMAP, 4, 8, 2, 0);
    struct bpf_devmap_val dv = {.ifindex = 7, .bpf_prog.fd = 5}, dout;
    k = 0;
    cr_assert_eq(maps_user_update(m8, &k, &dv, BPF_ANY), -EOPNOTSUPP);
    dv.bpf_prog.fd = -1;
    cr_assert_eq(maps_user_update(m8, &k, &dv, BPF_ANY), 0);
    cr_assert_eq(maps_user_lookup(m8, &k, &dout), 0);
    cr_assert_eq(dout.ifindex, 7);
    cr_assert_eq(dout.bpf_prog.id, 0);
    maps_destroy(m8);
}

Test(maps_dev, cpumap_xskmap)
{
    struct maps_map *c = mk_cpus(BPF_MAP_TYPE_CPUMAP, 4, 4, 4, 0, 2);
    uint32_t k = 1, q = 192, out;
    cr_assert_eq(maps_user_update(c, &k, &q, BPF_ANY), 0);
    cr_assert_eq(maps_user_lookup(c, &k, &out), 0);
    cr_assert_eq(out, 192);
    cr_assert_not_null(maps_elem_lookup(c, &k, 0));
    cr_assert_eq(maps_user_update(c, &k, &q, BPF_NOEXIST), -EEXIST);
    k = 2;
    cr_assert_eq(maps_user_update(c, &k, &q, BPF_ANY), -ENODEV); /* only 2 CPUs */
    k = 4;
    cr_assert_eq(maps_user_update(c, &k, &q, BPF_ANY), -E2BIG);
    k = 1;
    q = 20000;
    cr_assert_eq(maps_user_update(c, &k, &q, BPF_ANY), -EOVERFLOW);
    q = 0; /* qsize 0 empties the slot */
    cr_assert_eq(maps_user_update(c, &k, &q, BPF_ANY), 0);
    cr_assert_eq(maps_user_lookup(c, &k, &out), -ENOENT);
    cr_assert_null(maps_elem_lookup(c, &k, 0));
    maps_destroy(c);

    struct maps_map *x = mk(BPF_MAP_TYPE_XSKMAP, 4, 4, 4, 0);
    uint32_t fd = 11;
    k = 0;
    cr_assert_eq(maps_user_update(x, &k, &fd, BPF_EXIST), -ENOENT);
    cr_assert_eq(maps_user_update(x, &k, &fd, BPF_NOEXIST), 0);
    cr_assert_eq(maps_user_update(x, &k, &fd, BPF_NOEXIST), -EEXIST);
    cr_assert_eq(maps_user_update(x, &k, &fd, BPF_EXIST), 0);
    cr_assert_eq(maps_user_update(x, &k, &fd, 3), -EINVAL);
    cr_assert_eq(maps_user_lookup(x, &k, &out), -EOPNOTSUPP);
    cr_assert_not_null(maps_elem_lookup(x, &k, 0));
    cr_assert_eq(maps_user_delete(x, &k), 0);
    cr_assert_null(maps_elem_lookup(x, &k, 0));
    maps_destroy(x);
}

Test(maps_dev, devmap_hash)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_DEVMAP_HASH, 4, 4, 2, 0);
    uint32_t k = 70, ifindex = 5, out, n;
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_EXIST), 0); /* inserts, as the kernel */
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_NOEXIST), -EEXIST);
    cr_assert_eq(u32_at(maps_elem_lookup(m, &k, 0)), 5);
    k = 80;
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_ANY), 0);
    k = 90;
    cr_assert_eq(maps_user_update(m, &k, &ifindex, BPF_ANY), -E2BIG);
    cr_assert_eq(maps_user_lookup(m, &k, &out), -ENOENT);
    cr_assert_eq(maps_user_delete(m, &k), -ENOENT);
    cr_assert_eq(maps_user_next_key(m, NULL, &n), 0);
    cr_assert_eq(n, 70);
    cr_assert_eq(maps_elem_update(m, &k, &ifindex, BPF_ANY, 0), -EOPNOTSUPP);
    maps_destroy(m);
}

/* --------------------------------------------------------------- regions */

Test(maps_regions, array_pools)
{
    struct maps_map *m = mk(BPF_MAP_TYPE_ARRAY, 4, 12, 4, 0);
    struct vm_region r[2];
    cr_assert_eq(maps_regions(m, r, 2), 1);
    uint32_t k0 = 0, k3 = 3;
    cr_assert_eq(r[0].start, (uintptr_t)maps_elem_lookup(m, &k0, 0));
    cr_assert_eq(r[0].end, r[0].start + 4 * 16);
    cr_assert_eq(r[0].elem_size, 16);
    cr_assert_eq(r[0].elem_len, 12);
    cr_assert_eq(r[0].flags, VM_REGION_RW);
    cr_assert_str_eq(r[0].name, "map value");
    cr_assert_eq((uintptr_t)maps_elem_lookup(m, &k3, 0), r[0].start + 3 * 16);
    cr_assert_eq(maps_regions(m, r, 0), 0);
    maps_destroy(m);

    struct maps_map *p = mk_cpus(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 3, 0, 2);
    cr_assert_eq(maps_regions(p, r, 2), 1);
    cr_assert_eq(r[0].end - r[0].start, 2 * 3 * 8);
    uint32_t k2 = 2;
    uintptr_t last = (uintptr_t)maps_elem_lookup(p, &k2, 1);
    cr_assert(last >= r[0].start && last + 8 <= r[0].end);
    maps_destroy(p);

    struct maps_map *ro = mk(BPF_MAP_TYPE_HASH, 4, 4, 4, BPF_F_RDONLY_PROG);
    cr_assert_eq(maps_regions(ro, r, 2), 1);
    cr_assert_eq(r[0].flags, VM_REGION_READ);
    maps_destroy(ro);
    struct maps_map *wo = mk(BPF_MAP_TYPE_ARRAY, 4, 4, 4, BPF_F_WRONLY_PROG);
    cr_assert_eq(maps_regions(wo, r, 2), 1);
    cr_assert_eq(r[0].flags, VM_REGION_WRITE);
    maps_destroy(wo);

    struct maps_map *pa = mk(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
    cr_assert_eq(maps_regions(pa, r, 2), 0);
    maps_destroy(pa);
}

Test(maps_regions, percpu_hash_pool)
{
    struct maps_map *m = mk_cpus(BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 8, 0, 3);
    struct vm_region r;
    cr_assert_eq(maps_regions(m, &r, 1), 1);
    cr_assert_eq(r.end - r.start, 3 * 8 * 8);
    cr_assert_eq(r.elem_size, 8);
    cr_assert_eq(r.elem_len, 4);
    uint32_t k = 1, v = 2;
    cr_assert_eq(maps_elem_update(m, &k, &v, BPF_ANY, 2), 0);
    for (uint32_t c = 0; c < 3; c++) {
        uintptr_t p = (uintptr_t)maps_elem_lookup(m, &k, c);
        cr_assert(p >= r.start && p + 4 <= r.end);
        cr_assert_eq((p - r.start) % 8, 0);
    }
    maps_destroy(m);
}

/* --------------------------------------------------------------- threads */

#define THREAD_ITERS 20000
#define THREAD_KEYS 200

struct thread_arg {
    struct maps_map *hash, *array, *percpu, *queue, *ring;
    uint32_t id;
    uint64_t popped_sum;
    int errors;
};

static void *worker(void *p)
{
    struct thread_arg *t = p;
    uint32_t shared = 0xffff, idx = 3;
    for (uint32_t i = 0; i < THREAD_ITERS; i++) {
        /* shared counters: a hash value and an array value, atomic adds */
        uint64_t *hv = maps_elem_lookup(t->hash, &shared, t->id);
        uint64_t *av = maps_elem_lookup(t->array, &idx, t->id);
        if (!hv || !av) {
            t->errors++;
            continue;
        }
        __atomic_fetch_add(hv, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(av, 2, __ATOMIC_RELAXED);
        /* this thread's CPU copy of a per-CPU counter: no atomics needed */
        uint64_t *pc = maps_elem_lookup(t->percpu, &idx, t->id);
        if (pc)
            (*pc)++;

        /* own keys: insert, bump, delete the odd ones again */
        uint32_t j = i % THREAD_KEYS, key = (t->id << 16) | j;
        uint64_t zero = 0;
        long rc = maps_elem_update(t->hash, &key, &zero, BPF_NOEXIST, t->id);
        if (rc != 0 && rc != -EEXIST)
            t->errors++;
        uint64_t *kv = maps_elem_lookup(t->hash, &key, t->id);
        if (!kv)
            t->errors++;
        else
            __atomic_fetch_add(kv, 1, __ATOMIC_RELAXED);
        if (j % 2 && maps_elem_delete(t->hash, &key) != 0)
            t->errors++;

        /* an iteration step now and then, racing with the other thread */
        if (i % 97 == 0) {
            uint32_t nk;
            (void)maps_user_next_key(t->hash, &key, &nk);
        }

        /* producer/consumer through a queue */
        if (t->id == 0) {
            uint64_t v = i + 1;
            while (maps_elem_push(t->queue, &v, BPF_ANY) == -E2BIG)
                ;
        } else {
            uint64_t v;
            while (maps_elem_pop(t->queue, &v) == -ENOENT)
                ;
            t->popped_sum += v;
        }
        uint32_t rec = (t->id << 24) | i;
        if (i < 1000 && maps_ringbuf_output(t->ring, &rec, sizeof rec, 0) != 0)
            t->errors++;
    }
    return NULL;
}

struct ring_count {
    uint32_t per_thread[2];
    uint32_t last[2];
    int out_of_order;
};

static int ring_count_cb(void *ctx, const void *data, size_t size)
{
    struct ring_count *rc = ctx;
    uint32_t v = u32_at(data), id = v >> 24, i = v & 0xffffff;
    if (id < 2) {
        if (rc->per_thread[id] && i <= rc->last[id])
            rc->out_of_order++;
        rc->last[id] = i;
        rc->per_thread[id]++;
    }
    return 0;
}

Test(maps_threads, two_threads_share_maps)
{
    struct thread_arg args[2];
    struct maps_map *hash = mk(BPF_MAP_TYPE_HASH, 4, 8, 2 * THREAD_KEYS + 8, 0);
    struct maps_map *array = mk(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0);
    struct maps_map *percpu = mk_cpus(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 8, 0, 2);
    struct maps_map *queue = mk(BPF_MAP_TYPE_QUEUE, 0, 8, 16, 0);
    struct maps_map *ring = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 1u << 16, 0);
    uint32_t shared = 0xffff;
    uint64_t zero = 0;
    cr_assert_eq(maps_user_update(hash, &shared, &zero, BPF_NOEXIST), 0);
    pthread_t th[2];
    for (uint32_t i = 0; i < 2; i++) {
        args[i] = (struct thread_arg){hash, array, percpu, queue, ring, i, 0, 0};
        cr_assert_eq(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(args[0].errors, 0);
    cr_assert_eq(args[1].errors, 0);

    uint64_t v;
    cr_assert_eq(maps_user_lookup(hash, &shared, &v), 0);
    cr_assert_eq(v, 2ull * THREAD_ITERS);
    uint32_t idx = 3;
    cr_assert_eq(maps_user_lookup(array, &idx, &v), 0);
    cr_assert_eq(v, 4ull * THREAD_ITERS);
    uint64_t pc[2];
    cr_assert_eq(maps_user_lookup(percpu, &idx, pc), 0);
    cr_assert_eq(pc[0], THREAD_ITERS);
    cr_assert_eq(pc[1], THREAD_ITERS);
    /* each thread's even keys survive, bumped once per visit */
    for (uint32_t id = 0; id < 2; id++)
        for (uint32_t j = 0; j < THREAD_KEYS; j++) {
            uint32_t key = (id << 16) | j;
            int rc = maps_user_lookup(hash, &key, &v);
            if (j % 2) {
                cr_assert_eq(rc, -ENOENT);
            } else {
                cr_assert_eq(rc, 0);
                cr_assert_eq(v, THREAD_ITERS / THREAD_KEYS);
            }
        }
    uint32_t k, n = 0;
    const void *prev = NULL;
    while (maps_user_next_key(hash, prev, &k) == 0) {
        n++;
        prev = &k;
    }
    cr_assert_eq(n, 1 + THREAD_KEYS); /* shared + 100 even keys per thread */
    /* every pushed value was popped exactly once */
    cr_assert_eq(args[1].popped_sum, (uint64_t)THREAD_ITERS * (THREAD_ITERS + 1) / 2);
    cr_assert_eq(maps_elem_pop(queue, &v), -ENOENT);
    /* ring: both producers' records, each thread's in its own order */
    struct ring_count rc = {{0}, {0}, 0};
    cr_assert_eq(maps_ringbuf_consume(ring, ring_count_cb, &rc), 2000);
    cr_assert_eq(rc.per_thread[0], 1000);
    cr_assert_eq(rc.per_thread[1], 1000);
    cr_assert_eq(rc.out_of_order, 0);
    maps_destroy(hash);
    maps_destroy(array);
    maps_destroy(percpu);
    maps_destroy(queue);
    maps_destroy(ring);
}

/* a consumer draining the ring while two producers fill it */
struct ring_prod {
    struct maps_map *ring;
    uint32_t id;
    uint32_t sent;
};

static void *ring_producer(void *p)
{
    struct ring_prod *rp = p;
    for (uint32_t i = 0; i < 5000; i++) {
        uint32_t rec = (rp->id << 24) | i;
        uint8_t *r;
        while (!(r = maps_ringbuf_reserve(rp->ring, 12, 0)))
            ;
        memcpy(r, &rec, 4);
        if (i % 5 == 4) {
            maps_ringbuf_discard(rp->ring, r, 0);
        } else {
            maps_ringbuf_submit(rp->ring, r, 0);
            rp->sent++;
        }
    }
    return NULL;
}

static int ring_check_cb(void *ctx, const void *data, size_t size)
{
    struct ring_count *rc = ctx;
    if (size != 12)
        rc->out_of_order++;
    return ring_count_cb(ctx, data, size);
}

Test(maps_threads, ring_concurrent_consumer)
{
    struct maps_map *ring = mk(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0);
    struct ring_prod rp[2] = {{ring, 0, 0}, {ring, 1, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, ring_producer, &rp[i]), 0);
    struct ring_count rc = {{0}, {0}, 0};
    uint32_t total = 0;
    while (total < 8000) {
        int n = maps_ringbuf_consume(ring, ring_check_cb, &rc);
        cr_assert_geq(n, 0);
        total += (uint32_t)n;
    }
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    cr_assert_eq(maps_ringbuf_consume(ring, ring_check_cb, &rc), 0);
    cr_assert_eq(rp[0].sent + rp[1].sent, 8000);
    cr_assert_eq(rc.per_thread[0], 4000);
    cr_assert_eq(rc.per_thread[1], 4000);
    maps_destroy(ring);
}

/* BPF_F_LOCK: with a spin lock in the value, plain arrays and hashes take
 * it (the copy is made under the map's lock); per-CPU and LRU maps never */
Test(maps_lock, f_lock_with_a_spin_lock)
{
    static const uint32_t types[] = {BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH,
                                     BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_LRU_HASH};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        struct maps_attr a = {.type = types[i], .key_size = 4, .value_size = 8, .max_entries = 4,
                              .ncpus = 1, .has_spin_lock = true};
        struct maps_map *m = NULL;
        char err[VM_ERR_LEN];
        cr_assert_eq(maps_create(&a, &m, err, sizeof err), 0, "%s", err);
        uint32_t k = 1, missing = 3;
        uint64_t v = 7, out = 0;
        bool ok = i < 2;
        cr_expect_eq(maps_user_update(m, &k, &v, BPF_F_LOCK), ok ? 0 : -EINVAL, "type %u",
                     types[i]);
        if (ok) {
            cr_expect_eq(maps_user_update(m, &k, &v, BPF_F_LOCK | BPF_EXIST), 0);
            cr_expect_eq(maps_user_lookup(m, &k, &out), 0);
            cr_expect_eq(out, 7);
            if (types[i] == BPF_MAP_TYPE_HASH)
                cr_expect_eq(maps_user_update(m, &missing, &v, BPF_F_LOCK | BPF_EXIST), -ENOENT);
        }
        maps_destroy(m);
    }
}

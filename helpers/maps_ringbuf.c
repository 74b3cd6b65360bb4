/* helpers/maps_ringbuf.c - BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c) and
 * its consumer (libbpf's ring_buffer__consume).
 *
 * The ring holds max_entries bytes of records. A record is an 8-byte
 * header { u32 len; u32 pg_off; } (len carries BPF_RINGBUF_BUSY_BIT while
 * reserved, BPF_RINGBUF_DISCARD_BIT once discarded) followed by the data,
 * the whole rounded up to 8 bytes. Positions only grow; a record starts at
 * (pos & mask). The kernel maps the data pages twice in a row so a record
 * that wraps is contiguous; we allocate 2 × max_entries bytes and let a
 * record run past the end into the second copy, which both producer and
 * consumer address the same way (the ring's real state never depends on
 * the wrapped bytes being aliased).
 *
 * As the kernel: reserve fails (NULL) with flags != 0, a size above
 * RINGBUF_MAX_RECORD_SZ or whose record exceeds the ring, or when the
 * producer would get more than max_entries - 1 bytes ahead of the consumer
 * (so at most max_entries - 8 bytes of records are outstanding); output is
 * reserve + copy + submit, -EAGAIN when there is no room. Reserved memory
 * is zeroed (the kernel leaves stale bytes: deterministic output instead).
 * The consumer reads submitted records in order, skips discarded ones and
 * stops at the first still reserved one.
 *
 * Regions: the whole data area is one region (the program could touch
 * records other than its own; finer checking is the helpers' business).
 *
 * Locking: producers take the map's lock; the consumer takes its own and
 * calls the callback without the producers' lock held. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RB_MAX_RECORD (UINT32_MAX / 4) /* RINGBUF_MAX_RECORD_SZ */

struct rb {
    uint8_t *data;      /* 2 × size */
    uint64_t size, mask;
    uint64_t prod_pos;  /* written under the map's lock, read by the consumer */
    uint64_t cons_pos;  /* written by the consumer, read by producers */
    pthread_mutex_t cons_lock;
};

#define RB(m) ((struct rb *)(m)->priv)

static int check_ringbuf(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->key_size != 0)
        return helper_err(err, errlen, -EINVAL, "key_size %u: a ringbuf has no key (0)",
                        a->key_size);
    if (a->value_size != 0)
        return helper_err(err, errlen, -EINVAL, "value_size %u: a ringbuf has no value (0)",
                        a->value_size);
    uint32_t n = a->max_entries;
    if ((n & (n - 1)) != 0 || n % MAPS_PAGE_SIZE != 0)
        return helper_err(err, errlen, -EINVAL,
                        "max_entries %u: a ringbuf's size must be a power of 2 and a multiple of "
                        "the page size (%u)",
                        n, MAPS_PAGE_SIZE);
    return 0;
}

static int init_ringbuf(struct maps_map *m, char *err, size_t errlen)
{
    struct rb *r = calloc(1, sizeof(*r));
    if (r) {
        r->size = m->attr.max_entries;
        r->mask = r->size - 1;
        r->data = calloc(2, (size_t)r->size);
    }
    if (!r || !r->data || pthread_mutex_init(&r->cons_lock, NULL) != 0) {
        if (r)
            free(r->data);
        free(r);
        return helper_err(err, errlen, -ENOMEM, "max_entries %u: cannot allocate the ring",
                        m->attr.max_entries);
    }
    m->priv = r;
    return 0;
}

static void fini_ringbuf(struct maps_map *m)
{
    struct rb *r = RB(m);
    if (!r)
        return;
    pthread_mutex_destroy(&r->cons_lock);
    free(r->data);
    free(r);
}

static uint32_t *hdr_len(struct rb *r, uint64_t pos)
{
    return (uint32_t *)(void *)(r->data + (pos & r->mask));
}

void *maps_ringbuf_reserve(struct maps_map *m, uint64_t size, uint64_t flags)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_RINGBUF || flags != 0 || size > RB_MAX_RECORD)
        return NULL;
    struct rb *r = RB(m);
    uint64_t len = (size + BPF_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7;
    if (len > r->size)
        return NULL;
    uint8_t *rec = NULL;
    pthread_mutex_lock(&m->lock);
    uint64_t cons = __atomic_load_n(&r->cons_pos, __ATOMIC_ACQUIRE);
    uint64_t prod = r->prod_pos;
    if (prod + len - cons <= r->mask) {
        uint32_t *hdr = hdr_len(r, prod);
        uint32_t pg_off = (uint32_t)((prod & r->mask) / MAPS_PAGE_SIZE);
        rec = (uint8_t *)hdr + BPF_RINGBUF_HDR_SZ;
        memset(rec, 0, len - BPF_RINGBUF_HDR_SZ);
        hdr[1] = pg_off;
        __atomic_store_n(&hdr[0], (uint32_t)size | BPF_RINGBUF_BUSY_BIT, __ATOMIC_RELAXED);
        __atomic_store_n(&r->prod_pos, prod + len, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&m->lock);
    return rec;
}

/* Commit a reserved record: a pointer that is not one is ignored (the
 * helpers check first; the kernel would corrupt the ring). */
static void commit(struct maps_map *m, void *data, bool discard)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_RINGBUF || !data)
        return;
    struct rb *r = RB(m);
    uintptr_t p = (uintptr_t)data, base = (uintptr_t)r->data;
    if (p < base + BPF_RINGBUF_HDR_SZ || p >= base + r->size + BPF_RINGBUF_HDR_SZ ||
        (p - base) % 8 != 0)
        return;
    uint32_t *hdr = (uint32_t *)(void *)((uint8_t *)data - BPF_RINGBUF_HDR_SZ);
    uint32_t len = __atomic_load_n(&hdr[0], __ATOMIC_RELAXED);
    if (!(len & BPF_RINGBUF_BUSY_BIT))
        return; /* committed twice */
    len &= ~(uint32_t)BPF_RINGBUF_BUSY_BIT;
    if (discard)
        len |= BPF_RINGBUF_DISCARD_BIT;
    __atomic_store_n(&hdr[0], len, __ATOMIC_RELEASE);
}

void maps_ringbuf_submit(struct maps_map *m, void *data, uint64_t flags)
{
    commit(m, data, false);
}

void maps_ringbuf_discard(struct maps_map *m, void *data, uint64_t flags)
{
    commit(m, data, true);
}

long maps_ringbuf_output(struct maps_map *m, const void *data, uint64_t size, uint64_t flags)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_RINGBUF)
        return -EINVAL;
    if (flags & ~(uint64_t)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
        return -EINVAL;
    void *rec = maps_ringbuf_reserve(m, size, 0);
    if (!rec)
        return -EAGAIN;
    if (size)
        memcpy(rec, data, size);
    commit(m, rec, false);
    return 0;
}

/* Records consumed (discarded ones not counted), or the first negative
 * value fn returned (that record counts as consumed, as in libbpf). */
int maps_ringbuf_consume(struct maps_map *m, maps_record_fn fn, void *ctx)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_RINGBUF)
        return -EINVAL;
    struct rb *r = RB(m);
    int count = 0, rc = 0;
    pthread_mutex_lock(&r->cons_lock);
    uint64_t cons = r->cons_pos;
    while (cons < __atomic_load_n(&r->prod_pos, __ATOMIC_ACQUIRE)) {
        uint32_t *hdr = hdr_len(r, cons);
        uint32_t len = __atomic_load_n(&hdr[0], __ATOMIC_ACQUIRE);
        if (len & BPF_RINGBUF_BUSY_BIT)
            break;
        uint32_t size = len & ~(uint32_t)BPF_RINGBUF_DISCARD_BIT;
        const uint8_t *rec = (const uint8_t *)hdr + BPF_RINGBUF_HDR_SZ;
        cons += ((uint64_t)size + BPF_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7;
        if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
            rc = fn ? fn(ctx, rec, size) : 0;
            count++;
        }
        __atomic_store_n(&r->cons_pos, cons, __ATOMIC_RELEASE);
        if (rc < 0)
            break;
    }
    pthread_mutex_unlock(&r->cons_lock);
    return rc < 0 ? rc : count;
}

static unsigned ringbuf_regions(const struct maps_map *m, struct vm_region *out, unsigned max)
{
    const struct rb *r = RB(m);
    if (!out || max == 0)
        return 0;
    memset(out, 0, sizeof(*out));
    out->start = (uintptr_t)r->data;
    out->end = (uintptr_t)r->data + 2 * r->size;
    out->flags = VM_REGION_RW;
    out->name = "ringbuf";
    return 1;
}

/* User space reaches a ringbuf only through the consumer: lookups,
 * updates, deletes and next_key are unsupported (the kernel's -ENOTSUPP). */
const struct maps_ops maps_ringbuf_ops = {
    .flag_mask = BPF_F_NUMA_NODE,
    .check = check_ringbuf,
    .init = init_ringbuf,
    .fini = fini_ringbuf,
    .regions = ringbuf_regions,
};

/* helpers/maps_perf.c - BPF_MAP_TYPE_PERF_EVENT_ARRAY: the records
 * bpf_perf_event_output writes, read back in order (what libbpf's
 * perf_buffer hands its sample callback).
 *
 * In the kernel each slot holds a perf event (one per CPU, set by user
 * space); output to an index >= max_entries is -E2BIG and to an empty slot
 * -ENOENT. We have no perf events: every index below max_entries accepts
 * records (user-space updates are accepted and remembered, but not
 * required). A record's size is what perf reports for a raw sample: the
 * data padded with zeros so that size + 4 is a multiple of 8 (a 5-byte
 * output is read as 12 bytes with 3 zero bytes, as perf_prepare_sample
 * pads it). Records are kept in output order across all indices; at most
 * 64 MiB may wait for the consumer, beyond that output fails with -ENOSPC
 * as a full perf buffer does (records lost). The lock guards the log; the
 * consumer calls the callback without it. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PERF_PENDING_MAX (64u << 20)

struct perf_rec_hdr {
    uint32_t index;
    uint32_t size;     /* padded raw size */
};

struct perf {
    uint8_t *buf;      /* records: header, data, padding to 8 */
    size_t len, cap;
    uint8_t *present;  /* user-space set slots (informational) */
};

#define PERF(m) ((struct perf *)(m)->priv)

static int check_perf(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->key_size != 4)
        return helper_err(err, errlen, -EINVAL,
                        "key_size %u: a perf_event_array's key is a 4-byte index", a->key_size);
    if (a->value_size != 4)
        return helper_err(err, errlen, -EINVAL,
                        "value_size %u: a perf_event_array's value is a 4-byte perf event fd",
                        a->value_size);
    return 0;
}

static int init_perf(struct maps_map *m, char *err, size_t errlen)
{
    struct perf *p = calloc(1, sizeof(*p));
    if (p)
        p->present = calloc(m->attr.max_entries, 1);
    if (!p || !p->present) {
        free(p);
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    }
    m->priv = p;
    return 0;
}

static void fini_perf(struct maps_map *m)
{
    struct perf *p = PERF(m);
    if (!p)
        return;
    free(p->buf);
    free(p->present);
    free(p);
}

static size_t rec_bytes(uint32_t size)
{
    return sizeof(struct perf_rec_hdr) + (((size_t)size + 7) & ~(size_t)7);
}

static bool reserve(struct perf *p, size_t more)
{
    if (p->len + more <= p->cap)
        return true;
    size_t cap = p->cap ? p->cap : 4096;
    while (cap < p->len + more)
        cap *= 2;
    uint8_t *b = realloc(p->buf, cap);
    if (!b)
        return false;
    p->buf = b;
    p->cap = cap;
    return true;
}

long maps_perf_output(struct maps_map *m, uint32_t index, const void *data, uint64_t size)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
        return -EINVAL;
    if (index >= m->attr.max_entries)
        return -E2BIG;
    if (size > PERF_PENDING_MAX)
        return -ENOSPC;
    uint32_t raw = (uint32_t)(((size + 4 + 7) & ~(uint64_t)7) - 4);
    struct perf *p = PERF(m);
    long rc = 0;
    pthread_mutex_lock(&m->lock);
    size_t need = rec_bytes(raw);
    if (p->len + need > PERF_PENDING_MAX || !reserve(p, need)) {
        rc = -ENOSPC;
    } else {
        struct perf_rec_hdr h = {index, raw};
        uint8_t *at = p->buf + p->len;
        memset(at, 0, need);
        memcpy(at, &h, sizeof(h));
        if (size)
            memcpy(at + sizeof(h), data, size);
        p->len += need;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* Records read (all of them, in output order), or the first negative
 * value fn returned: that record is consumed, the later ones stay. */
int maps_perf_consume(struct maps_map *m, maps_record_fn fn, void *ctx)
{
    if (!m || m->attr.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
        return -EINVAL;
    struct perf *p = PERF(m);
    pthread_mutex_lock(&m->lock);
    uint8_t *buf = p->buf;
    size_t len = p->len;
    p->buf = NULL;
    p->len = p->cap = 0;
    pthread_mutex_unlock(&m->lock);

    int count = 0, rc = 0;
    size_t off = 0;
    while (off < len) {
        struct perf_rec_hdr h;
        memcpy(&h, buf + off, sizeof(h));
        const uint8_t *data = buf + off + sizeof(h);
        off += rec_bytes(h.size);
        rc = fn ? fn(ctx, data, h.size) : 0;
        count++;
        if (rc < 0)
            break;
    }
    if (off < len) {
        /* put the unread records back in front of any written meanwhile */
        pthread_mutex_lock(&m->lock);
        size_t rest = len - off;
        if (reserve(p, rest)) {
            memmove(p->buf + rest, p->buf, p->len);
            memcpy(p->buf, buf + off, rest);
            p->len += rest;
        }
        pthread_mutex_unlock(&m->lock);
    }
    free(buf);
    return rc < 0 ? rc : count;
}

static uint32_t key_index(const void *key)
{
    uint32_t i;
    memcpy(&i, key, sizeof(i));
    return i;
}

/* bpf_fd_array_map_update_elem: BPF_ANY only. */
static int perf_user_update(struct maps_map *m, const void *key, const void *value,
                            uint64_t flags)
{
    uint32_t idx = key_index(key);
    if (flags != BPF_ANY)
        return -EINVAL;
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    __atomic_store_n(&PERF(m)->present[idx], 1, __ATOMIC_RELEASE);
    return 0;
}

static int perf_user_delete(struct maps_map *m, const void *key)
{
    uint32_t idx = key_index(key);
    if (idx >= m->attr.max_entries)
        return -E2BIG;
    return __atomic_exchange_n(&PERF(m)->present[idx], 0, __ATOMIC_ACQ_REL) ? 0 : -ENOENT;
}

/* User-space lookups are unsupported (the kernel's -ENOTSUPP); programs
 * only output. */
const struct maps_ops maps_perf_ops = {
    .flag_mask = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_PRESERVE_ELEMS,
    .check = check_perf,
    .init = init_perf,
    .fini = fini_perf,
    .user_update = perf_user_update,
    .user_delete = perf_user_delete,
    .user_next_key = maps_array_next_key,
};

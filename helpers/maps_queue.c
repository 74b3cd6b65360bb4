/* helpers/maps_queue.c - queue (FIFO) and stack (LIFO) maps
 * (kernel/bpf/queue_stack_maps.c): a ring of max_entries + 1 slots, one
 * always empty, under the map's lock.
 *
 * push (bpf_map_push_elem, or BPF_MAP_UPDATE_ELEM with a NULL key): flags
 * BPF_ANY or BPF_EXIST (BPF_NOEXIST and unknown bits are -EINVAL); a full
 * map is -E2BIG unless BPF_EXIST, which drops the oldest element to make
 * room -- for a stack too, where the oldest is the bottom one.
 * pop/peek (BPF_MAP_LOOKUP_AND_DELETE_ELEM / BPF_MAP_LOOKUP_ELEM from user
 * space): the oldest (queue) or newest (stack) element; empty: -ENOENT and
 * the output zeroed. Keyed operations are -EINVAL, as in the kernel;
 * programs have no pointer into a queue, so there is no region. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct qs {
    uint8_t *elems;
    size_t size;       /* max_entries + 1 */
    size_t head, tail; /* push at head; the oldest is at tail */
};

#define QS(m) ((struct qs *)(m)->priv)

static int check_qs(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->key_size != 0)
        return helper_err(err, errlen, -EINVAL, "key_size %u: a %s map has no key (0)", a->key_size,
                        maps_type_name(a->type));
    if (a->value_size == 0)
        return helper_err(err, errlen, -EINVAL, "value_size 0: must be > 0");
    if (a->value_size > MAPS_KMALLOC_MAX)
        return helper_err(err, errlen, -E2BIG, "value_size %u: at most %u", a->value_size,
                        MAPS_KMALLOC_MAX);
    return 0;
}

static int init_qs(struct maps_map *m, char *err, size_t errlen)
{
    struct qs *q = calloc(1, sizeof(*q));
    size_t bytes;
    if (q) {
        q->size = (size_t)m->attr.max_entries + 1;
        if (maps_mul(q->size, m->attr.value_size, &bytes))
            q->elems = calloc(q->size, m->attr.value_size);
    }
    if (!q || !q->elems) {
        free(q);
        return helper_err(err, errlen, -ENOMEM,
                        "max_entries %u × value_size %u: cannot allocate the elements",
                        m->attr.max_entries, m->attr.value_size);
    }
    m->priv = q;
    return 0;
}

static void fini_qs(struct maps_map *m)
{
    struct qs *q = QS(m);
    if (q)
        free(q->elems);
    free(q);
}

static uint8_t *elem(const struct maps_map *m, size_t i)
{
    return QS(m)->elems + i * m->attr.value_size;
}

static long qs_push(struct maps_map *m, const void *value, uint64_t flags)
{
    if ((flags & BPF_NOEXIST) || flags > BPF_EXIST)
        return -EINVAL;
    struct qs *q = QS(m);
    long rc = 0;
    pthread_mutex_lock(&m->lock);
    if ((q->head + 1) % q->size == q->tail) { /* full */
        if (!(flags & BPF_EXIST))
            rc = -E2BIG;
        else
            q->tail = (q->tail + 1) % q->size; /* drop the oldest */
    }
    if (!rc) {
        memcpy(elem(m, q->head), value, m->attr.value_size);
        q->head = (q->head + 1) % q->size;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static long qs_get(struct maps_map *m, void *value, bool remove, bool lifo)
{
    struct qs *q = QS(m);
    long rc = 0;
    pthread_mutex_lock(&m->lock);
    if (q->head == q->tail) {
        memset(value, 0, m->attr.value_size);
        rc = -ENOENT;
    } else if (!lifo) {
        memcpy(value, elem(m, q->tail), m->attr.value_size);
        if (remove)
            q->tail = (q->tail + 1) % q->size;
    } else {
        size_t top = (q->head + q->size - 1) % q->size;
        memcpy(value, elem(m, top), m->attr.value_size);
        if (remove)
            q->head = top;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static long queue_pop(struct maps_map *m, void *value, bool remove)
{
    return qs_get(m, value, remove, false);
}

static long stack_pop(struct maps_map *m, void *value, bool remove)
{
    return qs_get(m, value, remove, true);
}

static long qs_elem_update(struct maps_map *m, const void *key, const void *value, uint64_t flags,
                           uint32_t cpu)
{
    return -EINVAL;
}

static long qs_elem_delete(struct maps_map *m, const void *key)
{
    return -EINVAL;
}

static int queue_user_lookup(struct maps_map *m, const void *key, void *value)
{
    return (int)qs_get(m, value, false, false);
}

static int stack_user_lookup(struct maps_map *m, const void *key, void *value)
{
    return (int)qs_get(m, value, false, true);
}

static int qs_user_update(struct maps_map *m, const void *key, const void *value, uint64_t flags)
{
    return (int)qs_push(m, value, flags);
}

static int qs_user_delete(struct maps_map *m, const void *key)
{
    return -EINVAL;
}

static int qs_next_key(struct maps_map *m, const void *key, void *next_key)
{
    return -EINVAL;
}

static int queue_user_pop(struct maps_map *m, const void *key, void *value)
{
    return (int)qs_get(m, value, true, false);
}

static int stack_user_pop(struct maps_map *m, const void *key, void *value)
{
    return (int)qs_get(m, value, true, true);
}

#define QS_COMMON                                                                                  \
    .flag_mask = BPF_F_NUMA_NODE | MAPS_F_ACCESS_MASK, .check = check_qs, .init = init_qs,        \
    .fini = fini_qs, .elem_update = qs_elem_update, .elem_delete = qs_elem_delete,                \
    .elem_push = qs_push, .user_update = qs_user_update, .user_delete = qs_user_delete,           \
    .user_next_key = qs_next_key

const struct maps_ops maps_queue_ops = {
    QS_COMMON,
    .elem_pop = queue_pop,
    .user_lookup = queue_user_lookup,
    .user_lookup_and_delete = queue_user_pop,
};

const struct maps_ops maps_stack_ops = {
    QS_COMMON,
    .elem_pop = stack_pop,
    .user_lookup = stack_user_lookup,
    .user_lookup_and_delete = stack_user_pop,
};

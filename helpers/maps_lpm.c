/* helpers/maps_lpm.c - lpm_trie (kernel/bpf/lpm_trie.c): a path-compressed
 * binary trie over keys { u32 prefixlen; u8 data[key_size - 4]; }, data
 * bits read most significant first (network order for IP addresses).
 *
 * Semantics as the kernel's:
 *  - lookup (program and user space alike) is a longest-prefix match: the
 *    entry with the longest prefixlen <= the key's prefixlen whose first
 *    prefixlen bits equal the key's (programs pass prefixlen = the maximum,
 *    data_size × 8);
 *  - update and delete match exactly (prefixlen and its bits); prefixlen
 *    above the maximum is -EINVAL; a new entry in a full trie is -ENOSPC
 *    (replacing an existing one is allowed: the kernel fixed that in 6.13);
 *  - get_next_key walks the trie in post-order, as the kernel does: more
 *    specific prefixes before the less specific ones that contain them
 *    (10.1.0.0/24, 10.1.128.0/24, 10.1.0.0/16, ...); NULL or a key not in
 *    the trie gives the first (leftmost) entry.
 * The trie's shape depends only on the set of entries, so the order is
 * stable while the map is unchanged.
 *
 * Nodes are allocated as the kernel's (intermediate nodes, flagged, join
 * two subtrees and hold no value); values live in a pool of max_entries
 * slots so they never move and form one region. An update of an existing
 * entry copies the value in place. Every operation holds the map's lock. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LPM_DATA_MAX 256u
#define LPM_NODE_SIZE 40u /* sizeof(struct lpm_trie_node) in the kernel's limit */
#define NODE_IM 1u        /* intermediate: no value */

struct lnode {
    struct lnode *child[2];
    uint32_t prefixlen;
    uint32_t flags;
    uint32_t vslot;        /* value slot (not for intermediate nodes) */
    uint8_t data[];
};

struct lpm {
    struct lnode *root;
    uint32_t data_size, max_prefixlen;
    uint32_t n_entries;
    uint8_t *values;       /* max_entries × vstride */
    uint32_t used;         /* value slots ever handed out (bump) */
    uint32_t *free_slots;  /* recycled value slots */
    uint32_t n_free;
    struct lnode **stack;  /* max_prefixlen + 1: get_next_key's path */
};

#define LPM(m) ((struct lpm *)(m)->priv)

static uint32_t key_prefixlen(const void *key)
{
    uint32_t p;
    memcpy(&p, key, sizeof(p));
    return p;
}

static const uint8_t *key_data(const void *key)
{
    return (const uint8_t *)key + 4;
}

static unsigned extract_bit(const uint8_t *data, uint32_t index)
{
    return (data[index / 8] >> (7 - index % 8)) & 1u;
}

/* How many leading bits node and key share, up to the shorter prefix. */
static uint32_t prefix_match(const struct lpm *t, const struct lnode *node, uint32_t prefixlen,
                             const uint8_t *data)
{
    uint32_t limit = node->prefixlen < prefixlen ? node->prefixlen : prefixlen;
    uint32_t bits = 0;
    for (uint32_t i = 0; i < t->data_size && bits < limit; i++) {
        uint8_t diff = node->data[i] ^ data[i];
        if (diff) {
            bits += (uint32_t)__builtin_clz((unsigned)diff) - 24u;
            break;
        }
        bits += 8;
    }
    return bits < limit ? bits : limit;
}

static uint8_t *value_of(const struct maps_map *m, const struct lnode *n)
{
    return LPM(m)->values + (size_t)n->vslot * m->vstride;
}

/* ------------------------------------------------------------ create/free */

static int check_lpm(const struct maps_attr *a, char *err, size_t errlen)
{
    if (!(a->map_flags & BPF_F_NO_PREALLOC))
        return helper_err(err, errlen, -EINVAL, "map_flags: an lpm_trie needs BPF_F_NO_PREALLOC");
    if (a->key_size < 5 || a->key_size > 4 + LPM_DATA_MAX)
        return helper_err(err, errlen, -EINVAL,
                        "key_size %u: an lpm_trie key is a 4-byte prefixlen and 1 to %u bytes of "
                        "data",
                        a->key_size, LPM_DATA_MAX);
    if (a->value_size < 1 || a->value_size > MAPS_KMALLOC_MAX - LPM_DATA_MAX - LPM_NODE_SIZE)
        return helper_err(err, errlen, -EINVAL, "value_size %u: must be 1 to %u", a->value_size,
                        MAPS_KMALLOC_MAX - LPM_DATA_MAX - LPM_NODE_SIZE);
    return 0;
}

static int init_lpm(struct maps_map *m, char *err, size_t errlen)
{
    struct lpm *t = calloc(1, sizeof(*t));
    if (!t)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    t->data_size = m->attr.key_size - 4;
    t->max_prefixlen = t->data_size * 8;
    size_t bytes;
    if (maps_mul(m->attr.max_entries, m->vstride, &bytes)) {
        t->values = maps_pool_alloc(m->attr.max_entries, m->vstride);
        t->free_slots = calloc(m->attr.max_entries, sizeof(*t->free_slots));
        t->stack = calloc(t->max_prefixlen + 1, sizeof(*t->stack));
    }
    if (!t->values || !t->free_slots || !t->stack) {
        free(t->values);
        free(t->free_slots);
        free(t->stack);
        free(t);
        return helper_err(err, errlen, -ENOMEM,
                        "max_entries %u × value_size %u: cannot allocate the values",
                        m->attr.max_entries, m->attr.value_size);
    }
    m->priv = t;
    return 0;
}

static void free_nodes(struct lnode *n)
{
    while (n) {
        free_nodes(n->child[0]);
        struct lnode *next = n->child[1];
        free(n);
        n = next;
    }
}

static void fini_lpm(struct maps_map *m)
{
    struct lpm *t = LPM(m);
    if (!t)
        return;
    free_nodes(t->root);
    free(t->values);
    free(t->free_slots);
    free(t->stack);
    free(t);
}

/* ----------------------------------------------------------------- nodes */

static uint32_t slot_alloc(struct lpm *t)
{
    return t->n_free ? t->free_slots[--t->n_free] : t->used++;
}

static void slot_free(struct lpm *t, uint32_t s)
{
    t->free_slots[t->n_free++] = s;
}

static struct lnode *node_new(const struct lpm *t, uint32_t prefixlen, const uint8_t *data)
{
    struct lnode *n = calloc(1, sizeof(*n) + t->data_size);
    if (n) {
        n->prefixlen = prefixlen;
        memcpy(n->data, data, t->data_size);
    }
    return n;
}

/* A value slot for n, filled with value (zero padding). */
static void node_set_value(struct maps_map *m, struct lnode *n, const void *value)
{
    struct lpm *t = LPM(m);
    n->vslot = slot_alloc(t);
    n->flags &= ~NODE_IM;
    uint8_t *v = value_of(m, n);
    memset(v, 0, m->vstride);
    memcpy(v, value, m->attr.value_size);
    t->n_entries++;
}

/* ---------------------------------------------------------------- lookup */

static struct lnode *lpm_find(const struct maps_map *m, const void *key)
{
    const struct lpm *t = LPM(m);
    uint32_t plen = key_prefixlen(key);
    const uint8_t *data = key_data(key);
    struct lnode *found = NULL;
    for (struct lnode *n = t->root; n;) {
        uint32_t match = prefix_match(t, n, plen, data);
        if (match == t->max_prefixlen) {
            found = n; /* a full-length match cannot be refined */
            break;
        }
        if (match < n->prefixlen)
            break;
        if (!(n->flags & NODE_IM))
            found = n;
        n = n->child[extract_bit(data, n->prefixlen)];
    }
    return found;
}

static void *lpm_elem_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    pthread_mutex_lock(&m->lock);
    struct lnode *n = lpm_find(m, key);
    void *v = n ? value_of(m, n) : NULL;
    pthread_mutex_unlock(&m->lock);
    return v;
}

static int lpm_user_lookup(struct maps_map *m, const void *key, void *value)
{
    pthread_mutex_lock(&m->lock);
    struct lnode *n = lpm_find(m, key);
    if (n)
        memcpy(value, value_of(m, n), m->attr.value_size);
    pthread_mutex_unlock(&m->lock);
    return n ? 0 : -ENOENT;
}

/* ---------------------------------------------------------------- update */

static long lpm_update_locked(struct maps_map *m, const void *key, const void *value,
                              uint64_t flags)
{
    struct lpm *t = LPM(m);
    uint32_t plen = key_prefixlen(key);
    const uint8_t *data = key_data(key);
    bool full = t->n_entries >= m->attr.max_entries;

    /* Walk down while the node is a proper prefix of the key. */
    struct lnode **slot = &t->root, *n;
    uint32_t match = 0;
    while ((n = *slot)) {
        match = prefix_match(t, n, plen, data);
        if (n->prefixlen != match || n->prefixlen == plen || n->prefixlen == t->max_prefixlen)
            break;
        slot = &n->child[extract_bit(data, n->prefixlen)];
    }

    if (n && n->prefixlen == match) { /* the key's own node */
        if (!(n->flags & NODE_IM)) {
            if (flags == BPF_NOEXIST)
                return -EEXIST;
            memcpy(value_of(m, n), value, m->attr.value_size);
        } else {
            if (flags == BPF_EXIST)
                return -ENOENT;
            if (full)
                return -ENOSPC;
            node_set_value(m, n, value);
        }
        /* the kernel replaces the node: its data (bits past prefixlen
         * included, which next_key returns) become the key's */
        memcpy(n->data, data, t->data_size);
        return 0;
    }
    if (flags == BPF_EXIST)
        return -ENOENT;
    if (full)
        return -ENOSPC;
    struct lnode *nn = node_new(t, plen, data);
    if (!nn)
        return -ENOMEM;
    if (!n) {                        /* an empty slot */
        *slot = nn;
    } else if (match == plen) {      /* the new entry contains n */
        nn->child[extract_bit(n->data, match)] = n;
        *slot = nn;
    } else {                         /* they diverge at bit `match` */
        struct lnode *im = node_new(t, match, n->data);
        if (!im) {
            free(nn);
            return -ENOMEM;
        }
        im->flags = NODE_IM;
        unsigned b = extract_bit(data, match);
        im->child[b] = nn;
        im->child[!b] = n;
        *slot = im;
    }
    node_set_value(m, nn, value);
    return 0;
}

static long lpm_elem_update(struct maps_map *m, const void *key, const void *value,
                            uint64_t flags, uint32_t cpu)
{
    if (flags > BPF_EXIST)
        return -EINVAL;
    if (key_prefixlen(key) > LPM(m)->max_prefixlen)
        return -EINVAL;
    pthread_mutex_lock(&m->lock);
    long rc = lpm_update_locked(m, key, value, flags);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int lpm_user_update(struct maps_map *m, const void *key, const void *value, uint64_t flags)
{
    return (int)lpm_elem_update(m, key, value, flags, 0);
}

/* ---------------------------------------------------------------- delete */

static long lpm_delete_locked(struct maps_map *m, const void *key)
{
    struct lpm *t = LPM(m);
    uint32_t plen = key_prefixlen(key);
    const uint8_t *data = key_data(key);
    struct lnode **trim = &t->root, **trim2 = trim, *n, *parent = NULL;
    uint32_t match = 0;
    while ((n = *trim)) {
        match = prefix_match(t, n, plen, data);
        if (n->prefixlen != match || n->prefixlen == plen)
            break;
        parent = n;
        trim2 = trim;
        trim = &n->child[extract_bit(data, n->prefixlen)];
    }
    if (!n || n->prefixlen != plen || n->prefixlen != match || (n->flags & NODE_IM))
        return -ENOENT;

    t->n_entries--;
    slot_free(t, n->vslot);
    if (n->child[0] && n->child[1]) { /* still joins two subtrees */
        n->flags |= NODE_IM;
        return 0;
    }
    if (parent && (parent->flags & NODE_IM) && !n->child[0] && !n->child[1]) {
        /* the intermediate parent is left with one child: lift it */
        *trim2 = parent->child[0] == n ? parent->child[1] : parent->child[0];
        free(parent);
        free(n);
        return 0;
    }
    *trim = n->child[0] ? n->child[0] : n->child[1];
    free(n);
    return 0;
}

static long lpm_elem_delete(struct maps_map *m, const void *key)
{
    if (key_prefixlen(key) > LPM(m)->max_prefixlen)
        return -EINVAL;
    pthread_mutex_lock(&m->lock);
    long rc = lpm_delete_locked(m, key);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int lpm_user_delete(struct maps_map *m, const void *key)
{
    return (int)lpm_elem_delete(m, key);
}

/* -------------------------------------------------------------- next_key */

/* The first entry in post-order under root: descend left when possible,
 * else right, remembering the last entry (non-intermediate node) seen. */
static const struct lnode *leftmost(const struct lnode *n)
{
    const struct lnode *last = NULL;
    while (n) {
        if (n->flags & NODE_IM) {
            n = n->child[0];
        } else {
            last = n;
            n = n->child[0] ? n->child[0] : n->child[1];
        }
    }
    return last;
}

static const struct lnode *lpm_next_locked(const struct maps_map *m, const void *key)
{
    const struct lpm *t = LPM(m);
    if (!t->root)
        return NULL;
    if (!key || key_prefixlen(key) > t->max_prefixlen)
        return leftmost(t->root);
    uint32_t plen = key_prefixlen(key);
    const uint8_t *data = key_data(key);
    int top = -1;
    struct lnode *n;
    for (n = t->root; n;) {
        t->stack[++top] = n;
        uint32_t match = prefix_match(t, n, plen, data);
        if (n->prefixlen != match || n->prefixlen == plen)
            break;
        n = n->child[extract_bit(data, n->prefixlen)];
    }
    if (!n || n->prefixlen != plen || (n->flags & NODE_IM))
        return leftmost(t->root); /* not an entry: start over */
    /* the post-order successor: the parent's right subtree, else the
     * first non-intermediate ancestor */
    const struct lnode *cur = t->stack[top];
    for (; top > 0; top--) {
        const struct lnode *parent = t->stack[top - 1];
        if (parent->child[0] == cur && parent->child[1])
            return leftmost(parent->child[1]);
        if (!(parent->flags & NODE_IM))
            return parent;
        cur = parent;
    }
    return NULL;
}

static int lpm_next_key(struct maps_map *m, const void *key, void *next_key)
{
    pthread_mutex_lock(&m->lock);
    const struct lnode *n = lpm_next_locked(m, key);
    if (n) {
        memcpy(next_key, &n->prefixlen, 4);
        memcpy((uint8_t *)next_key + 4, n->data, LPM(m)->data_size);
    }
    pthread_mutex_unlock(&m->lock);
    return n ? 0 : -ENOENT;
}

static unsigned lpm_regions(const struct maps_map *m, struct vm_region *out, unsigned max)
{
    return maps_pool_region(m, LPM(m)->values, m->attr.max_entries, maps_value_region_flags(m),
                            "map value", out, max);
}

const struct maps_ops maps_lpm_ops = {
    .flag_mask = BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | MAPS_F_ACCESS_MASK,
    .check = check_lpm,
    .init = init_lpm,
    .fini = fini_lpm,
    .elem_lookup = lpm_elem_lookup,
    .elem_update = lpm_elem_update,
    .elem_delete = lpm_elem_delete,
    .user_lookup = lpm_user_lookup,
    .user_update = lpm_user_update,
    .user_delete = lpm_user_delete,
    .user_next_key = lpm_next_key,
    .regions = lpm_regions,
};

/* helpers/maps_sock.c - BPF_MAP_TYPE_SOCKMAP and BPF_MAP_TYPE_SOCKHASH
 * (net/core/sock_map.c). Values are sockets: opaque pointers of the socket
 * world (helpers/sock_world.c) with their cookie; the map never looks
 * inside one.
 *
 *  - create: sockmap key_size 4, sockhash key_size 1..512 (MAX_BPF_STACK,
 *    -E2BIG above); value_size 4 or 8 (the socket's fd from user space);
 *    map_flags only BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY.
 *  - user space: update takes an fd, resolved by the socket world
 *    (maps_sock_set_resolver; -EBADF when nothing resolves it, -EINVAL for
 *    an fd above S32_MAX); lookup gives the socket's cookie with 8-byte
 *    values, -ENOSPC with 4-byte ones (sock_map_lookup_sys); delete of an
 *    empty sockmap slot is -EINVAL, of an absent sockhash key -ENOENT.
 *  - programs: update only through bpf_sock_map_update / bpf_sock_hash_update
 *    (maps_sock_update), the redirect helpers read (maps_sock_get);
 *    bpf_map_delete_elem works as from user space.
 *  - flags BPF_ANY / BPF_NOEXIST (-EEXIST) / BPF_EXIST (-ENOENT), others
 *    -EINVAL; a sockmap index past max_entries is -E2BIG; a full sockhash
 *    -E2BIG for a new key.
 *  - a closed socket leaves every map (sock_map_unhash / sock_map_close):
 *    maps_sock_remove.
 * Everything runs under the map's lock. */
#include "helpers/maps_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SOCK_KEY_MAX 512u /* MAX_BPF_STACK */
#define SOCK_CREATE_FLAGS (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY)

struct sock_slot {
    void *sock;                /* NULL: empty */
    uint64_t cookie;
};

/* sockmap: max_entries slots by index; sockhash: `used` dense entries
 * (key bytes, then the slot), in insertion order. */
struct sockm {
    struct sock_slot *slots;   /* sockmap */
    uint8_t *keys;             /* sockhash: used * key_size */
    struct sock_slot *hslots;  /* sockhash: used */
    uint32_t used;
    maps_sock_resolve_fn resolve;
    void *resolve_ctx;
};

#define SM(m) ((struct sockm *)(m)->priv)

static bool is_hash(const struct maps_map *m)
{
    return m->attr.type == BPF_MAP_TYPE_SOCKHASH;
}

static int check_sock(const struct maps_attr *a, char *err, size_t errlen)
{
    if (a->type == BPF_MAP_TYPE_SOCKMAP && a->key_size != 4)
        return helper_err(err, errlen, -EINVAL, "key_size %u: a sockmap's key is a u32 index (4)",
                        a->key_size);
    if (a->type == BPF_MAP_TYPE_SOCKHASH && a->key_size == 0)
        return helper_err(err, errlen, -EINVAL, "key_size 0: must be > 0");
    if (a->value_size != 4 && a->value_size != 8)
        return helper_err(err, errlen, -EINVAL,
                        "value_size %u: a socket map's value is a socket fd (4 or 8)",
                        a->value_size);
    if (a->type == BPF_MAP_TYPE_SOCKHASH && a->key_size > SOCK_KEY_MAX)
        return helper_err(err, errlen, -E2BIG, "key_size %u: at most %u", a->key_size,
                        SOCK_KEY_MAX);
    return 0;
}

static int init_sock(struct maps_map *m, char *err, size_t errlen)
{
    struct sockm *s = calloc(1, sizeof(*s));
    size_t n = m->attr.max_entries;
    if (s && !is_hash(m))
        s->slots = calloc(n, sizeof(*s->slots));
    if (s && is_hash(m)) {
        s->keys = calloc(n, m->attr.key_size);
        s->hslots = calloc(n, sizeof(*s->hslots));
    }
    if (!s || (!is_hash(m) && !s->slots) || (is_hash(m) && (!s->keys || !s->hslots))) {
        if (s) {
            free(s->slots);
            free(s->keys);
            free(s->hslots);
        }
        free(s);
        return helper_err(err, errlen, -ENOMEM, "max_entries %u: cannot allocate the slots",
                        m->attr.max_entries);
    }
    m->priv = s;
    return 0;
}

static void fini_sock(struct maps_map *m)
{
    struct sockm *s = SM(m);
    free(s->slots);
    free(s->keys);
    free(s->hslots);
    free(s);
}

/* The slot of `key`, or NULL (the caller holds the lock). */
static struct sock_slot *find(struct maps_map *m, const void *key, uint32_t *pos)
{
    struct sockm *s = SM(m);
    if (!is_hash(m)) {
        uint32_t i;
        memcpy(&i, key, 4);
        if (i >= m->attr.max_entries)
            return NULL;
        if (pos)
            *pos = i;
        return &s->slots[i];
    }
    for (uint32_t i = 0; i < s->used; i++)
        if (!memcmp(s->keys + (size_t)i * m->attr.key_size, key, m->attr.key_size)) {
            if (pos)
                *pos = i;
            return &s->hslots[i];
        }
    return NULL;
}

static void hash_remove_at(struct maps_map *m, uint32_t i)
{
    struct sockm *s = SM(m);
    uint32_t ks = m->attr.key_size;
    /* keep insertion order: iteration stays stable for the rest */
    memmove(s->keys + (size_t)i * ks, s->keys + (size_t)(i + 1) * ks,
            (size_t)(s->used - i - 1) * ks);
    memmove(&s->hslots[i], &s->hslots[i + 1], (size_t)(s->used - i - 1) * sizeof(*s->hslots));
    s->used--;
}

/* sock_map_update_common / sock_hash_update_common (lock held). */
static long update_locked(struct maps_map *m, const void *key, void *sock, uint64_t cookie,
                          uint64_t flags)
{
    struct sockm *s = SM(m);
    if (flags > BPF_EXIST)
        return -EINVAL;
    if (!is_hash(m)) {
        uint32_t i;
        memcpy(&i, key, 4);
        if (i >= m->attr.max_entries)
            return -E2BIG;
        struct sock_slot *sl = &s->slots[i];
        if (sl->sock && flags == BPF_NOEXIST)
            return -EEXIST;
        if (!sl->sock && flags == BPF_EXIST)
            return -ENOENT;
        sl->sock = sock;
        sl->cookie = cookie;
        return 0;
    }
    struct sock_slot *sl = find(m, key, NULL);
    if (sl && flags == BPF_NOEXIST)
        return -EEXIST;
    if (!sl && flags == BPF_EXIST)
        return -ENOENT;
    if (!sl) {
        if (s->used >= m->attr.max_entries)
            return -E2BIG;
        memcpy(s->keys + (size_t)s->used * m->attr.key_size, key, m->attr.key_size);
        sl = &s->hslots[s->used++];
    }
    sl->sock = sock;
    sl->cookie = cookie;
    return 0;
}

long maps_sock_update(struct maps_map *m, const void *key, void *sock, uint64_t cookie,
                      uint64_t flags)
{
    if (!m || !key || !sock || (m->attr.type != BPF_MAP_TYPE_SOCKMAP && !is_hash(m)))
        return -EINVAL;
    pthread_mutex_lock(&m->lock);
    long rc = update_locked(m, key, sock, cookie, flags);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

void *maps_sock_get(struct maps_map *m, const void *key)
{
    if (!m || !key || (m->attr.type != BPF_MAP_TYPE_SOCKMAP && !is_hash(m)))
        return NULL;
    pthread_mutex_lock(&m->lock);
    struct sock_slot *sl = find(m, key, NULL);
    void *sock = sl ? sl->sock : NULL;
    pthread_mutex_unlock(&m->lock);
    return sock;
}

unsigned maps_sock_remove(struct maps_map *m, const void *sock)
{
    if (!m || (m->attr.type != BPF_MAP_TYPE_SOCKMAP && !is_hash(m)))
        return 0;
    struct sockm *s = SM(m);
    unsigned n = 0;
    pthread_mutex_lock(&m->lock);
    if (!is_hash(m)) {
        for (uint32_t i = 0; i < m->attr.max_entries; i++)
            if (s->slots[i].sock == sock) {
                s->slots[i].sock = NULL;
                n++;
            }
    } else {
        for (uint32_t i = s->used; i-- > 0;)
            if (s->hslots[i].sock == sock) {
                hash_remove_at(m, i);
                n++;
            }
    }
    pthread_mutex_unlock(&m->lock);
    return n;
}

bool maps_sock_contains(struct maps_map *m, const void *sock)
{
    if (!m || (m->attr.type != BPF_MAP_TYPE_SOCKMAP && !is_hash(m)))
        return false;
    struct sockm *s = SM(m);
    bool found = false;
    pthread_mutex_lock(&m->lock);
    uint32_t n = is_hash(m) ? s->used : m->attr.max_entries;
    const struct sock_slot *sl = is_hash(m) ? s->hslots : s->slots;
    for (uint32_t i = 0; i < n && !found; i++)
        found = sl[i].sock == sock;
    pthread_mutex_unlock(&m->lock);
    return found;
}

uint32_t maps_sock_count(struct maps_map *m)
{
    if (!m || (m->attr.type != BPF_MAP_TYPE_SOCKMAP && !is_hash(m)))
        return 0;
    struct sockm *s = SM(m);
    pthread_mutex_lock(&m->lock);
    uint32_t n = 0;
    if (is_hash(m))
        n = s->used;
    else
        for (uint32_t i = 0; i < m->attr.max_entries; i++)
            n += s->slots[i].sock != NULL;
    pthread_mutex_unlock(&m->lock);
    return n;
}

void maps_sock_set_resolver(struct maps_map *m, maps_sock_resolve_fn fn, void *ctx)
{
    if (!m || (m->attr.type != BPF_MAP_TYPE_SOCKMAP && !is_hash(m)))
        return;
    pthread_mutex_lock(&m->lock);
    SM(m)->resolve = fn;
    SM(m)->resolve_ctx = ctx;
    pthread_mutex_unlock(&m->lock);
}

/* ---------------------------------------------------------- map ops ---- */

static long sock_delete(struct maps_map *m, const void *key)
{
    pthread_mutex_lock(&m->lock);
    uint32_t pos;
    struct sock_slot *sl = find(m, key, &pos);
    long rc = 0;
    if (!is_hash(m)) {
        if (!sl || !sl->sock) /* __sock_map_delete: an empty slot is -EINVAL */
            rc = -EINVAL;
        else
            sl->sock = NULL;
    } else if (!sl) {
        rc = -ENOENT;
    } else {
        hash_remove_at(m, pos);
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int sock_user_delete(struct maps_map *m, const void *key)
{
    return (int)sock_delete(m, key);
}

static int sock_user_lookup(struct maps_map *m, const void *key, void *value)
{
    pthread_mutex_lock(&m->lock);
    struct sock_slot *sl = find(m, key, NULL);
    int rc = 0;
    if (!sl || !sl->sock)
        rc = -ENOENT;
    else if (m->attr.value_size != 8)
        rc = -ENOSPC;
    else
        memcpy(value, &sl->cookie, 8);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int sock_user_update(struct maps_map *m, const void *key, const void *value,
                            uint64_t flags)
{
    uint64_t fd = 0;
    if (m->attr.value_size == 8) {
        memcpy(&fd, value, 8);
    } else {
        uint32_t v;
        memcpy(&v, value, 4);
        fd = v;
    }
    if (fd > INT32_MAX)
        return -EINVAL;
    pthread_mutex_lock(&m->lock);
    struct sockm *s = SM(m);
    void *sock = NULL;
    uint64_t cookie = 0;
    int rc = s->resolve ? s->resolve(s->resolve_ctx, (uint32_t)fd, &sock, &cookie) : -EBADF;
    if (!rc)
        rc = (int)update_locked(m, key, sock, cookie, flags);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int sock_next_key(struct maps_map *m, const void *key, void *next_key)
{
    if (!is_hash(m))
        return maps_array_next_key(m, key, next_key);
    struct sockm *s = SM(m);
    pthread_mutex_lock(&m->lock);
    uint32_t pos = 0;
    int rc = 0;
    if (key && find(m, key, &pos))
        pos++;
    else
        pos = 0; /* a missing key restarts, as htab_map_get_next_key does */
    if (pos >= s->used)
        rc = -ENOENT;
    else
        memcpy(next_key, s->keys + (size_t)pos * m->attr.key_size, m->attr.key_size);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* bpf_map_lookup_elem from a program: the socket (the verifier decides
 * whether a program may ask). */
static void *sock_elem_lookup(struct maps_map *m, const void *key, uint32_t cpu)
{
    (void)cpu;
    return maps_sock_get(m, key);
}

/* sockmap and sockhash differ in their keys only, which maps_sock_* handle */
const struct maps_ops maps_sock_ops = {
    .flag_mask = SOCK_CREATE_FLAGS,
    .check = check_sock,
    .init = init_sock,
    .fini = fini_sock,
    .elem_lookup = sock_elem_lookup,
    .elem_delete = sock_delete,
    .user_lookup = sock_user_lookup,
    .user_update = sock_user_update,
    .user_delete = sock_user_delete,
    .user_next_key = sock_next_key,
};


/* helpers/testkit.c - include/bpfemu_test.h: an object opened for a test,
 * typed map entries, packets and ctx from text, runs, and what the run
 * left behind (helper mocks: helpers/testkit_mock.c). */
#include "helpers/helpers_internal.h"
#include "helpers/testkit_int.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int tk_fail(bpfemu_test *t, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->err, sizeof t->err, fmt, ap);
    va_end(ap);
    return rc;
}

bpfemu_test *bpfemu_test_open_opts(const char *path, const char *prog,
                                   const struct bpfemu_obj_opts *opts, char *err, size_t errlen)
{
    char e[1024] = "";
    bpfemu_test *t = calloc(1, sizeof(*t));
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *real = realpath(path, NULL);
    t->path = real ? real : strdup(path);
    if (!t->path || helper_read_file(path, &buf, &len, e, sizeof e))
        goto fail;
    const char *base = strrchr(path, '/');
    struct helper_env_opts eo = {0};
    if (opts) {
        eo.ncpus = opts->ncpus;
        eo.clock_ns = opts->clock_ns;
        eo.clock_step_ns = opts->clock_step_ns;
        eo.prng_seed = opts->prng_seed;
    }
    t->ncpus = eo.ncpus ? eo.ncpus : 1;
    char le[448];
    if (vm_object_load_elf(buf, len, base ? base + 1 : path, &t->obj, le, sizeof le) ||
        helper_env_create(t->obj, &eo, &t->env, le, sizeof le)) {
        snprintf(e, sizeof e, "%.400s: %s", path, le);
        goto fail;
    }
    free(buf);
    buf = NULL;
    helper_env_record_calls(t->env, true);
    if (bpfemu_test_select(t, prog)) {
        snprintf(e, sizeof e, "%.400s: %.500s", path, t->err);
        goto fail;
    }
    return t;
fail:
    if (err && errlen)
        snprintf(err, errlen, "%s", e[0] ? e : "out of memory");
    free(buf);
    bpfemu_test_close(t);
    return NULL;
}

bpfemu_test *bpfemu_test_open(const char *path, const char *prog, char *err, size_t errlen)
{
    return bpfemu_test_open_opts(path, prog, NULL, err, errlen);
}

void bpfemu_test_close(bpfemu_test *t)
{
    if (!t)
        return;
    if (t->cov && t->env)
        helper_cov_add_env(t->cov, t->path, t->env, NULL, 0);
    tk_mocks_free(t);
    tk_event_free(t);
    helper_test_run_free(&t->tr);
    helper_env_destroy(t->env);
    vm_object_free(t->obj);
    free(t->pkt);
    free(t->path);
    free(t);
}

const char *bpfemu_test_error(const bpfemu_test *t) { return t ? t->err : "no test"; }

int bpfemu_test_select(bpfemu_test *t, const char *prog)
{
    const struct vm_object *o = t->obj;
    struct helper_prog *p = NULL;
    if (prog && *prog)
        p = helper_env_prog(t->env, prog);
    else if (o->n_progs == 1)
        p = helper_env_prog(t->env, o->progs[0].name);
    if (p) {
        t->prog = p;
        t->event = NULL;
        return 0;
    }
    char names[512];
    size_t n = 0;
    names[0] = 0;
    for (uint32_t i = 0; i < o->n_progs && n < sizeof names; i++)
        n += (size_t)snprintf(names + n, sizeof names - n, "%s%s (%s)", i ? ", " : "",
                              o->progs[i].name, o->progs[i].section);
    if (prog && *prog)
        return tk_fail(t, -ENOENT, "no program or section named '%s' (programs: %s)", prog, names);
    return tk_fail(t, -ENOENT, "the object has %u programs: name one (%s)", o->n_progs, names);
}

int bpfemu_test_set_cpu(bpfemu_test *t, uint32_t cpu)
{
    if (cpu >= t->ncpus)
        return tk_fail(t, -EINVAL, "CPU %u does not exist (the object was opened with %u)", cpu,
                       t->ncpus);
    t->cpu = cpu;
    return 0;
}

/* ---------------------------------------------------------------- maps ---- */

static bool is_percpu(uint32_t type)
{
    return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
           type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

int tk_map(bpfemu_test *t, const char *name, struct tk_map *m)
{
    memset(m, 0, sizeof(*m));
    const struct vm_object *o = t->obj;
    for (uint32_t i = 0; i < o->n_maps; i++) {
        if (strcmp(o->maps[i].name, name))
            continue;
        m->def = &o->maps[i];
        m->map = helper_env_map(t->env, name);
        if (!m->map)
            break;
        const struct maps_attr *a = maps_get_attr(m->map);
        m->attr = a;
        m->key = (struct helper_tdesc){o, m->def->btf_key_type_id, a->key_size, true,
                                       a->type == BPF_MAP_TYPE_LPM_TRIE};
        m->value = (struct helper_tdesc){o, m->def->btf_value_type_id, a->value_size, false, false};
        m->percpu = is_percpu(a->type);
        m->stride = m->percpu ? (a->value_size + 7) & ~7u : a->value_size;
        m->vlen = m->percpu ? (size_t)m->stride * t->ncpus : a->value_size;
        return 0;
    }
    char names[512];
    size_t n = 0;
    names[0] = 0;
    for (uint32_t i = 0; i < o->n_maps && n < sizeof names; i++)
        if (!o->maps[i].is_inner)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "", o->maps[i].name);
    return tk_fail(t, -ENOENT, "the object has no map named '%s' (maps: %s)", name, names);
}

int tk_encode(bpfemu_test *t, const struct helper_tdesc *td, const struct helper_tfields *fs,
              uint8_t *out, const char *what)
{
    char e[512];
    int rc = helper_typed_encode(td, fs, out, e, sizeof e);
    if (!rc)
        return 0;
    unsigned line;
    int n = 0;
    if (sscanf(e, "line %u: %n", &line, &n) == 1 && n > 0) /* the line goes first */
        return tk_fail(t, rc, "line %u: %s: %s", line, what, e + n);
    return tk_fail(t, rc, "%s: %s", what, e);
}

static int text_fields(bpfemu_test *t, const char *text, struct helper_tfields *fs,
                       const char *what)
{
    char e[256];
    int rc = helper_tfields_parse(text ? text : "", fs, e, sizeof e);
    if (rc)
        return tk_fail(t, rc, "%s: %s", what, e);
    return 0;
}

bpfemu_map *bpfemu_test_map(bpfemu_test *t, const char *name)
{
    struct tk_map m;
    return tk_map(t, name, &m) ? NULL : m.map;
}

int helper_tk_map_set(bpfemu_test *t, const char *name, const struct helper_tfields *key,
               const struct helper_tfields *val)
{
    struct tk_map m;
    int rc = tk_map(t, name, &m);
    if (rc)
        return rc;
    uint8_t *k = calloc(1, m.attr->key_size + 1), *v = calloc(1, m.vlen + 1);
    if (!k || !v) {
        rc = tk_fail(t, -ENOMEM, "out of memory");
        goto out;
    }
    char what[128];
    snprintf(what, sizeof what, "map '%s' key", name);
    if (m.attr->key_size && (!key || !key->n)) {
        rc = tk_fail(t, -EINVAL, "map '%s': a key is needed", name);
        goto out;
    }
    if (m.attr->key_size && (rc = tk_encode(t, &m.key, key, k, what)))
        goto out;
    /* an existing entry keeps the fields not given */
    bool exists = maps_user_lookup(m.map, m.attr->key_size ? k : NULL, v) == 0 && m.attr->key_size;
    uint8_t *cpu0 = v + (m.percpu ? (size_t)t->cpu * m.stride : 0);
    if (!exists)
        memset(v, 0, m.vlen);
    snprintf(what, sizeof what, "map '%s' value", name);
    if ((rc = tk_encode(t, &m.value, val, cpu0, what)))
        goto out;
    for (uint32_t c = 0; m.percpu && c < t->ncpus; c++)
        if (v + (size_t)c * m.stride != cpu0)
            memcpy(v + (size_t)c * m.stride, cpu0, m.attr->value_size);
    rc = maps_user_update(m.map, m.attr->key_size ? k : NULL, v, BPF_ANY);
    if (rc)
        rc = tk_fail(t, rc, "map '%s': update failed: %s", name, strerror(-rc));
out:
    free(k);
    free(v);
    return rc;
}

int bpfemu_test_map_set(bpfemu_test *t, const char *map, const char *key, const char *value)
{
    struct helper_tfields kf = {0}, vf = {0};
    int rc = text_fields(t, key, &kf, "key");
    if (!rc)
        rc = text_fields(t, value, &vf, "value");
    if (!rc)
        rc = helper_tk_map_set(t, map, &kf, &vf);
    helper_tfields_free(&kf);
    helper_tfields_free(&vf);
    return rc;
}

int bpfemu_test_map_delete(bpfemu_test *t, const char *name, const char *key)
{
    struct tk_map m;
    struct helper_tfields kf = {0};
    int rc = tk_map(t, name, &m);
    if (rc || (rc = text_fields(t, key, &kf, "key")))
        return rc;
    uint8_t *k = calloc(1, m.attr->key_size + 1);
    if (!k)
        rc = tk_fail(t, -ENOMEM, "out of memory");
    else if (!(rc = tk_encode(t, &m.key, &kf, k, "key")) &&
             (rc = maps_user_delete(m.map, k)))
        rc = tk_fail(t, rc, "map '%s': delete: %s", name, strerror(-rc));
    free(k);
    helper_tfields_free(&kf);
    return rc;
}

/* The value of key (the test's CPU's copy); *k the encoded key. */
int tk_lookup(bpfemu_test *t, const char *name, const struct helper_tfields *key,
              struct tk_map *m, uint8_t **k, uint8_t **v, uint8_t **mine)
{
    int rc = tk_map(t, name, m);
    if (rc)
        return rc;
    *k = calloc(1, m->attr->key_size + 1);
    *v = calloc(1, m->vlen + 1);
    if (!*k || !*v)
        return tk_fail(t, -ENOMEM, "out of memory");
    char what[128];
    snprintf(what, sizeof what, "map '%s' key", name);
    if ((rc = tk_encode(t, &m->key, key, *k, what)))
        return rc;
    rc = maps_user_lookup(m->map, *k, *v);
    if (rc) {
        struct helper_sb kb = {0};
        helper_typed_format(&m->key, *k, &kb);
        tk_fail(t, rc, "map '%s': no entry for key %s", name, helper_sb_str(&kb));
        helper_sb_free(&kb);
        return rc;
    }
    *mine = *v + (m->percpu ? (size_t)t->cpu * m->stride : 0);
    return 0;
}

int bpfemu_test_map_get(bpfemu_test *t, const char *name, const char *key, const char *field,
                        uint64_t *out)
{
    struct helper_tfields kf = {0};
    struct tk_map m;
    uint8_t *k = NULL, *v = NULL, *mine;
    int rc = text_fields(t, key, &kf, "key");
    if (!rc)
        rc = tk_lookup(t, name, &kf, &m, &k, &v, &mine);
    if (!rc) {
        char e[512];
        rc = helper_typed_get_u64(&m.value, field, mine, out, e, sizeof e);
        if (rc)
            tk_fail(t, rc, "map '%s' value: %s", name, e);
    }
    helper_tfields_free(&kf);
    free(k);
    free(v);
    return rc;
}

int helper_tk_map_expect(bpfemu_test *t, const char *name, const struct helper_tfields *key,
                  const struct helper_tfields *val, struct helper_sb *diff)
{
    struct tk_map m;
    uint8_t *k = NULL, *v = NULL, *mine;
    int rc = tk_lookup(t, name, key, &m, &k, &v, &mine);
    if (rc == -ENOENT && m.map) {
        struct helper_sb kb = {0};
        helper_typed_format(&m.key, k, &kb);
        helper_sb_printf(diff, "%s[%s]: expected an entry, there is none\n", name,
                         helper_sb_str(&kb));
        helper_sb_free(&kb);
        rc = 1;
    } else if (!rc) {
        struct helper_sb kb = {0};
        char what[256], e[512];
        helper_typed_format(&m.key, k, &kb);
        snprintf(what, sizeof what, "%s[%s]", name, helper_sb_str(&kb));
        helper_sb_free(&kb);
        rc = helper_typed_match(&m.value, val, mine, what, diff, e, sizeof e);
        if (rc < 0)
            tk_fail(t, rc, "map '%s' value: %s", name, e);
    }
    free(k);
    free(v);
    return rc;
}

int helper_tk_map_has(bpfemu_test *t, const char *name, const struct helper_tfields *key,
                      struct helper_sb *found)
{
    struct tk_map m;
    uint8_t *k = NULL, *v = NULL, *mine;
    int rc = tk_lookup(t, name, key, &m, &k, &v, &mine);
    if (!rc) {
        helper_typed_format(&m.value, mine, found);
        rc = 1;
    } else if (rc == -ENOENT && m.map) {
        rc = 0;
    }
    free(k);
    free(v);
    return rc;
}

int helper_tk_key_format(bpfemu_test *t, const char *name, const struct helper_tfields *key,
                         struct helper_sb *sb)
{
    struct tk_map m;
    int rc = tk_map(t, name, &m);
    uint8_t *k = rc ? NULL : calloc(1, m.attr->key_size + 1);
    if (!rc && !k)
        rc = tk_fail(t, -ENOMEM, "out of memory");
    if (!rc && !(rc = tk_encode(t, &m.key, key, k, "key")))
        helper_typed_format(&m.key, k, sb);
    free(k);
    return rc;
}

int bpfemu_test_map_expect(bpfemu_test *t, const char *map, const char *key, const char *value)
{
    struct helper_tfields kf = {0}, vf = {0};
    struct helper_sb diff = {0};
    int rc = text_fields(t, key, &kf, "key");
    if (!rc)
        rc = text_fields(t, value, &vf, "value");
    if (!rc)
        rc = helper_tk_map_expect(t, map, &kf, &vf, &diff);
    if (rc == 1)
        tk_fail(t, 1, "%s", helper_sb_str(&diff));
    helper_sb_free(&diff);
    helper_tfields_free(&kf);
    helper_tfields_free(&vf);
    return rc;
}

int bpfemu_test_map_records(bpfemu_test *t, const char *name,
                            int (*fn)(void *ctx, const void *data, size_t size), void *ctx)
{
    struct tk_map m;
    int rc = tk_map(t, name, &m);
    if (rc)
        return rc;
    if (m.attr->type == BPF_MAP_TYPE_RINGBUF)
        return maps_ringbuf_consume(m.map, fn, ctx);
    if (m.attr->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
        return maps_perf_consume(m.map, fn, ctx);
    if (m.attr->type == BPF_MAP_TYPE_QUEUE || m.attr->type == BPF_MAP_TYPE_STACK) {
        uint8_t *v = malloc(m.attr->value_size + 1);
        if (!v)
            return tk_fail(t, -ENOMEM, "out of memory");
        while (maps_user_lookup_and_delete(m.map, NULL, v) == 0) {
            rc = fn(ctx, v, m.attr->value_size);
            if (rc)
                break;
        }
        free(v);
        return rc;
    }
    return tk_fail(t, -EINVAL, "map '%s' is not a ring buffer, perf event array, queue or stack",
                   name);
}

uint32_t helper_btf_struct_id(const struct vm_object *obj, const char *name)
{
    if (!strncmp(name, "struct ", 7))
        name += 7;
    struct vm_btf_type bt;
    /* vm_btf_type says -ENOENT past the last id, and also for ids that
     * resolve to void (const void): stop after a long run of them */
    for (uint32_t id = 1, misses = 0; misses < 64; id++) {
        if (vm_btf_type(obj, id, &bt)) {
            misses++;
            continue;
        }
        misses = 0;
        if (bt.id == id && bt.kind == VM_BTF_STRUCT && !strcmp(bt.name, name))
            return id;
    }
    return 0;
}

int helper_tk_record_match(bpfemu_test *t, const char *name, const struct helper_tfields *fs,
                           const uint8_t *rec, size_t len, const char *what,
                           struct helper_sb *diff)
{
    return helper_tk_record_match_type(t, name, NULL, fs, rec, len, what, diff);
}

int helper_tk_record_match_type(bpfemu_test *t, const char *name, const char *type,
                                const struct helper_tfields *fs, const uint8_t *rec, size_t len,
                                const char *what, struct helper_sb *diff)
{
    struct tk_map m;
    int rc = tk_map(t, name, &m);
    if (rc)
        return rc;
    struct helper_tdesc td = m.value;
    if (type) {
        uint32_t id = helper_btf_struct_id(t->obj, type);
        struct vm_btf_type bt;
        if (!id)
            return tk_fail(t, -EINVAL, "map '%s' records: the object's BTF has no struct %s",
                           name, type);
        vm_btf_type(t->obj, id, &bt);
        /* perf records come padded to 8 bytes with their u32 size header */
        if (len < bt.size || len - bt.size >= 8)
            return tk_fail(t, -EINVAL, "map '%s' record: %zu bytes, struct %s is %u", name, len,
                           type, bt.size);
        td = (struct helper_tdesc){t->obj, id, bt.size, false, false};
    } else if (!td.size || td.size != len) { /* ring buffer records: their own size, no type */
        td = (struct helper_tdesc){t->obj, 0, (uint32_t)len, false, false};
    }
    char e[512];
    rc = helper_typed_match(&td, fs, rec, what, diff, e, sizeof e);
    if (rc < 0)
        tk_fail(t, rc, "map '%s' record: %s", name, e);
    return rc;
}

/* ------------------------------------------------------------ the input ---- */

int bpfemu_test_packet_bytes(bpfemu_test *t, const void *data, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);
    if (!p)
        return tk_fail(t, -ENOMEM, "out of memory");
    if (len)
        memcpy(p, data, len);
    free(t->pkt);
    t->pkt = p;
    t->pkt_len = len;
    return 0;
}

int bpfemu_test_packet(bpfemu_test *t, const char *spec)
{
    uint8_t *p;
    size_t len;
    char e[512];
    int rc = helper_pkt_build_text(spec, &p, &len, e, sizeof e);
    if (rc)
        return tk_fail(t, rc, "packet: %s", e);
    free(t->pkt);
    t->pkt = p;
    t->pkt_len = len;
    return 0;
}

/* ctx fields by name */
struct ctx_field {
    const char *name;
    uint16_t off, size;
};
#define XF(f) {#f, offsetof(struct xdp_md, f), sizeof(((struct xdp_md *)0)->f)}
static const struct ctx_field xdp_fields[] = {
    XF(data), XF(data_end), XF(data_meta), XF(ingress_ifindex), XF(rx_queue_index),
    XF(egress_ifindex),
};
#undef XF
#define SF(f) {#f, offsetof(struct __sk_buff, f), sizeof(((struct __sk_buff *)0)->f)}
static const struct ctx_field skb_fields[] = {
    SF(len), SF(pkt_type), SF(mark), SF(queue_mapping), SF(protocol), SF(vlan_present),
    SF(vlan_tci), SF(vlan_proto), SF(priority), SF(ingress_ifindex), SF(ifindex), SF(tc_index),
    SF(hash), SF(tc_classid), SF(data), SF(data_end), SF(napi_id), SF(family), SF(remote_ip4),
    SF(local_ip4), SF(remote_port), SF(local_port), SF(data_meta), SF(tstamp), SF(wire_len),
    SF(gso_segs), SF(gso_size), SF(tstamp_type), SF(hwtstamp),
};
#undef SF

static bool is_xdp(const bpfemu_test *t) { return helper_prog_type(t->prog) == BPF_PROG_TYPE_XDP; }

/* Offset and size of a ctx field: a name, or cb[i] / remote_ip6[i] / local_ip6[i]. */
static int ctx_field(bpfemu_test *t, const char *name, uint16_t *off, uint16_t *size)
{
    const struct ctx_field *tab = is_xdp(t) ? xdp_fields : skb_fields;
    size_t n = is_xdp(t) ? sizeof xdp_fields / sizeof xdp_fields[0]
                         : sizeof skb_fields / sizeof skb_fields[0];
    for (size_t i = 0; i < n; i++)
        if (!strcmp(tab[i].name, name)) {
            *off = tab[i].off;
            *size = tab[i].size;
            return 0;
        }
    unsigned idx;
    char arr[16], tail;
    if (!is_xdp(t) && sscanf(name, "%15[a-z_0-9][%u]%c", arr, &idx, &tail) == 2) {
        struct { const char *n; uint16_t off; unsigned count; } arrays[] = {
            {"cb", offsetof(struct __sk_buff, cb), 5},
            {"remote_ip6", offsetof(struct __sk_buff, remote_ip6), 4},
            {"local_ip6", offsetof(struct __sk_buff, local_ip6), 4},
        };
        for (size_t i = 0; i < 3; i++)
            if (!strcmp(arrays[i].n, arr) && idx < arrays[i].count) {
                *off = (uint16_t)(arrays[i].off + 4 * idx);
                *size = 4;
                return 0;
            }
    }
    return tk_fail(t, -EINVAL, "ctx: struct %s has no field '%s'",
                   is_xdp(t) ? "xdp_md" : "__sk_buff", name);
}

int helper_tk_ctx(bpfemu_test *t, const struct helper_tfields *fs)
{
    memset(&t->ctx, 0, sizeof t->ctx);
    t->has_ctx = fs && fs->n;
    t->ctx_data_end_given = false;
    for (size_t i = 0; fs && i < fs->n; i++) {
        uint16_t off, size;
        uint64_t v;
        int rc = ctx_field(t, fs->f[i].path, &off, &size);
        if (rc)
            return rc;
        uint8_t ip[4];
        if (size == 4 && helper_parse_ip4(fs->f[i].value, ip)) {
            memcpy(t->ctx.bytes + off, ip, 4);
            continue;
        }
        if (!helper_parse_u64(fs->f[i].value, &v) || (size < 8 && v >> (8 * size)))
            return tk_fail(t, -EINVAL, "ctx.%s: '%s' is not a %u-bit number", fs->f[i].path,
                           fs->f[i].value, 8 * size);
        memcpy(t->ctx.bytes + off, &v, size); /* little-endian host */
        if (is_xdp(t) && !strcmp(fs->f[i].path, "data_end"))
            t->ctx_data_end_given = true;
    }
    return 0;
}

int bpfemu_test_ctx(bpfemu_test *t, const char *fields)
{
    struct helper_tfields fs = {0};
    int rc = fields ? text_fields(t, fields, &fs, "ctx") : 0;
    for (size_t i = 0; !rc && i < fs.n; i++)
        if (!fs.f[i].path[0])
            rc = tk_fail(t, -EINVAL, "ctx: '%s' needs a field name (name=value)", fs.f[i].value);
    if (!rc)
        rc = helper_tk_ctx(t, &fs);
    helper_tfields_free(&fs);
    return rc;
}

/* ----------------------------------------------------------------- runs ---- */

int helper_tk_socket(bpfemu_test *t, const struct helper_tfields *fs)
{
    memset(&t->socket, 0, sizeof t->socket);
    for (size_t i = 0; fs && i < fs->n; i++) {
        char e[256];
        if (helper_socket_set_field(&t->socket, fs->f[i].path, fs->f[i].value, e, sizeof e))
            return tk_fail(t, -EINVAL, "%s", e);
    }
    return 0;
}

int bpfemu_test_socket(bpfemu_test *t, const char *spec)
{
    memset(&t->socket, 0, sizeof t->socket);
    char e[256];
    if (spec && helper_socket_parse(&t->socket, spec, e, sizeof e))
        return tk_fail(t, -EINVAL, "%s", e);
    return 0;
}

int helper_tk_event(bpfemu_test *t, const struct helper_trace_event *ev)
{
    if (ev && !helper_prog_type_is_trace(helper_prog_type(t->prog)))
        return tk_fail(t, -EINVAL, "program '%s' is not a tracing program: it runs on packets, "
                       "not events", helper_prog_info(t->prog)->name);
    t->event = ev;
    return 0;
}

struct helper_prog *helper_tk_prog(bpfemu_test *t) { return t->prog; }

/* A tracing program's run: the event set with helper_tk_event. */
static int64_t exec_event(bpfemu_test *t, uint32_t repeat)
{
    helper_env_clear_calls(t->env);
    if (t->cev && t->event == tk_event_of(t))
        tk_event_set_cpu(t, t->cpu);
    t->tr.repeat = repeat;
    char e[512];
    int rc = helper_trace_run(t->prog, t->event, &t->tr, e, sizeof e);
    if (rc)
        return tk_fail(t, rc, "%s", e);
    t->ran = true;
    return t->tr.retval;
}

int64_t bpfemu_test_exec_n(bpfemu_test *t, uint32_t repeat)
{
    helper_test_run_free(&t->tr);
    memset(&t->tr, 0, sizeof t->tr);
    t->ran = false;
    if (t->event)
        return exec_event(t, repeat);
    if (helper_prog_type_is_trace(helper_prog_type(t->prog)))
        return tk_fail(t, -EINVAL, "program '%s' is a %s program: it runs on events, not packets",
                       helper_prog_info(t->prog)->name,
                       helper_trace_type_name(helper_prog_type(t->prog)));
    if (!t->pkt)
        return tk_fail(t, -EINVAL, "no packet: call bpfemu_test_packet first");
    helper_env_clear_calls(t->env);
    t->tr.data_in = t->pkt;
    t->tr.data_size_in = t->pkt_len;
    t->tr.repeat = repeat;
    t->tr.cpu = t->cpu;
    if (t->socket.given)
        t->tr.socket = &t->socket;
    if (t->has_ctx) {
        if (is_xdp(t) && !t->ctx_data_end_given)
            t->ctx.xdp.data_end = (uint32_t)t->pkt_len;
        t->tr.ctx_in = t->ctx.bytes;
        t->tr.ctx_size_in = is_xdp(t) ? sizeof(struct xdp_md) : sizeof(struct __sk_buff);
    }
    char e[512];
    int rc = helper_test_run(t->prog, &t->tr, e, sizeof e);
    if (rc)
        return tk_fail(t, rc, "%s", e);
    t->ran = true;
    return t->tr.retval;
}

int64_t bpfemu_test_exec(bpfemu_test *t) { return bpfemu_test_exec_n(t, 1); }

const char *bpfemu_test_action_name(const bpfemu_test *t, uint32_t retval)
{
    return helper_action_name(helper_prog_type(t->prog), retval);
}

int bpfemu_test_action_parse(const bpfemu_test *t, const char *text, uint32_t *retval)
{
    uint64_t u;
    int64_t i;
    if (helper_parse_u64(text, &u) && u <= UINT32_MAX) {
        *retval = (uint32_t)u;
        return 0;
    }
    if (helper_parse_i64(text, &i) && i >= INT32_MIN) {
        *retval = (uint32_t)(int32_t)i;
        return 0;
    }
    uint32_t type = helper_prog_type(t->prog);
    for (int64_t v = -1; v < 16; v++) {
        const char *n = helper_action_name(type, (uint32_t)v);
        if (!n)
            continue;
        const char *short_name = strncmp(n, "TC_ACT_", 7) == 0 ? n + 7
                                 : strncmp(n, "XDP_", 4) == 0   ? n + 4
                                                                : n;
        if (!strcasecmp(text, n) || !strcasecmp(text, short_name)) {
            *retval = (uint32_t)v;
            return 0;
        }
    }
    return -EINVAL;
}

/* ------------------------------------------------------- after the run ---- */

const uint8_t *bpfemu_test_data_out(const bpfemu_test *t, size_t *len)
{
    *len = t->ran ? t->tr.data_size_out : 0;
    return t->ran ? t->tr.data_out : NULL;
}

int helper_tk_packet_expect(bpfemu_test *t, const struct helper_pktspec *s, struct helper_sb *diff)
{
    if (!t->ran)
        return tk_fail(t, -EINVAL, "the program has not run");
    char e[512];
    int rc = helper_pkt_match(s, t->tr.data_out, t->tr.data_size_out, diff, e, sizeof e);
    if (rc < 0)
        return tk_fail(t, rc, "expected packet: %s", e);
    return rc;
}

int bpfemu_test_packet_expect(bpfemu_test *t, const char *spec)
{
    struct helper_pktspec s;
    char e[512];
    int rc = helper_pktspec_parse(spec, &s, e, sizeof e);
    if (rc)
        return tk_fail(t, rc, "expected packet: %s", e);
    struct helper_sb diff = {0};
    rc = helper_tk_packet_expect(t, &s, &diff);
    if (rc == 1) {
        helper_sb_printf(&diff, "the packet:\n");
        helper_pkt_describe(t->tr.data_out, t->tr.data_size_out, "  ", &diff);
        tk_fail(t, 1, "%s", helper_sb_str(&diff));
    }
    helper_sb_free(&diff);
    helper_pktspec_free(&s);
    return rc;
}

int bpfemu_test_packet_expect_bytes(bpfemu_test *t, const void *data, size_t len)
{
    if (!t->ran)
        return tk_fail(t, -EINVAL, "the program has not run");
    if (len == t->tr.data_size_out && !memcmp(data, t->tr.data_out, len))
        return 0;
    struct helper_sb diff = {0};
    helper_pkt_diff(data, len, t->tr.data_out, t->tr.data_size_out, &diff);
    tk_fail(t, 1, "%s", helper_sb_str(&diff));
    helper_sb_free(&diff);
    return 1;
}

int bpfemu_test_ctx_out(bpfemu_test *t, const char *field, uint64_t *out)
{
    uint16_t off, size;
    int rc = ctx_field(t, field, &off, &size);
    if (rc)
        return rc;
    if (!t->ran || !t->tr.ctx_out || (size_t)off + size > t->tr.ctx_size_out)
        return tk_fail(t, -ENOENT, "ctx.%s: no ctx after the run", field);
    *out = 0;
    memcpy(out, t->tr.ctx_out + off, size);
    return 0;
}

const char *bpfemu_test_trace(const bpfemu_test *t)
{
    return t->ran && t->tr.trace ? t->tr.trace : "";
}

const struct bpfemu_call *bpfemu_test_call_list(const bpfemu_test *t, size_t *count)
{
    _Static_assert(sizeof(struct bpfemu_call) == sizeof(struct helper_call_record),
                   "bpfemu_call mirrors helper_call_record");
    return (const struct bpfemu_call *)helper_env_calls(t->env, count);
}

size_t bpfemu_test_calls(const bpfemu_test *t, const char *helper)
{
    int32_t id = vm_helper_id(helper);
    size_t n, count = 0;
    const struct bpfemu_call *c = bpfemu_test_call_list(t, &n);
    for (size_t i = 0; i < n; i++)
        count += (int32_t)c[i].helper_id == id;
    return count;
}

uint64_t bpfemu_test_insns(const bpfemu_test *t) { return t->ran ? t->tr.insns_executed : 0; }

/* ------------------------------------------------------------ coverage ---- */

bpfemu_cov *bpfemu_cov_new(void) { return helper_cov_new(); }
void bpfemu_cov_free(bpfemu_cov *cov) { helper_cov_free(cov); }

int bpfemu_test_coverage(bpfemu_test *t, bpfemu_cov *cov)
{
    int rc = helper_env_coverage_enable(t->env);
    if (rc)
        return tk_fail(t, rc, "coverage: %s", strerror(-rc));
    t->cov = cov;
    return 0;
}

int bpfemu_cov_write_lcov(const bpfemu_cov *cov, const char *path, const char *test_name,
                          char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        int rc = -errno;
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return rc;
    }
    int rc = helper_cov_write_lcov(cov, f, test_name);
    if (fclose(f) && !rc)
        rc = -EIO;
    if (rc && err && errlen)
        snprintf(err, errlen, "%s: %s", path, strerror(-rc));
    return rc;
}

int bpfemu_cov_print(const bpfemu_cov *cov, FILE *f) { return helper_cov_print(cov, f); }

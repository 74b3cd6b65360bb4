/* tests/unit/corpus_run.c - see corpus_run.h. */
#include "tests/unit/corpus_run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tools/map_json.h"

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

const char *corpus_dir(void)
{
    const char *d = getenv("CORPUS_BUILD");
    return d && *d ? d : "../corpus/build";
}

/* The corpus sources (MANIFEST, EXPECTED.md): the build dir's parent. */
static void corpus_src_path(char *buf, size_t len, const char *file)
{
    snprintf(buf, len, "%s/../%s", corpus_dir(), file);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *g = realloc(buf, 2 * cap + 1);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        if (len)
            *len = n;
    }
    return buf;
}

/* ------------------------------------------------------------ manifest */

static struct corpus_entry manifest[64];
static size_t n_manifest;
static bool manifest_read;

const struct corpus_entry *corpus_manifest(size_t *n)
{
    if (!manifest_read) {
        char path[512], line[512];
        corpus_src_path(path, sizeof path, "MANIFEST");
        FILE *f = fopen(path, "r");
        manifest_read = true;
        while (f && fgets(line, sizeof line, f) && n_manifest < 64) {
            struct corpus_entry *e = &manifest[n_manifest];
            line[strcspn(line, "#\n")] = 0;
            memset(e, 0, sizeof(*e));
            int k = sscanf(line, "%63s %63s %63s %63[^\n]", e->object, e->prog, e->capture,
                           e->opts);
            if (k >= 3)
                n_manifest++;
        }
        if (f)
            fclose(f);
    }
    *n = n_manifest;
    return n_manifest ? manifest : NULL;
}

const struct corpus_entry *corpus_manifest_find(const char *object)
{
    size_t n;
    const struct corpus_entry *m = corpus_manifest(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(m[i].object, object))
            return &m[i];
    return NULL;
}

const char *corpus_expected_counts(const char *object, const char *capture)
{
    static char out[256];
    char path[512];
    corpus_src_path(path, sizeof path, "EXPECTED.md");
    char *text = slurp(path, NULL);
    if (!text)
        return NULL;
    const char *res = NULL;
    char *begin = strstr(text, "<!-- kernel-counts:begin -->");
    char *end = begin ? strstr(begin, "<!-- kernel-counts:end -->") : NULL;
    size_t ol = strlen(object), cl = strlen(capture);
    for (char *l = begin; l && l < end; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (!strncmp(l, object, ol) && l[ol] == ' ' && !strncmp(l + ol + 1, capture, cl) &&
            l[ol + 1 + cl] == ' ') {
            const char *v = l + ol + 1 + cl + 1;
            size_t n = strcspn(v, "\n");
            snprintf(out, sizeof out, "%.*s", (int)n, v);
            res = out;
            break;
        }
    }
    free(text);
    return res;
}

/* -------------------------------------------------------------- objects */

/* bpf_ktime_get_ns driven by the capture's timestamps */
static uint64_t pcap_ktime(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                           struct vm_run *run)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return *(const uint64_t *)helper_run_user(run);
}

int corpus_open(struct corpus_ctx *c, const char *object, const char *prog, bool pcap_clock,
                char *err, size_t errlen)
{
    char path[512], lerr[512];
    size_t len;
    memset(c, 0, sizeof(*c));
    snprintf(path, sizeof path, "%s/%s.o", corpus_dir(), object);
    char *buf = slurp(path, &len);
    if (!buf)
        return fail(err, errlen, "%s: %s (run make -C corpus)", path, strerror(errno));
    int rc = vm_object_load_elf(buf, len, object, &c->obj, lerr, sizeof lerr);
    free(buf);
    if (rc)
        return fail(err, errlen, "%s: vm_object_load_elf: %s", path, lerr);
    struct helper_env_opts eo = {.ncpus = 1};
    if (helper_env_create(c->obj, &eo, &c->env, lerr, sizeof lerr)) {
        fail(err, errlen, "%s: helper_env_create: %s", path, lerr);
        corpus_close(c);
        return -1;
    }
    snprintf(path, sizeof path, "%s/pcaps/%s.maps.json", corpus_dir(), object);
    buf = slurp(path, &len);
    if (!buf) {
        fail(err, errlen, "%s: %s (run make -C corpus)", path, strerror(errno));
        corpus_close(c);
        return -1;
    }
    rc = map_json_load(buf, len, c->env, 1, lerr, sizeof lerr);
    free(buf);
    if (rc) {
        fail(err, errlen, "%s: map_json_load: %s", path, lerr);
        corpus_close(c);
        return -1;
    }
    c->prog = helper_env_prog(c->env, prog);
    if (!c->prog) {
        fail(err, errlen, "%s: no program '%s'", object, prog);
        corpus_close(c);
        return -1;
    }
    c->info = helper_prog_info(c->prog);
    c->pcap_clock = pcap_clock;
    c->clock_base = 1000000000ull;
    if (pcap_clock &&
        helper_env_override(c->env, BPF_FUNC_ktime_get_ns, pcap_ktime, &c->now_ns) != 0) {
        fail(err, errlen, "%s: helper_env_override(ktime_get_ns) failed", object);
        corpus_close(c);
        return -1;
    }
    return 0;
}

void corpus_close(struct corpus_ctx *c)
{
    helper_env_destroy(c->env);
    vm_object_free(c->obj);
    memset(c, 0, sizeof(*c));
}

static bool is_skb_type(uint32_t t)
{
    return t == BPF_PROG_TYPE_SCHED_CLS || t == BPF_PROG_TYPE_SCHED_ACT ||
           t == BPF_PROG_TYPE_SOCKET_FILTER || t == BPF_PROG_TYPE_CGROUP_SKB ||
           t == BPF_PROG_TYPE_LWT_IN || t == BPF_PROG_TYPE_LWT_OUT ||
           t == BPF_PROG_TYPE_LWT_XMIT;
}

void corpus_run_pkt(struct corpus_ctx *c, const struct corpus_pkt *p, struct corpus_result *r)
{
    struct helper_test_run tr = {0};
    memset(r, 0, sizeof(*r));
    if (c->runs == 0)
        c->ts0 = p->ts_ns;
    c->now_ns = c->clock_base + (p->ts_ns >= c->ts0 ? p->ts_ns - c->ts0 : 0);
    c->runs++;
    tr.data_in = p->data;
    tr.data_size_in = p->len;
    tr.repeat = 1;
    r->rc = helper_test_run(c->prog, &tr, r->err, sizeof r->err);
    r->retval = tr.retval;
    r->data = tr.data_out;
    r->len = tr.data_size_out;
    r->trace = tr.trace;
    r->trace_len = tr.trace_len;
    if (!r->rc && is_skb_type(c->info->prog_type) && tr.ctx_out) {
        r->has_skb = true;
        memcpy(&r->skb, tr.ctx_out,
               tr.ctx_size_out < sizeof(r->skb) ? tr.ctx_size_out : sizeof(r->skb));
    }
    free(tr.ctx_out);
}

void corpus_result_free(struct corpus_result *r)
{
    free(r->data);
    free(r->trace);
    r->data = NULL;
    r->trace = NULL;
}

/* ------------------------------------------------------------- dumping */

char *corpus_hex(const void *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    const uint8_t *b = p;
    char *s = malloc(2 * n + 1);
    if (!s)
        abort();
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = d[b[i] >> 4];
        s[2 * i + 1] = d[b[i] & 15];
    }
    s[2 * n] = 0;
    return s;
}

uint8_t *corpus_unhex(const char *s, size_t *n)
{
    size_t l = strlen(s);
    if (l % 2)
        return NULL;
    uint8_t *b = malloc(l / 2 + 1);
    if (!b)
        abort();
    for (size_t i = 0; i < l / 2; i++) {
        unsigned v;
        if (!strchr("0123456789abcdefABCDEF", s[2 * i]) || !s[2 * i] ||
            !strchr("0123456789abcdefABCDEF", s[2 * i + 1]) || !s[2 * i + 1] ||
            sscanf(s + 2 * i, "%2x", &v) != 1) {
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)v;
    }
    *n = l / 2;
    return b;
}

struct lines {
    char **v;
    size_t n;
};

static void lines_add(struct lines *l, char *s)
{
    char **g = realloc(l->v, (l->n + 1) * sizeof(*g));
    if (!g)
        abort();
    l->v = g;
    l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_flush(struct lines *l, FILE *f)
{
    if (l->n)
        qsort(l->v, l->n, sizeof(*l->v), cmp_str);
    for (size_t i = 0; i < l->n; i++) {
        fprintf(f, "  %s\n", l->v[i]);
        free(l->v[i]);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static bool is_percpu(uint32_t t)
{
    return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
           t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_map_in_map(uint32_t t)
{
    return t == BPF_MAP_TYPE_ARRAY_OF_MAPS || t == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

/* kernel-run's dump_kv: sorted "map LABEL key value" lines, then for
 * map-in-map each slot's inner map (in key order). */
static void dump_kv(struct maps_map *m, const char *label, FILE *f, int depth)
{
    const struct maps_attr *a = maps_get_attr(m);
    size_t stride = is_percpu(a->type) ? (a->value_size + 7u) & ~7u : a->value_size;
    uint8_t *key = calloc(1, a->key_size + 1), *next = calloc(1, a->key_size + 1);
    uint8_t *val = calloc(a->ncpus ? a->ncpus : 1, stride + 8);
    struct lines l = {0};
    bool have = false;
    size_t guard = 0;
    while (maps_user_next_key(m, have ? key : NULL, next) == 0 && guard++ < (1u << 22)) {
        memcpy(key, next, a->key_size);
        have = true;
        if (is_map_in_map(a->type)) {
            struct maps_map *inner = maps_elem_lookup(m, key, 0);
            if (!inner || depth > 2)
                continue;
            char *kh = corpus_hex(key, a->key_size);
            const char *tn = maps_type_name(maps_get_attr(inner)->type);
            lines_add(&l, xasprintf("map %s[%s] -> %s", label, kh, tn ? tn : "?"));
            free(kh);
            continue;
        }
        if (maps_user_lookup(m, key, val) != 0)
            continue;
        char *kh = corpus_hex(key, a->key_size), *vh = corpus_hex(val, a->value_size);
        lines_add(&l, xasprintf("map %s %s %s", label, kh, vh));
        free(kh);
        free(vh);
    }
    lines_flush(&l, f);
    if (is_map_in_map(a->type)) {
        uint8_t **keys = NULL;
        size_t nk = 0;
        have = false;
        while (maps_user_next_key(m, have ? key : NULL, next) == 0 && nk < (1u << 20)) {
            keys = realloc(keys, (nk + 1) * sizeof(*keys));
            keys[nk] = malloc(a->key_size + 1);
            memcpy(keys[nk], next, a->key_size);
            memcpy(key, next, a->key_size);
            have = true;
            nk++;
        }
        for (size_t i = 0; i < nk; i++) {
            struct maps_map *inner = maps_elem_lookup(m, keys[i], 0);
            if (inner) {
                char *kh = corpus_hex(keys[i], a->key_size);
                char *sub = xasprintf("%s[%s]", label, kh);
                dump_kv(inner, sub, f, depth + 1);
                free(sub);
                free(kh);
            }
            free(keys[i]);
        }
        free(keys);
    }
    free(key);
    free(next);
    free(val);
}

size_t corpus_map_queue(struct corpus_ctx *c, const char *map, void *out, size_t max)
{
    struct maps_map *m = helper_env_map(c->env, map);
    if (!m)
        return 0;
    const struct maps_attr *a = maps_get_attr(m);
    uint8_t *vals = NULL;
    size_t n = 0;
    for (;;) {
        uint8_t *g = realloc(vals, (n + 1) * (a->value_size + 1));
        if (!g)
            abort();
        vals = g;
        if (maps_user_lookup_and_delete(m, NULL, vals + n * a->value_size) != 0)
            break;
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = a->type == BPF_MAP_TYPE_STACK ? n - 1 - i : i;
        maps_user_update(m, NULL, vals + j * a->value_size, 0);
    }
    if (out)
        memcpy(out, vals, (n < max ? n : max) * a->value_size);
    free(vals);
    return n;
}

static void dump_queue(struct corpus_ctx *c, const char *name, struct maps_map *m, FILE *f)
{
    const struct maps_attr *a = maps_get_attr(m);
    size_t n = corpus_map_queue(c, name, NULL, 0);
    uint8_t *vals = calloc(n + 1, a->value_size + 1);
    corpus_map_queue(c, name, vals, n);
    for (size_t i = 0; i < n; i++) {
        char *vh = corpus_hex(vals + i * a->value_size, a->value_size);
        fprintf(f, "  map %s - %s\n", name, vh);
        free(vh);
    }
    free(vals);
}

struct named_map {
    const char *name;
    struct maps_map *m;
};

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const struct named_map *)a)->name, ((const struct named_map *)b)->name);
}

void corpus_dump_maps(struct corpus_ctx *c, FILE *f)
{
    uint32_t n = helper_env_map_count(c->env);
    struct named_map *v = calloc(n + 1, sizeof(*v));
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        const char *name;
        struct maps_map *m = helper_env_map_at(c->env, i, &name);
        if (m)
            v[k++] = (struct named_map){name, m};
    }
    qsort(v, k, sizeof(*v), cmp_named);
    for (uint32_t i = 0; i < k; i++) {
        uint32_t t = maps_get_attr(v[i].m)->type;
        switch (t) {
        case BPF_MAP_TYPE_PROG_ARRAY:
        case BPF_MAP_TYPE_RINGBUF:
        case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
            break;
        case BPF_MAP_TYPE_QUEUE:
        case BPF_MAP_TYPE_STACK:
            dump_queue(c, v[i].name, v[i].m, f);
            break;
        default:
            dump_kv(v[i].m, v[i].name, f, 0);
        }
    }
    free(v);
}

struct rb_ctx {
    FILE *f;
    const char *name;
    uint8_t **recs;
    size_t *lens;
    size_t n;
};

static int print_record(void *ctx, const void *data, size_t size)
{
    struct rb_ctx *rc = ctx;
    char *h = corpus_hex(data, size);
    fprintf(rc->f, "  ringbuf %s %s\n", rc->name, h);
    free(h);
    return 0;
}

void corpus_dump_ringbufs(struct corpus_ctx *c, FILE *f)
{
    /* kernel-run consumes the ring buffers in the object's map order */
    for (uint32_t i = 0; i < helper_env_map_count(c->env); i++) {
        const char *name;
        struct maps_map *m = helper_env_map_at(c->env, i, &name);
        if (!m || maps_get_attr(m)->type != BPF_MAP_TYPE_RINGBUF)
            continue;
        struct rb_ctx rc = {.f = f, .name = name};
        maps_ringbuf_consume(m, print_record, &rc);
    }
}

static int keep_record(void *ctx, const void *data, size_t size)
{
    struct rb_ctx *rc = ctx;
    rc->recs = realloc(rc->recs, (rc->n + 1) * sizeof(*rc->recs));
    rc->lens = realloc(rc->lens, (rc->n + 1) * sizeof(*rc->lens));
    if (!rc->recs || !rc->lens)
        abort();
    rc->recs[rc->n] = malloc(size + 1);
    memcpy(rc->recs[rc->n], data, size);
    rc->lens[rc->n++] = size;
    return 0;
}

size_t corpus_ringbuf_records(struct corpus_ctx *c, const char *map, uint8_t ***recs,
                              size_t **lens)
{
    struct rb_ctx rc = {0};
    struct maps_map *m = helper_env_map(c->env, map);
    if (m)
        maps_ringbuf_consume(m, keep_record, &rc);
    *recs = rc.recs;
    *lens = rc.lens;
    return rc.n;
}

void corpus_print_result(struct corpus_ctx *c, size_t index, const struct corpus_result *r,
                         bool dump, FILE *f)
{
    if (r->rc) {
        const char *en = strerrorname_np(-r->rc);
        fprintf(f, "%zu error %s\n", index, en ? en : "?");
    } else {
        fprintf(f, "%zu %u ", index, r->retval);
        for (size_t i = 0; i < r->len; i++)
            fprintf(f, "%02x", r->data[i]);
        fputc('\n', f);
    }
    if (!dump)
        return;
    corpus_dump_ringbufs(c, f);
    if (r->has_skb)
        fprintf(f, "  skb mark=%#x priority=%u cb=%x,%x,%x,%x,%x tstamp=%llu\n", r->skb.mark,
                r->skb.priority, r->skb.cb[0], r->skb.cb[1], r->skb.cb[2], r->skb.cb[3],
                r->skb.cb[4], (unsigned long long)r->skb.tstamp);
    corpus_dump_maps(c, f);
}

/* ------------------------------------------------------------- lookups */

int corpus_map_get(struct corpus_ctx *c, const char *map, const void *key, void *value)
{
    struct maps_map *m = helper_env_map(c->env, map);
    if (!m)
        return -ENOENT;
    const struct maps_attr *a = maps_get_attr(m);
    size_t stride = (a->value_size + 7u) & ~7u;
    uint8_t *buf = calloc(a->ncpus ? a->ncpus : 1, stride + 8);
    int rc = maps_user_lookup(m, key, buf);
    if (!rc)
        memcpy(value, buf, a->value_size);
    free(buf);
    return rc;
}

size_t corpus_map_count(struct corpus_ctx *c, const char *map)
{
    struct maps_map *m = helper_env_map(c->env, map);
    if (!m)
        return 0;
    const struct maps_attr *a = maps_get_attr(m);
    uint8_t *key = calloc(1, a->key_size + 1), *next = calloc(1, a->key_size + 1);
    size_t n = 0;
    while (maps_user_next_key(m, n ? key : NULL, next) == 0 && n < (1u << 22)) {
        memcpy(key, next, a->key_size);
        n++;
    }
    free(key);
    free(next);
    return n;
}

/* ------------------------------------------------------------ checksums */

uint16_t corpus_csum(const void *p, size_t n, uint32_t seed)
{
    const uint8_t *b = p;
    uint64_t sum = seed;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (n & 1)
        sum += (uint32_t)b[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t corpus_l4_csum_v4(const uint8_t *ip, const uint8_t *l4, size_t l4len)
{
    uint32_t seed = 0;
    for (int i = 12; i < 20; i += 2)
        seed += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    seed += ip[9];
    seed += (uint32_t)l4len;
    return corpus_csum(l4, l4len, seed);
}

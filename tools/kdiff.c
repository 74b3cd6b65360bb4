/* tools/kdiff.c - the two sides of a differential run (see kdiff.h): the
 * kernel through raw bpf(2) (tools/kbpf.c; objects through libbpf in
 * tools/kobj.c), bpfemu through helper_env / helper_test_run, and the
 * comparison of what they did. */
#include "tools/kdiff.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/kbpf.h"
#include "tools/tools.h"

#if __has_include("verifier/verifier.h")
#include "verifier/verifier.h"
#define KD_HAVE_VERIFIER 1
#else
#define KD_HAVE_VERIFIER 0
#endif

#if __has_include("jit/jit.h")
#include "jit/jit.h"
#define KD_HAVE_JIT 1
#else
#define KD_HAVE_JIT 0
#endif

#define KD_LOG_SIZE (4u << 20)

char *kd_hex(const void *p, size_t n)
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

/* ------------------------------------------------------------- verdicts */

void kd_verdict_free(struct kd_verdict *v)
{
    if (v) {
        free(v->log);
        v->log = NULL;
    }
}

bool kd_have_verifier(void)
{
    return KD_HAVE_VERIFIER;
}

const uint8_t *kd_withheld(struct kd_withheld *w, uint32_t prog_type, uint32_t attach_type)
{
    for (uint32_t i = 0; i < w->n; i++)
        if (w->prog_type[i] == prog_type && w->attach_type[i] == attach_type)
            return w->bits[i];
    if (w->n == KD_WITHHELD_TYPES || kbpf_unavailable() ||
        kbpf_probe_withheld_helpers(prog_type, attach_type, w->bits[w->n], sizeof w->bits[0]))
        return NULL;
    w->prog_type[w->n] = prog_type;
    w->attach_type[w->n] = attach_type;
    return w->bits[w->n++];
}

void kd_emu_verify(const struct vm_prog *prog, uint32_t prog_type, uint32_t attach_type, int priv,
                   const struct gen_map *maps, uint32_t n_maps, int log_level,
                   const uint8_t *withheld, struct kd_verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->processed = -1;
#if KD_HAVE_VERIFIER
    struct verifier_map vm[GEN_MAX_MAPS * 16];
    if (n_maps > sizeof vm / sizeof vm[0])
        n_maps = sizeof vm / sizeof vm[0];
    for (uint32_t i = 0; i < n_maps; i++)
        vm[i] = (struct verifier_map){.type = maps[i].type,
                                      .key_size = maps[i].key_size,
                                      .value_size = maps[i].value_size,
                                      .max_entries = maps[i].max_entries,
                                      .flags = maps[i].flags,
                                      .inner = maps[i].inner,
                                      .frozen = maps[i].frozen};
    struct verifier_opts o;
    memset(&o, 0, sizeof o);
    o.prog_type = prog_type;
    o.expected_attach_type = attach_type;
    o.priv = (enum verifier_priv)priv;
    o.log_level = log_level;
    o.maps = vm;
    o.n_maps = n_maps;
    o.withheld_helpers = withheld;
    o.nr_cpus = kbpf_possible_cpus();
    struct verifier_result r;
    int rc = verifier_check(prog, &o, &r);
    v->known = true;
    v->accepted = rc == 0 && r.accepted;
    v->err = rc < 0 ? -rc : 0;
    snprintf(v->error, sizeof v->error, "%s", r.error);
    v->error[strcspn(v->error, "\n")] = 0;
    v->processed = r.insns_processed;
    if (r.log) {
        v->log = r.log;
        r.log = NULL;
    }
    verifier_result_free(&r);
#else
    (void)prog, (void)prog_type, (void)attach_type, (void)priv, (void)maps, (void)n_maps;
    (void)log_level, (void)withheld;
    snprintf(v->error, sizeof v->error, "bpfemu's verifier is not built in");
#endif
}

/* --------------------------------------------------------------- results */

void kd_result_free(struct kd_result *r)
{
    free(r->data);
    free(r->ctx);
    r->data = r->ctx = NULL;
}

void kd_maps_free(struct kd_maps *d)
{
    for (size_t i = 0; i < d->n; i++) {
        for (size_t k = 0; k < d->m[i].n; k++)
            free(d->m[i].lines[k]);
        free(d->m[i].lines);
    }
    free(d->m);
    d->m = NULL;
    d->n = 0;
}

static struct kd_map *maps_add(struct kd_maps *d, const char *name, uint32_t type, uint32_t ks,
                               uint32_t vs)
{
    struct kd_map *g = realloc(d->m, (d->n + 1) * sizeof(*g));
    if (!g)
        abort();
    d->m = g;
    struct kd_map *m = &d->m[d->n++];
    memset(m, 0, sizeof(*m));
    snprintf(m->name, sizeof m->name, "%s", name);
    m->type = type;
    m->key_size = ks;
    m->value_size = vs;
    return m;
}

static void map_line(struct kd_map *m, char *line)
{
    char **g = realloc(m->lines, (m->n + 1) * sizeof(*g));
    if (!g)
        abort();
    m->lines = g;
    m->lines[m->n++] = line;
}

static void map_kv(struct kd_map *m, const void *key, uint32_t ks, const void *val, uint32_t vs)
{
    char *kh = kd_hex(key, ks), *vh = kd_hex(val, vs), *l;
    if (asprintf(&l, "%s %s", ks ? kh : "-", vh) < 0)
        abort();
    free(kh);
    free(vh);
    map_line(m, l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_map(const void *a, const void *b)
{
    return strcmp(((const struct kd_map *)a)->name, ((const struct kd_map *)b)->name);
}

static bool is_percpu(uint32_t t)
{
    return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
           t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_plain(uint32_t t)
{
    switch (t) {
    case BPF_MAP_TYPE_HASH: case BPF_MAP_TYPE_ARRAY: case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_ARRAY: case BPF_MAP_TYPE_LRU_HASH: case BPF_MAP_TYPE_LRU_PERCPU_HASH:
    case BPF_MAP_TYPE_LPM_TRIE:
        return true;
    default:
        return false;
    }
}

static bool is_dumped(uint32_t t)
{
    return is_plain(t) || t == BPF_MAP_TYPE_QUEUE || t == BPF_MAP_TYPE_STACK ||
           t == BPF_MAP_TYPE_RINGBUF;
}

/* --------------------------------------------------------- kernel side */

static int pinned_cpu = -1;

int kd_pin_cpu_nth(unsigned n)
{
    if (pinned_cpu >= 0)
        return pinned_cpu;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return pinned_cpu = 0;
    unsigned count = (unsigned)CPU_COUNT(&set);
    n = count ? n % count : 0;
    int c = 0;
    for (unsigned seen = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set) && seen++ == n)
            break;
    if (c >= CPU_SETSIZE)
        c = 0;
    CPU_ZERO(&set);
    CPU_SET(c, &set);
    sched_setaffinity(0, sizeof set, &set);
    return pinned_cpu = c;
}

int kd_pin_cpu(void)
{
    return kd_pin_cpu_nth(0);
}

static unsigned load_timeout_ms;

void kd_set_load_timeout(unsigned ms)
{
    load_timeout_ms = ms;
}

static char *log_buffer(void)
{
    static char *buf;
    if (!buf)
        buf = malloc(KD_LOG_SIZE);
    if (!buf)
        abort();
    return buf;
}

int kd_kernel_load_raw(const struct gen_program *p, int log_level, struct kd_kernel **out,
                       struct kd_verdict *v, char *err, size_t errlen)
{
    *out = NULL;
    memset(v, 0, sizeof(*v));
    v->processed = -1;
    struct kd_kernel *k = calloc(1, sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->prog_fd = -1;
    k->prog_type = p->prog_type;
    k->own_fds = true;
    k->maps = calloc(p->n_maps + 1, sizeof(*k->maps));
    if (!k->maps) {
        free(k);
        return -ENOMEM;
    }
    int fds[GEN_MAX_MAPS + 1];
    for (uint32_t i = 0; i < p->n_maps; i++) {
        const struct gen_map *m = &p->maps[i];
        struct kd_kmap *km = &k->maps[k->n_maps];
        snprintf(km->name, sizeof km->name, "map%u", i);
        km->type = m->type;
        km->key_size = m->key_size;
        km->value_size = m->value_size;
        km->max_entries = m->max_entries;
        km->flags = m->flags;
        km->fd = kbpf_map_create(m->type, m->key_size, m->value_size, m->max_entries, m->flags,
                                 km->name);
        if (km->fd < 0) {
            int e = km->fd;
            snprintf(err, errlen, "map %u (%s key %u value %u entries %u): BPF_MAP_CREATE: %s", i,
                     gen_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
                     strerror(-e));
            kd_kernel_destroy(k);
            return e;
        }
        k->n_maps++;
        fds[i] = km->fd;
        if (m->type == BPF_MAP_TYPE_RINGBUF) {
            struct kbpf_ringbuf *rb = NULL;
            kbpf_ringbuf_open(km->fd, m->max_entries, &rb);
            km->ring = rb;
        }
    }
    char *log = log_level ? log_buffer() : NULL;
    struct kbpf_load l = {
        .prog_type = p->prog_type,
        .insns = p->prog->insns,
        .insn_cnt = p->prog->len,
        .fd_array = p->n_maps ? fds : NULL,
        .log_level = (uint32_t)log_level,
        .log_buf = log,
        .log_size = log ? KD_LOG_SIZE : 0,
    };
    int fd = load_timeout_ms ? kbpf_prog_load_timed(&l, load_timeout_ms) : kbpf_prog_load(&l);
    if (fd == -ETIMEDOUT) {
        snprintf(v->error, sizeof v->error, "the kernel's verifier ran for more than %u ms",
                 load_timeout_ms);
        k->prog_fd = -1;
        *out = k;
        return 0;
    }
    v->known = true;
    v->accepted = fd >= 0;
    v->err = fd < 0 ? -fd : 0;
    if (log) {
        if (fd < 0)
            kbpf_log_error(log, v->error, sizeof v->error);
        v->processed = kbpf_log_processed(log);
        v->log = strdup(log);
    }
    k->prog_fd = fd;
    *out = k;
    return 0;
}

void kd_kernel_destroy(struct kd_kernel *k)
{
    if (!k)
        return;
    for (uint32_t i = 0; i < k->n_maps; i++) {
        kbpf_ringbuf_close(k->maps[i].ring);
        if (k->own_fds && k->maps[i].fd >= 0)
            close(k->maps[i].fd);
    }
    free(k->maps);
    if (k->obj && k->obj_close)
        k->obj_close(k->obj);
    else if (k->prog_fd >= 0)
        close(k->prog_fd);
    free(k);
}

struct kd_kmap *kd_kernel_map(struct kd_kernel *k, const char *name)
{
    for (uint32_t i = 0; i < k->n_maps; i++)
        if (!strcmp(k->maps[i].name, name))
            return &k->maps[i];
    return NULL;
}

static bool is_skb_type(uint32_t t)
{
    return t == BPF_PROG_TYPE_SCHED_CLS || t == BPF_PROG_TYPE_SCHED_ACT ||
           t == BPF_PROG_TYPE_SOCKET_FILTER || t == BPF_PROG_TYPE_CGROUP_SKB ||
           t == BPF_PROG_TYPE_LWT_IN || t == BPF_PROG_TYPE_LWT_OUT || t == BPF_PROG_TYPE_LWT_XMIT;
}

void kd_kernel_run(struct kd_kernel *k, const struct kd_input *in, struct kd_result *r)
{
    memset(r, 0, sizeof(*r));
    uint32_t cap = (uint32_t)in->len + 16384;
    r->data = calloc(1, cap);
    r->ctx = calloc(1, sizeof(struct __sk_buff));
    if (!r->data || !r->ctx)
        abort();
    /* XDP: ctx_out only with ctx_in (6.18 runs an XDP program given ctx_out
     * without ctx_in on an all-zero xdp_md: data_end = data, an empty packet) */
    bool want_ctx = is_skb_type(k->prog_type) || (k->prog_type == BPF_PROG_TYPE_XDP && in->ctx);
    if (k->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT) {
        /* bpf_prog_test_run_raw_tp: the arguments as ctx_in, and nothing
         * else (a packet, data_out or repeat is -EINVAL) */
        struct kbpf_test_run t = {.ctx_in = in->ctx, .ctx_size_in = (uint32_t)in->ctx_len};
        r->rc = kbpf_prog_test_run(k->prog_fd, &t);
        if (r->rc)
            snprintf(r->err, sizeof r->err, "BPF_PROG_TEST_RUN: %s (%s)", cli_errno_name(r->rc),
                     strerror(-r->rc));
        r->retval = t.retval;
        free(r->data);
        free(r->ctx);
        r->data = r->ctx = NULL;
        return;
    }
    struct kbpf_test_run t = {
        .data_in = in->data,
        .data_size_in = (uint32_t)in->len,
        .data_out = r->data,
        .data_size_out = cap,
        .ctx_in = in->ctx,
        .ctx_size_in = (uint32_t)in->ctx_len,
        .ctx_out = want_ctx ? r->ctx : NULL,
        .ctx_size_out = want_ctx ? (uint32_t)sizeof(struct __sk_buff) : 0,
        .repeat = 1,
    };
    r->rc = kbpf_prog_test_run(k->prog_fd, &t);
    if (r->rc) {
        snprintf(r->err, sizeof r->err, "BPF_PROG_TEST_RUN: %s (%s)", cli_errno_name(r->rc),
                 strerror(-r->rc));
        free(r->data);
        free(r->ctx);
        r->data = r->ctx = NULL;
        return;
    }
    r->retval = t.retval;
    r->data_len = t.data_size_out < cap ? t.data_size_out : cap;
    r->ctx_len = want_ctx ? t.ctx_size_out : 0;
}

struct rec_ctx {
    struct kd_map *m;
};

static int rec_line(void *ctx, const void *data, size_t len)
{
    struct rec_ctx *rc = ctx;
    char *h = kd_hex(data, len), *l;
    if (asprintf(&l, "rec %s", h) < 0)
        abort();
    free(h);
    map_line(rc->m, l);
    return 0;
}

static void kernel_dump_map(struct kd_kmap *km, struct kd_maps *out)
{
    struct kd_map *m = maps_add(out, km->name, km->type, km->key_size, km->value_size);
    if (km->type == BPF_MAP_TYPE_RINGBUF) {
        struct rec_ctx rc = {m};
        kbpf_ringbuf_consume(km->ring, rec_line, &rc);
        return;
    }
    uint32_t ks = km->key_size, vs = km->value_size;
    unsigned ncpu = is_percpu(km->type) ? kbpf_possible_cpus() : 1;
    size_t stride = is_percpu(km->type) ? ((vs + 7) & ~7u) : vs;
    uint8_t *val = calloc(ncpu, stride + 8);
    if (!val)
        abort();
    if (km->type == BPF_MAP_TYPE_QUEUE || km->type == BPF_MAP_TYPE_STACK) {
        uint8_t *vals = NULL;
        size_t n = 0;
        for (;;) {
            uint8_t *g = realloc(vals, (n + 1) * (vs + 1));
            if (!g)
                abort();
            vals = g;
            if (kbpf_map_lookup_and_delete(km->fd, NULL, vals + n * vs))
                break;
            n++;
        }
        for (size_t i = 0; i < n; i++)
            map_kv(m, NULL, 0, vals + i * vs, vs);
        for (size_t i = 0; i < n; i++) {
            size_t j = km->type == BPF_MAP_TYPE_STACK ? n - 1 - i : i;
            kbpf_map_update(km->fd, NULL, vals + j * vs, 0);
        }
        free(vals);
        free(val);
        return;
    }
    uint8_t *key = calloc(1, ks + 1), *next = calloc(1, ks + 1);
    if (!key || !next)
        abort();
    bool have = false;
    size_t guard = 0;
    while (kbpf_map_next_key(km->fd, have ? key : NULL, next) == 0 && guard++ < (1u << 22)) {
        memcpy(key, next, ks);
        have = true;
        if (kbpf_map_lookup(km->fd, key, val))
            continue;
        int cpu = is_percpu(km->type) ? kd_pin_cpu() : 0;
        map_kv(m, key, ks, val + (size_t)cpu * stride, vs);
    }
    if (m->n)
        qsort(m->lines, m->n, sizeof(*m->lines), cmp_str);
    free(key);
    free(next);
    free(val);
}

void kd_kernel_dump(struct kd_kernel *k, struct kd_maps *out)
{
    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < k->n_maps; i++)
        if (is_dumped(k->maps[i].type))
            kernel_dump_map(&k->maps[i], out);
    if (out->n)
        qsort(out->m, out->n, sizeof(*out->m), cmp_map);
}

/* ------------------------------------------------------------ bpfemu side */

static char *emu_map_name(const struct vm_object *obj, uint32_t i)
{
    return obj->maps[i].name;
}

int kd_emu_from_raw(const struct gen_program *p, const struct helper_env_opts *eo,
                    struct kd_emu **out, char *err, size_t errlen)
{
    *out = NULL;
    struct vm_object *obj = NULL;
    struct kd_emu *e = calloc(1, sizeof(*e));
    if (!e)
        goto oom;
    if (vm_object_from_prog(p->prog, p->prog_type, "prog", gen_prog_type_name(p->prog_type), &obj,
                            err, errlen))
        goto fail;
    e->obj = obj;
    obj->maps = calloc(p->n_maps + 1, sizeof(*obj->maps));
    if (!obj->maps)
        goto oom;
    for (uint32_t i = 0; i < p->n_maps; i++) {
        struct vm_map_def *d = &obj->maps[i];
        snprintf(d->name, sizeof d->name, "map%u", i);
        d->origin = VM_MAP_BTF;
        d->type = p->maps[i].type;
        d->key_size = p->maps[i].key_size;
        d->value_size = p->maps[i].value_size;
        d->max_entries = p->maps[i].max_entries;
        d->map_flags = p->maps[i].flags;
        d->inner = -1;
        obj->n_maps++;
    }
    struct vm_obj_prog *op = &obj->progs[0];
    /* map references: lddw map[idx:N] (value: map[idx:N][0]+OFF) */
    for (uint32_t i = 0; i + 1 < op->prog->len; i++) {
        const struct bpf_insn *in = &op->prog->insns[i];
        if (!vm_insn_is_lddw(in))
            continue;
        if (in->src_reg == BPF_PSEUDO_MAP_IDX || in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
            if ((uint32_t)in->imm >= p->n_maps) {
                snprintf(err, errlen, "insn %u: map[idx:%d]: the program declares %u maps", i,
                         in->imm, p->n_maps);
                goto fail;
            }
            struct vm_map_reloc *g = realloc(op->relocs, (op->n_relocs + 1) * sizeof(*g));
            if (!g)
                goto oom;
            op->relocs = g;
            op->relocs[op->n_relocs++] = (struct vm_map_reloc){
                .insn = i, .map = (uint32_t)in->imm, .offset = (uint32_t)in[1].imm,
                .value = in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE};
        }
        i++;
    }
    if (helper_env_create(obj, eo, &e->env, err, errlen))
        goto fail;
    e->prog = helper_env_prog(e->env, "prog");
    *out = e;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    if (e) {
        helper_env_destroy(e->env);
        free(e);
    }
    vm_object_free(obj);
    return -EINVAL;
}

void kd_emu_destroy(struct kd_emu *e)
{
    if (!e)
        return;
    helper_env_destroy(e->env);
    vm_object_free(e->obj);
    free(e);
}

int kd_emu_enable_jit(struct kd_emu *e, char *err, size_t errlen)
{
#if KD_HAVE_JIT
    /* checked code now; helper_env_verify adds trusted code for what the
     * verifier accepts */
    return helper_env_set_jit(e->env, JIT_CHECKED, err, errlen);
#else
    (void)e;
    snprintf(err, errlen, "the JIT is not available in this build (no jit/jit.h)");
    return -ENOTSUP;
#endif
}

static uint64_t pace_ktime(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                           struct vm_run *run)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return *(const uint64_t *)helper_run_user(run);
}

int kd_emu_pace(struct kd_emu *e)
{
    e->pace = true;
    e->clock_base = 1000000000ull;
    return helper_env_override(e->env, BPF_FUNC_ktime_get_ns, pace_ktime, &e->now_ns);
}

void kd_emu_run(struct kd_emu *e, const struct kd_input *in, struct kd_result *r)
{
    memset(r, 0, sizeof(*r));
    if (e->runs == 0)
        e->ts0 = in->ts_ns;
    e->now_ns = e->clock_base + (in->ts_ns >= e->ts0 ? in->ts_ns - e->ts0 : 0);
    e->runs++;
    struct helper_test_run tr;
    memset(&tr, 0, sizeof tr);
    /* raw tracepoints take only their arguments (kd_kernel_run's rule too) */
    bool raw_tp = helper_prog_type(e->prog) == BPF_PROG_TYPE_RAW_TRACEPOINT;
    tr.data_in = raw_tp ? NULL : in->data;
    tr.data_size_in = raw_tp ? 0 : in->len;
    tr.ctx_in = in->ctx;
    tr.ctx_size_in = in->ctx_len;
    tr.repeat = 1;
    r->rc = helper_test_run(e->prog, &tr, r->err, sizeof r->err);
    if (!r->rc) {
        r->retval = tr.retval;
        r->data = tr.data_out;
        r->data_len = (uint32_t)tr.data_size_out;
        r->ctx = tr.ctx_out;
        r->ctx_len = (uint32_t)tr.ctx_size_out;
        tr.data_out = tr.ctx_out = NULL;
    }
    helper_test_run_free(&tr);
}

static void emu_dump_map(struct maps_map *mm, const char *name, struct kd_maps *out)
{
    const struct maps_attr *a = maps_get_attr(mm);
    struct kd_map *m = maps_add(out, name, a->type, a->key_size, a->value_size);
    if (a->type == BPF_MAP_TYPE_RINGBUF) {
        struct rec_ctx rc = {m};
        maps_ringbuf_consume(mm, rec_line, &rc);
        return;
    }
    uint32_t ks = a->key_size, vs = a->value_size;
    size_t stride = is_percpu(a->type) ? ((vs + 7) & ~7u) : vs;
    uint32_t ncpu = a->ncpus ? a->ncpus : 1;
    uint8_t *val = calloc(is_percpu(a->type) ? ncpu : 1, stride + 8);
    if (!val)
        abort();
    if (a->type == BPF_MAP_TYPE_QUEUE || a->type == BPF_MAP_TYPE_STACK) {
        uint8_t *vals = NULL;
        size_t n = 0;
        for (;;) {
            uint8_t *g = realloc(vals, (n + 1) * (vs + 1));
            if (!g)
                abort();
            vals = g;
            if (maps_user_lookup_and_delete(mm, NULL, vals + n * vs))
                break;
            n++;
        }
        for (size_t i = 0; i < n; i++)
            map_kv(m, NULL, 0, vals + i * vs, vs);
        for (size_t i = 0; i < n; i++) {
            size_t j = a->type == BPF_MAP_TYPE_STACK ? n - 1 - i : i;
            maps_user_update(mm, NULL, vals + j * vs, 0);
        }
        free(vals);
        free(val);
        return;
    }
    uint8_t *key = calloc(1, ks + 1), *next = calloc(1, ks + 1);
    if (!key || !next)
        abort();
    bool have = false;
    size_t guard = 0;
    while (maps_user_next_key(mm, have ? key : NULL, next) == 0 && guard++ < (1u << 22)) {
        memcpy(key, next, ks);
        have = true;
        if (maps_user_lookup(mm, key, val))
            continue;
        map_kv(m, key, ks, val, vs);
    }
    if (m->n)
        qsort(m->lines, m->n, sizeof(*m->lines), cmp_str);
    free(key);
    free(next);
    free(val);
}

void kd_emu_dump(struct kd_emu *e, struct kd_maps *out)
{
    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < helper_env_map_count(e->env); i++) {
        const char *name;
        struct maps_map *mm = helper_env_map_at(e->env, i, &name);
        if (!mm || !is_dumped(maps_get_attr(mm)->type) || e->obj->maps[i].is_inner)
            continue;
        emu_dump_map(mm, name ? name : emu_map_name(e->obj, i), out);
    }
    if (out->n)
        qsort(out->m, out->n, sizeof(*out->m), cmp_map);
}

/* --------------------------------------------------------- initial maps */

static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A key as the generator writes them: small numbers per 8/4/2/1-byte chunk. */
static void small_key(uint64_t *rs, uint8_t *key, uint32_t n, uint32_t max_index)
{
    memset(key, 0, n);
    if (n == 4 && max_index) {
        uint32_t v = (uint32_t)(mix(rs) % max_index);
        memcpy(key, &v, 4);
        return;
    }
    for (uint32_t o = 0; o < n;) {
        uint32_t left = n - o, sz = left >= 8 && !(o & 7) ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
        uint64_t v = mix(rs) % 24;
        memcpy(key + o, &v, sz);
        o += sz;
    }
}

void kd_seed_maps(struct kd_emu *e, struct kd_kernel *k, uint64_t seed)
{
    uint64_t rs = seed ^ 0x6b64696666ull;
    for (uint32_t i = 0; i < helper_env_map_count(e->env); i++) {
        const char *name;
        struct maps_map *mm = helper_env_map_at(e->env, i, &name);
        if (!mm)
            continue;
        const struct maps_attr *a = maps_get_attr(mm);
        struct kd_kmap *km = k ? kd_kernel_map(k, name) : NULL;
        bool queue = a->type == BPF_MAP_TYPE_QUEUE || a->type == BPF_MAP_TYPE_STACK;
        if (!is_plain(a->type) && !queue)
            continue;
        bool arr = a->type == BPF_MAP_TYPE_ARRAY || a->type == BPF_MAP_TYPE_PERCPU_ARRAY;
        unsigned kn = is_percpu(a->type) ? kbpf_possible_cpus() : 1;
        size_t stride = is_percpu(a->type) ? ((a->value_size + 7) & ~7u) : a->value_size;
        uint8_t *key = calloc(1, a->key_size + 1), *val = calloc(kn, stride + 8);
        if (!key || !val)
            abort();
        uint32_t n = (uint32_t)(mix(&rs) % 5);
        if (n > a->max_entries)
            n = a->max_entries;
        for (uint32_t j = 0; j < n; j++) {
            small_key(&rs, key, a->key_size, arr ? a->max_entries : 0);
            for (uint32_t b = 0; b < a->value_size; b++)
                val[b] = (uint8_t)(mix(&rs) % 4 ? mix(&rs) : 0);
            for (unsigned c = 1; c < kn; c++)
                memcpy(val + c * stride, val, a->value_size);
            if (maps_user_update(mm, queue ? NULL : key, val, BPF_ANY) != 0)
                continue;
            if (km)
                kbpf_map_update(km->fd, queue ? NULL : key, val, BPF_ANY);
        }
        free(key);
        free(val);
    }
}

/* ----------------------------------------------------------- comparison */

/* The __sk_buff / xdp_md field at a ctx offset, for messages. */
static const char *ctx_field(uint32_t prog_type, uint32_t off)
{
    static const struct {
        uint32_t off;
        const char *name;
    } skb[] = {{0, "len"}, {4, "pkt_type"}, {8, "mark"}, {12, "queue_mapping"}, {16, "protocol"},
               {20, "vlan_present"}, {24, "vlan_tci"}, {28, "vlan_proto"}, {32, "priority"},
               {36, "ingress_ifindex"}, {40, "ifindex"}, {44, "tc_index"}, {48, "cb[0]"},
               {52, "cb[1]"}, {56, "cb[2]"}, {60, "cb[3]"}, {64, "cb[4]"}, {68, "hash"},
               {72, "tc_classid"}, {76, "data"}, {80, "data_end"}, {84, "napi_id"},
               {88, "family"}, {92, "remote_ip4"}, {96, "local_ip4"}, {100, "remote_ip6"},
               {116, "local_ip6"}, {132, "remote_port"}, {136, "local_port"}, {140, "data_meta"},
               {144, "flow_keys"}, {152, "tstamp"}, {160, "wire_len"}, {164, "gso_segs"},
               {168, "sk"}, {176, "gso_size"}, {180, "tstamp_type"}, {184, "hwtstamp"}},
      xdp[] = {{0, "data"}, {4, "data_end"}, {8, "data_meta"}, {12, "ingress_ifindex"},
               {16, "rx_queue_index"}, {20, "egress_ifindex"}};
    const char *best = "?";
    if (prog_type == BPF_PROG_TYPE_XDP) {
        for (size_t i = 0; i < sizeof xdp / sizeof xdp[0]; i++)
            if (xdp[i].off <= off)
                best = xdp[i].name;
    } else {
        for (size_t i = 0; i < sizeof skb / sizeof skb[0]; i++)
            if (skb[i].off <= off)
                best = skb[i].name;
    }
    return best;
}

static uint32_t cmp_prog_type; /* for ctx field names in kd_compare_results */

void kd_set_prog_type(uint32_t t)
{
    cmp_prog_type = t;
}

/* "… 0a0b0c [0d] 0e …": bytes around position i, the differing one bracketed. */
static void around(char *out, size_t n, const uint8_t *b, size_t len, size_t i)
{
    size_t lo = i > 8 ? i - 8 : 0, hi = i + 9 < len ? i + 9 : len;
    size_t k = 0;
    k += (size_t)snprintf(out + k, n - k, "%s", lo ? "... " : "");
    for (size_t j = lo; j < hi && k < n; j++)
        k += (size_t)snprintf(out + k, n - k, j == i ? "[%02x]" : "%02x", b[j]);
    if (k < n)
        snprintf(out + k, n - k, "%s (%zu bytes)", hi < len ? " ..." : "", len);
}

static int bytes_diff(const char *what, const uint8_t *kb, size_t kl, const uint8_t *eb, size_t el,
                      struct kd_diff *d, bool ctx)
{
    size_t n = kl < el ? kl : el, i = 0;
    while (i < n && kb[i] == eb[i])
        i++;
    if (i == n && kl == el)
        return 0;
    snprintf(d->what, sizeof d->what, "%s", what);
    if (i == n)
        snprintf(d->where, sizeof d->where, "length");
    else if (ctx)
        snprintf(d->where, sizeof d->where, "byte %zu (%s)", i, ctx_field(cmp_prog_type, (uint32_t)i));
    else
        snprintf(d->where, sizeof d->where, "byte %zu", i);
    around(d->kernel, sizeof d->kernel, kb, kl, i < kl ? i : kl ? kl - 1 : 0);
    around(d->emu, sizeof d->emu, eb, el, i < el ? i : el ? el - 1 : 0);
    return 1;
}

int kd_compare_results(const struct kd_result *k, const struct kd_result *e, struct kd_diff *d)
{
    memset(d, 0, sizeof(*d));
    if (k->rc || e->rc) {
        if (k->rc && e->rc && k->rc == e->rc)
            return 0;
        snprintf(d->what, sizeof d->what, "test run");
        if (k->rc)
            snprintf(d->kernel, sizeof d->kernel, "refused: %s", k->err);
        else
            snprintf(d->kernel, sizeof d->kernel, "ran, retval %u", k->retval);
        if (e->rc)
            snprintf(d->emu, sizeof d->emu, "%s: %s", cli_errno_name(e->rc), e->err);
        else
            snprintf(d->emu, sizeof d->emu, "ran, retval %u", e->retval);
        return 1;
    }
    if (k->retval != e->retval) {
        snprintf(d->what, sizeof d->what, "retval");
        snprintf(d->kernel, sizeof d->kernel, "%u (%#x)", k->retval, k->retval);
        snprintf(d->emu, sizeof d->emu, "%u (%#x)", e->retval, e->retval);
        return 1;
    }
    if (bytes_diff("data_out", k->data, k->data_len, e->data, e->data_len, d, false))
        return 1;
    if (k->ctx_len && e->ctx_len) {
        size_t n = k->ctx_len < e->ctx_len ? k->ctx_len : e->ctx_len;
        if (bytes_diff("ctx_out", k->ctx, n, e->ctx, n, d, true))
            return 1;
    }
    return 0;
}

static void mask_value(char *line, const char *map, const struct kd_ignore *ign, size_t n_ign)
{
    char *v = strrchr(line, ' ');
    if (!v)
        return;
    v++;
    size_t vl = strlen(v);
    for (size_t i = 0; i < n_ign; i++) {
        size_t nl = strlen(ign[i].map);
        if (strncmp(map, ign[i].map, nl) || (map[nl] && map[nl] != '['))
            continue;
        for (int b = ign[i].first; b <= ign[i].last && (size_t)(2 * b + 1) < vl; b++)
            v[2 * b] = v[2 * b + 1] = 'x';
    }
}

static const struct kd_map *find_map(const struct kd_maps *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->m[i].name, name))
            return &d->m[i];
    return NULL;
}

/* Key of a "KEY VALUE" line (length up to the space). */
static size_t key_len(const char *l)
{
    return strcspn(l, " ");
}

int kd_compare_maps(const struct kd_maps *k, const struct kd_maps *e, const struct kd_ignore *ign,
                    size_t n_ign, struct kd_diff *d)
{
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < k->n; i++)
        for (size_t j = 0; j < k->m[i].n; j++)
            mask_value(k->m[i].lines[j], k->m[i].name, ign, n_ign);
    for (size_t i = 0; i < e->n; i++)
        for (size_t j = 0; j < e->m[i].n; j++)
            mask_value(e->m[i].lines[j], e->m[i].name, ign, n_ign);
    for (size_t i = 0; i < k->n; i++) {
        const struct kd_map *km = &k->m[i], *em = find_map(e, km->name);
        if (!em) {
            snprintf(d->what, sizeof d->what, "map %.60s", km->name);
            snprintf(d->kernel, sizeof d->kernel, "exists (%zu entries)", km->n);
            snprintf(d->emu, sizeof d->emu, "no such map");
            return 1;
        }
        bool ordered = km->type == BPF_MAP_TYPE_QUEUE || km->type == BPF_MAP_TYPE_STACK ||
                       km->type == BPF_MAP_TYPE_RINGBUF;
        size_t a = 0, b = 0;
        while (a < km->n || b < em->n) {
            const char *kl = a < km->n ? km->lines[a] : NULL, *el = b < em->n ? em->lines[b] : NULL;
            if (kl && el && !strcmp(kl, el)) {
                a++, b++;
                continue;
            }
            snprintf(d->what, sizeof d->what, "map %.60s (%s)", km->name, gen_map_type_name(km->type));
            int c = !kl ? 1 : !el ? -1 : ordered ? 0 : strncmp(kl, el, key_len(kl) > key_len(el) ? key_len(kl) : key_len(el));
            if (ordered) {
                snprintf(d->where, sizeof d->where, "%s %zu",
                         km->type == BPF_MAP_TYPE_RINGBUF ? "record" : "element", a);
                snprintf(d->kernel, sizeof d->kernel, "%.600s", kl ? kl : "(none)");
                snprintf(d->emu, sizeof d->emu, "%.600s", el ? el : "(none)");
            } else if (c == 0) {
                snprintf(d->where, sizeof d->where, "key %.*s", (int)key_len(kl) > 140 ? 140 : (int)key_len(kl), kl);
                snprintf(d->kernel, sizeof d->kernel, "%.600s", kl + key_len(kl) + 1);
                snprintf(d->emu, sizeof d->emu, "%.600s", el + key_len(el) + 1);
            } else if (c < 0) {
                snprintf(d->where, sizeof d->where, "key %.*s", (int)key_len(kl) > 140 ? 140 : (int)key_len(kl), kl);
                snprintf(d->kernel, sizeof d->kernel, "%.600s", kl + key_len(kl) + 1);
                snprintf(d->emu, sizeof d->emu, "(no entry)");
            } else {
                snprintf(d->where, sizeof d->where, "key %.*s", (int)key_len(el) > 140 ? 140 : (int)key_len(el), el);
                snprintf(d->kernel, sizeof d->kernel, "(no entry)");
                snprintf(d->emu, sizeof d->emu, "%.600s", el + key_len(el) + 1);
            }
            return 1;
        }
    }
    for (size_t i = 0; i < e->n; i++)
        if (!find_map(k, e->m[i].name)) {
            snprintf(d->what, sizeof d->what, "map %.60s", e->m[i].name);
            snprintf(d->kernel, sizeof d->kernel, "no such map");
            snprintf(d->emu, sizeof d->emu, "exists (%zu entries)", e->m[i].n);
            return 1;
        }
    return 0;
}

/* ------------------------------------------------------------- packets */

const uint8_t kd_default_packet[64] = {
    /* Ethernet: dst, src, IPv4 */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
    /* IPv4: 20 bytes, total 50, UDP, 10.0.0.1 -> 10.0.0.2 */
    0x45, 0x00, 0x00, 0x32, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x66, 0xb8, 0x0a, 0x00, 0x00,
    0x01, 0x0a, 0x00, 0x00, 0x02,
    /* UDP 1234 -> 53, length 30 */
    0x04, 0xd2, 0x00, 0x35, 0x00, 0x1e, 0x00, 0x00,
    /* payload */
    'b', 'p', 'f', 'e', 'm', 'u', ' ', 'k', 'd', 'i', 'f', 'f', ' ', 't', 'e', 's', 't', ' ',
    'p', 'k', 't', '!'};

static uint16_t csum16(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

size_t kd_random_packet(uint64_t seed, uint8_t *buf, size_t len_max)
{
    uint64_t rs = seed;
    if (len_max < 14)
        return 0;
    size_t len = 14 + (size_t)(mix(&rs) % (len_max - 13 < 200 ? len_max - 13 : 200));
    if (mix(&rs) % 8 == 0)
        len = 14 + (size_t)(mix(&rs) % (len_max - 13));
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)mix(&rs);
    int kind = (int)(mix(&rs) % 10);
    if (kind >= 2) {
        /* Ethernet + IPv4 (+ TCP/UDP) or IPv6 */
        bool v6 = kind == 9;
        buf[12] = v6 ? 0x86 : 0x08;
        buf[13] = v6 ? 0xdd : 0x00;
        if (kind == 8) { /* a VLAN tag in front */
            buf[12] = 0x81, buf[13] = 0x00;
            if (len >= 18)
                buf[16] = 0x08, buf[17] = 0x00;
            return len;
        }
        size_t ip = 14, ihl = v6 ? 40 : 20;
        if (len < ip + ihl) {
            /* too short for its IP header: the kernel refuses such skbs;
             * keep a few, make most valid */
            if (mix(&rs) % 4)
                buf[12] = 0x88, buf[13] = 0xb5;
            return len;
        }
        uint8_t proto = (uint8_t)((uint8_t[]){6, 17, 17, 1, 6})[mix(&rs) % 5];
        if (v6) {
            buf[ip] = 0x60;
            buf[ip + 4] = (uint8_t)((len - ip - 40) >> 8);
            buf[ip + 5] = (uint8_t)(len - ip - 40);
            buf[ip + 6] = proto;
            buf[ip + 7] = 64;
        } else {
            buf[ip] = 0x45;
            buf[ip + 1] = 0;
            buf[ip + 2] = (uint8_t)((len - ip) >> 8);
            buf[ip + 3] = (uint8_t)(len - ip);
            buf[ip + 6] = 0x40; /* DF, no fragment */
            buf[ip + 7] = 0;
            buf[ip + 8] = 64;
            buf[ip + 9] = proto;
            buf[ip + 10] = buf[ip + 11] = 0;
            uint16_t c = csum16(buf + ip, 20);
            buf[ip + 10] = (uint8_t)(c >> 8);
            buf[ip + 11] = (uint8_t)c;
        }
        size_t l4 = ip + ihl;
        if (proto == 17 && len >= l4 + 8) {
            buf[l4 + 4] = (uint8_t)((len - l4) >> 8);
            buf[l4 + 5] = (uint8_t)(len - l4);
        } else if (proto == 6 && len >= l4 + 20) {
            buf[l4 + 12] = 0x50;
        }
    }
    return len;
}

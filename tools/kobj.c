/* tools/kobj.c - an ELF object in the kernel, loaded the way its users load
 * it: with libbpf (BTF, func_info for callbacks, global data maps,
 * relocations), as tests/kernel/kernel_run.c does: legacy map sections
 * converted first (tools/legacy_maps.c), programs whose section names no
 * type given the type the object's typed programs share (or --type),
 * iproute2/Cilium tail-call sections "<id>/<key>" installed in the prog
 * array whose bpf_elf_map id is <id>.
 *
 * libbpf is opened at run time (dlopen of libbpf.so.1): the bpfemu binary
 * and library keep no link dependency on it, and a machine without libbpf
 * still runs every other command (kdiff of raw programs included). */
#include "tools/kobj.h"

#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/kbpf.h"
#include "tools/legacy_maps.h"
#include "tools/tools.h"

#define LB_FNS(X)                                                                                  \
    X(libbpf_set_print)                                                                            \
    X(bpf_object__open_mem)                                                                        \
    X(bpf_object__load)                                                                            \
    X(bpf_object__close)                                                                           \
    X(bpf_object__next_program)                                                                    \
    X(bpf_object__next_map)                                                                        \
    X(bpf_object__find_program_by_name)                                                            \
    X(bpf_object__find_map_by_name)                                                                \
    X(bpf_program__name)                                                                           \
    X(bpf_program__section_name)                                                                   \
    X(bpf_program__type)                                                                           \
    X(bpf_program__set_type)                                                                       \
    X(bpf_program__expected_attach_type)                                                           \
    X(bpf_program__set_expected_attach_type)                                                       \
    X(bpf_program__set_log_buf)                                                                    \
    X(bpf_program__set_log_level)                                                                  \
    X(bpf_program__fd)                                                                             \
    X(bpf_map__name)                                                                               \
    X(bpf_map__type)                                                                               \
    X(bpf_map__key_size)                                                                           \
    X(bpf_map__value_size)                                                                         \
    X(bpf_map__max_entries)                                                                        \
    X(bpf_map__map_flags)                                                                          \
    X(bpf_map__fd)                                                                                 \
    X(bpf_map__is_internal)

static struct {
#define LB_FIELD(n) __typeof__(&n) n;
    LB_FNS(LB_FIELD)
#undef LB_FIELD
    void *handle;
    int state; /* 0 not tried, 1 loaded, 2 missing */
    char why[256];
} lb;

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    (void)level, (void)fmt, (void)ap;
    return 0;
}

const char *kobj_unavailable(void)
{
    if (lb.state == 1)
        return NULL;
    if (lb.state == 2)
        return lb.why;
    static const char *const names[] = {"libbpf.so.1", "libbpf.so", "libbpf.so.0"};
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lb.handle; i++)
        lb.handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lb.handle) {
        snprintf(lb.why, sizeof lb.why, "ELF objects need libbpf in the kernel: %s (install "
                 "libbpf1 / libbpf-dev)", dlerror());
        lb.state = 2;
        return lb.why;
    }
#define LB_LOAD(n)                                                                                 \
    if (!(*(void **)&lb.n = dlsym(lb.handle, #n))) {                                               \
        snprintf(lb.why, sizeof lb.why, "libbpf has no %s (needs libbpf >= 1.0)", #n);             \
        lb.state = 2;                                                                              \
        return lb.why;                                                                             \
    }
    LB_FNS(LB_LOAD)
#undef LB_LOAD
    lb.libbpf_set_print(quiet_print);
    lb.state = 1;
    return NULL;
}

struct kobj {
    struct bpf_object *obj;
    unsigned char *buf;  /* the object bytes libbpf was given (kept: open_mem borrows) */
    unsigned char *orig; /* the file's bytes, when buf is a converted copy */
    struct legacy_info li;
    char **logs;
    size_t n_logs;
};

static void kd_kernel_obj_close(void *p)
{
    struct kobj *o = p;
    if (!o)
        return;
    if (o->obj)
        lb.bpf_object__close(o->obj);
    for (size_t i = 0; i < o->n_logs; i++)
        free(o->logs[i]);
    free(o->logs);
    free(o->buf);
    free(o->orig);
    free(o->li.maps);
    free(o);
}

/* Internal maps ("<obj>.rodata") by their section name, as bpfemu names them. */
static const char *map_label(const struct bpf_map *m)
{
    const char *n = lb.bpf_map__name(m);
    if (lb.bpf_map__is_internal(m)) {
        const char *dot = strchr(n, '.');
        if (dot)
            return dot;
    }
    return n;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

#define KOBJ_LOG_SIZE (4u << 20)

int kd_kernel_load_obj(const char *path, const char *section, uint32_t type_override,
                       int log_level, struct kd_kernel **out, struct kd_verdict *v,
                       struct kobj_prog_verdict **verdicts, size_t *n_verdicts, char *err,
                       size_t errlen)
{
    *out = NULL;
    memset(v, 0, sizeof(*v));
    v->processed = -1;
    if (verdicts)
        *verdicts = NULL;
    if (n_verdicts)
        *n_verdicts = 0;
    const char *why = kobj_unavailable();
    if (why)
        return fail(err, errlen, -ENOTSUP, "%s", why);
    struct kobj *o = calloc(1, sizeof(*o));
    struct kd_kernel *k = calloc(1, sizeof(*k));
    if (!o || !k) {
        free(o);
        free(k);
        return -ENOMEM;
    }
    k->prog_fd = -1;
    k->obj = o;
    k->obj_close = kd_kernel_obj_close;
    int rc = 0;
    size_t len;
    int e0 = cli_read_file_errno(path, &o->buf, &len);
    if (e0) {
        rc = fail(err, errlen, -e0, "%s", strerror(e0));
        goto out;
    }
    size_t conv_len = 0;
    char lerr[256];
    unsigned char *conv = legacy_maps_convert(o->buf, len, &conv_len, &o->li, lerr, sizeof lerr);
    if (!conv && lerr[0]) {
        rc = fail(err, errlen, -EINVAL, "%s", lerr);
        goto out;
    }
    if (conv) {
        /* the legacy map names point into the original bytes: keep them */
        o->orig = o->buf;
        o->buf = conv;
        len = conv_len;
    }
    /* the object name as libbpf derives it from a path */
    char objname[64];
    snprintf(objname, sizeof objname, "%s", cli_basename(path));
    objname[strcspn(objname, ".")] = 0;
    LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = objname);
    o->obj = lb.bpf_object__open_mem(o->buf, len, &oopts);
    if (!o->obj) {
        rc = fail(err, errlen, -errno ? -errno : -EINVAL, "libbpf cannot open it: %s",
                  strerror(errno));
        goto out;
    }
    struct bpf_program *prog = NULL, *p;
    for (p = lb.bpf_object__next_program(o->obj, NULL); p; p = lb.bpf_object__next_program(o->obj, p)) {
        if (!section && !prog)
            prog = p;
        else if (section && !strcmp(lb.bpf_program__name(p), section))
            prog = p;
    }
    if (section && !prog)
        for (p = lb.bpf_object__next_program(o->obj, NULL); p && !prog;
             p = lb.bpf_object__next_program(o->obj, p))
            if (!strcmp(lb.bpf_program__section_name(p), section))
                prog = p;
    if (!prog) {
        rc = fail(err, errlen, -ENOENT, "libbpf finds no program or section named '%s'",
                  section ? section : "(any)");
        goto out;
    }
    /* untyped programs take the type the typed ones share (or --type), and
     * PROG's expected attach type (6.17+ prog arrays compare it) */
    enum bpf_prog_type common = BPF_PROG_TYPE_UNSPEC;
    bool agree = true;
    for (p = lb.bpf_object__next_program(o->obj, NULL); p; p = lb.bpf_object__next_program(o->obj, p)) {
        enum bpf_prog_type t = lb.bpf_program__type(p);
        if (t == BPF_PROG_TYPE_UNSPEC)
            continue;
        if (common != BPF_PROG_TYPE_UNSPEC && common != t)
            agree = false;
        common = t;
    }
    enum bpf_prog_type fill = type_override ? (enum bpf_prog_type)type_override
                              : agree ? common : BPF_PROG_TYPE_UNSPEC;
    for (p = lb.bpf_object__next_program(o->obj, NULL); p; p = lb.bpf_object__next_program(o->obj, p)) {
        if (lb.bpf_program__type(p) != BPF_PROG_TYPE_UNSPEC)
            continue;
        if (fill == BPF_PROG_TYPE_UNSPEC) {
            rc = fail(err, errlen, -EINVAL, "program '%s' in section '%s' has no type: give --type",
                      lb.bpf_program__name(p), lb.bpf_program__section_name(p));
            goto out;
        }
        lb.bpf_program__set_type(p, fill);
        if (p != prog && lb.bpf_program__type(prog) == fill)
            lb.bpf_program__set_expected_attach_type(p, lb.bpf_program__expected_attach_type(prog));
    }
    k->prog_type = lb.bpf_program__type(prog);
    /* a log per program */
    for (p = lb.bpf_object__next_program(o->obj, NULL); p; p = lb.bpf_object__next_program(o->obj, p)) {
        char **g = realloc(o->logs, (o->n_logs + 1) * sizeof(*g));
        if (!g)
            abort();
        o->logs = g;
        o->logs[o->n_logs] = calloc(1, KOBJ_LOG_SIZE);
        if (!o->logs[o->n_logs])
            abort();
        lb.bpf_program__set_log_buf(p, o->logs[o->n_logs], KOBJ_LOG_SIZE);
        lb.bpf_program__set_log_level(p, log_level ? (uint32_t)log_level : 1);
        o->n_logs++;
    }
    int lrc = lb.bpf_object__load(o->obj);
    int lerrno = lrc ? (lrc < 0 ? -lrc : errno) : 0;
    /* verdicts: programs loaded before a failure have fds; the failing one
     * has a log with an error; the ones after it were not tried */
    size_t i = 0, nv = 0;
    struct kobj_prog_verdict *vs = calloc(o->n_logs + 1, sizeof(*vs));
    if (!vs)
        abort();
    bool failed_seen = false;
    for (p = lb.bpf_object__next_program(o->obj, NULL); p; p = lb.bpf_object__next_program(o->obj, p), i++) {
        struct kobj_prog_verdict *pv = &vs[nv++];
        snprintf(pv->name, sizeof pv->name, "%s", lb.bpf_program__name(p));
        char e[256];
        kbpf_log_error(o->logs[i], e, sizeof e);
        if (lb.bpf_program__fd(p) >= 0) {
            pv->known = pv->accepted = true;
        } else if (lrc && !failed_seen && (e[0] || !strstr(o->logs[i], "processed "))) {
            pv->known = true;
            pv->accepted = false;
            pv->err = lerrno;
            snprintf(pv->error, sizeof pv->error, "%s", e);
            failed_seen = true;
        }
        pv->processed = kbpf_log_processed(o->logs[i]);
        if (p == prog) {
            v->known = pv->known;
            v->accepted = pv->accepted;
            v->err = pv->err;
            snprintf(v->error, sizeof v->error, "%s", pv->error);
            v->processed = pv->processed;
            v->log = strdup(o->logs[i]);
        }
    }
    if (verdicts) {
        *verdicts = vs;
        *n_verdicts = nv;
    } else {
        free(vs);
    }
    if (lrc) {
        if (lerrno == EPERM || lerrno == EACCES) {
            const char *u = kbpf_unavailable();
            if (u) {
                rc = fail(err, errlen, -EPERM, "%s", u);
                goto out;
            }
        }
        if (!v->known) {
            /* another program, or libbpf itself, failed */
            v->known = false;
            snprintf(err, errlen, "libbpf could not load the object: %s", strerror(lerrno));
        }
        *out = k;
        return 0;
    }
    k->prog_fd = lb.bpf_program__fd(prog);
    /* maps */
    struct bpf_map *m;
    for (m = lb.bpf_object__next_map(o->obj, NULL); m; m = lb.bpf_object__next_map(o->obj, m)) {
        struct kd_kmap *g = realloc(k->maps, (k->n_maps + 1) * sizeof(*g));
        if (!g)
            abort();
        k->maps = g;
        struct kd_kmap *km = &k->maps[k->n_maps++];
        memset(km, 0, sizeof(*km));
        snprintf(km->name, sizeof km->name, "%s", map_label(m));
        km->fd = lb.bpf_map__fd(m);
        km->type = lb.bpf_map__type(m);
        km->key_size = lb.bpf_map__key_size(m);
        km->value_size = lb.bpf_map__value_size(m);
        km->max_entries = lb.bpf_map__max_entries(m);
        km->flags = lb.bpf_map__map_flags(m);
        km->readonly = lb.bpf_map__is_internal(m) && strstr(km->name, ".rodata") == km->name;
        if (km->type == BPF_MAP_TYPE_RINGBUF) {
            struct kbpf_ringbuf *rb = NULL;
            kbpf_ringbuf_open(km->fd, km->max_entries, &rb);
            km->ring = rb;
        }
    }
    /* iproute2/Cilium tail calls: section "<id>/<key>" into the PROG_ARRAY with that id */
    for (p = lb.bpf_object__next_program(o->obj, NULL); p; p = lb.bpf_object__next_program(o->obj, p)) {
        unsigned id, key;
        int end = 0;
        const char *sec = lb.bpf_program__section_name(p);
        if (sscanf(sec, "%u/%u%n", &id, &key, &end) != 2 || sec[end])
            continue;
        for (size_t j = 0; j < o->li.nr; j++) {
            if (!o->li.maps[j].elf_map || o->li.maps[j].def[5] != id ||
                o->li.maps[j].def[0] != BPF_MAP_TYPE_PROG_ARRAY)
                continue;
            struct bpf_map *pm = lb.bpf_object__find_map_by_name(o->obj, o->li.maps[j].name);
            int pfd = lb.bpf_program__fd(p);
            if (!pm || kbpf_map_update(lb.bpf_map__fd(pm), &key, &pfd, 0)) {
                rc = fail(err, errlen, -EINVAL, "cannot install '%s' in %s[%u]",
                          lb.bpf_program__name(p), o->li.maps[j].name, key);
                goto out;
            }
        }
    }
    *out = k;
    return 0;
out:
    kd_kernel_destroy(k);
    return rc;
}

/* tests/unit/verifier_suite.h - the verifier suite's file format, and
 * loading a suite program into the real kernel (the oracle).
 *
 * A suite program is tests/verifier/<rule>-<accept|reject>-<n>.s: kernel-
 * syntax assembly (vm_asm) after a header of '#' comment lines:
 *
 *   # <free text: what the program checks>
 *   # prog_type: xdp                  (xdp, socket_filter, sched_cls, ...)
 *   # attach_type: cgroup_inet_egress (optional)
 *   # priv: root                      (root | bpf | unpriv; default root)
 *   # license: MIT                    (the load's license; default GPL)
 *   # expect: reject                  (accept | reject)
 *   # error: R0 !read_ok              (reject: the error's lines, in order;
 *   # error: ...                       the first is verifier_result.error)
 *   # errno: EACCES                   (the load's errno: optional, but the
 *                                      only expectation of a reject the
 *                                      kernel makes with an empty log)
 *   # map: hash key=4 value=8 entries=16 flags=0
 *                                     (map i is `map[idx:i]` in the code;
 *                                      array_of_maps ... inner=J: map J,
 *                                      an earlier line, is the inner shape)
 *
 * Used by test_verifier.c (bpfemu's verifier against the file),
 * test_verifier_kernel.c (the kernel against the file) and the
 * tests/kernel/verifier_oracle tool. Header-only: every function is
 * static inline. */
#ifndef BPFEMU_TEST_VERIFIER_SUITE_H
#define BPFEMU_TEST_VERIFIER_SUITE_H

#include "verifier/verifier.h"
#include "vm/vm.h"

#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VSUITE_MAX_ERR_LINES 4
#define VSUITE_MAX_MAPS 8

struct vsuite_case {
    char path[1024];
    const char *name;                   /* file name inside path */
    uint32_t prog_type, attach_type;
    int priv;                           /* VERIFIER_PRIV_* */
    bool expect_accept;
    char errors[VSUITE_MAX_ERR_LINES][256];
    unsigned n_errors;
    int expect_errno;                   /* 0: not given */
    struct verifier_map maps[VSUITE_MAX_MAPS];
    unsigned n_maps;
    struct vm_prog *prog;
    char license[64];                   /* "# license:", default "GPL" */
};

struct vsuite_name {
    const char *name;
    uint32_t value;
};

static const struct vsuite_name vsuite_prog_types[] = {
    {"socket_filter", BPF_PROG_TYPE_SOCKET_FILTER},
    {"kprobe", BPF_PROG_TYPE_KPROBE},
    {"sched_cls", BPF_PROG_TYPE_SCHED_CLS},
    {"tc", BPF_PROG_TYPE_SCHED_CLS},
    {"sched_act", BPF_PROG_TYPE_SCHED_ACT},
    {"tracepoint", BPF_PROG_TYPE_TRACEPOINT},
    {"xdp", BPF_PROG_TYPE_XDP},
    {"perf_event", BPF_PROG_TYPE_PERF_EVENT},
    {"cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB},
    {"cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK},
    {"lwt_in", BPF_PROG_TYPE_LWT_IN},
    {"lwt_out", BPF_PROG_TYPE_LWT_OUT},
    {"lwt_xmit", BPF_PROG_TYPE_LWT_XMIT},
    {"sock_ops", BPF_PROG_TYPE_SOCK_OPS},
    {"sk_skb", BPF_PROG_TYPE_SK_SKB},
    {"sk_msg", BPF_PROG_TYPE_SK_MSG},
    {"raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT},
    {"cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR},
    {NULL, 0},
};

static const struct vsuite_name vsuite_attach_types[] = {
    {"cgroup_inet_ingress", BPF_CGROUP_INET_INGRESS},
    {"cgroup_inet_egress", BPF_CGROUP_INET_EGRESS},
    {"xdp_devmap", BPF_XDP_DEVMAP},
    {"cgroup_inet4_connect", BPF_CGROUP_INET4_CONNECT},
    {NULL, 0},
};

static const struct vsuite_name vsuite_map_types[] = {
    {"hash", BPF_MAP_TYPE_HASH},
    {"array", BPF_MAP_TYPE_ARRAY},
    {"prog_array", BPF_MAP_TYPE_PROG_ARRAY},
    {"perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY},
    {"percpu_hash", BPF_MAP_TYPE_PERCPU_HASH},
    {"percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY},
    {"lru_hash", BPF_MAP_TYPE_LRU_HASH},
    {"queue", BPF_MAP_TYPE_QUEUE},
    {"stack", BPF_MAP_TYPE_STACK},
    {"ringbuf", BPF_MAP_TYPE_RINGBUF},
    {"array_of_maps", BPF_MAP_TYPE_ARRAY_OF_MAPS},
    {"hash_of_maps", BPF_MAP_TYPE_HASH_OF_MAPS},
    {"sockmap", BPF_MAP_TYPE_SOCKMAP},
    {"sockhash", BPF_MAP_TYPE_SOCKHASH},
    {NULL, 0},
};

static const struct vsuite_name vsuite_errnos[] = {
    {"EPERM", EPERM}, {"E2BIG", E2BIG}, {"EBADF", EBADF},   {"EACCES", EACCES},
    {"EFAULT", EFAULT}, {"EINVAL", EINVAL}, {"ENOSPC", ENOSPC}, {"ENOTSUPP", 524},
    {NULL, 0},
};

static inline bool vsuite_lookup(const struct vsuite_name *t, const char *name, uint32_t *out)
{
    for (; t->name; t++)
        if (strcmp(t->name, name) == 0) {
            *out = t->value;
            return true;
        }
    return false;
}

static inline const char *vsuite_errno_name(int e)
{
    for (const struct vsuite_name *t = vsuite_errnos; t->name; t++)
        if ((int)t->value == e)
            return t->name;
    return "?";
}

static inline char *vsuite_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

static inline char *vsuite_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* "hash key=4 value=8 entries=16 flags=0x10" */
static inline int vsuite_parse_map(char *v, struct verifier_map *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    char *save = NULL, *tok = strtok_r(v, " \t", &save);
    if (!tok || !vsuite_lookup(vsuite_map_types, tok, &m->type)) {
        snprintf(err, errlen, "unknown map type '%s'", tok ? tok : "");
        return -1;
    }
    while ((tok = strtok_r(NULL, " \t", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, errlen, "map attribute without '=': '%s'", tok);
            return -1;
        }
        *eq = '\0';
        uint32_t val = (uint32_t)strtoul(eq + 1, NULL, 0);
        if (!strcmp(tok, "key"))
            m->key_size = val;
        else if (!strcmp(tok, "value"))
            m->value_size = val;
        else if (!strcmp(tok, "entries"))
            m->max_entries = val;
        else if (!strcmp(tok, "flags"))
            m->flags = val;
        else if (!strcmp(tok, "inner"))
            m->inner = val + 1; /* the index of an earlier map */
        else {
            snprintf(err, errlen, "unknown map attribute '%s'", tok);
            return -1;
        }
    }
    return 0;
}

/* Parse the header and assemble the program. 0, or -1 with err filled. */
static inline int vsuite_load(const char *path, struct vsuite_case *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->path, sizeof(c->path), "%s", path);
    const char *slash = strrchr(c->path, '/');
    c->name = slash ? slash + 1 : c->path;
    c->prog_type = UINT32_MAX;
    snprintf(c->license, sizeof c->license, "GPL");
    c->priv = VERIFIER_PRIV_ROOT;
    size_t len = 0;
    char *text = vsuite_read_file(path, &len);
    if (!text) {
        snprintf(err, errlen, "%.300s: %s", path, strerror(errno));
        return -1;
    }
    bool have_expect = false;
    int rc = 0;
    char *copy = strdup(text), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != '#')
            continue;
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *key = vsuite_trim(line + 1), *v = vsuite_trim(colon + 1);
        if (!strcmp(key, "prog_type")) {
            if (!vsuite_lookup(vsuite_prog_types, v, &c->prog_type))
                rc = snprintf(err, errlen, "unknown prog_type '%s'", v);
        } else if (!strcmp(key, "attach_type")) {
            if (!vsuite_lookup(vsuite_attach_types, v, &c->attach_type))
                rc = snprintf(err, errlen, "unknown attach_type '%s'", v);
        } else if (!strcmp(key, "license")) {
            snprintf(c->license, sizeof c->license, "%s", v);
        } else if (!strcmp(key, "priv")) {
            if (!strcmp(v, "root"))
                c->priv = VERIFIER_PRIV_ROOT;
            else if (!strcmp(v, "bpf"))
                c->priv = VERIFIER_PRIV_BPF;
            else if (!strcmp(v, "unpriv"))
                c->priv = VERIFIER_PRIV_UNPRIV;
            else
                rc = snprintf(err, errlen, "unknown priv '%s'", v);
        } else if (!strcmp(key, "expect")) {
            have_expect = true;
            if (!strcmp(v, "accept"))
                c->expect_accept = true;
            else if (strcmp(v, "reject"))
                rc = snprintf(err, errlen, "expect must be accept or reject, not '%s'", v);
        } else if (!strcmp(key, "error")) {
            if (c->n_errors == VSUITE_MAX_ERR_LINES)
                rc = snprintf(err, errlen, "too many error lines");
            else
                snprintf(c->errors[c->n_errors++], sizeof(c->errors[0]), "%s", v);
        } else if (!strcmp(key, "errno")) {
            uint32_t e;
            if (!vsuite_lookup(vsuite_errnos, v, &e))
                rc = snprintf(err, errlen, "unknown errno '%s'", v);
            else
                c->expect_errno = (int)e;
        } else if (!strcmp(key, "map")) {
            if (c->n_maps == VSUITE_MAX_MAPS)
                rc = snprintf(err, errlen, "too many maps");
            else if (vsuite_parse_map(v, &c->maps[c->n_maps++], err, errlen))
                rc = 1;
        }
    }
    free(copy);
    if (!rc && c->prog_type == UINT32_MAX)
        rc = snprintf(err, errlen, "no '# prog_type:' line");
    if (!rc && !have_expect)
        rc = snprintf(err, errlen, "no '# expect:' line");
    if (!rc && !c->expect_accept && c->n_errors == 0 && !c->expect_errno)
        rc = snprintf(err, errlen, "expect: reject needs '# error:' lines (or, for a reject "
                                   "with an empty log, '# errno:')");
    if (!rc) {
        char aerr[VM_ERR_LEN];
        if (vm_asm(text, len, c->name, &c->prog, aerr, sizeof(aerr)))
            rc = snprintf(err, errlen, "%s", aerr);
    }
    free(text);
    return rc ? -1 : 0;
}

static inline void vsuite_free(struct vsuite_case *c)
{
    vm_prog_free(c->prog);
    c->prog = NULL;
}

static inline int vsuite_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The suite's file names (*.s in dir), sorted; NULL-terminated, malloc'd. */
static inline char **vsuite_list(const char *dir, unsigned *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    unsigned n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 3 || strcmp(e->d_name + l - 2, ".s"))
            continue;
        if (n + 2 > cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof(*v));
        }
        v[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (!v)
        v = calloc(1, sizeof(*v));
    v[n] = NULL;
    qsort(v, n, sizeof(*v), vsuite_name_cmp);
    *count = n;
    return v;
}

static inline void vsuite_list_free(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

/* The options a case gives bpfemu's verifier. */
static inline void vsuite_opts(const struct vsuite_case *c, struct verifier_opts *o, int log_level)
{
    memset(o, 0, sizeof(*o));
    o->prog_type = c->prog_type;
    o->expected_attach_type = c->attach_type;
    o->priv = c->priv;
    o->log_level = log_level;
    o->maps = c->maps;
    o->n_maps = c->n_maps;
    /* as the kernel here bounds bpf_get_smp_processor_id() */
    long cpus = sysconf(_SC_NPROCESSORS_CONF);
    o->nr_cpus = cpus > 0 ? (uint32_t)cpus : 1;
    /* license_is_gpl_compatible's list */
    static const char *const gpl[] = {"GPL", "GPL v2", "GPL and additional rights",
                                      "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
    o->non_gpl = true;
    for (size_t i = 0; i < sizeof gpl / sizeof gpl[0]; i++)
        if (!strcmp(c->license, gpl[i]))
            o->non_gpl = false;
}

/* Does `log` hold the lines `lines[0..n)` consecutively? The first may end
 * a longer line: the kernel's level-1 log resets to a branch's position
 * when it pops the branch, which can glue the error message to the
 * previous instruction line ("2: (a5) if r0 < 0xa goto pc-2 infinite loop
 * detected at insn 1"). */
static inline bool vsuite_log_has_lines(const char *log, const char lines[][256], unsigned n)
{
    if (!log)
        return false;
    for (const char *p = log; *p;) {
        const char *nl0 = strchr(p, '\n');
        size_t linelen = nl0 ? (size_t)(nl0 - p) : strlen(p);
        size_t l0 = strlen(lines[0]);
        const char *q = p;
        if (linelen > l0 && p[linelen - l0 - 1] == ' ' && !strncmp(p + linelen - l0, lines[0], l0))
            q = p + linelen - l0;
        unsigned k = 0;
        for (; k < n; k++) {
            size_t l = strlen(lines[k]);
            if (strncmp(q, lines[k], l) || (q[l] != '\n' && q[l] != '\0'))
                break;
            q += l + (q[l] == '\n');
        }
        if (k == n)
            return true;
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
    return false;
}

/* The last `n` lines of a log before its "processed" line, for messages. */
static inline void vsuite_log_tail(const char *log, unsigned n, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!log)
        return;
    const char *end = strstr(log, "\nprocessed ");
    if (!end)
        end = log + strlen(log);
    const char *p = end;
    while (p > log && n) {
        p--;
        if (*p == '\n' && p != end - 1)
            n--;
    }
    if (*p == '\n')
        p++;
    snprintf(out, outlen, "%.*s", (int)(end - p), p);
}

#endif

/* tools/testspec_event.c - synthetic events for tracing programs, in test
 * files (`event:` in a test or step) and event files (`bpfemu run
 * --events`):
 *
 *   event:
 *     task: {pid: 1234, tgid: 1234, uid: 1000, gid: 1000, comm: bash}
 *     fields: {pid: 42, sig: 9}      # tracepoint: fields by name (its format)
 *     regs: {di: 42, si: 9}          # kprobe: pt_regs by name, parm1..6, ret
 *     args: [42, 9]                  # raw tracepoint: u64 arguments
 *     memory: {"0x7fff0000": "text", "0x7fff1000": {hex: "01 02"}}
 *     time_ns: 5000                  # bpf_ktime_get_ns (default: the clock)
 *     cookie: 7                      # bpf_get_attach_cookie
 *
 * Parsing checks the shape (every error names the line and key); what
 * depends on the program (its type, the tracepoint's format) is checked
 * when the event is built for a program (ts_event_build). */
#include "tools/testspec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int scalar(const struct ynode *n, const char *what, char *err, size_t errlen)
{
    if (n->type == Y_SCALAR)
        return 0;
    return ts_fail(err, errlen, n->line, "%s must be a value, not %s", what, ytree_kind(n));
}

static int get_int(const struct ynode *n, const char *what, uint64_t max, uint64_t *out,
                   char *err, size_t errlen)
{
    int rc = scalar(n, what, err, errlen);
    if (rc)
        return rc;
    if (!helper_parse_u64(n->str, out) || *out > max)
        return ts_fail(err, errlen, n->line, "%s: '%s' is not a number from 0 to %llu", what,
                       n->str, (unsigned long long)max);
    return 0;
}

static int parse_task(const struct ynode *n, struct ts_event *ev, char *err, size_t errlen)
{
    static const char *const keys[] = {"pid", "tgid", "uid", "gid", "comm", "ptr", "cgroup_id"};
    if (n->type != Y_MAP)
        return ts_fail(err, errlen, n->line, "event.task must be a mapping, not %s",
                       ytree_kind(n));
    ev->has_task = true;
    bool tgid_given = false;
    for (size_t i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->str;
        const struct ynode *v = n->items[i];
        char what[32];
        snprintf(what, sizeof what, "event.task.%s", k);
        int rc;
        uint64_t u;
        if (!strcmp(k, "comm")) {
            if ((rc = scalar(v, what, err, errlen)))
                return rc;
            if (strlen(v->str) > 15)
                return ts_fail(err, errlen, v->line,
                               "event.task.comm: '%s' is longer than 15 characters (TASK_COMM_LEN "
                               "16)", v->str);
            snprintf(ev->task.comm, sizeof ev->task.comm, "%s", v->str);
            continue;
        }
        if (!strcmp(k, "ptr") || !strcmp(k, "cgroup_id")) {
            if ((rc = get_int(v, what, UINT64_MAX, k[0] == 'p' ? &ev->task.ptr : &ev->task.cgroup_id,
                              err, errlen)))
                return rc;
            continue;
        }
        size_t j = 0;
        while (j < 4 && strcmp(k, keys[j]))
            j++;
        if (j == 4)
            return ts_fail(err, errlen, n->keys[i]->line,
                           "event.task: unknown key '%s' (pid, tgid, uid, gid, comm, ptr, "
                           "cgroup_id)", k);
        if ((rc = get_int(v, what, UINT32_MAX, &u, err, errlen)))
            return rc;
        uint32_t *dst[] = {&ev->task.pid, &ev->task.tgid, &ev->task.uid, &ev->task.gid};
        *dst[j] = (uint32_t)u;
        tgid_given |= j == 1;
    }
    if (!tgid_given) /* a single-threaded process: tgid = pid */
        ev->task.tgid = ev->task.pid;
    return 0;
}

/* name: value pairs, kept as text until the program says what they mean. */
static int parse_kv(const struct ynode *n, const char *what, struct ts_event_kv **out, size_t *nout,
                    char *err, size_t errlen)
{
    if (n->type != Y_MAP)
        return ts_fail(err, errlen, n->line, "event.%s must be a mapping, not %s", what,
                       ytree_kind(n));
    *out = calloc(n->n + 1, sizeof **out);
    if (!*out)
        return ts_fail(err, errlen, n->line, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *v = n->items[i];
        char w[96];
        snprintf(w, sizeof w, "event.%s.%s", what, n->keys[i]->str);
        int rc = scalar(v, w, err, errlen);
        if (rc)
            return rc;
        struct ts_event_kv *kv = &(*out)[(*nout)++];
        kv->line = n->keys[i]->line;
        kv->quoted = v->quoted;
        if (!(kv->name = strdup(n->keys[i]->str)) || !(kv->value = strdup(v->str)))
            return ts_fail(err, errlen, v->line, "out of memory");
    }
    return 0;
}

static int parse_args(const struct ynode *n, struct ts_event *ev, char *err, size_t errlen)
{
    if (n->type != Y_SEQ)
        return ts_fail(err, errlen, n->line, "event.args must be a list, not %s", ytree_kind(n));
    if (n->n > HELPER_RAW_TP_ARGS)
        return ts_fail(err, errlen, n->line, "event.args: %zu arguments, a raw tracepoint has at "
                       "most %u", n->n, HELPER_RAW_TP_ARGS);
    ev->has_args = true;
    ev->args_line = n->line;
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *v = n->items[i];
        int rc = scalar(v, "event.args item", err, errlen);
        if (rc)
            return rc;
        if (!helper_parse_int(v->str, &ev->args[i]))
            return ts_fail(err, errlen, v->line, "event.args[%zu]: '%s' is not a number", i,
                           v->str);
    }
    ev->n_args = n->n;
    return 0;
}

/* memory: {ADDRESS: "text" | {hex: "01 02"} | {string: "text"}}: a string
 * is its bytes and a NUL (as a C string in memory), hex is the bytes. */
static int parse_memory(const struct ynode *n, struct ts_event *ev, char *err, size_t errlen)
{
    if (n->type != Y_MAP)
        return ts_fail(err, errlen, n->line, "event.memory must be a mapping of addresses, not %s",
                       ytree_kind(n));
    ev->mem = calloc(n->n + 1, sizeof *ev->mem);
    if (!ev->mem)
        return ts_fail(err, errlen, n->line, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *k = n->keys[i], *v = n->items[i];
        struct ts_event_mem *m = &ev->mem[ev->n_mem++];
        m->line = k->line;
        if (!helper_parse_u64(k->str, &m->addr))
            return ts_fail(err, errlen, k->line, "event.memory: '%s' is not an address", k->str);
        const char *text = NULL, *hex = NULL;
        if (v->type == Y_SCALAR) {
            text = v->str;
        } else if (v->type == Y_MAP && v->n == 1 && !strcmp(v->keys[0]->str, "hex") &&
                   v->items[0]->type == Y_SCALAR) {
            hex = v->items[0]->str;
        } else if (v->type == Y_MAP && v->n == 1 && !strcmp(v->keys[0]->str, "string") &&
                   v->items[0]->type == Y_SCALAR) {
            text = v->items[0]->str;
        } else {
            return ts_fail(err, errlen, v->line,
                           "event.memory.%s: a string, {string: TEXT} or {hex: BYTES}", k->str);
        }
        if (hex) {
            if (helper_parse_hex(hex, &m->bytes, &m->len) || !m->len)
                return ts_fail(err, errlen, v->line, "event.memory.%s: '%s' is not hex bytes",
                               k->str, hex);
        } else {
            m->len = strlen(text) + 1;
            if (!(m->bytes = malloc(m->len)))
                return ts_fail(err, errlen, v->line, "out of memory");
            memcpy(m->bytes, text, m->len);
        }
        if (m->addr + m->len < m->addr)
            return ts_fail(err, errlen, k->line, "event.memory.%s: wraps around the address space",
                           k->str);
        for (size_t j = 0; j + 1 < ev->n_mem; j++) {
            const struct ts_event_mem *o = &ev->mem[j];
            if (m->addr < o->addr + o->len && o->addr < m->addr + m->len)
                return ts_fail(err, errlen, k->line,
                               "event.memory.%s overlaps the memory given on line %u", k->str,
                               o->line);
        }
    }
    return 0;
}

int ts_event_parse(const struct ynode *n, struct ts_event *ev, char *err, size_t errlen)
{
    static const char *const keys[] = {"task", "fields", "regs", "args", "memory", "time_ns",
                                       "cpu", "cookie", NULL};
    memset(ev, 0, sizeof *ev);
    ev->line = n->line;
    if (n->type != Y_MAP)
        return ts_fail(err, errlen, n->line, "event must be a mapping, not %s", ytree_kind(n));
    for (size_t i = 0; i < n->n; i++) {
        const char *const *k = keys;
        while (*k && strcmp(*k, n->keys[i]->str))
            k++;
        if (!*k)
            return ts_fail(err, errlen, n->keys[i]->line,
                           "event: unknown key '%s' (task, fields, regs, args, memory, time_ns, "
                           "cpu, cookie)", n->keys[i]->str);
    }
    const struct ynode *v;
    int rc = 0;
    int kinds = !!ytree_get(n, "fields") + !!ytree_get(n, "regs") + !!ytree_get(n, "args");
    if (kinds > 1)
        return ts_fail(err, errlen, n->line,
                       "event: fields (tracepoint), regs (kprobe) or args (raw tracepoint), "
                       "one of them");
    if ((v = ytree_get(n, "task")))
        rc = parse_task(v, ev, err, errlen);
    if (!rc && (v = ytree_get(n, "fields"))) {
        ev->fields_line = v->line;
        rc = parse_kv(v, "fields", &ev->fields, &ev->n_fields, err, errlen);
    }
    if (!rc && (v = ytree_get(n, "regs"))) {
        ev->regs_line = v->line;
        rc = parse_kv(v, "regs", &ev->regs, &ev->n_regs, err, errlen);
    }
    if (!rc && (v = ytree_get(n, "args")))
        rc = parse_args(v, ev, err, errlen);
    if (!rc && (v = ytree_get(n, "memory")))
        rc = parse_memory(v, ev, err, errlen);
    if (!rc && (v = ytree_get(n, "time_ns")))
        rc = get_int(v, "event.time_ns", UINT64_MAX, &ev->now_ns, err, errlen);
    if (!rc && (v = ytree_get(n, "cookie")))
        rc = get_int(v, "event.cookie", UINT64_MAX, &ev->cookie, err, errlen);
    uint64_t u;
    if (!rc && (v = ytree_get(n, "cpu")) && !(rc = get_int(v, "event.cpu", 1023, &u, err, errlen)))
        ev->cpu = (uint32_t)u;
    for (size_t i = 0; !rc && i < ev->n_regs; i++)
        if (helper_kprobe_reg_offset(ev->regs[i].name) < 0)
            rc = ts_fail(err, errlen, ev->regs[i].line,
                         "event.regs: unknown register '%s' (x86-64 pt_regs: di, si, dx, cx, r8, "
                         "r9, ax, ip, sp..., rdi..., parm1..parm6, ret)",
                         ev->regs[i].name);
    for (size_t i = 0; !rc && i < ev->n_regs; i++) {
        uint64_t x;
        if (!helper_parse_int(ev->regs[i].value, &x))
            rc = ts_fail(err, errlen, ev->regs[i].line, "event.regs.%s: '%s' is not a number",
                         ev->regs[i].name, ev->regs[i].value);
    }
    if (rc)
        ts_event_free(ev);
    return rc;
}

void ts_event_free(struct ts_event *ev)
{
    for (size_t i = 0; i < ev->n_fields; i++) {
        free(ev->fields[i].name);
        free(ev->fields[i].value);
    }
    free(ev->fields);
    for (size_t i = 0; i < ev->n_regs; i++) {
        free(ev->regs[i].name);
        free(ev->regs[i].value);
    }
    free(ev->regs);
    for (size_t i = 0; i < ev->n_mem; i++)
        free(ev->mem[i].bytes);
    free(ev->mem);
    memset(ev, 0, sizeof *ev);
}

/* ------------------------------------------------------------ building ---- */

/* The tracepoint a section names: "tracepoint/CAT/NAME" or "tp/CAT/NAME". */
static const char *section_tracepoint(const char *section)
{
    if (!strncmp(section, "tracepoint/", 11))
        return section + 11;
    if (!strncmp(section, "tp/", 3))
        return section + 3;
    return NULL;
}

static int build_tracepoint(const struct ts_event *ev, const char *section, const char *fmt_path,
                            struct ts_event_built *b, char *err, size_t errlen)
{
    const char *tp = section_tracepoint(section);
    struct helper_tp_format fmt;
    char e[512];
    int rc;
    if (fmt_path)
        rc = helper_tp_format_load(fmt_path, &fmt, e, sizeof e);
    else if (tp)
        rc = helper_tp_format_host(tp, &fmt, e, sizeof e);
    else
        return ts_fail(err, errlen, ev->line,
                       "event: section '%s' names no tracepoint (tracepoint/CATEGORY/NAME): give "
                       "its format with tracepoint_format: PATH", section);
    if (rc)
        return ts_fail(err, errlen, ev->line, "event: %s", e);
    const char *name = tp ? tp : fmt.name;
    size_t dyn = fmt.size > 8 ? fmt.size : 8; /* where __data_loc strings go */
    for (size_t i = 0; !rc && i < ev->n_fields; i++) {
        const struct ts_event_kv *kv = &ev->fields[i];
        const struct helper_tp_field *f = helper_tp_format_field(&fmt, kv->name);
        if (!f) {
            struct helper_sb known = {0};
            for (size_t j = 0; j < fmt.n; j++)
                if (!fmt.fields[j].common)
                    helper_sb_printf(&known, "%s%s", known.len ? ", " : "", fmt.fields[j].name);
            rc = ts_fail(err, errlen, kv->line, "event.fields: unknown field '%s' of %s (its "
                         "fields: %s)", kv->name, name, helper_sb_str(&known));
            helper_sb_free(&known);
        } else {
            char fe[256];
            if (helper_tp_record_set(&fmt, kv->name, kv->value, kv->quoted, b->ctx, &dyn, fe,
                                     sizeof fe))
                rc = ts_fail(err, errlen, kv->line, "event.fields.%s", fe);
        }
    }
    /* the header as the kernel fills it: the event id and the task's pid */
    if (!rc) {
        const struct helper_tp_field *f = helper_tp_format_field(&fmt, "common_type");
        bool given = false;
        for (size_t i = 0; i < ev->n_fields; i++)
            given |= !strcmp(ev->fields[i].name, "common_type");
        if (f && f->size <= 8 && !given)
            memcpy(b->ctx + f->offset, &fmt.id, f->size < 4 ? f->size : 4);
        f = helper_tp_format_field(&fmt, "common_pid");
        given = false;
        for (size_t i = 0; i < ev->n_fields; i++)
            given |= !strcmp(ev->fields[i].name, "common_pid");
        if (f && f->size <= 4 && !given && ev->has_task)
            memcpy(b->ctx + f->offset, &ev->task.pid, f->size);
    }
    b->ctx_size = dyn;
    helper_tp_format_free(&fmt);
    return rc;
}

int ts_event_build(const struct ts_event *ev, uint32_t prog_type, const char *section,
                   const char *tp_format, struct ts_event_built *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    const char *tname = helper_trace_type_name(prog_type);
    if (!tname)
        return ts_fail(err, errlen, ev->line,
                       "event: section '%s' is not a kprobe, tracepoint or raw tracepoint "
                       "program: it runs on packets", section);
    int rc = 0;
    if (prog_type == BPF_PROG_TYPE_TRACEPOINT) {
        if (ev->n_regs || ev->has_args)
            return ts_fail(err, errlen, ev->n_regs ? ev->regs_line : ev->args_line,
                           "event: a tracepoint program takes fields:, not %s",
                           ev->n_regs ? "regs:" : "args:");
        rc = build_tracepoint(ev, section, tp_format, b, err, errlen);
    } else if (prog_type == BPF_PROG_TYPE_KPROBE) {
        if (ev->n_fields || ev->has_args)
            return ts_fail(err, errlen, ev->n_fields ? ev->fields_line : ev->args_line,
                           "event: a kprobe program takes regs:, not %s",
                           ev->n_fields ? "fields:" : "args:");
        for (size_t i = 0; i < ev->n_regs; i++) {
            uint64_t u = 0;
            helper_parse_int(ev->regs[i].value, &u); /* checked when parsed */
            memcpy(b->ctx + helper_kprobe_reg_offset(ev->regs[i].name), &u, 8);
        }
        b->ctx_size = helper_trace_ctx_size(prog_type);
    } else {
        if (ev->n_fields || ev->n_regs)
            return ts_fail(err, errlen, ev->n_fields ? ev->fields_line : ev->regs_line,
                           "event: a raw tracepoint program takes args:, not %s",
                           ev->n_fields ? "fields:" : "regs:");
        memcpy(b->ctx, ev->args, ev->n_args * 8);
        b->ctx_size = HELPER_RAW_TP_ARGS * 8;
    }
    if (rc)
        return rc;
    if (ev->n_mem > TS_EVENT_MAX_MEM)
        return ts_fail(err, errlen, ev->line, "event.memory: at most %u regions",
                       TS_EVENT_MAX_MEM);
    for (size_t i = 0; i < ev->n_mem; i++)
        b->mem[i] = (struct helper_trace_mem){ev->mem[i].addr, ev->mem[i].bytes, ev->mem[i].len};
    b->ev = (struct helper_trace_event){.ctx = b->ctx,
                                        .ctx_size = b->ctx_size,
                                        .task = ev->has_task ? &ev->task : NULL,
                                        .now_ns = ev->now_ns,
                                        .mem = b->mem,
                                        .n_mem = ev->n_mem,
                                        .cpu = ev->cpu,
                                        .cookie = ev->cookie};
    return 0;
}

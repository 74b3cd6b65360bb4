/* helpers/testkit_event.c - the C test API's synthetic events for tracing
 * programs (include/bpfemu_test.h, "events"): the context built as the
 * calls fill it in (pt_regs by register name, raw tracepoint arguments,
 * tracepoint fields by the format file), the task, the clock and the
 * memory probe reads see. Runs take it through t->event. */
#include "helpers/testkit_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TK_EVENT_MAX_MEM 64u

struct tk_event {
    struct helper_trace_event ev;
    uint8_t ctx[HELPER_TP_RECORD_MAX];
    size_t dyn;                /* tracepoints: where the next __data_loc string goes */
    struct helper_task task;
    struct helper_trace_mem mem[TK_EVENT_MAX_MEM];
    struct helper_tp_format fmt;
    bool has_fmt;
    char *fmt_path;            /* bpfemu_test_tracepoint_format's */
};

void tk_event_free(bpfemu_test *t)
{
    struct tk_event *e = t->cev;
    if (!e)
        return;
    for (size_t i = 0; i < e->ev.n_mem; i++)
        free((void *)e->mem[i].data);
    helper_tp_format_free(&e->fmt);
    free(e->fmt_path);
    free(e);
    t->cev = NULL;
    t->event = NULL;
}

const struct helper_trace_event *tk_event_of(bpfemu_test *t)
{
    return t->cev ? &t->cev->ev : NULL;
}

void tk_event_set_cpu(bpfemu_test *t, uint32_t cpu)
{
    if (t->cev)
        t->cev->ev.cpu = cpu;
}

/* The event being filled, or an error when there is none. */
static struct tk_event *cur(bpfemu_test *t)
{
    if (!t->cev)
        tk_fail(t, -EINVAL, "no event: call bpfemu_test_event first");
    return t->cev;
}

static uint32_t type_of(bpfemu_test *t) { return helper_prog_type(t->prog); }

int bpfemu_test_event(bpfemu_test *t)
{
    const char *name = helper_trace_type_name(type_of(t));
    if (!name)
        return tk_fail(t, -EINVAL, "program '%s' is not a tracing program: it runs on packets, "
                       "not events", helper_prog_info(t->prog)->name);
    char *path = t->cev && t->cev->fmt_path ? strdup(t->cev->fmt_path) : NULL;
    tk_event_free(t);
    struct tk_event *e = calloc(1, sizeof *e);
    if (!e) {
        free(path);
        return tk_fail(t, -ENOMEM, "out of memory");
    }
    t->cev = e;
    e->fmt_path = path;
    e->ev.ctx = e->ctx;
    e->ev.ctx_size = helper_trace_ctx_size(type_of(t));
    e->ev.mem = e->mem;
    e->ev.cpu = t->cpu;
    if (type_of(t) == BPF_PROG_TYPE_TRACEPOINT) {
        /* the record is laid out once the format is known (the first field) */
        e->ev.ctx_size = 8;
        e->dyn = 8;
    }
    t->event = &e->ev;
    return 0;
}

int bpfemu_test_event_task(bpfemu_test *t, uint32_t pid, uint32_t tgid, uint32_t uid,
                           uint32_t gid, const char *comm)
{
    struct tk_event *e = cur(t);
    if (!e)
        return -EINVAL;
    if (comm && strlen(comm) > 15)
        return tk_fail(t, -EINVAL, "event task comm '%s': longer than 15 characters", comm);
    e->task = (struct helper_task){.pid = pid, .tgid = tgid, .uid = uid, .gid = gid};
    if (comm)
        memcpy(e->task.comm, comm, strlen(comm));
    e->ev.task = &e->task;
    /* the record's common_pid is the task's */
    const struct helper_tp_field *f = e->has_fmt ? helper_tp_format_field(&e->fmt, "common_pid")
                                                 : NULL;
    if (f && f->size <= 4)
        memcpy(e->ctx + f->offset, &pid, f->size);
    return 0;
}

int bpfemu_test_event_reg(bpfemu_test *t, const char *reg, uint64_t value)
{
    struct tk_event *e = cur(t);
    if (!e)
        return -EINVAL;
    if (type_of(t) != BPF_PROG_TYPE_KPROBE)
        return tk_fail(t, -EINVAL, "event register %s: the program is not a kprobe", reg);
    int off = helper_kprobe_reg_offset(reg);
    if (off < 0)
        return tk_fail(t, -EINVAL, "event register '%s': no such x86-64 pt_regs register", reg);
    memcpy(e->ctx + off, &value, 8);
    return 0;
}

int bpfemu_test_event_arg(bpfemu_test *t, unsigned i, uint64_t value)
{
    struct tk_event *e = cur(t);
    if (!e)
        return -EINVAL;
    if (type_of(t) != BPF_PROG_TYPE_RAW_TRACEPOINT)
        return tk_fail(t, -EINVAL, "event argument %u: the program is not a raw tracepoint", i);
    if (i >= HELPER_RAW_TP_ARGS)
        return tk_fail(t, -EINVAL, "event argument %u: a raw tracepoint has %u", i,
                       HELPER_RAW_TP_ARGS);
    memcpy(e->ctx + 8 * i, &value, 8);
    return 0;
}

int bpfemu_test_tracepoint_format(bpfemu_test *t, const char *path)
{
    char *p = strdup(path);
    if (!p)
        return tk_fail(t, -ENOMEM, "out of memory");
    if (t->cev) {
        free(t->cev->fmt_path);
        t->cev->fmt_path = p;
        return 0;
    }
    /* kept for the next event */
    int rc = bpfemu_test_event(t);
    if (rc) {
        free(p);
        return rc;
    }
    t->cev->fmt_path = p;
    return 0;
}

/* The format: the given file's, else tracefs's for tracepoint/CAT/NAME. */
static int load_format(bpfemu_test *t, struct tk_event *e)
{
    char err[512];
    int rc;
    if (e->fmt_path) {
        rc = helper_tp_format_load(e->fmt_path, &e->fmt, err, sizeof err);
    } else {
        const char *sec = helper_prog_info(t->prog)->section;
        const char *tp = !strncmp(sec, "tracepoint/", 11) ? sec + 11
                         : !strncmp(sec, "tp/", 3)       ? sec + 3
                                                          : NULL;
        if (!tp)
            return tk_fail(t, -EINVAL, "section '%s' names no tracepoint: give its format with "
                           "bpfemu_test_tracepoint_format", sec);
        rc = helper_tp_format_host(tp, &e->fmt, err, sizeof err);
    }
    if (rc)
        return tk_fail(t, rc, "%s", err);
    e->has_fmt = true;
    e->dyn = e->fmt.size > 8 ? e->fmt.size : 8;
    e->ev.ctx_size = e->dyn;
    /* the header as the kernel fills it: the event id, the task's pid */
    const struct helper_tp_field *f = helper_tp_format_field(&e->fmt, "common_type");
    if (f && f->size <= 4)
        memcpy(e->ctx + f->offset, &e->fmt.id, f->size);
    f = helper_tp_format_field(&e->fmt, "common_pid");
    if (f && f->size <= 4 && e->ev.task)
        memcpy(e->ctx + f->offset, &e->task.pid, f->size);
    return 0;
}

int bpfemu_test_event_field(bpfemu_test *t, const char *field, const char *value)
{
    struct tk_event *e = cur(t);
    if (!e)
        return -EINVAL;
    if (type_of(t) != BPF_PROG_TYPE_TRACEPOINT)
        return tk_fail(t, -EINVAL, "event field %s: the program is not a tracepoint", field);
    int rc = e->has_fmt ? 0 : load_format(t, e);
    if (rc)
        return rc;
    char err[256];
    rc = helper_tp_record_set(&e->fmt, field, value, false, e->ctx, &e->dyn, err, sizeof err);
    if (rc == -ENOENT)
        return tk_fail(t, rc, "event field '%s': the tracepoint %s has no such field", field,
                       e->fmt.name);
    if (rc)
        return tk_fail(t, rc, "event field %s", err);
    if (e->dyn > e->ev.ctx_size)
        e->ev.ctx_size = e->dyn;
    return 0;
}

int bpfemu_test_event_memory(bpfemu_test *t, uint64_t addr, const void *data, size_t len)
{
    struct tk_event *e = cur(t);
    if (!e)
        return -EINVAL;
    if (!data || !len || addr + len < addr)
        return tk_fail(t, -EINVAL, "event memory at 0x%llx: %s", (unsigned long long)addr,
                       len ? "wraps around" : "empty");
    for (size_t i = 0; i < e->ev.n_mem; i++)
        if (addr < e->mem[i].addr + e->mem[i].len && e->mem[i].addr < addr + len)
            return tk_fail(t, -EINVAL, "event memory at 0x%llx overlaps memory at 0x%llx",
                           (unsigned long long)addr, (unsigned long long)e->mem[i].addr);
    if (e->ev.n_mem == TK_EVENT_MAX_MEM)
        return tk_fail(t, -E2BIG, "event memory: at most %u regions", TK_EVENT_MAX_MEM);
    uint8_t *copy = malloc(len);
    if (!copy)
        return tk_fail(t, -ENOMEM, "out of memory");
    memcpy(copy, data, len);
    e->mem[e->ev.n_mem++] = (struct helper_trace_mem){addr, copy, len};
    return 0;
}

int bpfemu_test_event_time(bpfemu_test *t, uint64_t ns)
{
    struct tk_event *e = cur(t);
    if (!e)
        return -EINVAL;
    e->ev.now_ns = ns;
    return 0;
}

/* helpers/helper_misc.c - time, randomness, task identity, probe reads and
 * trace_printk. Time and randomness are deterministic: the environment's
 * clock advances per run, and the PRNG is seeded. */
#include "helpers/helper_fns.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

HELPER_FN(ktime_get_ns) { return helper_cc(run)->now_ns; }
/* HZ = 250, as Debian's kernels are built */
HELPER_FN(jiffies64) { return helper_cc(run)->now_ns / 4000000u; }
HELPER_FN(get_prandom_u32) { return helper_env_next_prandom(helper_cc(run)->env) >> 32; }
HELPER_FN(get_smp_processor_id) { return helper_cc(run)->cpu; }
HELPER_FN(get_numa_node_id) { return 0; }
/* The task the program runs "in": the event's (helper_trace_event.task),
 * else helper_env_opts (default pid = tgid = 4242, uid = gid = 0, comm
 * "bpfemu"). */
static struct helper_task task_of(const struct helper_call_ctx *cc)
{
    if (cc->task)
        return *cc->task;
    const struct helper_env_opts *o = &cc->env->opts;
    struct helper_task t = {.pid = o->pid, .tgid = o->tgid, .uid = o->uid, .gid = o->gid};
    memcpy(t.comm, o->comm, sizeof t.comm);
    return t;
}

HELPER_FN(get_current_pid_tgid)
{
    struct helper_task t = task_of(helper_cc(run));
    return (uint64_t)t.tgid << 32 | t.pid;
}

HELPER_FN(get_current_uid_gid)
{
    struct helper_task t = task_of(helper_cc(run));
    return (uint64_t)t.gid << 32 | t.uid;
}

HELPER_FN(get_current_task)
{
    struct helper_task t = task_of(helper_cc(run));
    return t.ptr ? t.ptr : HELPER_TASK_PTR;
}

HELPER_FN(get_attach_cookie) { return helper_cc(run)->cookie; }

HELPER_FN(get_current_cgroup_id)
{
    struct helper_task t = task_of(helper_cc(run));
    return t.cgroup_id ? t.cgroup_id : 1;
}

HELPER_FN(get_current_comm)
{
    if (!helper_arg_mem(run, r1, r2, true, "buf"))
        return 0;
    char *buf = (char *)(uintptr_t)r1;
    if (r2 == 0)
        return (uint64_t)-EINVAL;
    struct helper_task t = task_of(helper_cc(run));
    /* strscpy_pad: as much as fits, NUL-terminated, zero-padded */
    size_t n = strnlen(t.comm, sizeof t.comm - 1);
    if (n > r2 - 1)
        n = r2 - 1;
    memset(buf, 0, r2);
    memcpy(buf, t.comm, n);
    return 0;
}

/* --------------------------------------------------------- trace_printk */

/* Copy a NUL-terminated string argument from program memory, or "(efault)"
 * when it is not readable: the kernel prints that too. */
static void str_arg(struct vm_run *run, uint64_t p, char *out, size_t outlen)
{
    size_t i = 0;
    for (; i + 1 < outlen; i++) {
        if (!vm_run_mem_ok(run, p + i, 1, VM_REGION_READ)) {
            snprintf(out, outlen, "(efault)");
            return;
        }
        char c = *(const char *)(uintptr_t)(p + i);
        if (!c)
            break;
        out[i] = c;
    }
    out[i] = 0;
}

/* bpf_trace_printk: at most three arguments, the kernel's specifiers (%d %i
 * %u %x %X %ld %lu %lx %lld %llu %llx %p %px %pK %s %c %%, %pI4 %pi4 %pI6 %pi6),
 * an invalid format is -EINVAL. Each call is one line of trace output. */
HELPER_FN(trace_printk)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (r2 == 0 || r2 > 1024 || !helper_arg_mem(run, r1, r2, false, "fmt"))
        return (uint64_t)-EINVAL;
    const char *fmt = (const char *)(uintptr_t)r1;
    if (memchr(fmt, 0, r2) == NULL)
        return (uint64_t)-EINVAL;
    uint64_t args[3] = {r3, r4, r5};
    unsigned nargs = 0;
    char out[1024];
    size_t o = 0;
#define PUT(...) do { int n_ = snprintf(out + o, sizeof(out) - o, __VA_ARGS__); \
        if (n_ > 0) o = o + (size_t)n_ < sizeof(out) ? o + (size_t)n_ : sizeof(out) - 1; } while (0)
    for (size_t i = 0; fmt[i]; i++) {
        if (fmt[i] != '%') {
            if (o + 1 < sizeof(out))
                out[o++] = fmt[i];
            continue;
        }
        i++;
        if (fmt[i] == '%') {
            PUT("%%");
            continue;
        }
        if (nargs >= 3)
            return (uint64_t)-EINVAL;
        uint64_t a = args[nargs++];
        int longs = 0;
        while (fmt[i] == 'l' && longs < 2) {
            longs++;
            i++;
        }
        char c = fmt[i];
        if (c == 'p') {
            char k = fmt[i + 1];
            if ((k == 'i' || k == 'I') && (fmt[i + 2] == '4' || fmt[i + 2] == '6')) {
                bool v4 = fmt[i + 2] == '4';
                i += 2;
                uint8_t ip[16];
                if (!vm_run_mem_ok(run, a, v4 ? 4 : 16, VM_REGION_READ))
                    return (uint64_t)-EINVAL;
                memcpy(ip, (const void *)(uintptr_t)a, v4 ? 4 : 16);
                if (v4)
                    PUT("%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
                else /* %pI6: groups of four digits with colons; %pi6: without */
                    for (int w = 0; w < 8; w++)
                        PUT("%s%04x", (k == 'I' && w) ? ":" : "", ip[2 * w] << 8 | ip[2 * w + 1]);
                continue;
            }
            if (k == 'K' || k == 'x')
                i++;
            PUT("0x%" PRIx64, a);
            continue;
        }
        switch (c) {
        case 'd': case 'i':
            if (longs)
                PUT("%" PRId64, (int64_t)a);
            else
                PUT("%d", (int32_t)a);
            break;
        case 'u':
            PUT("%" PRIu64, longs ? a : (uint32_t)a);
            break;
        case 'x': case 'X':
            PUT(c == 'x' ? "%" PRIx64 : "%" PRIX64, longs ? a : (uint32_t)a);
            break;
        case 'c':
            PUT("%c", (char)a);
            break;
        case 's': {
            char s[256];
            str_arg(run, a, s, sizeof s);
            PUT("%s", s);
            break;
        }
        default:
            return (uint64_t)-EINVAL;
        }
    }
#undef PUT
    out[o] = 0;
    size_t n = o;
    helper_trace_append(cc, out, n);
    if (n == 0 || out[n - 1] != '\n')
        helper_trace_append(cc, "\n", 1);
    return n;
}

/* helpers/ctx_trace.c - the contexts of tracing programs, as the kernel's
 * *_prog_is_valid_access (kernel/trace/bpf_trace.c) allow them: read-only,
 * naturally aligned (off % size == 0), any size of 1, 2, 4 or 8 bytes;
 *   kprobe          struct pt_regs (x86-64, 168 bytes), the whole of it;
 *   tracepoint      the record from offset 8 (the common header, common_type
 *                   to common_pid, is not readable) up to PERF_MAX_TRACE_SIZE;
 *   raw tracepoint  12 u64 arguments (MAX_BPF_FUNC_ARGS).
 * The bytes are plain memory (there is no ctx rewrite), so the JIT may read
 * 4- and 8-byte fields itself. */
#include "helpers/helpers_internal.h"

#include <asm/ptrace.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

/* The first byte a program type may read, and the region's size. */
static void trace_ctx_bounds(uint32_t prog_type, uint32_t *lo, uint32_t *hi)
{
    switch (prog_type) {
    case BPF_PROG_TYPE_KPROBE:
        *lo = 0;
        *hi = sizeof(struct pt_regs);
        return;
    case BPF_PROG_TYPE_TRACEPOINT:
        *lo = 8;
        *hi = HELPER_TP_RECORD_MAX;
        return;
    default: /* RAW_TRACEPOINT */
        *lo = 0;
        *hi = HELPER_RAW_TP_ARGS * 8;
    }
}

size_t helper_trace_ctx_size(uint32_t prog_type)
{
    uint32_t lo, hi;
    trace_ctx_bounds(prog_type, &lo, &hi);
    return hi;
}

int helper_ctx_trace_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                            unsigned size, bool write, uint64_t *value, const char **why)
{
    uint32_t lo, hi;
    trace_ctx_bounds(helper_cc(run)->prog_type, &lo, &hi);
    if (write) {
        *why = "the context of tracing programs is read-only";
        return -EACCES;
    }
    if ((size != 1 && size != 2 && size != 4 && size != 8) || off % size) {
        *why = "context reads must be naturally aligned";
        return -EACCES;
    }
    if (off < lo || off >= hi || size > hi - off) {
        *why = lo ? "tracepoint records are readable from offset 8 (after the common fields)"
                  : "outside the context";
        return -EACCES;
    }
    uint64_t v = 0;
    memcpy(&v, (const uint8_t *)r->start + off, size); /* little-endian host */
    *value = v;
    return 0;
}

bool helper_ctx_trace_direct(struct vm_run *run, const struct vm_region *r, uint32_t off,
                             unsigned size, const void **ptr, unsigned *width)
{
    uint32_t lo, hi;
    trace_ctx_bounds(helper_cc(run)->prog_type, &lo, &hi);
    if ((size != 4 && size != 8) || off % size || off < lo || off >= hi || size > hi - off)
        return false;
    *ptr = (const uint8_t *)r->start + off;
    *width = size;
    return true;
}

/* pt_regs members by the kernel's names (di), the uapi's (rdi), and
 * bpf_tracing.h's PT_REGS_PARM1..6 / PT_REGS_RC / PT_REGS_FP/SP/IP on
 * x86-64. */
int helper_kprobe_reg_offset(const char *name)
{
#define R(k, u) {#k, #u, offsetof(struct pt_regs, u)}
    static const struct {
        const char *kname, *uname;
        size_t off;
    } regs[] = {
        R(r15, r15), R(r14, r14), R(r13, r13), R(r12, r12), R(bp, rbp), R(bx, rbx),
        R(r11, r11), R(r10, r10), R(r9, r9), R(r8, r8), R(ax, rax), R(cx, rcx),
        R(dx, rdx), R(si, rsi), R(di, rdi), R(orig_ax, orig_rax), R(ip, rip), R(cs, cs),
        R(flags, eflags), R(sp, rsp), R(ss, ss),
        /* bpf_tracing.h's x86-64 names */
        R(parm1, rdi), R(parm2, rsi), R(parm3, rdx), R(parm4, rcx), R(parm5, r8),
        R(parm6, r9), R(ret, rax), R(rc, rax), R(fp, rbp),
    };
#undef R
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        if (!strcmp(name, regs[i].kname) || !strcmp(name, regs[i].uname))
            return (int)regs[i].off;
    return -1;
}

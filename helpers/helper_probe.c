/* helpers/helper_probe.c - bpf_probe_read_{user,kernel}[_str] and the legacy
 * bpf_probe_read[_str], reading the memory a synthetic event gives (the
 * call context's helper_trace_mem regions; none outside an event run).
 * Kernel semantics on x86-64 (kernel/trace/bpf_trace.c, mm/maccess.c):
 *   - user reads of an address at or above TASK_SIZE_MAX fail (-EFAULT);
 *     kernel reads of a user or non-canonical address are refused (-ERANGE);
 *     a read touching an unmapped byte fails with -EFAULT;
 *   - a failed read zeroes the whole destination;
 *   - the _str variants copy up to the NUL and return the length with the
 *     NUL, or `size` with the last byte forced to NUL when the string is
 *     longer; size 0 returns 0; bytes after the NUL are left alone;
 *   - the legacy helpers pick user or kernel by the address (below
 *     TASK_SIZE: user), as x86's bpf_probe_read_compat does;
 *   - the event's context, the stack, map values and the packet are kernel
 *     memory (a tracepoint's __data_loc strings are read at ctx + offset),
 *     whatever their host addresses. */
#include "helpers/helper_fns.h"

#include <errno.h>
#include <string.h>

#define TASK_SIZE_MAX   0x00007ffffffff000ull  /* (1 << 47) - PAGE_SIZE */
#define KERNEL_MIN_ADDR 0xffff800000000000ull  /* canonical with 48-bit addresses */

/* Is addr inside the event's context? Kernel memory, though its address
 * is the host's: a tracepoint's __data_loc strings are read through
 * ctx + offset. */
static bool in_ctx(const struct helper_call_ctx *cc, uint64_t addr)
{
    uintptr_t base = (uintptr_t)cc->trace_ctx;
    return cc->trace_ctx && addr >= base && addr - base < cc->trace_ctx_len;
}

/* The run's own memory: its stack, packet, map values (not an accessor-
 * backed ctx). All of it is kernel memory to a probe read, as in the
 * kernel; checked by bounds whatever the run's mode, never by deref. */
static bool run_memory(const struct vm_run *run, uint64_t addr, uint64_t size)
{
    uintptr_t lo = (uintptr_t)run->stack;
    if (size <= sizeof(run->stack) && addr >= lo && addr - lo <= sizeof(run->stack) - size)
        return true;
    for (uint32_t i = 0; i < run->n_regions; i++) {
        const struct vm_region *r = &run->regions[i];
        if (!(r->flags & VM_REGION_CTX) && (r->flags & VM_REGION_READ) && addr >= r->start &&
            size <= r->end - r->start && addr - r->start <= r->end - r->start - size)
            return true;
    }
    return false;
}

/* ctx + a 16-bit __data_loc offset: a kernel address even past the
 * record (where nothing is mapped here: -EFAULT, not -ERANGE). */
static bool near_ctx(const struct helper_call_ctx *cc, uint64_t addr)
{
    uintptr_t base = (uintptr_t)cc->trace_ctx;
    return cc->trace_ctx && addr >= base &&
           addr - base < cc->trace_ctx_len + HELPER_TRACE_DATA_LOC_REACH;
}

/* The byte at addr, or false when no region maps it. */
static bool mem_byte(const struct helper_call_ctx *cc, uint64_t addr, uint8_t *out)
{
    if (in_ctx(cc, addr)) {
        *out = cc->trace_ctx[addr - (uintptr_t)cc->trace_ctx];
        return true;
    }
    for (size_t i = 0; i < cc->n_mem; i++) {
        const struct helper_trace_mem *m = &cc->mem[i];
        if (addr >= m->addr && addr - m->addr < m->len) {
            *out = m->data[addr - m->addr];
            return true;
        }
    }
    return false;
}

/* Where an address may be read from: 0 allowed, else the refusal. */
static int addr_check(const struct helper_call_ctx *cc, uint64_t addr, uint64_t size, bool user)
{
    if (near_ctx(cc, addr))
        return user ? -EFAULT : 0;
    if (user)
        return addr + size < addr || addr + size > TASK_SIZE_MAX ? -EFAULT : 0;
    return addr < KERNEL_MIN_ADDR ? -ERANGE : 0;
}

static int64_t probe_read(struct vm_run *run, uint64_t dst, uint64_t size, uint64_t src, bool user)
{
    if (!helper_arg_mem(run, dst, size, true, "dst"))
        return 0;
    const struct helper_call_ctx *cc = helper_cc(run);
    uint8_t *d = (uint8_t *)(uintptr_t)dst;
    /* near the record nothing but the record is mapped (trace_run.c) */
    if (size && !near_ctx(cc, src) && run_memory(run, src, size)) {
        if (user) {
            memset(d, 0, size);
            return -EFAULT;
        }
        memmove(d, (const void *)(uintptr_t)src, size);
        return 0;
    }
    int rc = addr_check(cc, src, size, user);
    for (uint64_t i = 0; !rc && i < size; i++)
        if (!mem_byte(cc, src + i, &d[i]))
            rc = -EFAULT;
    if (rc && size)
        memset(d, 0, size);
    return rc;
}

static int64_t probe_read_str(struct vm_run *run, uint64_t dst, uint64_t size, uint64_t src,
                              bool user)
{
    if (!helper_arg_mem(run, dst, size, true, "dst"))
        return 0;
    if (!size)
        return 0;
    const struct helper_call_ctx *cc = helper_cc(run);
    uint8_t *d = (uint8_t *)(uintptr_t)dst;
    /* the string may end anywhere: the address rule applies to its first byte */
    bool own = !near_ctx(cc, src) && run_memory(run, src, 1);
    int rc = own ? (user ? -EFAULT : 0) : addr_check(cc, src, 1, user);
    for (uint64_t i = 0; !rc && i < size; i++) {
        uint8_t c;
        if (own ? !run_memory(run, src + i, 1) : !mem_byte(cc, src + i, &c))
            rc = -EFAULT;
        else if ((d[i] = own ? *(const uint8_t *)(uintptr_t)(src + i) : c) == 0)
            return (int64_t)i + 1;
    }
    if (rc) {
        memset(d, 0, size);
        return rc;
    }
    d[size - 1] = 0; /* truncated */
    return (int64_t)size;
}

/* bpf_probe_read_compat: user below TASK_SIZE, and the context is kernel
 * memory whatever its host address */
static bool is_user(struct vm_run *run, uint64_t addr)
{
    return addr < TASK_SIZE_MAX && !near_ctx(helper_cc(run), addr) && !run_memory(run, addr, 1);
}

HELPER_FN(probe_read_user) { return (uint64_t)probe_read(run, r1, r2, r3, true); }
HELPER_FN(probe_read_kernel) { return (uint64_t)probe_read(run, r1, r2, r3, false); }
HELPER_FN(probe_read_user_str)
{
    return (uint64_t)probe_read_str(run, r1, r2, r3, true);
}
HELPER_FN(probe_read_kernel_str)
{
    return (uint64_t)probe_read_str(run, r1, r2, r3, false);
}
HELPER_FN(probe_read) { return (uint64_t)probe_read(run, r1, r2, r3, is_user(run, r3)); }
HELPER_FN(probe_read_str)
{
    return (uint64_t)probe_read_str(run, r1, r2, r3, is_user(run, r3));
}

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
 *     TASK_SIZE: user), as x86's bpf_probe_read_compat does. */
#include "helpers/helper_fns.h"

#include <errno.h>
#include <string.h>

#define TASK_SIZE_MAX   0x00007ffffffff000ull  /* (1 << 47) - PAGE_SIZE */
#define KERNEL_MIN_ADDR 0xffff800000000000ull  /* canonical with 48-bit addresses */

/* The byte at addr, or false when no region maps it. */
static bool mem_byte(const struct helper_call_ctx *cc, uint64_t addr, uint8_t *out)
{
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
static int addr_check(uint64_t addr, uint64_t size, bool user)
{
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
    int rc = addr_check(src, size, user);
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
    int rc = addr_check(src, 1, user);
    for (uint64_t i = 0; !rc && i < size; i++) {
        if (!mem_byte(cc, src + i, &d[i]))
            rc = -EFAULT;
        else if (!d[i])
            return (int64_t)i + 1;
    }
    if (rc) {
        memset(d, 0, size);
        return rc;
    }
    d[size - 1] = 0; /* truncated */
    return (int64_t)size;
}

static bool is_user(uint64_t addr) { return addr < TASK_SIZE_MAX; }

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
HELPER_FN(probe_read) { return (uint64_t)probe_read(run, r1, r2, r3, is_user(r3)); }
HELPER_FN(probe_read_str)
{
    return (uint64_t)probe_read_str(run, r1, r2, r3, is_user(r3));
}

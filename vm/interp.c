/* vm/interp.c - the interpreter's two instantiations (checked, trusted) and
 * their cold paths: error messages and region lookups. */
#include "vm/vm_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "bpfemu's interpreter assumes a little-endian host"
#endif

#define VM_COVERAGE 0
#define VM_CHECKED 1
#define VM_INTERP_NAME vm_interp_checked
#include "vm/interp_body.h"
#undef VM_CHECKED
#undef VM_INTERP_NAME

#define VM_CHECKED 0
#define VM_INTERP_NAME vm_interp_trusted
#include "vm/interp_body.h"
#undef VM_CHECKED
#undef VM_INTERP_NAME
#undef VM_COVERAGE

/* checked, counting every executed slot and taken jump (coverage) */
#define VM_COVERAGE 1
#define VM_CHECKED 1
#define VM_INTERP_NAME vm_interp_coverage
#include "vm/interp_body.h"
#undef VM_CHECKED
#undef VM_INTERP_NAME
#undef VM_COVERAGE

/* Does region r allow [addr, addr+size) with `flags`? false with *why when
 * addr is inside r but the access is not allowed; *inside says whether addr
 * falls in r at all. */
static inline bool region_allows(const struct vm_region *r, uint64_t addr, uint64_t size,
                                 uint32_t flags, bool *inside, const char **why)
{
    *inside = addr >= r->start && addr < r->end;
    if (!*inside)
        return false;
    if (r->flags & VM_REGION_CTX) {
        *why = "context access";
        return false; /* never plain memory: see vm_interp_slow_access */
    }
    if (size > r->end - addr) {
        *why = "runs past the end of the region";
        return false;
    }
    if ((r->flags & flags) != flags) {
        *why = flags & VM_REGION_WRITE ? "region is read-only" : "region is not readable";
        return false;
    }
    if (r->elem_size) {
        uint64_t in_elem = (addr - r->start) % r->elem_size;
        uint64_t len = r->elem_len ? r->elem_len : r->elem_size;
        if (in_elem + size > len) {
            *why = in_elem < len ? "runs past the end of a map value" : "not inside a map value";
            return false;
        }
    }
    return true;
}

/* Region containing [addr, addr+size) or NULL; `why` says what is wrong. */
static const struct vm_region *find_region(const struct vm_run *run, uint64_t addr, uint64_t size,
                                           uint32_t flags, const char **why)
{
    *why = "not inside any memory the program may access";
    for (uint32_t i = 0; i < run->n_regions; i++) {
        bool inside;
        if (region_allows(&run->regions[i], addr, size, flags, &inside, why))
            return &run->regions[i];
        if (inside)
            return NULL;
    }
    return NULL;
}

bool vm_region_ok(struct vm_run *run, uint64_t addr, uint64_t size, uint32_t flags)
{
    /* programs touch one or two regions in a row (a map value, the
     * packet): try the last one that matched first */
    const char *why;
    bool inside;
    if (run->hot_region < run->n_regions &&
        region_allows(&run->regions[run->hot_region], addr, size, flags, &inside, &why))
        return true;
    const struct vm_region *r = find_region(run, addr, size, flags, &why);
    if (!r)
        return false;
    run->hot_region = (uint32_t)(r - run->regions);
    return true;
}

bool vm_run_mem_ok(const struct vm_run *run, uint64_t addr, uint64_t size, uint32_t flags)
{
    if (run->vm->mode == VM_MODE_TRUSTED)
        return true;
    uintptr_t lo = (uintptr_t)run->stack;
    if (size <= sizeof(run->stack) && addr - lo <= sizeof(run->stack) - size)
        return true;
    const char *why;
    return find_region(run, addr, size, flags, &why) != NULL;
}

int vm_interp_stop(struct vm_run *run, uint32_t pc, int error, const char *fmt, ...)
{
    char msg[VM_ERR_LEN], text[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const struct vm_prog *prog = run->vm->prog;
    if (pc < prog->len)
        vm_disasm_insn(prog->insns, prog->len, pc, text, sizeof(text));
    else
        snprintf(text, sizeof(text), "end of program");
    snprintf(run->errmsg, sizeof(run->errmsg), "insn %u (%.80s): %.160s", pc, text, msg);
    run->error = error;
    run->error_pc = pc;
    return error;
}

int vm_interp_slow_access(struct vm_run *run, uint32_t pc, uint64_t addr, unsigned size,
                          bool write, uint64_t *value)
{
    for (uint32_t i = 0; i < run->n_regions; i++) {
        const struct vm_region *r = &run->regions[i];
        if (!(r->flags & VM_REGION_CTX) || addr < r->start || addr >= r->end)
            continue;
        const struct bpf_insn *in = &run->vm->prog->insns[pc];
        const char *why = NULL;
        int rc;
        if (BPF_CLASS(in->code) == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC)
            why = "atomic operation on the context";
        else if (size > r->end - addr)
            why = "runs past the end of the context";
        else if (!r->ctx_access)
            why = "context has no accessor";
        if (why)
            return vm_interp_stop(run, pc, -EACCES, "invalid ctx access at off %llu size %u: %s",
                                  (unsigned long long)(addr - r->start), size, why);
        rc = r->ctx_access(run, r, (uint32_t)(addr - r->start), size, write, value, &why);
        if (rc)
            return vm_interp_stop(run, pc, rc, "invalid %s ctx access off=%llu size=%u: %s",
                                  write ? "write to" : "read from",
                                  (unsigned long long)(addr - r->start), size,
                                  why ? why : "not allowed");
        if (!write && BPF_MODE(in->code) == BPF_MEMSX) {
            unsigned shift = 64 - 8 * size;
            *value = (uint64_t)((int64_t)(*value << shift) >> shift);
        }
        return 0;
    }
    return vm_interp_bad_access(run, pc, addr, size, write, NULL);
}

int vm_interp_bad_access(struct vm_run *run, uint32_t pc, uint64_t addr, unsigned size, bool write,
                         const char *why)
{
    const struct bpf_insn *in = &run->vm->prog->insns[pc];
    unsigned base = BPF_CLASS(in->code) == BPF_LDX ? in->src_reg : in->dst_reg;
    if (!why) {
        const struct vm_region *r;
        uint32_t flags = write ? VM_REGION_WRITE : VM_REGION_READ;
        r = find_region(run, addr, size, flags, &why);
        (void)r;
    }
    return vm_interp_stop(run, pc, -EFAULT, "invalid %s of %u byte%s at 0x%llx (r%u %+d): %s",
                          write ? "write" : "read", size, size == 1 ? "" : "s",
                          (unsigned long long)addr, base, in->off, why);
}

int vm_engine_access(struct vm_run *run, uint32_t pc, uint64_t addr, uint64_t *value)
{
    const struct bpf_insn *in = &run->vm->prog->insns[pc];
    unsigned size = vm_size_bytes(in->code);
    uint8_t cls = BPF_CLASS(in->code);
    bool atomic = cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC;
    bool write = cls != BPF_LDX;
    if (atomic && (addr & (size - 1)))
        return vm_interp_bad_access(run, pc, addr, size, true, "misaligned atomic access");
    if (addr - (uintptr_t)run->stack <= sizeof(run->stack) - size)
        return 0;
    if (vm_region_ok(run, addr, size,
                     atomic ? VM_REGION_RW : write ? VM_REGION_WRITE : VM_REGION_READ))
        return 0;
    int rc = vm_interp_slow_access(run, pc, addr, size, write, value);
    return rc ? rc : 1;
}

int vm_engine_stop(struct vm_run *run, uint32_t pc, int error, const char *fmt, ...)
{
    char msg[VM_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return vm_interp_stop(run, pc, error, "%s", msg);
}

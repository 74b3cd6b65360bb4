/* vm/vm_internal.h - what the vm subsystem's own files share: the VM object
 * and the pre-decoded instruction form. Not for other directories. */
#ifndef BPFEMU_VM_INTERNAL_H
#define BPFEMU_VM_INTERNAL_H

#include "vm/interp_ops.h"
#include "vm/vm.h"

/* One pre-decoded slot, 16 bytes so four share a cache line. `op` is the
 * address of the handler label (threaded code); lddw keeps its high half in
 * the next slot's imm. */
struct vm_dinsn {
    const void *op;
    int32_t imm;
    int16_t off;
    uint8_t dst;
    uint8_t src;
};

struct vm_helper_slot {
    vm_helper_fn fn;
    char *name;
};

struct vm {
    struct vm_prog *prog;
    /* decoded code per mode (checked, trusted, checked with coverage),
     * prog->len slots plus a FELL_OFF sentinel */
    struct vm_dinsn *code[3];
    uint64_t *cov_hits;         /* per slot: times executed (coverage on) */
    uint64_t *cov_taken;        /* per slot: times a jump there was taken */
    enum vm_op *ops;            /* decoded handler id per slot (mode-free) */
    enum vm_mode mode;
    uint64_t budget;
    struct vm_helper_slot helpers[VM_MAX_HELPER_ID];
    /* another execution engine (vm_set_engine), or NULL */
    vm_engine_fn engine;
    void *engine_code;
    void (*engine_free)(void *code);
    vm_helper_inline_fn helper_inline; /* vm_set_helper_inline */
    void *helper_inline_data;
    vm_ld_pkt_fn ld_pkt;        /* vm_set_ld_pkt */
    uint8_t *ctx_insns;         /* vm_set_ctx_insns, or NULL */
    struct vm_ctx_field *ctx_layout; /* vm_set_ctx_layout */
    unsigned n_ctx_layout;
};

/* Fill err (when given) with the formatted message and return code: the
 * one error idiom of vm/ (vm/prog.c). */
int vm_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Handler id for slot `i` (the second slot of a lddw gets VM_OP_INVALID). */
enum vm_op vm_decode_op(const struct bpf_insn *in);

/* The two instantiations of the dispatch loop. Called with run == NULL they
 * return (through `labels`) their label table, indexed by enum vm_op. */
int vm_interp_checked(struct vm_run *run, const void *const **labels);
int vm_interp_trusted(struct vm_run *run, const void *const **labels);
int vm_interp_coverage(struct vm_run *run, const void *const **labels);
#define VM_CODE_COVERAGE 2 /* index in vm->code */

/* Cold path of the checked loop: a bad access stops the run with a message
 * naming the instruction, address, size and base register. */
int vm_interp_bad_access(struct vm_run *run, uint32_t pc, uint64_t addr, unsigned size,
                         bool write, const char *why);
/* Cold path of a checked access that matched no plain region: a ctx
 * region answers it (0, and *value is the loaded value for a read); else the
 * run stops with a message (the error is returned). */
int vm_interp_slow_access(struct vm_run *run, uint32_t pc, uint64_t addr, unsigned size,
                          bool write, uint64_t *value);
/* Region lookup for checked accesses outside the stack. */
bool vm_region_ok(struct vm_run *run, uint64_t addr, uint64_t size, uint32_t flags);
/* Fill run->errmsg as "insn N (text): msg" and return `error`. */
int vm_interp_stop(struct vm_run *run, uint32_t pc, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif

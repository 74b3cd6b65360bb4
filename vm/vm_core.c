/* vm/vm_core.c - the VM object (a checked program, pre-decoded for both
 * interpreter modes, plus its helper table) and the run set-up around it. */
#include "vm/vm_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_err(char *err, size_t errlen, int code, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return code;
}

static int decode(struct vm *vm, enum vm_mode mode)
{
    const void *const *labels;
    if (mode == VM_MODE_CHECKED)
        vm_interp_checked(NULL, &labels);
    else
        vm_interp_trusted(NULL, &labels);
    const struct vm_prog *p = vm->prog;
    struct vm_dinsn *code = calloc((size_t)p->len + 1, sizeof(*code));
    if (!code)
        return -ENOMEM;
    for (uint32_t i = 0; i < p->len; i++) {
        const struct bpf_insn *in = &p->insns[i];
        code[i].op = labels[vm->ops[i]];
        code[i].imm = in->imm;
        code[i].off = in->off;
        code[i].dst = in->dst_reg;
        code[i].src = in->src_reg;
    }
    code[p->len].op = labels[VM_OP_FELL_OFF];
    vm->code[mode] = code;
    return 0;
}

int vm_create(const struct vm_prog *prog, struct vm **out, char *err, size_t errlen)
{
    *out = NULL;
    int rc = vm_prog_check(prog, err, errlen);
    if (rc)
        return rc;
    struct vm *vm = calloc(1, sizeof(*vm));
    if (!vm)
        return set_err(err, errlen, -ENOMEM, "out of memory");
    vm->mode = VM_MODE_CHECKED;
    vm->budget = VM_DEFAULT_BUDGET;
    rc = vm_prog_from_bytes(prog->insns, (size_t)prog->len * sizeof(struct bpf_insn), prog->name,
                            &vm->prog, err, errlen);
    if (rc) {
        free(vm);
        return rc;
    }
    vm->ops = calloc(prog->len, sizeof(*vm->ops));
    if (!vm->ops) {
        vm_destroy(vm);
        return set_err(err, errlen, -ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < prog->len; i++) {
        vm->ops[i] = vm_decode_op(&prog->insns[i]);
        if (vm_insn_is_lddw(&prog->insns[i]))
            vm->ops[++i] = VM_OP_INVALID;
    }
    if (decode(vm, VM_MODE_CHECKED) || decode(vm, VM_MODE_TRUSTED)) {
        vm_destroy(vm);
        return set_err(err, errlen, -ENOMEM, "out of memory");
    }
    *out = vm;
    return 0;
}

void vm_destroy(struct vm *vm)
{
    if (!vm)
        return;
    for (unsigned i = 0; i < VM_MAX_HELPER_ID; i++)
        free(vm->helpers[i].name);
    free(vm->code[0]);
    free(vm->code[1]);
    free(vm->ops);
    vm_prog_free(vm->prog);
    free(vm);
}

const struct vm_prog *vm_get_prog(const struct vm *vm) { return vm->prog; }

int vm_register_helper(struct vm *vm, uint32_t id, const char *name, vm_helper_fn fn)
{
    if (id >= VM_MAX_HELPER_ID)
        return -EINVAL;
    char *copy = NULL;
    if (name && !(copy = strdup(name)))
        return -ENOMEM;
    free(vm->helpers[id].name);
    vm->helpers[id].fn = fn;
    vm->helpers[id].name = copy;
    return 0;
}

vm_helper_fn vm_get_helper(const struct vm *vm, uint32_t id)
{
    return id < VM_MAX_HELPER_ID ? vm->helpers[id].fn : NULL;
}

void vm_set_mode(struct vm *vm, enum vm_mode mode) { vm->mode = mode; }
enum vm_mode vm_get_mode(const struct vm *vm) { return vm->mode; }
void vm_set_budget(struct vm *vm, uint64_t insns) { vm->budget = insns ? insns : 1; }

void vm_run_init(struct vm_run *run, const struct vm *vm)
{
    memset(run, 0, sizeof(*run));
    run->vm = vm;
}

int vm_run_add_region(struct vm_run *run, const void *ptr, size_t size, uint32_t flags,
                      uint32_t elem_size, const char *name)
{
    if (run->n_regions >= VM_MAX_REGIONS)
        return -ENOSPC;
    uintptr_t start = (uintptr_t)ptr;
    if (!ptr || size == 0 || start + size < start)
        return -EINVAL;
    struct vm_region *r = &run->regions[run->n_regions++];
    r->start = start;
    r->end = start + size;
    r->flags = flags;
    r->elem_size = elem_size;
    r->name = name;
    return 0;
}

int vm_run_add_region_desc(struct vm_run *run, const struct vm_region *r)
{
    if (run->n_regions >= VM_MAX_REGIONS)
        return -ENOSPC;
    if (r->end <= r->start)
        return -EINVAL;
    run->regions[run->n_regions++] = *r;
    return 0;
}

int vm_run_exec(struct vm_run *run)
{
    run->error = 0;
    run->error_pc = 0;
    run->errmsg[0] = 0;
    run->stop = 0;
    run->r0 = 0;
    return run->vm->mode == VM_MODE_TRUSTED ? vm_interp_trusted(run, NULL)
                                            : vm_interp_checked(run, NULL);
}

void vm_run_fault(struct vm_run *run, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->errmsg, sizeof(run->errmsg), fmt, ap);
    va_end(ap);
    run->error = error ? error : -EFAULT;
    run->stop = 1;
}

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

static int decode(struct vm *vm, int which)
{
    const void *const *labels;
    if (which == VM_MODE_CHECKED)
        vm_interp_checked(NULL, &labels);
    else if (which == VM_MODE_TRUSTED)
        vm_interp_trusted(NULL, &labels);
    else
        vm_interp_coverage(NULL, &labels);
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
        if (which == VM_MODE_TRUSTED && vm->ctx_insns && vm->ctx_insns[i]) {
            /* a field the runtime keeps at ctx + delta: a plain load there */
            const struct vm_ctx_field *f =
                BPF_CLASS(in->code) == BPF_LDX && BPF_MODE(in->code) == BPF_MEM && in->off >= 0
                    ? vm_ctx_layout_find(vm, (uint32_t)in->off, vm_size_bytes(in->code))
                    : NULL;
            if (f && f->delta >= INT16_MIN && f->delta <= INT16_MAX && (f->width == 4 || f->width == 8)) {
                code[i].op = labels[f->width == 8 ? VM_OP_LDXDW : VM_OP_LDXW];
                code[i].off = (int16_t)f->delta;
            } else {
                code[i].op = labels[VM_OP_CTX_ACCESS];
            }
        }
    }
    /* function pointers load a tagged slot index (see VM_FUNC_TAG) */
    for (uint32_t i = 0; i + 1 < p->len; i++)
        if (vm_insn_is_lddw(&p->insns[i]) && p->insns[i].src_reg == BPF_PSEUDO_FUNC) {
            code[i].imm = (int32_t)(i + 1 + (uint32_t)p->insns[i].imm);
            code[i + 1].imm = (int32_t)VM_FUNC_TAG;
        }
    code[p->len].op = labels[VM_OP_FELL_OFF];
    free(vm->code[which]);
    vm->code[which] = code;
    return 0;
}

int vm_set_ctx_insns(struct vm *vm, const uint8_t *ctx_insns)
{
    uint8_t *m = malloc(vm->prog->len + 1u);
    if (!m)
        return -ENOMEM;
    for (uint32_t i = 0; i < vm->prog->len; i++) /* only loads and stores */
        m[i] = ctx_insns[i] && (vm->ops[i] >= VM_OP_LDXB && vm->ops[i] <= VM_OP_STXDW);
    uint8_t *old = vm->ctx_insns;
    vm->ctx_insns = m;
    int rc = decode(vm, VM_MODE_TRUSTED);
    if (rc) {
        vm->ctx_insns = old;
        free(m);
        return rc;
    }
    free(old);
    return 0;
}

const uint8_t *vm_get_ctx_insns(const struct vm *vm)
{
    return vm->ctx_insns;
}

int vm_set_ctx_layout(struct vm *vm, const struct vm_ctx_field *f, unsigned n)
{
    struct vm_ctx_field *copy = NULL;
    if (n && !(copy = malloc(n * sizeof(*copy))))
        return -ENOMEM;
    if (n)
        memcpy(copy, f, n * sizeof(*copy));
    free(vm->ctx_layout);
    vm->ctx_layout = copy;
    vm->n_ctx_layout = n;
    return decode(vm, VM_MODE_TRUSTED);
}

const struct vm_ctx_field *vm_ctx_layout_find(const struct vm *vm, uint32_t off, unsigned size)
{
    for (unsigned i = 0; i < vm->n_ctx_layout; i++)
        if (vm->ctx_layout[i].off == off && vm->ctx_layout[i].size == size)
            return &vm->ctx_layout[i];
    return NULL;
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
    if (decode(vm, VM_MODE_CHECKED) || decode(vm, VM_MODE_TRUSTED) ||
        decode(vm, VM_CODE_COVERAGE)) {
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
    vm_set_engine(vm, NULL, NULL, NULL);
    for (unsigned i = 0; i < VM_MAX_HELPER_ID; i++)
        free(vm->helpers[i].name);
    free(vm->code[0]);
    free(vm->code[1]);
    free(vm->code[2]);
    free(vm->cov_hits);
    free(vm->cov_taken);
    free(vm->ops);
    free(vm->ctx_insns);
    free(vm->ctx_layout);
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

void vm_set_engine(struct vm *vm, vm_engine_fn fn, void *code, void (*free_code)(void *code))
{
    if (vm->engine_free)
        vm->engine_free(vm->engine_code);
    vm->engine = fn;
    vm->engine_code = fn ? code : NULL;
    vm->engine_free = fn ? free_code : NULL;
}

vm_helper_fn const *vm_helper_slot(const struct vm *vm, uint32_t id)
{
    return id < VM_MAX_HELPER_ID ? &vm->helpers[id].fn : NULL;
}

uint64_t vm_get_budget(const struct vm *vm) { return vm->budget; }

void vm_set_helper_inline(struct vm *vm, vm_helper_inline_fn fn, void *data)
{
    vm->helper_inline = fn;
    vm->helper_inline_data = data;
}

bool vm_helper_inline(const struct vm *vm, uint32_t id, uint64_t arg1, struct vm_helper_inline *out)
{
    return vm->helper_inline && vm->helper_inline(vm, id, arg1, out, vm->helper_inline_data);
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
    vm_run_regions_changed(run);
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
    vm_run_regions_changed(run);
    run->regions[run->n_regions++] = *r;
    return 0;
}

void vm_run_regions_changed(struct vm_run *run)
{
    memset(run->engine_cache, 0, sizeof(run->engine_cache));
}

static int exec_one(struct vm_run *run)
{
    const struct vm *vm = run->vm;
    if (vm->engine && !vm->cov_hits) { /* coverage counting is the interpreter's */
        int rc = vm->engine(run, vm->engine_code, vm->mode, vm->budget);
        if (rc != VM_ENGINE_DECLINE)
            return rc;
    }
    if (vm->mode == VM_MODE_TRUSTED && !vm->cov_hits)
        return vm_interp_trusted(run, NULL);
    return vm->cov_hits ? vm_interp_coverage(run, NULL) : vm_interp_checked(run, NULL);
}

int vm_coverage_enable(struct vm *vm)
{
    if (vm->cov_hits)
        return 0;
    vm->cov_hits = calloc(vm->prog->len + 1u, sizeof(uint64_t));
    vm->cov_taken = calloc(vm->prog->len + 1u, sizeof(uint64_t));
    if (!vm->cov_hits || !vm->cov_taken) {
        free(vm->cov_hits);
        free(vm->cov_taken);
        vm->cov_hits = vm->cov_taken = NULL;
        return -ENOMEM;
    }
    return 0;
}

const uint64_t *vm_coverage_hits(const struct vm *vm) { return vm->cov_hits; }
const uint64_t *vm_coverage_taken(const struct vm *vm) { return vm->cov_taken; }

int vm_run_exec(struct vm_run *run)
{
    run->error = 0;
    run->error_pc = 0;
    run->errmsg[0] = 0;
    run->stop = 0;
    run->r0 = 0;
    run->tail_call = NULL;
    run->tail_calls = 0;
    run->entry_pc = 0;
    run->entry_depth = 0;
    run->entry_fp = 0;
    run->extra_insns = 0;
    int rc = exec_one(run);
    run->insns_executed += run->extra_insns;
    if (rc != 1)
        return rc;
    /* tail calls: run the chain, then restore the entry program and r1 */
    const struct vm *entry = run->vm;
    uint64_t arg0 = run->args[0], insns = run->insns_executed;
    while (rc == 1) {
        run->vm = run->tail_call;
        run->tail_call = NULL;
        run->stop = 0;
        rc = exec_one(run);
        insns += run->insns_executed;
    }
    run->vm = entry;
    run->args[0] = arg0;
    run->insns_executed = insns;
    return rc;
}

int vm_run_callback(struct vm_run *run, uint32_t insn, const uint64_t args[5], uint64_t *ret)
{
    if (insn >= run->vm->prog->len) {
        vm_run_fault(run, -EINVAL, "callback at insn %u is outside the program", insn);
        return -EINVAL;
    }
    if (run->cur_depth + 1 >= VM_MAX_CALL_DEPTH) {
        vm_run_fault(run, -EOVERFLOW, "callback exceeds the call depth of %u frames",
                     VM_MAX_CALL_DEPTH);
        return -EOVERFLOW;
    }
    /* save what the outer execution owns, run the callee, restore */
    uint64_t saved_args[5], saved_fp = run->cur_fp, saved_r0 = run->r0;
    unsigned saved_depth = run->cur_depth;
    memcpy(saved_args, run->args, sizeof saved_args);
    memcpy(run->args, args, sizeof saved_args);
    run->entry_pc = insn;
    run->entry_depth = saved_depth + 1;
    run->entry_fp = saved_fp - VM_STACK_SIZE;
    int rc = exec_one(run);
    run->extra_insns += run->insns_executed;
    *ret = run->r0;
    run->r0 = saved_r0;
    memcpy(run->args, saved_args, sizeof saved_args);
    run->entry_pc = 0;
    run->entry_depth = 0;
    run->entry_fp = 0;
    run->cur_fp = saved_fp;
    run->cur_depth = saved_depth;
    if (rc == 1) { /* a tail call inside a callback */
        run->tail_call = NULL;
        vm_run_fault(run, -EINVAL, "tail call inside a callback");
        return -EINVAL;
    }
    if (rc) {
        /* keep the callee's message; the outer run stops after the helper */
        run->stop = 1;
        return rc;
    }
    return 0;
}

void vm_run_tail_call(struct vm_run *run, const struct vm *next, uint64_t ctx)
{
    run->tail_call = next;
    run->tail_calls++;
    run->args[0] = ctx;
    run->stop = 1;
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

/* vm/api.c - the public API of include/bpfemu.h over the vm subsystem. */
#include "bpfemu.h"
#include "jit/jit.h"
#include "vm/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending_helper {
    bpfemu_helper_fn fn;
    char name[64];
};

struct bpfemu_vm {
    struct vm *vm;
    bool checked;
    bool jit;
    uint64_t budget;
    void *user;
    struct vm_region regions[VM_MAX_REGIONS - 1]; /* one slot stays for mem */
    uint32_t n_regions;
    struct pending_helper helpers[VM_MAX_HELPER_ID]; /* re-applied on each load */
    struct vm_run run;
};

bpfemu_vm *bpfemu_create(void)
{
    bpfemu_vm *b = calloc(1, sizeof(*b));
    if (b) {
        b->checked = true;
        b->budget = VM_DEFAULT_BUDGET;
    }
    return b;
}

void bpfemu_destroy(bpfemu_vm *b)
{
    if (!b)
        return;
    vm_destroy(b->vm);
    free(b);
}

static int install(bpfemu_vm *b, struct vm_prog *prog, char *err, size_t errlen)
{
    struct vm *vm;
    int rc = vm_create(prog, &vm, err, errlen);
    vm_prog_free(prog);
    if (rc)
        return rc;
    for (uint32_t id = 0; id < VM_MAX_HELPER_ID; id++)
        if (b->helpers[id].fn && (rc = vm_register_helper(vm, id, b->helpers[id].name,
                                                          b->helpers[id].fn))) {
            vm_destroy(vm);
            if (err && errlen)
                snprintf(err, errlen, "registering helper %u failed", id);
            return rc;
        }
    vm_set_mode(vm, b->checked ? VM_MODE_CHECKED : VM_MODE_TRUSTED);
    vm_set_budget(vm, b->budget);
    /* both modes: bpfemu_set_checked may switch later */
    if (b->jit && (rc = jit_compile(vm, JIT_CHECKED | JIT_TRUSTED, err, errlen))) {
        vm_destroy(vm);
        return rc;
    }
    vm_destroy(b->vm);
    b->vm = vm;
    return 0;
}

int bpfemu_load(bpfemu_vm *b, const void *code, size_t len, char *err, size_t errlen)
{
    struct vm_prog *prog;
    int rc = vm_prog_from_bytes(code, len, "prog", &prog, err, errlen);
    return rc ? rc : install(b, prog, err, errlen);
}

int bpfemu_load_asm(bpfemu_vm *b, const char *text, char *err, size_t errlen)
{
    struct vm_prog *prog;
    int rc = vm_asm(text, strlen(text), "prog", &prog, err, errlen);
    return rc ? rc : install(b, prog, err, errlen);
}

int bpfemu_register_helper(bpfemu_vm *b, uint32_t id, const char *name, bpfemu_helper_fn fn)
{
    if (id >= VM_MAX_HELPER_ID)
        return -EINVAL;
    b->helpers[id].fn = fn;
    snprintf(b->helpers[id].name, sizeof(b->helpers[id].name), "%s", name ? name : "");
    return b->vm ? vm_register_helper(b->vm, id, name, fn) : 0;
}

int bpfemu_set_checked(bpfemu_vm *b, bool checked)
{
    b->checked = checked;
    if (b->vm)
        vm_set_mode(b->vm, checked ? VM_MODE_CHECKED : VM_MODE_TRUSTED);
    return 0;
}

int bpfemu_set_jit(bpfemu_vm *b, bool on)
{
    if (b->vm) {
        int rc = on ? jit_compile(b->vm, JIT_CHECKED | JIT_TRUSTED, NULL, 0) : 0;
        if (rc)
            return rc;
        if (!on)
            jit_detach(b->vm);
    }
    b->jit = on;
    return 0;
}

void bpfemu_set_budget(bpfemu_vm *b, uint64_t max_insns)
{
    b->budget = max_insns;
    if (b->vm)
        vm_set_budget(b->vm, max_insns);
}

int bpfemu_add_region(bpfemu_vm *b, void *ptr, size_t len, bool writable)
{
    if (b->n_regions >= VM_MAX_REGIONS - 1)
        return -ENOSPC;
    if (!ptr || !len || (uintptr_t)ptr + len < (uintptr_t)ptr)
        return -EINVAL;
    struct vm_region *r = &b->regions[b->n_regions++];
    r->start = (uintptr_t)ptr;
    r->end = (uintptr_t)ptr + len;
    r->flags = writable ? VM_REGION_RW : VM_REGION_READ;
    r->elem_size = 0;
    r->name = "user region";
    return 0;
}

void bpfemu_clear_regions(bpfemu_vm *b) { b->n_regions = 0; }
void bpfemu_set_user(bpfemu_vm *b, void *user) { b->user = user; }

int bpfemu_exec(bpfemu_vm *b, void *mem, size_t mem_len, uint64_t *r0, char *err, size_t errlen)
{
    if (!b->vm) {
        if (err && errlen)
            snprintf(err, errlen, "no program loaded");
        return -EINVAL;
    }
    struct vm_run *run = &b->run;
    vm_run_init(run, b->vm);
    run->user = b->user;
    run->api_user = b->user;
    run->args[0] = (uintptr_t)mem;
    run->args[1] = mem_len;
    memcpy(run->regions, b->regions, b->n_regions * sizeof(b->regions[0]));
    run->n_regions = b->n_regions;
    if (mem && mem_len)
        vm_run_add_region(run, mem, mem_len, VM_REGION_RW, 0, "mem");
    int rc = vm_run_exec(run);
    if (rc) {
        if (err && errlen)
            snprintf(err, errlen, "%s", run->errmsg);
        return rc;
    }
    if (r0)
        *r0 = run->r0;
    return 0;
}

uint64_t bpfemu_insns_executed(const bpfemu_vm *b) { return b->run.insns_executed; }

char *bpfemu_disassemble(const bpfemu_vm *b)
{
    return b->vm ? vm_disasm_prog(vm_get_prog(b->vm)) : NULL;
}

void *bpfemu_run_user(bpfemu_run *run) { return run->api_user; }

bool bpfemu_run_mem_ok(bpfemu_run *run, uint64_t addr, uint64_t len, bool write)
{
    return vm_run_mem_ok(run, addr, len, write ? VM_REGION_WRITE : VM_REGION_READ);
}

void bpfemu_run_fault(bpfemu_run *run, const char *msg) { vm_run_fault(run, -EFAULT, "%s", msg); }

/* libFuzzer target: the checked interpreter on arbitrary bytecode. The first
 * byte picks how much of the input is the memory buffer (r1/r2); the rest is
 * the program. Whatever the bytes, the structural check rejects them with a
 * message or the checked run ends (result, fault or budget) without touching
 * memory outside its regions: ASan would see it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

static uint64_t helper_echo(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                            struct vm_run *r)
{
    return a ^ b;
}

static uint64_t helper_read(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                            struct vm_run *r)
{
    /* a helper that reads program memory must check it first */
    if (b > 64 || !vm_run_mem_ok(r, a, b, VM_REGION_READ)) {
        vm_run_fault(r, -14, "bad pointer");
        return 0;
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < b; i++)
        sum += ((const uint8_t *)(uintptr_t)a)[i];
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t memlen = data[0] % 65;
    if (size - 1 < memlen)
        memlen = size - 1;
    const uint8_t *code = data + 1 + memlen;
    size_t codelen = size - 1 - memlen;

    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    if (vm_prog_from_bytes(code, codelen, "fuzz", &prog, err, sizeof err) != 0)
        return 0;
    char *text = vm_disasm_prog(prog); /* any bytes disassemble */
    free(text);
    struct vm *vm;
    int rc = vm_create(prog, &vm, err, sizeof err);
    vm_prog_free(prog);
    if (rc)
        return 0;
    vm_set_budget(vm, 20000);
    vm_register_helper(vm, 5, "echo", helper_echo);
    vm_register_helper(vm, 6, "read", helper_read);

    /* exact-size heap copy so ASan sees any overrun of the buffer */
    uint8_t *mem = memlen ? malloc(memlen) : NULL;
    if (memlen)
        memcpy(mem, data + 1, memlen);
    static struct vm_run run;
    vm_run_init(&run, vm);
    run.args[0] = (uintptr_t)mem;
    run.args[1] = memlen;
    if (mem)
        vm_run_add_region(&run, mem, memlen, VM_REGION_RW, 0, "mem");
    vm_run_exec(&run);
    free(mem);
    vm_destroy(vm);
    return 0;
}

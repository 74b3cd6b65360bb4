/* libFuzzer target: the assembler, the disassembler and their round trip.
 * Any text either fails with a message or assembles; what assembles must
 * disassemble and re-assemble to the same bytes, and must survive a checked
 * run (bounded by a small budget). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

static uint64_t helper5(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[VM_ERR_LEN];
    struct vm_prog *prog, *again;
    if (vm_asm((const char *)data, size, "fuzz", &prog, err, sizeof err) != 0)
        return 0;
    char *text = vm_disasm_prog(prog);
    if (!text)
        abort();
    if (vm_asm(text, strlen(text), "again", &again, err, sizeof err) != 0) {
        fprintf(stderr, "round trip failed: %s\n%s", err, text);
        abort();
    }
    if (again->len != prog->len || memcmp(again->insns, prog->insns, prog->len * 8u) != 0) {
        fprintf(stderr, "round trip changed the bytes:\n%s", text);
        abort();
    }
    free(text);
    vm_prog_free(again);

    struct vm *vm;
    if (vm_create(prog, &vm, err, sizeof err) == 0) {
        static struct vm_run run;
        uint8_t mem[64] = {0};
        vm_set_budget(vm, 10000);
        vm_register_helper(vm, 5, "helper5", helper5);
        vm_run_init(&run, vm);
        run.args[0] = (uintptr_t)mem;
        run.args[1] = sizeof mem;
        vm_run_add_region(&run, mem, sizeof mem, VM_REGION_RW, 0, "mem");
        vm_run_exec(&run);
        vm_destroy(vm);
    }
    vm_prog_free(prog);
    return 0;
}

/* bpfemu.h - the public C API of bpfemu, a userspace eBPF runtime.
 *
 * In the spirit of uBPF's API: create a VM, load bytecode (raw 8-byte
 * instructions, or assembly text), register helpers, execute against a
 * memory buffer, destroy. Every function that can fail returns 0 or a
 * negative errno value and, when `err` is non-NULL, writes a one-line
 * message into err[0..errlen).
 *
 *     char err[256];
 *     bpfemu_vm *vm = bpfemu_create();
 *     if (bpfemu_load(vm, code, code_len, err, sizeof err) < 0) ...
 *     uint64_t r0;
 *     if (bpfemu_exec(vm, buf, buf_len, &r0, err, sizeof err) < 0) ...
 *     bpfemu_destroy(vm);
 *
 * A VM is not shared between threads while it runs; create one VM per
 * thread (VMs share no state).
 */
#ifndef BPFEMU_H
#define BPFEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bpfemu_vm bpfemu_vm;
/* The execution a helper is called from (opaque). */
typedef struct vm_run bpfemu_run;

/* A helper: the program's r1..r5 in, r0 out. `run` gives access to the
 * user pointer and to memory checks. */
typedef uint64_t (*bpfemu_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                     uint64_t r5, bpfemu_run *run);

bpfemu_vm *bpfemu_create(void);
void bpfemu_destroy(bpfemu_vm *vm);

/* Load raw bytecode (a multiple of 8 bytes, little-endian slots). Replaces
 * any program loaded before. The program is checked structurally (opcodes,
 * jump targets, lddw pairs); errors name the instruction. */
int bpfemu_load(bpfemu_vm *vm, const void *code, size_t code_len, char *err, size_t errlen);
/* Assemble and load text in the bpf_conformance or kernel/LLVM syntax. */
int bpfemu_load_asm(bpfemu_vm *vm, const char *text, char *err, size_t errlen);

/* Register helper `id` (call imm). May be called before or after loading. */
int bpfemu_register_helper(bpfemu_vm *vm, uint32_t id, const char *name, bpfemu_helper_fn fn);

/* Checked mode (the default) checks every memory access against the
 * regions the program may touch and stops runaway programs after a budget
 * of instructions; trusted mode skips both (only for verified programs). */
int bpfemu_set_checked(bpfemu_vm *vm, bool checked);
void bpfemu_set_budget(bpfemu_vm *vm, uint64_t max_insns);
/* Allow the program to access [ptr, ptr+len) in checked mode (e.g. memory
 * a helper hands out). Regions stay registered until bpfemu_clear_regions. */
int bpfemu_add_region(bpfemu_vm *vm, void *ptr, size_t len, bool writable);
void bpfemu_clear_regions(bpfemu_vm *vm);
/* Opaque pointer handed to helpers through bpfemu_run_user(). */
void bpfemu_set_user(bpfemu_vm *vm, void *user);

/* Run with r1 = mem, r2 = mem_len (the buffer is readable and writable by
 * the program). On success *r0 holds the program's return value. A fault
 * (out-of-bounds access, budget exhausted, unknown helper) returns a
 * negative errno and a message naming the instruction. */
int bpfemu_exec(bpfemu_vm *vm, void *mem, size_t mem_len, uint64_t *r0, char *err,
                size_t errlen);
/* Instructions executed by the last bpfemu_exec. */
uint64_t bpfemu_insns_executed(const bpfemu_vm *vm);

/* Disassembly of the loaded program in the kernel's syntax (malloc'd). */
char *bpfemu_disassemble(const bpfemu_vm *vm);

/* For helpers. */
void *bpfemu_run_user(bpfemu_run *run);
bool bpfemu_run_mem_ok(bpfemu_run *run, uint64_t addr, uint64_t len, bool write);
void bpfemu_run_fault(bpfemu_run *run, const char *msg);

#ifdef __cplusplus
}
#endif
#endif

/* jit/jit.h - the x86-64 JIT: the jit subsystem's one header.
 *
 * A program's VM (vm/vm.h) is compiled to native code that runs in place of
 * the interpreter (vm_set_engine) with the interpreter's exact results: r0,
 * memory, faults (same errno, same "insn N (text): ..." message) and
 * run->insns_executed. The checked interpreter is the reference semantics.
 *
 *     struct vm *vm = ...;                   // vm_create + helpers
 *     if (jit_compile(vm, JIT_CHECKED, err, sizeof err) == 0)
 *         ... vm_run_exec() now runs native code ...
 *
 * Modes. An unverified program is never compiled without checks: its
 * JIT_CHECKED code checks every access the way the
 * checked interpreter does and the instruction budget at every taken jump
 * and call. JIT_TRUSTED code has no checks and no budget (for verified
 * programs, as VM_MODE_TRUSTED): accesses are plain loads and stores,
 * except the context accesses the verifier marked (vm_set_ctx_insns,
 * before compiling), which go through the ctx accessors as in checked
 * code; r1..r5 are clobbered by calls. Both may be compiled; the VM's mode
 * (vm_set_mode) picks one at each run, and a mode that was not compiled runs
 * in the interpreter. Both modes count executed instructions (per basic
 * block, corrected at faults), so insns_executed always matches.
 *
 * Checks, fast to slow: a constant offset from r10 inside one frame needs
 * none (unless the program writes r10); other accesses compare the address
 * with the site's entry in a per-run cache of region bounds kept in
 * vm_run.engine_cache (plain region, map value pool, or the ctx field's host
 * address from vm_region.ctx_direct); a miss goes out of line to the stack
 * bounds, then to a C slow path that is the interpreter's own code
 * (vm_engine_access: region lookup, ctx accessor, fault message), which
 * refills the entry. Values returned by an inlined array lookup need no
 * check at all while the run registers the map's value pool.
 *
 * Helpers are called through the VM's helper table at run time, so helpers
 * registered or replaced after compilation (mocks) are the ones called.
 * Calls the runtime describes as array lookups (vm_helper_inline: the
 * kernel inlines them too) become an index computation, used only while
 * the table still holds the described helper and run->on_call is NULL
 * (checked at every entry); otherwise the real call is made.
 *
 * Code memory is mapped read-write, written, then made read-execute (never
 * both) and unmapped when the VM is destroyed (or the program freed).
 * JIT_HARDEN blinds the program's constants as the kernel does for
 * unprivileged programs (bpf_jit_harden): every immediate of an ALU
 * (add, sub, and, or, xor, mul, mov, div, mod), jump, store or lddw
 * instruction is emitted as imm ^ r and r, r random per instruction.
 *
 * Register map, native frame and calling convention: jit/jit_int.h.
 */
#ifndef BPFEMU_JIT_H
#define BPFEMU_JIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/vm.h"

#define JIT_CHECKED 0x1u /* code for VM_MODE_CHECKED runs */
#define JIT_TRUSTED 0x2u /* code for VM_MODE_TRUSTED runs (verified programs only) */
#define JIT_HARDEN  0x4u /* constant blinding */
#define JIT_NO_BMI2 0x8u /* do not use BMI2 shifts even if the CPU has them (tests) */
#define JIT_DUMP_ATT 0x100u /* jit_dump: AT&T syntax (default Intel) */

struct jit_prog;

/* Compile vm's program for the modes in `flags` (default JIT_CHECKED when
 * neither mode is given). 0, or a negative errno with a message:
 * -ENOTSUP when the host is not x86-64, -ENOMEM. */
int jit_prog_create(const struct vm *vm, unsigned flags, struct jit_prog **out, char *err,
                    size_t errlen);
void jit_prog_free(struct jit_prog *jp);
/* From now on vm runs jp (which must have been compiled for vm); vm owns it
 * and frees it in vm_destroy. */
void jit_attach(struct vm *vm, struct jit_prog *jp);
/* jit_prog_create + jit_attach. */
int jit_compile(struct vm *vm, unsigned flags, char *err, size_t errlen);
/* Run vm in the interpreter again (frees the compiled code). */
void jit_detach(struct vm *vm);

/* Bytes of native code for `mode` (JIT_CHECKED or JIT_TRUSTED; 0 if that
 * mode was not compiled), stubs and entry code included. */
size_t jit_code_size(const struct jit_prog *jp, unsigned mode);

/* The native code of `mode` disassembled with capstone, each eBPF
 * instruction (kernel syntax) followed by the x86-64 instructions compiled
 * from it, like `bpftool prog dump jited linum`: with line info (may be
 * NULL) the source line before the first instruction of each line, then the
 * out-of-line stubs and the code size. 0, or -ENOTSUP without capstone. */
int jit_dump(FILE *f, const struct jit_prog *jp, unsigned mode, const struct vm_line_info *lines,
             uint32_t n_lines);

#endif

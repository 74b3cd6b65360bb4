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
/* Run the program compiled to x86-64 code (on = true) or in the interpreter
 * (the default), with identical results, faults and budget. The setting
 * holds for programs loaded later; compiling happens at load (or now).
 * -ENOTSUP on hosts other than x86-64. */
int bpfemu_set_jit(bpfemu_vm *vm, bool on);
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

/* For helpers. bpfemu_run_user: the user pointer of bpfemu_set_user (VMs)
 * or of bpfemu_obj_mock_helper (objects). */
void *bpfemu_run_user(bpfemu_run *run);
bool bpfemu_run_mem_ok(bpfemu_run *run, uint64_t addr, uint64_t len, bool write);
void bpfemu_run_fault(bpfemu_run *run, const char *msg);

/* ------------------------------------------------------------ objects ----
 * Objects built by clang (libbpf conventions): maps created, programs run
 * the way BPF_PROG_TEST_RUN runs them.
 *
 *     bpfemu_obj *o = bpfemu_obj_open("prog.o", NULL, err, sizeof err);
 *     bpfemu_map *m = bpfemu_obj_map(o, "blocklist");
 *     bpfemu_map_update(m, &key, &value, BPF_ANY);
 *     struct bpfemu_test_run tr = {.data_in = pkt, .data_size_in = len};
 *     bpfemu_obj_test_run(o, "xdp_firewall", &tr, err, sizeof err);
 *     ... tr.retval, tr.data_out ...
 *     bpfemu_test_run_free(&tr);
 *     bpfemu_obj_close(o);
 */
typedef struct bpfemu_obj bpfemu_obj;
typedef struct maps_map bpfemu_map;

struct bpfemu_obj_opts {
    uint32_t ncpus;          /* emulated CPUs for per-CPU maps (0: 1) */
    uint64_t clock_ns;       /* bpf_ktime_get_ns at the first run (0: 1 s) */
    uint64_t clock_step_ns;  /* clock advance per run (0: 1000 ns) */
    uint64_t prng_seed;      /* bpf_get_prandom_u32 seed (0: 1) */
};

bpfemu_obj *bpfemu_obj_open(const char *path, const struct bpfemu_obj_opts *opts, char *err,
                            size_t errlen);
bpfemu_obj *bpfemu_obj_open_mem(const void *buf, size_t len, const char *name,
                                const struct bpfemu_obj_opts *opts, char *err, size_t errlen);
void bpfemu_obj_close(bpfemu_obj *obj);
/* Programs: count, and the function name of each. */
unsigned bpfemu_obj_prog_count(const bpfemu_obj *obj);
const char *bpfemu_obj_prog_name(const bpfemu_obj *obj, unsigned i);

/* Maps by name ("blocklist", global data as ".data", ".rodata", ...). The
 * calls mirror bpf(2)'s map commands: 0 or -errno (-ENOENT, -EEXIST,
 * -E2BIG ...); per-CPU values are ncpus x round_up(value_size, 8) bytes. */
bpfemu_map *bpfemu_obj_map(bpfemu_obj *obj, const char *name);
int bpfemu_map_info(const bpfemu_map *map, uint32_t *type, uint32_t *key_size,
                    uint32_t *value_size, uint32_t *max_entries);
int bpfemu_map_lookup(bpfemu_map *map, const void *key, void *value);
int bpfemu_map_update(bpfemu_map *map, const void *key, const void *value, uint64_t flags);
int bpfemu_map_delete(bpfemu_map *map, const void *key);
/* key NULL: the first key. -ENOENT after the last. */
int bpfemu_map_next_key(bpfemu_map *map, const void *key, void *next_key);

/* BPF_PROG_TEST_RUN. Outputs are malloc'd: free with bpfemu_test_run_free. */
struct bpfemu_test_run {
    const void *data_in;
    size_t data_size_in;
    const void *ctx_in;      /* struct xdp_md / __sk_buff, or NULL */
    size_t ctx_size_in;
    uint32_t repeat;         /* 0 means 1; map state persists across runs */
    uint32_t retval;
    uint64_t duration_ns;
    uint8_t *data_out;
    size_t data_size_out;
    uint8_t *ctx_out;
    size_t ctx_size_out;
    char *trace;             /* trace_printk lines, '\n'-terminated */
    size_t trace_len;
};
int bpfemu_obj_test_run(bpfemu_obj *obj, const char *prog, struct bpfemu_test_run *tr,
                        char *err, size_t errlen);
void bpfemu_test_run_free(struct bpfemu_test_run *tr);

/* Mocking: replace helper `id` (BPF_FUNC_*) for every program of the
 * object; bpfemu_run_user() returns `user` inside the mock. NULL restores
 * bpfemu's own helper. */
int bpfemu_obj_mock_helper(bpfemu_obj *obj, int32_t id, bpfemu_helper_fn fn, void *user);
/* Run the object's programs JIT-compiled to x86-64 code (on = true) or in
 * the interpreter (the default). Mocks set before or after apply either way. */
int bpfemu_obj_set_jit(bpfemu_obj *obj, bool on, char *err, size_t errlen);

/* Recording: every helper call of later runs, in order. */
struct bpfemu_call {
    uint32_t helper_id;
    uint64_t args[5];
    uint64_t ret;
};
void bpfemu_obj_record_calls(bpfemu_obj *obj, bool on);
/* The calls recorded so far (valid until the next run or clear). */
const struct bpfemu_call *bpfemu_obj_calls(const bpfemu_obj *obj, size_t *count);
void bpfemu_obj_clear_calls(bpfemu_obj *obj);

#ifdef __cplusplus
}
#endif
#endif

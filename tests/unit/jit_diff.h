/* tests/unit/jit_diff.h - run one program in the interpreter and in the JIT
 * with the same inputs and compare everything observable: return code, r0,
 * the error message, insns_executed, the memory regions, the helper calls
 * (on_call) in order. Header-only (static functions): used by test_jit.c,
 * test_jit_diff.c and tests/fuzz/fuzz_jit.c.
 *
 * The regions a run gets (all from one jd_env, copied fresh for each
 * engine): "mem" (r1, r2 = its length; RW), "ro" (read-only), "pool" (an
 * element pool: JD_POOL_N elements of JD_POOL_STRIDE bytes, the first
 * JD_POOL_LEN valid), "pool24" (stride 24: not a power of two) and "ctx"
 * (answered by jd_ctx_access: 4-byte aligned reads of 8 fields, field 2
 * returns a pointer into mem, fields 4..7 writable). Helpers:
 *   1 sum(r1..r5)            2 fault(r1): vm_run_fault
 *   3 loop(n, fn, ctx): calls fn(i, ctx) n times (vm_run_callback), sums r0
 *   4 tail(ctx): tail call into jd_env.next (when set)
 *   5 memsum(ptr, len): checked read   6 big(): 0xdeadbeefcafebabe
 *   7 depth(): run->cur_depth           8 fp(): run->cur_fp - stack base
 *   9 mem(): a pointer to mem (for programs that cannot see r1) */
#ifndef BPFEMU_TESTS_JIT_DIFF_H
#define BPFEMU_TESTS_JIT_DIFF_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/jit.h"
#include "vm/vm.h"

#define JD_MEM_LEN 256
#define JD_RO_LEN 64
#define JD_POOL_N 8
#define JD_POOL_STRIDE 16
#define JD_POOL_LEN 12
#define JD_POOL24_N 4
#define JD_CTX_LEN 32
#define JD_MAX_CALLS 64

struct jd_call {
    uint32_t id;
    uint64_t args[5], ret;
};

/* what one engine saw */
struct jd_out {
    int rc;
    uint64_t r0, insns;
    char msg[VM_ERR_LEN];
    uint8_t mem[JD_MEM_LEN], ro[JD_RO_LEN], pool[JD_POOL_N * JD_POOL_STRIDE],
        pool24[JD_POOL24_N * 24];
    uint32_t ctx_w[8];       /* the writable ctx fields */
    struct jd_call calls[JD_MAX_CALLS];
    unsigned ncalls;
    bool calls_overflow;
};

struct jd_cfg {
    uint64_t budget;         /* 0: default */
    bool trusted;            /* VM_MODE_TRUSTED (both engines) */
    unsigned jit_flags;      /* extra jit/jit.h flags (JIT_HARDEN, JIT_NO_BMI2) */
    bool no_regions;         /* only the stack (and "mem") */
    uint8_t mem_init[JD_MEM_LEN];
    bool have_mem_init;
    const struct bpf_insn *next; /* helper 4's tail-call target program */
    size_t next_len;
    unsigned repeat;         /* runs on the same vm_run (0: 1) */
    bool no_on_call;         /* do not record helper calls */
    bool mock_after_jit;     /* replace helper 10 after compiling */
};

/* per-run state the helpers reach through run->user */
struct jd_user {
    struct jd_out *out;
    struct vm *next;
    uint8_t *mem;
    uint32_t *ctx_w;
};

static uint64_t jd_h_sum(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    return a + b + c + d + e;
}
static uint64_t jd_h_fault(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    vm_run_fault(r, -EFAULT, "helper fault %llu", (unsigned long long)a);
    return 0;
}
static uint64_t jd_h_loop(uint64_t n, uint64_t fn, uint64_t ctx, uint64_t d, uint64_t e, struct vm_run *r)
{
    if ((fn >> 32) != VM_FUNC_TAG || n > 64) {
        vm_run_fault(r, -EINVAL, "bad loop arguments");
        return 0;
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t args[5] = {i, ctx, 0, 0, 0}, ret;
        if (vm_run_callback(r, (uint32_t)fn, args, &ret))
            return 0;
        sum += ret;
    }
    return sum;
}
static uint64_t jd_h_tail(uint64_t ctx, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    struct jd_user *u = r->user;
    if (!u->next || r->tail_calls >= VM_MAX_TAIL_CALLS)
        return (uint64_t)-ENOENT;
    vm_run_tail_call(r, u->next, ctx);
    return 0;
}
static uint64_t jd_h_memsum(uint64_t p, uint64_t len, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    if (len > 512 || !vm_run_mem_ok(r, p, len, VM_REGION_READ)) {
        vm_run_fault(r, -EFAULT, "memsum: bad pointer");
        return 0;
    }
    uint64_t s = 0;
    for (uint64_t i = 0; i < len; i++)
        s = s * 31 + ((const uint8_t *)(uintptr_t)p)[i];
    return s;
}
static uint64_t jd_h_big(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    return 0xdeadbeefcafebabeull;
}
static uint64_t jd_h_depth(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    return r->cur_depth;
}
static uint64_t jd_h_fp(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    return r->cur_fp - (uintptr_t)r->stack;
}
static uint64_t jd_h_mem(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, struct vm_run *r)
{
    return (uintptr_t)((struct jd_user *)r->user)->mem;
}

/* 10: an array lookup in "pool" (8 elements of JD_POOL_STRIDE) when r1 is
 * JD_ARRAY_MAP, described to the JIT as inlinable (jd_describe) */
#define JD_ARRAY_MAP 0x4d4150ull
static uint64_t jd_pool_base(void);
static uint64_t jd_h_lookup(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e,
                            struct vm_run *r)
{
    if (map != JD_ARRAY_MAP || !vm_run_mem_ok(r, key, 4, VM_REGION_READ)) {
        vm_run_fault(r, -EFAULT, "lookup: bad arguments");
        return 0;
    }
    uint32_t k;
    memcpy(&k, (const void *)(uintptr_t)key, 4);
    return k < JD_POOL_N ? jd_pool_base() + (uint64_t)k * JD_POOL_STRIDE : 0;
}
/* a stand-in registered over it (a mock) */
static uint64_t jd_h_lookup_mock(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e,
                                 struct vm_run *r)
{
    return 0;
}
static bool jd_describe(const struct vm *vm, uint32_t id, uint64_t arg1, struct vm_helper_inline *out,
                        void *data)
{
    if (id != 10 || arg1 != JD_ARRAY_MAP || vm_get_helper(vm, 10) != jd_h_lookup)
        return false;
    *out = (struct vm_helper_inline){.kind = VM_INLINE_ARRAY_LOOKUP, .max_entries = JD_POOL_N,
                                     .base = jd_pool_base(), .stride = JD_POOL_STRIDE,
                                     .value_size = JD_POOL_LEN};
    return true;
}

static void jd_on_call(struct vm_run *run, uint32_t id, const uint64_t args[5], uint64_t ret)
{
    struct jd_out *o = ((struct jd_user *)run->user)->out;
    if (o->ncalls == JD_MAX_CALLS) {
        o->calls_overflow = true;
        return;
    }
    struct jd_call *c = &o->calls[o->ncalls++];
    c->id = id;
    memcpy(c->args, args, sizeof c->args);
    c->ret = ret;
}

/* ctx: 8 u32 fields; 0,1,3 constants, 2 = mem pointer (64-bit value),
 * 4..7 read-write (stored in ctx_w); only aligned 4-byte accesses */
static int jd_ctx_access(struct vm_run *run, const struct vm_region *r, uint32_t off, unsigned size,
                         bool write, uint64_t *value, const char **why)
{
    struct jd_user *u = run->user;
    if (size != 4 || off % 4) {
        *why = "fields are aligned u32";
        return -EACCES;
    }
    unsigned f = off / 4;
    if (write) {
        if (f < 4) {
            *why = "read-only field";
            return -EACCES;
        }
        u->ctx_w[f] = (uint32_t)*value;
        return 0;
    }
    switch (f) {
    case 0: *value = 0x11223344; return 0;
    case 1: *value = 7; return 0;
    case 2: *value = (uintptr_t)u->mem; return 0;
    case 3: *value = 0xfffffff0u; return 0;
    default: *value = u->ctx_w[f]; return 0;
    }
}

static int jd_make_vm(const struct bpf_insn *insns, size_t n, const struct jd_cfg *cfg, bool jit,
                      struct vm **out, char *err, size_t errlen)
{
    struct vm_prog *p;
    int rc = vm_prog_from_bytes(insns, n * 8, "t", &p, err, errlen);
    if (rc)
        return rc;
    rc = vm_create(p, out, err, errlen);
    vm_prog_free(p);
    if (rc)
        return rc;
    struct vm *vm = *out;
    vm_register_helper(vm, 1, "sum", jd_h_sum);
    vm_register_helper(vm, 2, "fault", jd_h_fault);
    vm_register_helper(vm, 3, "loop", jd_h_loop);
    vm_register_helper(vm, 4, "tail", jd_h_tail);
    vm_register_helper(vm, 5, "memsum", jd_h_memsum);
    vm_register_helper(vm, 6, "big", jd_h_big);
    vm_register_helper(vm, 7, "depth", jd_h_depth);
    vm_register_helper(vm, 8, "fp", jd_h_fp);
    vm_register_helper(vm, 9, "mem", jd_h_mem);
    vm_register_helper(vm, 10, "lookup", jd_h_lookup);
    vm_set_helper_inline(vm, jd_describe, NULL);
    vm_set_mode(vm, cfg->trusted ? VM_MODE_TRUSTED : VM_MODE_CHECKED);
    if (cfg->budget)
        vm_set_budget(vm, cfg->budget);
    if (jit && (rc = jit_compile(vm, (cfg->trusted ? JIT_TRUSTED : JIT_CHECKED) | cfg->jit_flags,
                                 err, errlen))) {
        vm_destroy(vm);
        *out = NULL;
    }
    if (!rc && cfg->mock_after_jit)
        vm_register_helper(vm, 10, "lookup", jd_h_lookup_mock);
    return rc;
}

/* The memory both engines run on: the same addresses for both, so pointer
 * values a program computes (r10, region addresses) compare equal. */
static struct {
    uint8_t mem[JD_MEM_LEN], ro[JD_RO_LEN], pool[JD_POOL_N * JD_POOL_STRIDE], pool24[JD_POOL24_N * 24];
    uint32_t ctxmem[JD_CTX_LEN / 4];
    struct vm_run run;
} jd_area;

/* Run insns in one engine; 0, or -1 with a message when the program could
 * not even be loaded (then both engines fail the same way). */
static int jd_run(const struct bpf_insn *insns, size_t n, const struct jd_cfg *cfg, bool jit,
                  struct jd_out *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    struct vm *vm, *next = NULL;
    if (jd_make_vm(insns, n, cfg, jit, &vm, err, errlen))
        return -1;
    if (cfg->next && jd_make_vm(cfg->next, cfg->next_len, cfg, jit, &next, err, errlen)) {
        vm_destroy(vm);
        return -1;
    }
    uint8_t *mem = jd_area.mem, *ro = jd_area.ro, *pool = jd_area.pool, *pool24 = jd_area.pool24;
    for (unsigned i = 0; i < JD_MEM_LEN; i++)
        mem[i] = cfg->have_mem_init ? cfg->mem_init[i] : (uint8_t)(i * 7 + 3);
    for (unsigned i = 0; i < JD_RO_LEN; i++)
        ro[i] = (uint8_t)(0xa0 + i);
    for (unsigned i = 0; i < sizeof o->pool; i++)
        pool[i] = (uint8_t)(i ^ 0x5a);
    for (unsigned i = 0; i < sizeof o->pool24; i++)
        pool24[i] = (uint8_t)(i + 0x40);
    memset(jd_area.ctxmem, 0, sizeof jd_area.ctxmem);
    struct jd_user u = {.out = o, .next = next, .mem = mem, .ctx_w = o->ctx_w};
    struct vm_run *run = &jd_area.run;
    vm_run_init(run, vm);
    run->user = &u;
    run->on_call = cfg->no_on_call ? NULL : jd_on_call;
    run->args[0] = (uintptr_t)mem;
    run->args[1] = JD_MEM_LEN;
    vm_run_add_region(run, mem, JD_MEM_LEN, VM_REGION_RW, 0, "mem");
    if (!cfg->no_regions) {
        vm_run_add_region(run, ro, JD_RO_LEN, VM_REGION_READ, 0, "ro");
        struct vm_region pr = {.start = (uintptr_t)pool, .end = (uintptr_t)pool + sizeof o->pool,
                               .flags = VM_REGION_RW, .elem_size = JD_POOL_STRIDE,
                               .elem_len = JD_POOL_LEN, .name = "pool"};
        vm_run_add_region_desc(run, &pr);
        struct vm_region p24 = {.start = (uintptr_t)pool24,
                                .end = (uintptr_t)pool24 + sizeof o->pool24,
                                .flags = VM_REGION_RW, .elem_size = 24, .elem_len = 20,
                                .name = "pool24"};
        vm_run_add_region_desc(run, &p24);
        struct vm_region cr = {.start = (uintptr_t)jd_area.ctxmem,
                               .end = (uintptr_t)jd_area.ctxmem + sizeof jd_area.ctxmem,
                               .flags = VM_REGION_RW | VM_REGION_CTX, .name = "ctx",
                               .ctx_access = jd_ctx_access};
        vm_run_add_region_desc(run, &cr);
    }
    unsigned repeat = cfg->repeat ? cfg->repeat : 1;
    for (unsigned i = 0; i < repeat; i++) {
        o->rc = vm_run_exec(run);
        if (o->rc)
            break;
    }
    o->r0 = run->r0;
    o->insns = run->insns_executed;
    snprintf(o->msg, sizeof o->msg, "%s", o->rc ? run->errmsg : "");
    memcpy(o->mem, mem, JD_MEM_LEN);
    memcpy(o->ro, ro, JD_RO_LEN);
    memcpy(o->pool, pool, sizeof o->pool);
    memcpy(o->pool24, pool24, sizeof o->pool24);
    vm_destroy(vm);
    vm_destroy(next);
    return 0;
}

static uint64_t jd_pool_base(void) { return (uintptr_t)jd_area.pool; }

/* The ctx region's address (the same in every run). */
static inline uint64_t jd_ctx_addr(void) { return (uintptr_t)jd_area.ctxmem; }
static inline uint64_t jd_ro_addr(void) { return (uintptr_t)jd_area.ro; }
static inline uint64_t jd_pool_addr(void) { return (uintptr_t)jd_area.pool; }
static inline uint64_t jd_pool24_addr(void) { return (uintptr_t)jd_area.pool24; }
static inline uint64_t jd_mem_addr(void) { return (uintptr_t)jd_area.mem; }

/* Compare two outcomes; on a difference writes what differs to why. */
static bool jd_same(const struct jd_out *a, const struct jd_out *b, char *why, size_t len)
{
    if (a->rc != b->rc) {
        snprintf(why, len, "rc %d vs %d (%.200s | %.200s)", a->rc, b->rc, a->msg, b->msg);
        return false;
    }
    if (!a->rc && a->r0 != b->r0) {
        snprintf(why, len, "r0 0x%llx vs 0x%llx", (unsigned long long)a->r0,
                 (unsigned long long)b->r0);
        return false;
    }
    if (strcmp(a->msg, b->msg) != 0) {
        snprintf(why, len, "message '%.200s' vs '%.200s'", a->msg, b->msg);
        return false;
    }
    if (a->insns != b->insns) {
        snprintf(why, len, "insns_executed %llu vs %llu", (unsigned long long)a->insns,
                 (unsigned long long)b->insns);
        return false;
    }
    if (memcmp(a->mem, b->mem, sizeof a->mem) != 0) {
        for (unsigned i = 0; i < sizeof a->mem; i++)
            if (a->mem[i] != b->mem[i]) {
                snprintf(why, len, "mem[%u] 0x%02x vs 0x%02x", i, a->mem[i], b->mem[i]);
                break;
            }
        return false;
    }
    if (memcmp(a->ro, b->ro, sizeof a->ro) || memcmp(a->pool, b->pool, sizeof a->pool) ||
        memcmp(a->pool24, b->pool24, sizeof a->pool24) || memcmp(a->ctx_w, b->ctx_w, sizeof a->ctx_w)) {
        snprintf(why, len, "region contents differ (ro/pool/pool24/ctx)");
        return false;
    }
    if (a->ncalls != b->ncalls || a->calls_overflow != b->calls_overflow) {
        snprintf(why, len, "%u helper calls vs %u", a->ncalls, b->ncalls);
        return false;
    }
    for (unsigned i = 0; i < a->ncalls; i++)
        if (memcmp(&a->calls[i], &b->calls[i], sizeof a->calls[i]) != 0) {
            snprintf(why, len, "helper call %u (#%u) differs", i, a->calls[i].id);
            return false;
        }
    return true;
}

/* interpreter vs JIT; true when they agree (why says how they differ) */
static bool jd_compare(const struct bpf_insn *insns, size_t n, const struct jd_cfg *cfg,
                       struct jd_out *interp, char *why, size_t len)
{
    static struct jd_out jo;
    char err[VM_ERR_LEN];
    if (jd_run(insns, n, cfg, false, interp, err, sizeof err)) {
        snprintf(why, len, "load: %s", err);
        return false;
    }
    if (jd_run(insns, n, cfg, true, &jo, err, sizeof err)) {
        snprintf(why, len, "jit load: %s", err);
        return false;
    }
    return jd_same(interp, &jo, why, len);
}

#endif

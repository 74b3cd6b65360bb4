/* tests/unit/test_trace.c - tracing programs on synthetic events
 * (helpers/trace_run.c and friends): the context rules checked mode
 * enforces, the probe reads' kernel semantics (faults zero the buffer,
 * -ERANGE for user addresses read as kernel memory, the _str lengths and
 * truncation), the task identity per event, tracepoint format files (and
 * the shipped ones against the host's tracefs: SKIP without it), and
 * soundness: the accepted tracing corpus programs run on random events in
 * the checked interpreter, trusted, and through the JIT (trusted and
 * checked), without faults and with the same results. */
#include <criterion/criterion.h>

#include "helpers/helpers.h"
#include "jit/jit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CORPUS "../corpus/build/"

/* An environment of one program written in kernel-syntax assembly. */
struct tenv {
    struct vm_object *obj;
    struct helper_env *env;
    struct helper_prog *prog;
};

static void tenv_asm(struct tenv *t, uint32_t type, const char *text, bool verify)
{
    char err[512];
    struct vm_prog *p;
    cr_assert_eq(vm_asm(text, strlen(text), "t", &p, err, sizeof err), 0, "%s", err);
    cr_assert_eq(vm_object_from_prog(p, type, "t", "t", &t->obj, err, sizeof err), 0, "%s", err);
    vm_prog_free(p);
    struct helper_env_opts eo = {.ncpus = 1};
    cr_assert_eq(helper_env_create(t->obj, &eo, &t->env, err, sizeof err), 0, "%s", err);
    t->prog = helper_env_prog(t->env, "t");
    cr_assert_not_null(t->prog);
    if (verify) {
        cr_assert_eq(helper_env_verify(t->env, 0, err, sizeof err), 0, "%s", err);
        cr_assert(helper_prog_verdict(t->prog)->accepted, "%s", helper_prog_verdict(t->prog)->error);
    }
}

static void tenv_free(struct tenv *t)
{
    helper_env_destroy(t->env);
    vm_object_free(t->obj);
}

static int run_ev(struct tenv *t, const struct helper_trace_event *ev, uint32_t *ret, char *err,
                  size_t errlen)
{
    struct helper_test_run tr = {.repeat = 1};
    int rc = helper_trace_run(t->prog, ev, &tr, err, errlen);
    *ret = tr.retval;
    helper_test_run_free(&tr);
    return rc;
}

/* ------------------------------------------------------------ contexts */

Test(trace_ctx, checked_runs_enforce_the_kernels_rules)
{
    static const struct {
        uint32_t type;
        const char *text, *fault; /* NULL: runs, r0 = 0x1122 */
    } cases[] = {
        {BPF_PROG_TYPE_TRACEPOINT, "r0 = *(u16 *)(r1 +16)\nexit\n", NULL},
        {BPF_PROG_TYPE_TRACEPOINT, "r0 = *(u64 *)(r1 +0)\nexit\n", "offset 8"},
        {BPF_PROG_TYPE_TRACEPOINT, "r0 = *(u32 *)(r1 +18)\nexit\n", "naturally aligned"},
        {BPF_PROG_TYPE_TRACEPOINT, "r2 = 1\n*(u64 *)(r1 +16) = r2\nr0 = 0\nexit\n", "read-only"},
        {BPF_PROG_TYPE_TRACEPOINT, "r0 = *(u64 *)(r1 +8192)\nexit\n", "not inside any memory"},
        {BPF_PROG_TYPE_KPROBE, "r0 = *(u64 *)(r1 +112)\nexit\n", NULL}, /* di */
        {BPF_PROG_TYPE_KPROBE, "r0 = *(u64 *)(r1 +168)\nexit\n", "not inside any memory"},
        {BPF_PROG_TYPE_KPROBE, "r2 = 1\n*(u32 *)(r1 +0) = r2\nr0 = 0\nexit\n", "read-only"},
        {BPF_PROG_TYPE_RAW_TRACEPOINT, "r0 = *(u64 *)(r1 +8)\nexit\n", NULL},
        {BPF_PROG_TYPE_RAW_TRACEPOINT, "r0 = *(u64 *)(r1 +96)\nexit\n", "not inside any memory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tenv t;
        tenv_asm(&t, cases[i].type, cases[i].text, false);
        uint8_t ctx[168] = {0};
        uint64_t v = 0x1122;
        if (cases[i].type == BPF_PROG_TYPE_TRACEPOINT)
            memcpy(ctx + 16, &v, 8);
        else if (cases[i].type == BPF_PROG_TYPE_KPROBE)
            memcpy(ctx + 112, &v, 8);
        else
            memcpy(ctx + 8, &v, 8);
        size_t size = cases[i].type == BPF_PROG_TYPE_RAW_TRACEPOINT ? 96 : sizeof ctx;
        struct helper_trace_event ev = {.ctx = ctx, .ctx_size = size};
        char err[512] = "";
        uint32_t ret;
        int rc = run_ev(&t, &ev, &ret, err, sizeof err);
        if (!cases[i].fault) {
            cr_expect_eq(rc, 0, "case %zu: %s", i, err);
            cr_expect_eq(ret, 0x1122, "case %zu", i);
        } else {
            cr_expect_lt(rc, 0, "case %zu ran", i);
            cr_expect(strstr(err, cases[i].fault) != NULL, "case %zu: %s", i, err);
        }
        tenv_free(&t);
    }
}

Test(trace_ctx, events_are_refused_for_other_types_and_oversized)
{
    struct tenv t;
    tenv_asm(&t, BPF_PROG_TYPE_XDP, "r0 = 2\nexit\n", false);
    struct helper_trace_event ev = {0};
    char err[512];
    uint32_t ret;
    cr_expect_eq(run_ev(&t, &ev, &ret, err, sizeof err), -EINVAL);
    cr_expect(strstr(err, "runs on packets, not events") != NULL, "%s", err);
    tenv_free(&t);
    tenv_asm(&t, BPF_PROG_TYPE_KPROBE, "r0 = 0\nexit\n", false);
    uint8_t big[200] = {0};
    ev.ctx = big;
    ev.ctx_size = sizeof big;
    cr_expect_eq(run_ev(&t, &ev, &ret, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "the event's context is 200 bytes, a kprobe's at most 168");
    /* the kernel cannot test-run kprobes: helper_test_run says so */
    struct helper_test_run tr = {0};
    cr_expect_eq(helper_test_run(t.prog, &tr, err, sizeof err), -ENOTSUP);
    helper_test_run_free(&tr);
    tenv_free(&t);
}

Test(trace_ctx, raw_tp_test_run_takes_only_args)
{
    struct tenv t;
    tenv_asm(&t, BPF_PROG_TYPE_RAW_TRACEPOINT, "r0 = *(u64 *)(r1 +8)\nr0 += 1\nexit\n", true);
    uint64_t args[2] = {7, 41};
    struct helper_test_run tr = {.ctx_in = args, .ctx_size_in = sizeof args};
    char err[512];
    cr_expect_eq(helper_test_run(t.prog, &tr, err, sizeof err), 0, "%s", err);
    cr_expect_eq(tr.retval, 42);
    helper_test_run_free(&tr);
    uint8_t pkt[20] = {0};
    struct helper_test_run bad = {.data_in = pkt, .data_size_in = sizeof pkt};
    cr_expect_eq(helper_test_run(t.prog, &bad, err, sizeof err), -EINVAL);
    uint64_t many[13] = {0};
    struct helper_test_run bad2 = {.ctx_in = many, .ctx_size_in = sizeof many};
    cr_expect_eq(helper_test_run(t.prog, &bad2, err, sizeof err), -EINVAL);
    cr_expect(strstr(err, "at most 12") != NULL, "%s", err);
    tenv_free(&t);
}

/* ---------------------------------------------------------- probe reads */

/* Call probe helper `helper` on a 16-byte stack buffer filled with 0xaa
 * (what a failed read zeroes is visible), reading from raw tracepoint
 * argument 0; argument 1 selects what the program returns: the helper's
 * result (0), the buffer's bytes 0..7 (1) or 8..15 (2). */
static int64_t probe(uint32_t helper, uint64_t size, uint64_t addr,
                     const struct helper_trace_mem *mem, size_t n_mem, uint8_t out[16])
{
    char text[1024];
    snprintf(text, sizeof text,
             "r6 = r1\n"
             "r2 = 0xaaaaaaaaaaaaaaaa ll\n"
             "*(u64 *)(r10 -16) = r2\n"
             "*(u64 *)(r10 -8) = r2\n"
             "r1 = r10\n"
             "r1 += -16\n"
             "r2 = %llu\n"
             "r3 = *(u64 *)(r6 +0)\n"
             "call %u\n"
             "r8 = *(u64 *)(r6 +8)\n"
             "if r8 == 1 goto +2\n"
             "if r8 == 2 goto +3\n"
             "exit\n"
             "r0 = *(u64 *)(r10 -16)\n"
             "exit\n"
             "r0 = *(u64 *)(r10 -8)\n"
             "exit\n",
             (unsigned long long)size, helper);
    /* the three views: r0 (selector 0), bytes 0..7 (1), bytes 8..15 (2) */
    int64_t rc = 0;
    for (uint64_t sel = 0; sel < 3; sel++) {
        struct tenv t;
        tenv_asm(&t, BPF_PROG_TYPE_RAW_TRACEPOINT, text, false);
        uint64_t args[2] = {addr, sel};
        struct helper_trace_event ev = {.ctx = args, .ctx_size = sizeof args, .mem = mem,
                                        .n_mem = n_mem};
        char err[512];
        struct helper_test_run tr = {.repeat = 1};
        cr_assert_eq(helper_trace_run(t.prog, &ev, &tr, err, sizeof err), 0, "%s", err);
        helper_test_run_free(&tr);
        /* r0 is 64-bit; retval keeps the low half: enough for these tests */
        if (sel == 0)
            rc = (int32_t)tr.retval;
        else
            memcpy(out + 8 * (sel - 1), &tr.retval, 4);
        tenv_free(&t);
    }
    return rc;
}

Test(trace_probe, reads_follow_the_kernel)
{
    static const uint8_t user[] = "hello";                   /* 6 bytes with the NUL */
    static const uint8_t kern[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    static const uint8_t nonul[] = {'a', 'b', 'c'};
    const struct helper_trace_mem mem[] = {
        {0x7fff0000, user, sizeof user},
        {0xffff888000000000ull, kern, sizeof kern},
        {0x7fff1000, nonul, sizeof nonul},
    };
    uint8_t b[16];
    /* probe_read_user: the bytes; an unmapped tail fails whole, zeroed */
    cr_expect_eq(probe(BPF_FUNC_probe_read_user, 6, 0x7fff0000, mem, 3, b), 0);
    cr_expect_eq(memcmp(b, "hell", 4), 0);
    cr_expect_eq(probe(BPF_FUNC_probe_read_user, 8, 0x7fff0000, mem, 3, b), -EFAULT);
    cr_expect_eq(memcmp(b, "\0\0\0\0", 4), 0, "a failed read zeroes the buffer");
    cr_expect_eq(memcmp(b + 8, "\xaa\xaa\xaa\xaa", 4), 0, "only `size` bytes are zeroed");
    /* user reads of kernel addresses fail; kernel reads of user ones: -ERANGE */
    cr_expect_eq(probe(BPF_FUNC_probe_read_user, 4, 0xffff888000000000ull, mem, 3, b), -EFAULT);
    cr_expect_eq(probe(BPF_FUNC_probe_read_kernel, 4, 0xffff888000000000ull, mem, 3, b), 0);
    cr_expect_eq(b[0], 1);
    cr_expect_eq(probe(BPF_FUNC_probe_read_kernel, 4, 0x7fff0000, mem, 3, b), -ERANGE);
    cr_expect_eq(probe(BPF_FUNC_probe_read_kernel, 4, 0xffff888000001000ull, mem, 3, b), -EFAULT);
    /* the legacy helper picks by address */
    cr_expect_eq(probe(BPF_FUNC_probe_read, 4, 0x7fff0000, mem, 3, b), 0);
    cr_expect_eq(probe(BPF_FUNC_probe_read, 4, 0xffff888000000004ull, mem, 3, b), 0);
    cr_expect_eq(b[0], 5);
    /* _str: the length with the NUL; truncation to size - 1 and a NUL */
    cr_expect_eq(probe(BPF_FUNC_probe_read_user_str, 16, 0x7fff0000, mem, 3, b), 6);
    cr_expect_eq(memcmp(b, "hell", 4), 0);
    cr_expect_eq(probe(BPF_FUNC_probe_read_user_str, 3, 0x7fff0000, mem, 3, b), 3);
    cr_expect_eq(memcmp(b, "he\0\xaa", 4), 0, "truncated: the last byte is the NUL");
    cr_expect_eq(probe(BPF_FUNC_probe_read_user_str, 0, 0x7fff0000, mem, 3, b), 0);
    /* a string running into unmapped memory: -EFAULT, zeroed */
    cr_expect_eq(probe(BPF_FUNC_probe_read_user_str, 16, 0x7fff1000, mem, 3, b), -EFAULT);
    cr_expect_eq(memcmp(b, "\0\0\0\0", 4), 0);
    /* ... unless the size ends it first */
    cr_expect_eq(probe(BPF_FUNC_probe_read_user_str, 3, 0x7fff1000, mem, 3, b), 3);
    cr_expect_eq(memcmp(b, "ab\0", 3), 0);
    cr_expect_eq(probe(BPF_FUNC_probe_read_kernel_str, 16, 0x7fff0000, mem, 3, b), -ERANGE);
    cr_expect_eq(probe(BPF_FUNC_probe_read_str, 16, 0x7fff0000, mem, 3, b), 6);
    /* no memory at all (any packet program): everything faults */
    cr_expect_eq(probe(BPF_FUNC_probe_read_kernel, 4, 0xffff888000000000ull, NULL, 0, b), -EFAULT);
}

/* The program's own memory (here its stack) is kernel memory: kernel and
 * legacy reads of it work, user reads fail. */
Test(trace_probe, own_memory_is_kernel_memory)
{
    static const struct {
        uint32_t helper;
        int32_t rc;
    } cases[] = {
        {BPF_FUNC_probe_read_kernel, 0}, {BPF_FUNC_probe_read, 0},
        {BPF_FUNC_probe_read_user, -EFAULT}, {BPF_FUNC_probe_read_kernel_str, 8},
        {BPF_FUNC_probe_read_user_str, -EFAULT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "r1 = 0x0011223344556677 ll\n*(u64 *)(r10 -32) = r1\n"
                 "r1 = 0\n*(u64 *)(r10 -24) = r1\n"
                 "r1 = r10\nr1 += -16\nr2 = 16\nr3 = r10\nr3 += -32\ncall %u\n"
                 "r6 = r0\nr0 = *(u64 *)(r10 -16)\nif r6 == 0 goto +1\nr0 = r6\nexit\n",
                 cases[i].helper);
        struct tenv t;
        tenv_asm(&t, BPF_PROG_TYPE_KPROBE, text, i % 2 == 0);
        struct helper_trace_event ev = {0};
        char err[512];
        struct helper_test_run tr = {.repeat = 1};
        cr_assert_eq(helper_trace_run(t.prog, &ev, &tr, err, sizeof err), 0, "%s", err);
        if (cases[i].rc == 0)
            cr_expect_eq(tr.retval, 0x44556677u, "case %zu: 0x%x", i, tr.retval);
        else
            cr_expect_eq((int32_t)tr.retval, cases[i].rc, "case %zu: %d", i, (int32_t)tr.retval);
        helper_test_run_free(&tr);
        tenv_free(&t);
    }
}

Test(trace_probe, task_identity_is_the_events)
{
    struct tenv t;
    tenv_asm(&t, BPF_PROG_TYPE_KPROBE,
             "call 14\nr6 = r0\ncall 15\nr0 += r6\nr6 = r0\n"
             "r1 = r10\nr1 += -16\nr2 = 16\ncall 16\nr0 = *(u64 *)(r10 -16)\nr0 += r6\nexit\n",
             true);
    struct helper_task task = {.pid = 10, .tgid = 20, .uid = 30, .gid = 40, .comm = "abc"};
    struct helper_trace_event ev = {.task = &task};
    char err[512];
    struct helper_test_run tr = {.repeat = 1};
    cr_assert_eq(helper_trace_run(t.prog, &ev, &tr, err, sizeof err), 0, "%s", err);
    /* low halves: pid + uid + "abc" */
    cr_expect_eq(tr.retval, 10u + 30u + ('a' | 'b' << 8 | 'c' << 16));
    helper_test_run_free(&tr);
    tenv_free(&t);
}

Test(trace_probe, attach_cookie_task_pointer_and_cgroup)
{
    struct tenv t;
    tenv_asm(&t, BPF_PROG_TYPE_TRACEPOINT,
             "r6 = r1\ncall 35\nr7 = r0\nr1 = r6\ncall 174\nr0 += r7\nr7 = r0\n"
             "call 80\nr0 += r7\nexit\n", true);
    struct helper_task task = {.pid = 1, .ptr = 0xffff888000000100ull, .cgroup_id = 0x1000};
    struct helper_trace_event ev = {.task = &task, .cookie = 0x23};
    char err[512];
    struct helper_test_run tr = {.repeat = 1};
    cr_assert_eq(helper_trace_run(t.prog, &ev, &tr, err, sizeof err), 0, "%s", err);
    cr_expect_eq(tr.retval, 0x1123);
    helper_test_run_free(&tr);
    /* defaults: no cookie, the fixed task address */
    struct helper_trace_event none = {0};
    struct helper_test_run tr2 = {.repeat = 1};
    cr_assert_eq(helper_trace_run(t.prog, &none, &tr2, err, sizeof err), 0, "%s", err);
    cr_expect_eq(tr2.retval, (uint32_t)HELPER_TASK_PTR + 1, "the root cgroup is 1");
    helper_test_run_free(&tr2);
    tenv_free(&t);
}

/* ------------------------------------------------------------- formats */

Test(trace_format, parses_the_tracefs_syntax)
{
    struct helper_tp_format f;
    char err[256];
    cr_assert_eq(helper_tp_format_load("../corpus/tracepoints/syscalls/sys_enter_kill.format", &f,
                                       err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(f.name, "sys_enter_kill");
    cr_expect_eq(f.n, 7);
    cr_expect_eq(f.size, 32);
    const struct helper_tp_field *p = helper_tp_format_field(&f, "pid");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->type, "pid_t");
    cr_expect_eq(p->offset, 16);
    cr_expect_eq(p->size, 8);
    cr_expect(!p->is_signed);
    cr_expect(helper_tp_format_field(&f, "common_pid")->common);
    cr_expect(helper_tp_format_field(&f, "common_pid")->is_signed);
    helper_tp_format_free(&f);

    cr_assert_eq(helper_tp_format_parse("format:\n\tfield:char comm[16];\toffset:8;\tsize:16;\t"
                                        "signed:0;\n\tfield:__data_loc char[] name;\toffset:24;\t"
                                        "size:4;\tsigned:0;\n", &f, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(f.fields[0].name, "comm");
    cr_expect_str_eq(f.fields[0].type, "char");
    cr_expect(f.fields[0].array);
    cr_expect(!f.fields[1].array);
    cr_expect_str_eq(f.fields[1].name, "name");
    cr_expect_str_eq(f.fields[1].type, "__data_loc char[]");
    helper_tp_format_free(&f);

    static const struct {
        const char *text, *err;
    } bad[] = {
        {"format:\n\tfield:int a;\toffset:8;\n", "line 2: field a: expected 'offset:N; size:N;'"},
        {"field:int a;\toffset:8;\tsize:4;\nfield:int a;\toffset:12;\tsize:4;\n",
         "line 2: field a given twice"},
        {"field:int a;\toffset:8190;\tsize:4;\n", "line 1: field a: offset 8190 size 4 outside"},
        {"hello\n", "line 1: expected name:, ID:, format:, field: or print fmt:"},
        {"name: x\n", "no field: lines"},
        {"field:;\toffset:8;\tsize:4;\n", "line 1: field: expected 'field:TYPE NAME;'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(helper_tp_format_parse(bad[i].text, &f, err, sizeof err), -EINVAL, "%zu", i);
        cr_expect(strstr(err, bad[i].err) != NULL, "case %zu: %s", i, err);
    }
}

/* The formats the corpus ships are the kernel's: compared field by field
 * with tracefs's when this machine has it. */
Test(trace_format, shipped_formats_match_the_host)
{
    static const char *const tps[] = {"syscalls/sys_enter_kill", "sched/sched_process_exec"};
    for (size_t i = 0; i < sizeof tps / sizeof tps[0]; i++) {
        struct helper_tp_format host, ours;
        char err[512], path[256];
        if (helper_tp_format_host(tps[i], &host, err, sizeof err)) {
            printf("SKIP: %s: the host's format is not readable (%s)\n", tps[i], err);
            continue;
        }
        snprintf(path, sizeof path, "../corpus/tracepoints/%s.format", tps[i]);
        cr_assert_eq(helper_tp_format_load(path, &ours, err, sizeof err), 0, "%s", err);
        cr_expect_eq(ours.n, host.n, "%s: %zu fields, the host's %zu", tps[i], ours.n, host.n);
        for (size_t k = 0; k < ours.n && k < host.n; k++) {
            const struct helper_tp_field *a = &ours.fields[k], *b = &host.fields[k];
            cr_expect(!strcmp(a->name, b->name) && !strcmp(a->type, b->type) &&
                          a->offset == b->offset && a->size == b->size &&
                          a->is_signed == b->is_signed,
                      "%s field %zu: ours %s %s @%u/%u, the host's %s %s @%u/%u", tps[i], k,
                      a->type, a->name, a->offset, a->size, b->type, b->name, b->offset, b->size);
        }
        helper_tp_format_free(&host);
        helper_tp_format_free(&ours);
    }
}

/* The member offsets of struct `name` in the running kernel's BTF
 * (/sys/kernel/btf/vmlinux): a small reader of the BTF type section, enough
 * to find a struct by name. Returns the member count (0: not found or no
 * BTF), names into names[i] (static storage of the loaded file). */
#define BTF_MAX_MEMBERS 16
static unsigned kernel_struct(const char *name, const char *names[], uint32_t offs[])
{
    static uint8_t *btf;
    static size_t len;
    if (!btf) {
        FILE *f = fopen("/sys/kernel/btf/vmlinux", "rb");
        if (!f)
            return 0;
        size_t cap = 1 << 20;
        btf = malloc(cap);
        size_t n;
        while (btf && (n = fread(btf + len, 1, cap - len, f)) > 0)
            if ((len += n) == cap)
                btf = realloc(btf, cap *= 2);
        fclose(f);
        if (!btf)
            return 0;
    }
    struct {
        uint16_t magic;
        uint8_t version, flags;
        uint32_t hdr_len, type_off, type_len, str_off, str_len;
    } h;
    if (len < sizeof h)
        return 0;
    memcpy(&h, btf, sizeof h);
    if (h.magic != 0xeB9F)
        return 0;
    const uint8_t *types = btf + h.hdr_len + h.type_off;
    const char *strs = (const char *)btf + h.hdr_len + h.str_off;
    for (size_t p = 0; p + 12 <= h.type_len;) {
        uint32_t t[3];
        memcpy(t, types + p, 12);
        unsigned kind = (t[1] >> 24) & 0x1f, vlen = t[1] & 0xffff;
        bool kflag = t[1] >> 31;
        p += 12;
        /* the bytes after the header, per kind (include/uapi/linux/btf.h) */
        size_t extra = kind == 1 || kind == 14 || kind == 17 ? 4 : kind == 3 ? 12
                       : kind == 4 || kind == 5 ? vlen * 12u : kind == 6 || kind == 13 ? vlen * 8u
                       : kind == 15 ? vlen * 12u : kind == 19 ? vlen * 12u : 0;
        if ((kind == 4) && !strcmp(strs + t[0], name)) {
            unsigned n = 0;
            for (unsigned i = 0; i < vlen && n < BTF_MAX_MEMBERS; i++, n++) {
                uint32_t m[3];
                memcpy(m, types + p + 12 * i, 12);
                names[n] = strs + m[0];
                offs[n] = (kflag ? m[2] & 0xffffff : m[2]) / 8;
            }
            return n;
        }
        p += extra;
    }
    return 0;
}

/* Without tracefs, the running kernel's BTF still has the records'
 * structs: the shipped formats' offsets against them. */
Test(trace_format, shipped_formats_match_the_kernels_btf)
{
    const char *names[BTF_MAX_MEMBERS];
    uint32_t offs[BTF_MAX_MEMBERS];
    unsigned n = kernel_struct("trace_entry", names, offs);
    if (!n) {
        printf("SKIP: no kernel BTF (/sys/kernel/btf/vmlinux): the shipped formats are not "
               "checked against it\n");
        return;
    }
    struct helper_tp_format f;
    char err[256];
    /* the common header: struct trace_entry {type, flags, preempt_count, pid} */
    cr_assert_eq(helper_tp_format_load("../corpus/tracepoints/syscalls/sys_enter_kill.format", &f,
                                       err, sizeof err), 0, "%s", err);
    cr_assert_eq(n, 4);
    static const char *const common[] = {"common_type", "common_flags", "common_preempt_count",
                                         "common_pid"};
    for (unsigned i = 0; i < 4; i++)
        cr_expect_eq(helper_tp_format_field(&f, common[i])->offset, offs[i], "%s", common[i]);
    /* syscall entry records: struct syscall_trace_enter {ent, nr, args[]} */
    n = kernel_struct("syscall_trace_enter", names, offs);
    cr_assert_eq(n, 3);
    cr_expect_eq(helper_tp_format_field(&f, "__syscall_nr")->offset, offs[1]);
    cr_expect_eq(helper_tp_format_field(&f, "pid")->offset, offs[2]);
    cr_expect_eq(helper_tp_format_field(&f, "sig")->offset, offs[2] + 8);
    helper_tp_format_free(&f);
    /* struct trace_event_raw_sched_process_exec {ent, __data_loc_filename, pid, old_pid} */
    cr_assert_eq(helper_tp_format_load("../corpus/tracepoints/sched/sched_process_exec.format", &f,
                                       err, sizeof err), 0, "%s", err);
    n = kernel_struct("trace_event_raw_sched_process_exec", names, offs);
    cr_assert_geq(n, 4);
    cr_expect_str_eq(names[1], "__data_loc_filename");
    cr_expect_eq(helper_tp_format_field(&f, "filename")->offset, offs[1]);
    cr_expect_eq(helper_tp_format_field(&f, "pid")->offset, offs[2]);
    cr_expect_eq(helper_tp_format_field(&f, "old_pid")->offset, offs[3]);
    helper_tp_format_free(&f);
}

/* ----------------------------------------------------------- soundness */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

struct recs {
    uint8_t buf[8192];
    size_t len;
};

static int rec_cb(void *ctx, const void *data, size_t size)
{
    struct recs *r = ctx;
    if (r->len + size + 4 <= sizeof r->buf) {
        uint32_t s = (uint32_t)size;
        memcpy(r->buf + r->len, &s, 4);
        memcpy(r->buf + r->len + 4, data, size);
        r->len += size + 4;
    }
    return 0;
}

static void drain(struct helper_env *env, struct recs *r)
{
    r->len = 0;
    for (uint32_t i = 0; i < helper_env_map_count(env); i++) {
        const char *name;
        struct maps_map *m = helper_env_map_at(env, i, &name);
        if (m && maps_get_attr(m)->type == BPF_MAP_TYPE_RINGBUF)
            maps_ringbuf_consume(m, rec_cb, r);
        else if (m && maps_get_attr(m)->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
            maps_perf_consume(m, rec_cb, r);
    }
}

/* Checked interpreter, trusted interpreter, trusted JIT, checked JIT. */
#define N_MODES 4
static struct helper_env *open_mode(struct vm_object *obj, int mode, const char *name,
                                    struct helper_prog **prog)
{
    char err[512];
    struct helper_env_opts eo = {.ncpus = 1, .jit = mode >= 2 ? JIT_CHECKED : 0};
    struct helper_env *env;
    cr_assert_eq(helper_env_create(obj, &eo, &env, err, sizeof err), 0, "%s", err);
    *prog = helper_env_prog(env, name);
    if (mode == 1 || mode == 2) {
        cr_assert_eq(helper_env_verify(env, 0, err, sizeof err), 0, "%s", err);
        cr_assert(helper_prog_verdict(*prog)->accepted, "%s: %s", name,
                  helper_prog_verdict(*prog)->error);
    }
    return env;
}

Test(trace_soundness, corpus_tracing_programs_agree_on_random_events, .timeout = 300)
{
    static const char *const objs[] = {"trace_kill", "kprobe_open", "rawtp_syscalls", "tp_exec"};
    unsigned runs = 0;
    for (size_t o = 0; o < sizeof objs / sizeof objs[0]; o++) {
        char path[256], err[512];
        snprintf(path, sizeof path, CORPUS "%s.o", objs[o]);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f, "%s: make -C corpus", path);
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        struct vm_object *obj;
        cr_assert_eq(vm_object_load_elf(buf, n, objs[o], &obj, err, sizeof err), 0, "%s", err);
        const char *name = obj->progs[0].name;
        struct helper_prog *p[N_MODES];
        struct helper_env *env[N_MODES];
        for (int m = 0; m < N_MODES; m++)
            env[m] = open_mode(obj, m, name, &p[m]);
        uint64_t seed = 0x9e3779b97f4a7c15ull + o;
        for (unsigned i = 0; i < 300; i++) {
            uint8_t ctx[168];
            for (size_t k = 0; k < sizeof ctx; k += 8) {
                uint64_t v = rnd(&seed);
                /* small values, pointers into the memory below, or anything */
                v = v % 3 == 0 ? v % 64 : v % 3 == 1 ? 0x7fff0000 + v % 40 : v;
                memcpy(ctx + k, &v, 8);
            }
            char text[48];
            size_t tl = rnd(&seed) % sizeof text;
            for (size_t k = 0; k < tl; k++)
                text[k] = (char)(rnd(&seed) % 5 ? 'a' + rnd(&seed) % 26 : 0);
            struct helper_trace_mem mem = {0x7fff0000, (const uint8_t *)text, tl ? tl : 1};
            struct helper_task task = {.pid = (uint32_t)rnd(&seed), .tgid = 7, .uid = 1000};
            size_t cs = helper_trace_ctx_size(helper_prog_type(p[0]));
            struct helper_trace_event ev = {.ctx = ctx, .ctx_size = cs < sizeof ctx ? cs : sizeof ctx,
                                            .task = &task, .now_ns = 1000 + i, .mem = &mem,
                                            .n_mem = 1};
            uint32_t ret[N_MODES];
            struct recs *r = calloc(N_MODES, sizeof *r);
            for (int m = 0; m < N_MODES; m++) {
                struct helper_test_run tr = {.repeat = 1};
                int rc = helper_trace_run(p[m], &ev, &tr, err, sizeof err);
                cr_assert_eq(rc, 0, "%s mode %d event %u: %s", objs[o], m, i, err);
                ret[m] = tr.retval;
                helper_test_run_free(&tr);
                drain(env[m], &r[m]);
            }
            for (int m = 1; m < N_MODES; m++) {
                cr_expect_eq(ret[m], ret[0], "%s event %u: mode %d returned %u, checked %u",
                             objs[o], i, m, ret[m], ret[0]);
                cr_expect(r[m].len == r[0].len && !memcmp(r[m].buf, r[0].buf, r[0].len),
                          "%s event %u: mode %d records differ", objs[o], i, m);
            }
            free(r);
            runs++;
        }
        for (int m = 0; m < N_MODES; m++)
            helper_env_destroy(env[m]);
        vm_object_free(obj);
    }
    printf("trace soundness: %u events x %d engines, no faults\n", runs, N_MODES);
}

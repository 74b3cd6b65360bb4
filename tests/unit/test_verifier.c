/* tests/unit/test_verifier.c - the verifier suite (tests/verifier/NAME.s, format
 * in verifier_suite.h): every program through verifier_check, the verdict,
 * the kernel's error lines and errno as the file states them; plus direct
 * tests of the verifier's building blocks (tnum arithmetic, log format). */
#include <criterion/criterion.h>

#include "tests/unit/verifier_suite.h"

#include <stdlib.h>
#include <string.h>

static const char *suite_dir(void)
{
    const char *d = getenv("VERIFIER_SUITE");
    return d ? d : "verifier";
}

/* Check one case; "" when it passes, else what is wrong (static buffer). */
static const char *check_case(const struct vsuite_case *c, int log_level)
{
    static char why[2048];
    struct verifier_opts o;
    struct verifier_result r;
    vsuite_opts(c, &o, log_level);
    int rc = verifier_check(c->prog, &o, &r);
    why[0] = '\0';
    char tail[1024];
    vsuite_log_tail(r.log, 3, tail, sizeof(tail));
    if (c->expect_accept) {
        if (!r.accepted || rc)
            snprintf(why, sizeof(why), "expected accept, got reject (%s): %s\n  log tail:\n%s",
                     vsuite_errno_name(-rc), r.error, tail);
    } else if (r.accepted) {
        snprintf(why, sizeof(why), "expected reject (%s), got accept",
                 c->n_errors ? c->errors[0] : vsuite_errno_name(c->expect_errno));
    } else if (c->n_errors && strcmp(r.error, c->errors[0])) {
        snprintf(why, sizeof(why), "error line\n  expected: %s\n  got:      %s", c->errors[0],
                 r.error);
    } else if (log_level && c->n_errors &&
               !vsuite_log_has_lines(r.log, c->errors, c->n_errors)) {
        snprintf(why, sizeof(why), "the log lacks the error lines; its tail:\n%s", tail);
    } else if (log_level && !c->n_errors && r.log_len) {
        snprintf(why, sizeof(why), "the kernel's log is empty here, ours has:\n%s", tail);
    } else if (c->expect_errno && -rc != c->expect_errno) {
        snprintf(why, sizeof(why), "errno %s, expected %s", vsuite_errno_name(-rc),
                 vsuite_errno_name(c->expect_errno));
    }
    verifier_result_free(&r);
    return why;
}

Test(verifier_suite, every_program)
{
    unsigned n = 0, passed = 0, failed = 0;
    char **files = vsuite_list(suite_dir(), &n);
    cr_assert_not_null(files, "cannot read the suite directory %s", suite_dir());
    cr_assert_gt(n, 0, "no programs in %s", suite_dir());
    for (unsigned i = 0; i < n; i++) {
        char path[1024], err[512];
        snprintf(path, sizeof(path), "%s/%s", suite_dir(), files[i]);
        struct vsuite_case c;
        if (vsuite_load(path, &c, err, sizeof(err))) {
            cr_log_error("%s: bad suite file: %s", files[i], err);
            failed++;
            continue;
        }
        const char *why = check_case(&c, 1);
        if (!why[0])
            why = check_case(&c, 2); /* same verdict with the full log */
        if (!why[0])
            why = check_case(&c, 0);
        if (why[0]) {
            cr_log_error("%s: %s", files[i], why);
            failed++;
        } else {
            passed++;
        }
        vsuite_free(&c);
    }
    vsuite_list_free(files);
    cr_log_info("verifier suite: %u programs, %u passed, %u failed", n, passed, failed);
    cr_expect_eq(failed, 0, "%u of %u verifier-suite programs failed (see above)", failed, n);
}

/* Every rule has an accept side and a reject side in the suite. */
Test(verifier_suite, rules_have_both_sides)
{
    unsigned n = 0;
    char **files = vsuite_list(suite_dir(), &n);
    cr_assert_not_null(files);
    for (unsigned i = 0; i < n; i++) {
        const char *f = files[i];
        const char *acc = strstr(f, "-accept-"), *rej = strstr(f, "-reject-");
        cr_expect(acc || rej, "%s: name is not <rule>-<accept|reject>-<n>.s", f);
        if (!acc && !rej)
            continue;
        const char *cut = acc ? acc : rej;
        char other[512];
        snprintf(other, sizeof(other), "%.*s-%s-", (int)(cut - f), f, acc ? "reject" : "accept");
        bool found = false;
        for (unsigned j = 0; j < n && !found; j++)
            found = strncmp(files[j], other, strlen(other)) == 0;
        cr_expect(found, "rule of %s has no %s side", f, acc ? "reject" : "accept");
    }
    vsuite_list_free(files);
}

/* ------------------------------------------------------- log format */

static char *verify_text(const char *text, uint32_t prog_type, int level, bool *accepted)
{
    struct vm_prog *p = NULL;
    char err[VM_ERR_LEN];
    cr_assert_eq(vm_asm(text, strlen(text), "t", &p, err, sizeof(err)), 0, "%s", err);
    struct verifier_opts o;
    memset(&o, 0, sizeof(o));
    o.prog_type = prog_type;
    o.log_level = level;
    struct verifier_result r;
    verifier_check(p, &o, &r);
    vm_prog_free(p);
    *accepted = r.accepted;
    char *log = r.log;
    r.log = NULL; /* the caller's */
    verifier_result_free(&r);
    return log;
}

Test(verifier_log, level1_failing_path_as_the_kernel_prints_it)
{
    bool ok;
    char *log = verify_text("r0 = *(u32 *)(r1 +0)\nr0 &= 0xff0\nr0 += 3\nr2 = 1\n"
                            "r0 = *(u64 *)(r2 +0)\nexit\n",
                            BPF_PROG_TYPE_SOCKET_FILTER, 1, &ok);
    cr_assert(!ok);
    cr_assert_str_eq(
        log,
        "0: R1=ctx() R10=fp0\n"
        "0: (61) r0 = *(u32 *)(r1 +0)          ; R0=scalar(smin=0,smax=umax=0xffffffff,"
        "var_off=(0x0; 0xffffffff)) R1=ctx()\n"
        "1: (57) r0 &= 4080                    ; R0=scalar(smin=smin32=0,smax=umax=smax32="
        "umax32=4080,var_off=(0x0; 0xff0))\n"
        "2: (07) r0 += 3                       ; R0=scalar(smin=umin=smin32=umin32=3,smax="
        "umax=smax32=umax32=4083,var_off=(0x3; 0xff0))\n"
        "3: (b7) r2 = 1                        ; R2=1\n"
        "4: (79) r0 = *(u64 *)(r2 +0)\n"
        "R2 invalid mem access 'scalar'\n"
        "processed 5 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 "
        "mark_read 0\n");
    free(log);
}

/* Linked scalars print their delta after the id (id=1+1, id=1-7), for
 * 32-bit links too (w7 += 1 with r7's upper half zero): the kernel's log
 * for this program, since the 6.18 stable linked-register backport. */
Test(verifier_log, linked_scalar_ids_print_their_delta)
{
    bool ok;
    char *log = verify_text("call 7\nw6 = w0\nr7 = r6\nw7 += 1\nr8 = r6\nr8 -= 7\n"
                            "if r7 > 7 goto +2\nr0 = *(u64 *)(r6 +0)\nexit\nr0 = 0\nexit\n",
                            BPF_PROG_TYPE_SOCKET_FILTER, 1, &ok);
    cr_assert(!ok);
    cr_assert_str_eq(
        log,
        "0: R1=ctx() R10=fp0\n"
        "0: (85) call bpf_get_prandom_u32#7    ; R0=scalar()\n"
        "1: (bc) w6 = w0                       ; R0=scalar() R6=scalar(smin=0,smax=umax="
        "0xffffffff,var_off=(0x0; 0xffffffff))\n"
        "2: (bf) r7 = r6                       ; R6=scalar(id=1,smin=0,smax=umax=0xffffffff,"
        "var_off=(0x0; 0xffffffff)) R7=scalar(id=1,smin=0,smax=umax=0xffffffff,var_off=(0x0; "
        "0xffffffff))\n"
        "3: (04) w7 += 1                       ; R7=scalar(id=1+1,smin=0,smax=umax=0xffffffff,"
        "var_off=(0x0; 0xffffffff))\n"
        "4: (bf) r8 = r6                       ; R6=scalar(id=1,smin=0,smax=umax=0xffffffff,"
        "var_off=(0x0; 0xffffffff)) R8=scalar(id=1,smin=0,smax=umax=0xffffffff,var_off=(0x0; "
        "0xffffffff))\n"
        "5: (17) r8 -= 7                       ; R8=scalar(id=1-7,smin=-7,smax=0xfffffff8)\n"
        "6: (25) if r7 > 0x7 goto pc+2         ; R7=scalar(id=1+1,smin=smin32=0,smax=umax="
        "smax32=umax32=7,var_off=(0x0; 0x7))\n"
        "7: (79) r0 = *(u64 *)(r6 +0)\n"
        "R6 invalid mem access 'scalar'\n"
        "processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 "
        "mark_read 0\n");
    free(log);
}

/* tail_call with a map that is no prog array: the kernel's message has no
 * newline, so the statistics line follows it on the same line (a suite
 * file cannot say so: its error lines are whole lines). */
Test(verifier_log, tail_call_map_message_runs_into_the_stats_line)
{
    struct vm_prog *p = NULL;
    char err[VM_ERR_LEN];
    const char *text = "r2 = map[idx:0]\nr3 = 0\ncall 12\nr0 = 2\nexit\n";
    cr_assert_eq(vm_asm(text, strlen(text), "t", &p, err, sizeof(err)), 0, "%s", err);
    struct verifier_map maps[] = {
        {.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 4}};
    struct verifier_opts o;
    memset(&o, 0, sizeof(o));
    o.prog_type = BPF_PROG_TYPE_XDP;
    o.log_level = 1;
    o.maps = maps;
    o.n_maps = 1;
    struct verifier_result r;
    cr_assert_eq(verifier_check(p, &o, &r), -EINVAL);
    vm_prog_free(p);
    cr_assert_str_eq(r.error, "expected prog array map for tail call");
    cr_assert(strstr(r.log, "\nexpected prog array map for tail callprocessed 3 insns (limit "),
              "%s", r.log);
    verifier_result_free(&r);
}

Test(verifier_log, level1_accept_keeps_only_the_stats_line)
{
    bool ok;
    char *log = verify_text("r0 = 2\nexit\n", BPF_PROG_TYPE_XDP, 1, &ok);
    cr_assert(ok);
    cr_assert_str_eq(log, "processed 2 insns (limit 1000000) max_states_per_insn 0 total_states "
                          "0 peak_states 0 mark_read 0\n");
    free(log);
}

Test(verifier_log, numbers_decimal_in_s16_u16_range_hex_outside)
{
    bool ok;
    char *log = verify_text("r0 = 32767\nr1 = 32768\nr2 = -32768\nr3 = -32769\nw4 = -1\nexit\n",
                            BPF_PROG_TYPE_XDP, 2, &ok);
    cr_assert(ok);
    cr_assert(strstr(log, "; R0=32767\n"), "%s", log);
    cr_assert(strstr(log, "; R1=0x8000\n"), "%s", log);
    cr_assert(strstr(log, "; R2=-32768\n"), "%s", log);
    cr_assert(strstr(log, "; R3=0xffffffffffff7fff\n"), "%s", log);
    cr_assert(strstr(log, "; R4=0xffffffff\n"), "%s", log);
    free(log);
}

/* ------------------------------------------------- building blocks */

#include "verifier/verifier_int.h"

static void tn_eq(struct tnum t, uint64_t v, uint64_t m)
{
    cr_expect(t.value == v && t.mask == m, "got (0x%llx; 0x%llx), expected (0x%llx; 0x%llx)",
              (unsigned long long)t.value, (unsigned long long)t.mask, (unsigned long long)v,
              (unsigned long long)m);
}

Test(verifier_tnum, arithmetic_as_the_kernel)
{
    struct tnum x1 = {1, 2}; /* x1: 1 or 3 */
    /* 6.18's union-based multiplication over the bits of the first
     * operand (the destination): x1 * 3 is x0x1 = {3, 9}, as the kernel
     * logs `r0 *= 3` with r0 = x1; the other order is less precise */
    tn_eq(tnum_mul(x1, tnum_const(3)), 0x1, 0xa);
    tn_eq(tnum_mul(tnum_const(3), x1), 0x1, 0xe);
    tn_eq(tnum_range(3, 4083), 0x0, 0xfff);
    tn_eq(tnum_range(8, 8), 8, 0);
    tn_eq(tnum_add((struct tnum){0, 0xff0}, tnum_const(3)), 0x3, 0xff0);
    tn_eq(tnum_sub(tnum_const(0), tnum_const(1)), UINT64_MAX, 0);
    tn_eq(tnum_and((struct tnum){0, UINT64_MAX}, tnum_const(0xff0)), 0, 0xff0);
    tn_eq(tnum_or((struct tnum){0, 0xf}, tnum_const(0x10)), 0x10, 0xf);
    tn_eq(tnum_xor((struct tnum){0, 0xf}, tnum_const(0xff)), 0xf0, 0xf);
    tn_eq(tnum_lshift((struct tnum){0, 0xffffffff}, 32), 0, 0xffffffff00000000ull);
    tn_eq(tnum_arshift((struct tnum){0x80000000, 0}, 31, 32), 0xffffffff, 0);
    tn_eq(tnum_arshift(tnum_const(UINT64_MAX - 7), 2, 64), UINT64_MAX - 1, 0);
    tn_eq(tnum_cast((struct tnum){0x1234, 0xff0000}, 2), 0x1234, 0);
    tn_eq(tnum_intersect((struct tnum){0, 0xff}, (struct tnum){0x10, 0x0f}), 0x10, 0x0f);
    cr_expect(tnum_in((struct tnum){0, 0xff}, tnum_const(0x42)));
    cr_expect(!tnum_in((struct tnum){0, 0xf}, tnum_const(0x42)));
    cr_expect(tnum_is_aligned((struct tnum){0x8, 0x30}, 8));
    cr_expect(!tnum_is_aligned((struct tnum){0x8, 0x34}, 8));
    char b[48];
    tnum_strn(b, sizeof(b), (struct tnum){0, 0xff0});
    cr_expect_str_eq(b, "(0x0; 0xff0)");
}

Test(verifier_scalar, bounds_sync_and_branches)
{
    struct vreg r;
    memset(&r, 0, sizeof(r));
    r.type = SCALAR_VALUE;
    r.var_off = tnum_unknown();
    v_mark_reg_unbounded(&r);
    v_coerce_reg_to_size(&r, 4); /* a u32 load */
    cr_expect(r.smin == 0 && r.umax == 0xffffffffull && r.smax == 0xffffffffll);
    struct vreg k;
    memset(&k, 0, sizeof(k));
    k.type = SCALAR_VALUE;
    v_mark_reg_known(&k, 100);
    cr_expect_eq(v_branch_taken(&r, &k, BPF_JGT, false), -1);
    struct vreg taken = r, fall = r, k1 = k, k2 = k;
    v_reg_set_min_max(&taken, &k1, BPF_JGT, false);
    v_reg_set_min_max(&fall, &k2, v_rev_opcode(BPF_JGT), false);
    /* the kernel's log for these: scalar(umin=101,...) and
     * scalar(smin=smin32=0,smax=umax=smax32=umax32=100,var_off=(0x0; 0x7f)) */
    cr_expect(taken.umin == 101 && taken.umax == 0xffffffffull);
    cr_expect(fall.umax == 100 && fall.var_off.value == 0 && fall.var_off.mask == 0x7f);
    cr_expect_eq(v_branch_taken(&fall, &k, BPF_JGT, false), 0);
    cr_expect_eq(v_branch_taken(&taken, &k, BPF_JGT, false), 1);
    cr_expect_eq(v_rev_opcode(BPF_JSET), BPF_JSET | BPF_X);
    cr_expect_eq(v_flip_opcode(BPF_JSLT), BPF_JSGT);
}

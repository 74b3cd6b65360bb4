/* tests/unit/test_elf.c - the ELF loader (vm_object_load_elf): section
 * names to program types, the fixtures tests/unit/elf/NAME.bpf.c (built by
 * clang into tests/unit/elf/build/NAME.o, see the Makefile), every object
 * of the corpus (../corpus/build), and malformed objects made by mutating
 * a valid one, each with its exact error message. Tests run with cwd =
 * tests/. */
#include <criterion/criterion.h>

#include "vm/vm.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE_DIR "unit/elf/build/"
#define CORPUS_DIR "../corpus/build/"

/* ------------------------------------------------------------- harness ---- */

struct file {
    uint8_t *b;
    size_t len;
};

static struct file read_file(const char *path)
{
    struct file f = {0};
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s: %s (fixtures are built by `make %s`, the corpus by `make -C ../corpus`)",
                       path, strerror(errno), path + 3);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    cr_assert(n > 0, "%s: empty", path);
    f.b = malloc((size_t)n);
    cr_assert_not_null(f.b);
    cr_assert_eq(fread(f.b, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    f.len = (size_t)n;
    return f;
}

static struct file fixture(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, FIXTURE_DIR "%s.o", name);
    return read_file(path);
}

static struct vm_object *load_ok(const struct file *f, const char *name)
{
    struct vm_object *obj = NULL;
    char err[VM_ERR_LEN] = "";
    int rc = vm_object_load_elf(f->b, f->len, name, &obj, err, sizeof err);
    cr_assert_eq(rc, 0, "%s: %s", name, err);
    cr_assert_not_null(obj);
    return obj;
}

/* Loading must fail with exactly `want`. */
static void expect_err(const uint8_t *b, size_t len, const char *want)
{
    struct vm_object *obj = (struct vm_object *)1;
    char err[VM_ERR_LEN] = "";
    int rc = vm_object_load_elf(b, len, "t.o", &obj, err, sizeof err);
    cr_assert_lt(rc, 0, "loaded, expected: %s", want);
    cr_assert_null(obj);
    cr_assert_str_eq(err, want);
}

static const struct vm_map_def *map_named(const struct vm_object *o, const char *name)
{
    for (uint32_t i = 0; i < o->n_maps; i++)
        if (strcmp(o->maps[i].name, name) == 0)
            return &o->maps[i];
    cr_assert_fail("no map '%s'", name);
    return NULL;
}

static uint32_t map_index(const struct vm_object *o, const char *name)
{
    return (uint32_t)(map_named(o, name) - o->maps);
}

static const struct vm_obj_prog *prog_named(const struct vm_object *o, const char *name)
{
    const struct vm_obj_prog *p = vm_object_find_prog(o, name);
    cr_assert_not_null(p, "no program '%s'", name);
    cr_assert_str_eq(p->name, name);
    return p;
}

/* ----------------------------------------------- ELF editing for tests ---- */

static Elf64_Ehdr ehdr(const struct file *f)
{
    Elf64_Ehdr h;
    memcpy(&h, f->b, sizeof h);
    return h;
}

static void put_ehdr(struct file *f, const Elf64_Ehdr *h)
{
    memcpy(f->b, h, sizeof *h);
}

static Elf64_Shdr shdr(const struct file *f, unsigned i)
{
    Elf64_Shdr s;
    memcpy(&s, f->b + ehdr(f).e_shoff + (size_t)i * sizeof s, sizeof s);
    return s;
}

static void put_shdr(struct file *f, unsigned i, const Elf64_Shdr *s)
{
    memcpy(f->b + ehdr(f).e_shoff + (size_t)i * sizeof *s, s, sizeof *s);
}

static const char *sec_name(const struct file *f, unsigned i)
{
    Elf64_Shdr strs = shdr(f, ehdr(f).e_shstrndx);
    return (const char *)f->b + strs.sh_offset + shdr(f, i).sh_name;
}

static unsigned sec_index(const struct file *f, const char *name)
{
    for (unsigned i = 1; i < ehdr(f).e_shnum; i++)
        if (strcmp(sec_name(f, i), name) == 0)
            return i;
    cr_assert_fail("no section '%s'", name);
    return 0;
}

static Elf64_Shdr sec(const struct file *f, const char *name)
{
    return shdr(f, sec_index(f, name));
}

static unsigned sym_count(const struct file *f)
{
    return (unsigned)(sec(f, ".symtab").sh_size / sizeof(Elf64_Sym));
}

static Elf64_Sym sym_at(const struct file *f, unsigned i)
{
    Elf64_Sym s;
    memcpy(&s, f->b + sec(f, ".symtab").sh_offset + (size_t)i * sizeof s, sizeof s);
    return s;
}

static void put_sym(struct file *f, unsigned i, const Elf64_Sym *s)
{
    memcpy(f->b + sec(f, ".symtab").sh_offset + (size_t)i * sizeof *s, s, sizeof *s);
}

static const char *sym_name(const struct file *f, const Elf64_Sym *s)
{
    Elf64_Shdr st = sec(f, ".symtab");
    return (const char *)f->b + shdr(f, st.sh_link).sh_offset + s->st_name;
}

static unsigned sym_index(const struct file *f, const char *name)
{
    for (unsigned i = 1; i < sym_count(f); i++) {
        Elf64_Sym s = sym_at(f, i);
        if (strcmp(sym_name(f, &s), name) == 0)
            return i;
    }
    cr_assert_fail("no symbol '%s'", name);
    return 0;
}

static Elf64_Rel rel_at(const struct file *f, const char *relsec, unsigned k)
{
    Elf64_Rel r;
    Elf64_Shdr s = sec(f, relsec);
    cr_assert_lt(k, s.sh_size / sizeof r);
    memcpy(&r, f->b + s.sh_offset + (size_t)k * sizeof r, sizeof r);
    return r;
}

static void put_rel(struct file *f, const char *relsec, unsigned k, const Elf64_Rel *r)
{
    memcpy(f->b + sec(f, relsec).sh_offset + (size_t)k * sizeof *r, r, sizeof *r);
}

static const char *rel_sym_name(const struct file *f, const Elf64_Rel *r)
{
    Elf64_Sym s = sym_at(f, (unsigned)ELF64_R_SYM(r->r_info));
    if (ELF64_ST_TYPE(s.st_info) == STT_SECTION)
        return sec_name(f, s.st_shndx);
    return sym_name(f, &s);
}

/* The instruction at byte `off` of section `name`. */
static struct bpf_insn insn_in(const struct file *f, const char *name, uint64_t off)
{
    struct bpf_insn in;
    memcpy(&in, f->b + sec(f, name).sh_offset + off, sizeof in);
    return in;
}

/* ------------------------------------------------------------ sections ---- */

struct sec_case {
    const char *name;
    bool known;
    uint32_t type, attach, flags;
};

static const struct sec_case sec_cases[] = {
    {"xdp", true, BPF_PROG_TYPE_XDP, BPF_XDP, 0},
    {"xdp.frags", true, BPF_PROG_TYPE_XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS},
    {"xdp/devmap", true, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0},
    {"xdp.frags/devmap", true, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, BPF_F_XDP_HAS_FRAGS},
    {"xdp/cpumap", true, BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0},
    {"tc", true, BPF_PROG_TYPE_SCHED_CLS, 0, 0},
    {"classifier", true, BPF_PROG_TYPE_SCHED_CLS, 0, 0},
    {"action", true, BPF_PROG_TYPE_SCHED_ACT, 0, 0},
    {"tc/ingress", true, BPF_PROG_TYPE_SCHED_CLS, 46 /* BPF_TCX_INGRESS */, 0},
    {"tc/egress", true, BPF_PROG_TYPE_SCHED_CLS, 47 /* BPF_TCX_EGRESS */, 0},
    {"tcx/ingress", true, BPF_PROG_TYPE_SCHED_CLS, 46, 0},
    {"tcx/egress", true, BPF_PROG_TYPE_SCHED_CLS, 47, 0},
    {"socket", true, BPF_PROG_TYPE_SOCKET_FILTER, 0, 0},
    {"sk_skb", true, BPF_PROG_TYPE_SK_SKB, 0, 0},
    {"sk_skb/stream_parser", true, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0},
    {"sk_skb/stream_verdict", true, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0},
    {"sk_skb/verdict", true, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0},
    {"sk_msg", true, BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0},
    {"sockops", true, BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0},
    {"tracepoint/syscalls/sys_enter_openat", true, BPF_PROG_TYPE_TRACEPOINT, 0, 0},
    {"tp/sched/sched_switch", true, BPF_PROG_TYPE_TRACEPOINT, 0, 0},
    {"raw_tracepoint/sched_switch", true, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0},
    {"raw_tp/sched_switch", true, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0},
    {"raw_tp.w/x", true, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, 0, 0},
    {"kprobe/do_exit", true, BPF_PROG_TYPE_KPROBE, 0, 0},
    {"kprobe", true, BPF_PROG_TYPE_KPROBE, 0, 0},
    {"kretprobe/do_exit", true, BPF_PROG_TYPE_KPROBE, 0, 0},
    {"uprobe//bin/bash:readline", true, BPF_PROG_TYPE_KPROBE, 0, 0},
    {"uretprobe.s/x", true, BPF_PROG_TYPE_KPROBE, 0, BPF_F_SLEEPABLE},
    {"kprobe.multi/tcp_*", true, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0},
    {"fentry/tcp_connect", true, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0},
    {"fexit/tcp_connect", true, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0},
    {"fentry.s/x", true, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, BPF_F_SLEEPABLE},
    {"tp_btf/sched_switch", true, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0},
    {"lsm/file_open", true, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0},
    {"lsm.s/file_open", true, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, BPF_F_SLEEPABLE},
    {"iter/task", true, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0},
    {"cgroup_skb/ingress", true, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0},
    {"cgroup_skb/egress", true, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0},
    {"cgroup/connect4", true, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0},
    {"lwt_in", true, BPF_PROG_TYPE_LWT_IN, 0, 0},
    {"lwt_out", true, BPF_PROG_TYPE_LWT_OUT, 0, 0},
    {"lwt_xmit", true, BPF_PROG_TYPE_LWT_XMIT, 0, 0},
    {"lwt_seg6local", true, BPF_PROG_TYPE_LWT_SEG6LOCAL, 0, 0},
    {"flow_dissector", true, BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0},
    {"sk_lookup", true, BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0},
    {"perf_event", true, BPF_PROG_TYPE_PERF_EVENT, 0, 0},
    {"syscall", true, BPF_PROG_TYPE_SYSCALL, 0, BPF_F_SLEEPABLE},
    {"struct_ops/x", true, BPF_PROG_TYPE_STRUCT_OPS, 0, 0},
    /* libbpf 1.x does not know these: no type */
    {"xdp/icmp_echo", false, 0, 0, 0},
    {"xdp_pass", false, 0, 0, 0},
    {"1/7", false, 0, 0, 0},
    {"kprobex", false, 0, 0, 0},
    {"socket1", false, 0, 0, 0},
    {"tc/ingress2", false, 0, 0, 0},
    {"", false, 0, 0, 0},
};

Test(elf_sections, libbpf_table)
{
    for (size_t i = 0; i < sizeof(sec_cases) / sizeof(sec_cases[0]); i++) {
        const struct sec_case *c = &sec_cases[i];
        uint32_t t = 99, a = 99, f = 99;
        bool known = vm_section_prog_type(c->name, &t, &a, &f);
        cr_expect_eq(known, c->known, "'%s': known %d", c->name, known);
        cr_expect_eq(t, c->type, "'%s': type %u, want %u", c->name, t, c->type);
        cr_expect_eq(a, c->attach, "'%s': attach %u, want %u", c->name, a, c->attach);
        cr_expect_eq(f, c->flags, "'%s': flags %u, want %u", c->name, f, c->flags);
    }
    cr_expect(!vm_section_prog_type(NULL, NULL, NULL, NULL));
}

Test(elf_sections, is_elf)
{
    cr_expect(vm_is_elf("\177ELF\2\1", 6));
    cr_expect(!vm_is_elf("\177EL", 3));
    cr_expect(!vm_is_elf("xxxx", 4));
    cr_expect(!vm_is_elf(NULL, 0));
}

/* ---------------------------------------------------- layout checking ---- */

/* A function of the object's file: where its bytes are. */
struct fn {
    const char *sec, *sym;
    uint64_t off, size;
};

static struct fn fn_of(const struct file *f, const char *symname)
{
    Elf64_Sym s = sym_at(f, sym_index(f, symname));
    struct fn r = {sec_name(f, s.st_shndx), symname, s.st_value, s.st_size};
    return r;
}

/* The program must be exactly `fns` laid end to end, byte for byte except
 * the fields the loader rewrites (lddw src_reg/imm, call imm). Returns the
 * slot where each piece starts in at[]. */
static void expect_layout(const struct file *f, const struct vm_obj_prog *p, const char **syms,
                          size_t n, uint32_t *at)
{
    uint32_t pos = 0;
    for (size_t k = 0; k < n; k++) {
        struct fn fn = fn_of(f, syms[k]);
        at[k] = pos;
        for (uint64_t j = 0; j < fn.size / 8; j++, pos++) {
            cr_assert_lt(pos, p->prog->len, "%s: shorter than expected in '%s'", p->name, fn.sym);
            struct bpf_insn want = insn_in(f, fn.sec, fn.off + j * 8), got = p->prog->insns[pos];
            bool lddw = vm_insn_is_lddw(&want) || (j > 0 && vm_insn_is_lddw(&p->prog->insns[pos - 1]));
            bool call = want.code == (BPF_JMP | BPF_CALL) && want.src_reg == BPF_PSEUDO_CALL;
            if (lddw || call) {
                want.imm = got.imm;
                if (lddw)
                    want.src_reg = got.src_reg;
            }
            cr_assert(memcmp(&want, &got, 8) == 0, "%s: slot %u (%s+%llu) differs", p->name, pos,
                      fn.sym, (unsigned long long)j);
        }
    }
    cr_assert_eq(pos, p->prog->len, "%s: %u slots, %u expected", p->name, p->prog->len, pos);
}

/* Every call and callback address must land on one of the pieces' starts;
 * returns the piece index the call at slot i targets. */
static size_t call_target(const struct vm_obj_prog *p, uint32_t i, const uint32_t *at, size_t n)
{
    int64_t t = (int64_t)i + 1 + p->prog->insns[i].imm;
    for (size_t k = 0; k < n; k++)
        if (t == at[k])
            return k;
    cr_assert_fail("%s: slot %u targets %lld, no function start", p->name, i, (long long)t);
    return 0;
}

/* Invariants of any loaded object (code that clang wrote also passes
 * vm_prog_check; mutated code need not). */
static void check_object_(const struct vm_object *o, const char *what, bool clang_code)
{
    for (uint32_t i = 0; i < o->n_maps; i++) {
        const struct vm_map_def *m = &o->maps[i];
        cr_expect(m->inner < (int32_t)o->n_maps, "%s: map '%s': inner %d", what, m->name, m->inner);
        cr_expect((m->data != NULL) == (m->origin == VM_MAP_DATA), "%s: map '%s': data", what, m->name);
        for (uint32_t j = 0; j < i; j++)
            cr_expect(strcmp(m->name, o->maps[j].name) != 0, "%s: map '%s' twice", what, m->name);
        for (uint32_t k = 0; k < m->n_inits; k++)
            cr_expect(m->inits[k].key < m->max_entries);
    }
    for (uint32_t i = 0; i < o->n_progs; i++) {
        const struct vm_obj_prog *p = &o->progs[i];
        char err[VM_ERR_LEN];
        if (clang_code)
            cr_expect_eq(vm_prog_check(p->prog, err, sizeof err), 0, "%s: %s: %s", what, p->name, err);
        for (uint32_t r = 0; r < p->n_relocs; r++) {
            const struct vm_map_reloc *rl = &p->relocs[r];
            cr_assert_lt(rl->insn + 1, p->prog->len);
            cr_assert_lt(rl->map, o->n_maps);
            const struct bpf_insn *in = &p->prog->insns[rl->insn];
            cr_expect(vm_insn_is_lddw(in));
            cr_expect_eq(in->src_reg, rl->value ? BPF_PSEUDO_MAP_IDX_VALUE : BPF_PSEUDO_MAP_IDX);
            cr_expect_eq((uint32_t)in->imm, rl->map);
            cr_expect_eq((uint32_t)p->prog->insns[rl->insn + 1].imm, rl->offset);
            if (rl->value)
                cr_expect_lt(rl->offset, o->maps[rl->map].value_size);
            else
                cr_expect_eq(rl->offset, 0);
            if (r)
                cr_expect_gt(rl->insn, p->relocs[r - 1].insn);
        }
        /* every pseudo lddw has its relocation */
        uint32_t seen = 0;
        for (uint32_t k = 0; k < p->prog->len; k++)
            if (vm_insn_is_lddw(&p->prog->insns[k])) {
                uint8_t src = p->prog->insns[k].src_reg;
                seen += src == BPF_PSEUDO_MAP_IDX || src == BPF_PSEUDO_MAP_IDX_VALUE;
                k++;
            }
        cr_expect_eq(seen, p->n_relocs, "%s: %s", what, p->name);
        for (uint32_t l = 0; l < p->n_lines; l++) {
            cr_expect_lt(p->lines[l].insn, p->prog->len);
            cr_expect_not_null(p->lines[l].file);
            cr_expect_not_null(p->lines[l].text);
            if (l)
                cr_expect_geq(p->lines[l].insn, p->lines[l - 1].insn);
        }
    }
}

static void check_object(const struct vm_object *o, const char *what)
{
    check_object_(o, what, true);
}

/* ------------------------------------------------------------ fixtures ---- */

Test(elf, subprograms)
{
    struct file f = fixture("subprogs");
    struct vm_object *o = load_ok(&f, "dir/subprogs.o");
    check_object(o, "subprogs");
    cr_expect_str_eq(o->name, "subprogs");
    cr_expect_str_eq(o->license, "Dual BSD/GPL");
    cr_expect_eq(o->kern_version, 0x060c00);
    cr_assert_eq(o->n_progs, 3);
    cr_expect_str_eq(o->progs[0].name, "prog_a");
    cr_expect_str_eq(o->progs[1].name, "prog_b");
    cr_expect_str_eq(o->progs[2].name, "prog_c");

    /* prog_a: own code, global_sub (its first call), bump (global_sub's
     * callee, depth-first), then in_section (static, in "xdp") */
    const struct vm_obj_prog *a = prog_named(o, "prog_a");
    cr_expect_str_eq(a->section, "xdp");
    cr_expect_eq(a->prog_type, BPF_PROG_TYPE_XDP);
    cr_expect_eq(a->expected_attach_type, BPF_XDP);
    const char *la[] = {"prog_a", "global_sub", "bump", "in_section"};
    uint32_t at[4];
    expect_layout(&f, a, la, 4, at);
    size_t calls[4] = {0};
    for (uint32_t i = 0; i < a->prog->len; i++) {
        const struct bpf_insn *in = &a->prog->insns[i];
        if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL)
            calls[call_target(a, i, at, 4)]++;
    }
    cr_expect_eq(calls[1], 1, "global_sub called once");
    cr_expect_eq(calls[2], 1, "bump called once (from global_sub)");
    cr_expect_eq(calls[3], 1, "in_section called once");

    /* relocations: .bss (hits), .rodata (limit), counters, and in_section's .bss */
    uint32_t bss = map_index(o, ".bss"), ro = map_index(o, ".rodata"), cnt = map_index(o, "counters");
    cr_assert_eq(a->n_relocs, 4);
    cr_expect_eq(a->relocs[0].map, bss);
    cr_expect(a->relocs[0].value);
    cr_expect_eq(a->relocs[1].map, ro);
    cr_expect(a->relocs[1].value);
    cr_expect_eq(a->relocs[2].map, cnt);
    cr_expect(!a->relocs[2].value);
    cr_expect(a->relocs[2].insn > at[2] && a->relocs[2].insn < at[3], "counters is bump's");
    cr_expect_eq(a->relocs[3].map, bss);
    cr_expect_gt(a->relocs[3].insn, at[3]);

    /* line info follows the appended pieces */
    bool global_sub_line = false, bump_line = false;
    for (uint32_t l = 0; l < a->n_lines; l++) {
        const struct vm_line_info *li = &a->lines[l];
        cr_expect(strstr(li->file, "subprogs.bpf.c"), "file %s", li->file);
        if (li->insn >= at[1] && li->insn < at[2] && strstr(li->text, "bump(x & 3)"))
            global_sub_line = true;
        if (li->insn >= at[2] && li->insn < at[3] && strstr(li->text, "*v += 1"))
            bump_line = true;
    }
    cr_expect(global_sub_line && bump_line);
    cr_expect_gt(a->lines[0].line, 0);

    /* prog_b: bpf_loop's callback first (its address is loaded first) */
    const struct vm_obj_prog *b = prog_named(o, "prog_b");
    const char *lb[] = {"prog_b", "loop_cb", "bump"};
    expect_layout(&f, b, lb, 3, at);
    int cb = 0;
    for (uint32_t i = 0; i + 1 < b->prog->len; i++)
        if (vm_insn_is_lddw(&b->prog->insns[i]) && b->prog->insns[i].src_reg == BPF_PSEUDO_FUNC) {
            cr_expect_eq(call_target(b, i, at, 3), 1);
            cr_expect_eq(b->prog->insns[i + 1].imm, 0);
            cb++;
        }
    cr_expect_eq(cb, 1);

    const struct vm_obj_prog *c = prog_named(o, "prog_c");
    cr_expect_str_eq(c->section, "tc");
    cr_expect_eq(c->prog_type, BPF_PROG_TYPE_SCHED_CLS);
    const char *lc[] = {"prog_c", "global_sub", "bump"};
    expect_layout(&f, c, lc, 3, at);

    /* find: function name first, then the section's first program */
    cr_expect_eq(vm_object_find_prog(o, "tc"), c);
    cr_expect_eq(vm_object_find_prog(o, "xdp"), a);
    cr_expect_null(vm_object_find_prog(o, "global_sub"));
    cr_expect_null(vm_object_find_prog(o, "nope"));

    /* global data */
    const struct vm_map_def *rod = map_named(o, ".rodata");
    cr_expect_eq(rod->origin, VM_MAP_DATA);
    cr_expect(rod->readonly);
    cr_expect_eq(rod->type, BPF_MAP_TYPE_ARRAY);
    cr_expect_eq(rod->key_size, 4);
    cr_expect_eq(rod->value_size, 4);
    cr_expect_eq(rod->max_entries, 1);
    cr_expect_eq(rod->map_flags, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
    uint32_t lim;
    memcpy(&lim, rod->data, 4);
    cr_expect_eq(lim, 7);
    const struct vm_map_def *bs = map_named(o, ".bss");
    cr_expect(!bs->readonly);
    cr_expect_eq(bs->value_size, 8);
    cr_expect_eq(bs->map_flags, BPF_F_MMAPABLE);
    uint64_t zero = 1;
    memcpy(&zero, bs->data, 8);
    cr_expect_eq(zero, 0);
    vm_object_free(o);
    free(f.b);
}

Test(elf, btf_maps)
{
    struct file f = fixture("maps");
    struct vm_object *o = load_ok(&f, "maps.o");
    check_object(o, "maps");

    const struct vm_map_def *h = map_named(o, "hmap");
    cr_expect_eq(h->origin, VM_MAP_BTF);
    cr_expect_eq(h->type, BPF_MAP_TYPE_HASH);
    cr_expect_eq(h->key_size, 6, "key through const typedef typedef packed struct: %u", h->key_size);
    cr_expect_eq(h->value_size, 24);
    cr_expect_eq(h->max_entries, 128);
    cr_expect_eq(h->map_flags, BPF_F_NO_PREALLOC);
    cr_expect_eq(h->pinning, 1 /* LIBBPF_PIN_BY_NAME */);
    cr_expect_neq(h->btf_key_type_id, 0);
    cr_expect_neq(h->btf_value_type_id, 0);
    cr_expect_eq(h->inner, -1);

    const struct vm_map_def *s = map_named(o, "sized");
    cr_expect_eq(s->type, BPF_MAP_TYPE_PERCPU_ARRAY);
    cr_expect_eq(s->key_size, 4);
    cr_expect_eq(s->value_size, 24);
    cr_expect_eq(s->max_entries, 2);
    cr_expect_eq(s->btf_key_type_id, 0);

    const struct vm_map_def *out = map_named(o, "outer");
    cr_expect_eq(out->type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    cr_expect_eq(out->value_size, 4);
    cr_expect_eq(out->max_entries, 4);
    cr_assert_geq(out->inner, 0);
    const struct vm_map_def *in = &o->maps[out->inner];
    cr_expect_str_eq(in->name, "outer.inner");
    cr_expect(in->is_inner);
    cr_expect_eq(in->type, BPF_MAP_TYPE_ARRAY);
    cr_expect_eq(in->key_size, 4);
    cr_expect_eq(in->value_size, 4);
    cr_expect_eq(in->max_entries, 8);
    cr_assert_eq(out->n_inits, 2);
    cr_expect_eq(out->inits[0].key, 0);
    cr_expect_str_eq(out->inits[0].target, "inner0");
    cr_expect_eq(out->inits[1].key, 3);
    cr_expect_str_eq(out->inits[1].target, "inner1");
    cr_expect(!map_named(o, "inner0")->is_inner);

    const struct vm_map_def *j = map_named(o, "jumps");
    cr_expect_eq(j->type, BPF_MAP_TYPE_PROG_ARRAY);
    cr_expect_eq(j->key_size, 4);
    cr_expect_eq(j->value_size, 4);
    cr_assert_eq(j->n_inits, 1);
    cr_expect_eq(j->inits[0].key, 2);
    cr_expect_str_eq(j->inits[0].target, "tail_a");

    /* global data: contents and names */
    int32_t dv;
    memcpy(&dv, map_named(o, ".data")->data, 4);
    cr_expect_eq(dv, 5);
    cr_expect(!map_named(o, ".data")->readonly);
    Elf64_Sym rs = sym_at(&f, sym_index(&f, "ro_var"));
    memcpy(&dv, map_named(o, ".rodata")->data + rs.st_value, 4);
    cr_expect_eq(dv, 9);
    cr_expect(map_named(o, ".rodata")->readonly);
    cr_expect_str_eq((const char *)map_named(o, ".data.custom")->data, "hello");
    cr_expect_eq(map_named(o, ".data.custom")->value_size, 16);
    const struct vm_map_def *str = map_named(o, ".rodata.str1.1");
    cr_expect(str->readonly);
    cr_expect(memmem(str->data, str->value_size, "x %d\n", 5) != NULL);
    cr_expect_eq(map_named(o, ".bss")->value_size, 8);

    const struct vm_obj_prog *m = prog_named(o, "main_prog");
    cr_expect_str_eq(m->section, "xdp.frags");
    cr_expect_eq(m->prog_flags, BPF_F_XDP_HAS_FRAGS);
    bool custom = false;
    uint32_t cust = map_index(o, ".data.custom");
    for (uint32_t r = 0; r < m->n_relocs; r++)
        if (m->relocs[r].map == cust)
            custom = m->relocs[r].value;
    cr_expect(custom);
    vm_object_free(o);
    free(f.b);
}

Test(elf, legacy_maps)
{
    struct file f = fixture("legacy");
    struct vm_object *o = load_ok(&f, "legacy.o");
    check_object(o, "legacy");
    cr_assert_eq(o->n_maps, 2);
    const struct vm_map_def *c = map_named(o, "counts"), *fl = map_named(o, "flows");
    cr_expect_eq(c->origin, VM_MAP_LEGACY);
    cr_expect_eq(c->type, BPF_MAP_TYPE_ARRAY);
    cr_expect_eq(c->key_size, 4);
    cr_expect_eq(c->value_size, 8);
    cr_expect_eq(c->max_entries, 16);
    cr_expect_eq(fl->type, BPF_MAP_TYPE_HASH);
    cr_expect_eq(fl->map_flags, BPF_F_NO_PREALLOC);
    cr_expect_eq(fl->max_entries, 1024);
    const struct vm_obj_prog *p = prog_named(o, "sock_prog");
    cr_expect_eq(p->prog_type, BPF_PROG_TYPE_SOCKET_FILTER);
    cr_assert_eq(p->n_relocs, 2);
    cr_expect_eq(p->relocs[0].map, map_index(o, "counts"));
    cr_expect_eq(p->relocs[1].map, map_index(o, "flows"));
    vm_object_free(o);
    free(f.b);
}

Test(elf, iproute2_elf_maps)
{
    struct file f = fixture("elfmap");
    struct vm_object *o = load_ok(&f, "elfmap.o");
    check_object(o, "elfmap");
    const struct vm_map_def *j = map_named(o, "jmp"), *in = map_named(o, "inner"),
                            *out = map_named(o, "outer");
    cr_expect_eq(j->origin, VM_MAP_ELF_MAP);
    cr_expect_eq(j->id, 5);
    cr_expect_eq(j->pinning, 2);
    cr_expect_eq(j->max_entries, 8);
    cr_assert_eq(j->n_inits, 1, "the \"5/3\" section goes to slot 3 of map id 5");
    cr_expect_eq(j->inits[0].key, 3);
    cr_expect_str_eq(j->inits[0].target, "tail");
    cr_expect_eq(in->id, 7);
    cr_expect(!in->is_inner);
    cr_expect_eq(out->type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    cr_expect_eq(out->inner, (int32_t)map_index(o, "inner"));
    cr_assert_eq(out->n_inits, 1);
    cr_expect_eq(out->inits[0].key, 2);
    cr_expect_str_eq(out->inits[0].target, "inner");
    const struct vm_obj_prog *t = prog_named(o, "tail");
    cr_expect_str_eq(t->section, "5/3");
    cr_expect_eq(t->prog_type, BPF_PROG_TYPE_UNSPEC, "untyped, as libbpf 1.x");
    cr_expect_eq(prog_named(o, "entry")->prog_type, BPF_PROG_TYPE_SCHED_CLS);
    vm_object_free(o);
    free(f.b);
}

Test(elf, text_only)
{
    struct file f = fixture("textonly");
    struct vm_object *o = load_ok(&f, "textonly.o");
    check_object(o, "textonly");
    cr_assert_eq(o->n_progs, 1);
    const struct vm_obj_prog *p = prog_named(o, "entry");
    cr_expect_str_eq(p->section, ".text");
    cr_expect_eq(p->prog_type, BPF_PROG_TYPE_UNSPEC);
    const char *l[] = {"entry", "twice"};
    uint32_t at[2];
    expect_layout(&f, p, l, 2, at);
    cr_expect_gt(p->n_lines, 0);
    vm_object_free(o);
    free(f.b);
}

/* No function symbol in a code section (hand-written assembly): the
 * section is one program named after it. */
Test(elf, section_without_symbols)
{
    struct file f = fixture("legacy");
    unsigned i = sym_index(&f, "sock_prog");
    Elf64_Sym s = sym_at(&f, i);
    s.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);
    put_sym(&f, i, &s);
    struct vm_object *o = load_ok(&f, "legacy.o");
    check_object(o, "legacy without symbols");
    cr_assert_eq(o->n_progs, 1);
    const struct vm_obj_prog *p = prog_named(o, "socket");
    cr_expect_str_eq(p->section, "socket");
    cr_expect_eq(p->prog->len, sec(&f, "socket").sh_size / 8);
    cr_expect_eq(p->n_relocs, 2);
    vm_object_free(o);
    free(f.b);
}

/* ------------------------------------------------------------- corpus ---- */

Test(elf, corpus_objects)
{
    DIR *d = opendir(CORPUS_DIR);
    cr_assert_not_null(d, CORPUS_DIR ": %s (make -C corpus)", strerror(errno));
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".o"))
            continue;
        char path[512];
        snprintf(path, sizeof path, CORPUS_DIR "%s", e->d_name);
        struct file f = read_file(path);
        struct vm_object *o = load_ok(&f, path);
        check_object(o, e->d_name);
        cr_expect_gt(o->n_progs, 0, "%s: no programs", e->d_name);
        cr_expect_str_neq(o->license, "", "%s: license", e->d_name);
        for (uint32_t i = 0; i < o->n_progs; i++)
            cr_expect_gt(o->progs[i].n_lines, 0, "%s: %s: no line info", e->d_name, o->progs[i].name);
        vm_object_free(o);
        free(f.b);
        n++;
    }
    closedir(d);
    cr_expect_gt(n, 0, "no objects in " CORPUS_DIR);
}

static struct vm_object *corpus(const char *name, struct file *f)
{
    char path[256];
    snprintf(path, sizeof path, CORPUS_DIR "%s.o", name);
    *f = read_file(path);
    return load_ok(f, path);
}

Test(elf, corpus_tailcall)
{
    struct file f;
    struct vm_object *o = corpus("xdp_tailcall", &f);
    const struct vm_map_def *j = map_named(o, "jmp_table");
    cr_expect_eq(j->type, BPF_MAP_TYPE_PROG_ARRAY);
    const char *want[] = {"xdp_tcp", "xdp_udp", "xdp_icmp", "xdp_icmp_echo"};
    cr_assert_eq(j->n_inits, 4);
    for (uint32_t k = 0; k < 4; k++) {
        cr_expect_eq(j->inits[k].key, k);
        cr_expect_str_eq(j->inits[k].target, want[k]);
        cr_expect_not_null(vm_object_find_prog(o, want[k]));
    }
    /* several programs in "xdp"; "xdp/icmp_echo" is untyped as in libbpf 1.x */
    int in_xdp = 0;
    for (uint32_t i = 0; i < o->n_progs; i++)
        in_xdp += strcmp(o->progs[i].section, "xdp") == 0;
    cr_expect_geq(in_xdp, 2);
    cr_expect_eq(prog_named(o, "xdp_icmp_echo")->prog_type, BPF_PROG_TYPE_UNSPEC);
    cr_expect_str_eq(vm_object_find_prog(o, "xdp/icmp_echo")->name, "xdp_icmp_echo");
    vm_object_free(o);
    free(f.b);
}

Test(elf, corpus_cilium_style)
{
    struct file f;
    struct vm_object *o = corpus("tc_cilium_style", &f);
    const struct vm_map_def *calls = map_named(o, "cilium_calls");
    cr_expect_eq(calls->origin, VM_MAP_ELF_MAP);
    cr_expect_eq(calls->id, 1);
    cr_expect_eq(calls->pinning, 2);
    cr_assert_eq(calls->n_inits, 2);
    cr_expect_eq(calls->inits[0].key, 7);
    cr_expect_str_eq(calls->inits[0].target, "tail_handle_ipv4");
    cr_expect_eq(calls->inits[1].key, 8);
    cr_expect_str_eq(calls->inits[1].target, "tail_handle_ipv6");
    cr_expect_eq(prog_named(o, "from_netdev")->prog_type, BPF_PROG_TYPE_SCHED_CLS);
    vm_object_free(o);
    free(f.b);
}

Test(elf, corpus_global_data)
{
    struct file f;
    struct vm_object *o = corpus("xdp_global_data", &f);
    const char *names[] = {".rodata", ".rodata.tables", ".data", ".data.custom", ".bss"};
    for (size_t i = 0; i < 5; i++) {
        const struct vm_map_def *m = map_named(o, names[i]);
        cr_expect_eq(m->origin, VM_MAP_DATA);
        cr_expect_eq(m->readonly, strncmp(names[i], ".rodata", 7) == 0, "%s", names[i]);
        cr_expect_eq(m->value_size, sec(&f, names[i]).sh_size);
    }
    /* the bpf_loop callback is appended and its address relative */
    const struct vm_obj_prog *p = &o->progs[0];
    int cb = 0;
    for (uint32_t i = 0; i + 1 < p->prog->len; i++)
        if (vm_insn_is_lddw(&p->prog->insns[i]) && p->prog->insns[i].src_reg == BPF_PSEUDO_FUNC) {
            int64_t t = (int64_t)i + 1 + p->prog->insns[i].imm;
            cr_expect(t > i && t < p->prog->len);
            cb++;
        }
    cr_expect_eq(cb, 1);
    vm_object_free(o);
    free(f.b);
}

Test(elf, corpus_map_in_map)
{
    struct file f;
    struct vm_object *o = corpus("xdp_tenant", &f);
    const struct vm_map_def *m = map_named(o, "tenant_policies");
    cr_expect_eq(m->type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    cr_assert_geq(m->inner, 0);
    cr_expect(o->maps[m->inner].is_inner);
    cr_expect_str_eq(o->maps[m->inner].name, "tenant_policies.inner");
    cr_assert_eq(m->n_inits, 2);
    cr_expect_str_eq(m->inits[0].target, "tenant0_policy");
    cr_expect_str_eq(m->inits[1].target, "tenant1_policy");
    vm_object_free(o);
    free(f.b);
}

/* -------------------------------------------------- unsupported input ---- */

/* Slot of the first relocation of `relsec` (as the loader counts them). */
static uint32_t first_rel_insn(const struct file *f, const char *relsec)
{
    return (uint32_t)(rel_at(f, relsec, 0).r_offset / 8);
}

Test(elf_errors, core_relocation)
{
    struct file f = fixture("core");
    expect_err(f.b, f.len,
               "section 'kprobe/do_exit': program 'probe': CO-RE relocation against kernel type 'struct task_struct' is not supported");
    free(f.b);
}

Test(elf_errors, kfunc)
{
    struct file f = fixture("kfunc");
    char want[256];
    snprintf(want, sizeof want,
             "section 'tc': program 'call_kfunc': insn %u: call to extern function 'bpf_kfunc_demo' (a kfunc) is not supported",
             first_rel_insn(&f, ".reltc"));
    expect_err(f.b, f.len, want);
    free(f.b);
}

Test(elf_errors, kconfig_extern)
{
    struct file f = fixture("ksym");
    char want[256];
    snprintf(want, sizeof want,
             "section 'xdp': program 'kver': insn %u: extern 'LINUX_KERNEL_VERSION' (a ksym or kconfig variable) is not supported",
             first_rel_insn(&f, ".relxdp"));
    expect_err(f.b, f.len, want);
    free(f.b);
}

/* ------------------------------------------------------ header errors ---- */

Test(elf_errors, header)
{
    struct file f = fixture("legacy");
    char err[VM_ERR_LEN];
    cr_expect_eq(vm_object_load_elf(f.b, f.len, "x.o", NULL, err, sizeof err), -EINVAL);
    cr_expect_str_eq(err, "no place for the object");
    expect_err(f.b, 0, "empty file");
    expect_err(NULL, 10, "empty file");
    expect_err((const uint8_t *)"hello, world", 12, "not an ELF file (no \\177ELF magic)");
    expect_err(f.b, 20, "truncated ELF header: 20 bytes, 64 needed");

    Elf64_Ehdr h = ehdr(&f), m;
    m = h;
    m.e_ident[EI_CLASS] = ELFCLASS32;
    put_ehdr(&f, &m);
    expect_err(f.b, f.len, "ELF class 1: not a 64-bit object (BPF objects are ELFCLASS64)");
    m = h;
    m.e_ident[EI_DATA] = ELFDATA2MSB;
    put_ehdr(&f, &m);
    expect_err(f.b, f.len, "ELF data encoding 2: not a little-endian object (build with -target bpf or bpfel)");
    m = h;
    m.e_type = ET_EXEC;
    put_ehdr(&f, &m);
    expect_err(f.b, f.len, "ELF type 2 is not a relocatable object (ET_REL): load the .o clang writes");
    m = h;
    m.e_machine = EM_X86_64;
    put_ehdr(&f, &m);
    expect_err(f.b, f.len, "e_machine 62 is not EM_BPF (247)");
    m = h;
    m.e_shoff = f.len;
    put_ehdr(&f, &m);
    char want[256];
    snprintf(want, sizeof want,
             "truncated file: the section header table at offset %zu is past its end (%zu bytes)", f.len, f.len);
    expect_err(f.b, f.len, want);
    m = h;
    m.e_shentsize = 40;
    put_ehdr(&f, &m);
    expect_err(f.b, f.len, "section header size 40, expected 64");
    m = h;
    m.e_shstrndx = 999;
    put_ehdr(&f, &m);
    snprintf(want, sizeof want, "section name table index 999 out of range (%u sections)", h.e_shnum);
    expect_err(f.b, f.len, want);
    put_ehdr(&f, &h);
    vm_object_free(load_ok(&f, "legacy.o"));
    free(f.b);
}

/* Every truncation fails, with a message, without touching what is gone. */
Test(elf_errors, truncation)
{
    struct file f = fixture("subprogs");
    Elf64_Ehdr h = ehdr(&f);
    for (size_t len = 0; len < f.len; len++) {
        uint8_t *cut = malloc(len ? len : 1); /* exactly len bytes: ASan sees overreads */
        memcpy(cut, f.b, len);
        struct vm_object *o = NULL;
        char err[VM_ERR_LEN] = "";
        int rc = vm_object_load_elf(cut, len, "cut.o", &o, err, sizeof err);
        cr_assert_lt(rc, 0, "truncated at %zu: loaded", len);
        cr_assert_null(o);
        if (len == 0)
            cr_assert_str_eq(err, "empty file");
        else if (len < 4)
            cr_assert_str_eq(err, "not an ELF file (no \\177ELF magic)");
        else if (len < sizeof(Elf64_Ehdr))
            cr_assert(strncmp(err, "truncated ELF header", 20) == 0, "%zu: %s", len, err);
        else if (len < h.e_shoff + sizeof(Elf64_Shdr))
            cr_assert(strncmp(err, "truncated file: the section header table at offset", 50) == 0,
                      "%zu: %s", len, err);
        else
            cr_assert(strncmp(err, "truncated file: the section header table (", 42) == 0,
                      "%zu: %s", len, err);
        free(cut);
    }
    free(f.b);
}

/* -------------------------------------------------- section and symbol ---- */

Test(elf_errors, sections)
{
    struct file f = fixture("subprogs");
    char want[256];
    unsigned xdp = sec_index(&f, "xdp");
    Elf64_Shdr s = shdr(&f, xdp), m;

    m = s;
    m.sh_offset = f.len - 8;
    put_shdr(&f, xdp, &m);
    snprintf(want, sizeof want,
             "truncated file: section %u (%llu bytes at offset %zu) runs past its end (%zu bytes)", xdp,
             (unsigned long long)s.sh_size, f.len - 8, f.len);
    expect_err(f.b, f.len, want);

    m = s;
    m.sh_name = 0xffffff;
    put_shdr(&f, xdp, &m);
    snprintf(want, sizeof want, "section %u: name offset 16777215 outside the section name table (%llu bytes)",
             xdp, (unsigned long long)shdr(&f, ehdr(&f).e_shstrndx).sh_size);
    expect_err(f.b, f.len, want);

    m = s;
    m.sh_size -= 4;
    put_shdr(&f, xdp, &m);
    snprintf(want, sizeof want, "section 'xdp': %llu bytes is not a whole number of instructions",
             (unsigned long long)m.sh_size);
    expect_err(f.b, f.len, want);
    put_shdr(&f, xdp, &s);

    unsigned rx = sec_index(&f, ".relxdp");
    Elf64_Shdr r = shdr(&f, rx);
    m = r;
    m.sh_info = 999;
    put_shdr(&f, rx, &m);
    snprintf(want, sizeof want, "section '.relxdp': relocations for section index 999, out of range (%u sections)",
             ehdr(&f).e_shnum);
    expect_err(f.b, f.len, want);
    m = r;
    m.sh_link = xdp;
    put_shdr(&f, rx, &m);
    snprintf(want, sizeof want, "section '.relxdp': symbol table index %u is not the symbol table (%u)", xdp,
             sec_index(&f, ".symtab"));
    expect_err(f.b, f.len, want);
    m = r;
    m.sh_type = SHT_RELA;
    put_shdr(&f, rx, &m);
    expect_err(f.b, f.len, "section '.relxdp': RELA relocations for 'xdp' are not supported (clang writes REL)");
    put_shdr(&f, rx, &r);

    unsigned st = sec_index(&f, ".symtab");
    Elf64_Shdr sy = shdr(&f, st);
    m = sy;
    m.sh_type = SHT_PROGBITS;
    put_shdr(&f, st, &m);
    expect_err(f.b, f.len, "no symbol table (.symtab): was the object stripped?");
    put_shdr(&f, st, &sy);

    unsigned ver = sec_index(&f, "version");
    Elf64_Shdr v = shdr(&f, ver);
    m = v;
    m.sh_size = 3;
    put_shdr(&f, ver, &m);
    expect_err(f.b, f.len, "section 'version': 3 bytes, expected 4 (a u32)");
    put_shdr(&f, ver, &v);

    vm_object_free(load_ok(&f, "subprogs.o"));
    free(f.b);
}

Test(elf_errors, symbols)
{
    struct file f = fixture("subprogs");
    char want[256];
    unsigned i = sym_index(&f, "prog_a");
    Elf64_Sym s = sym_at(&f, i), m;
    uint64_t xdp_size = sec(&f, "xdp").sh_size;

    m = s;
    m.st_shndx = 0x7fff;
    put_sym(&f, i, &m);
    snprintf(want, sizeof want, "symbol %u 'prog_a': section index 32767 out of range (%u sections)", i,
             ehdr(&f).e_shnum);
    expect_err(f.b, f.len, want);

    m = s;
    m.st_name = 0x7fffffff;
    put_sym(&f, i, &m);
    snprintf(want, sizeof want, "symbol %u: name offset 2147483647 outside the string table (%llu bytes)", i,
             (unsigned long long)shdr(&f, sec(&f, ".symtab").sh_link).sh_size);
    expect_err(f.b, f.len, want);

    m = s;
    m.st_value = xdp_size;
    put_sym(&f, i, &m);
    snprintf(want, sizeof want,
             "section 'xdp': function 'prog_a' (%llu bytes at offset %llu) runs past the end of the section (%llu bytes)",
             (unsigned long long)s.st_size, (unsigned long long)xdp_size, (unsigned long long)xdp_size);
    expect_err(f.b, f.len, want);

    m = s;
    m.st_value = 4;
    put_sym(&f, i, &m);
    snprintf(want, sizeof want, "section 'xdp': function 'prog_a': offset 4 or size %llu is not a multiple of 8",
             (unsigned long long)s.st_size);
    expect_err(f.b, f.len, want);

    m = s;
    m.st_size = xdp_size;
    put_sym(&f, i, &m);
    expect_err(f.b, f.len, "section 'xdp': functions 'prog_a' and 'in_section' overlap");
    put_sym(&f, i, &s);
    vm_object_free(load_ok(&f, "subprogs.o"));
    free(f.b);
}

/* --------------------------------------------------------- relocations ---- */

Test(elf_errors, relocations)
{
    struct file f = fixture("subprogs");
    char want[256];
    Elf64_Rel r0 = rel_at(&f, ".relxdp", 0), m;
    const char *sn = rel_sym_name(&f, &r0);
    uint64_t size = sec(&f, "xdp").sh_size;
    cr_assert(vm_insn_is_lddw(&(struct bpf_insn){.code = insn_in(&f, "xdp", r0.r_offset).code}));

    m = r0;
    m.r_offset = size;
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want,
             "section 'xdp': relocation 0 against '%s': offset %llu is not an instruction of the section (%llu bytes)",
             sn, (unsigned long long)size, (unsigned long long)size);
    expect_err(f.b, f.len, want);

    m = r0;
    m.r_offset += 3;
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want,
             "section 'xdp': relocation 0 against '%s': offset %llu is not an instruction of the section (%llu bytes)",
             sn, (unsigned long long)m.r_offset, (unsigned long long)size);
    expect_err(f.b, f.len, want);

    m = r0;
    m.r_info = ELF64_R_INFO(9999, ELF64_R_TYPE(r0.r_info));
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want, "section 'xdp': relocation 0: symbol index 9999 out of range (%u symbols)",
             sym_count(&f));
    expect_err(f.b, f.len, want);

    m = r0;
    m.r_info = ELF64_R_INFO(ELF64_R_SYM(r0.r_info), 7);
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want, "section 'xdp': relocation 0 against '%s': unsupported type 7", sn);
    expect_err(f.b, f.len, want);

    m = r0;
    m.r_info = ELF64_R_INFO(ELF64_R_SYM(r0.r_info), 10);
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want, "section 'xdp': relocation 0 against '%s': insn %u is not a call (opcode 0x18)",
             sn, (unsigned)(r0.r_offset / 8));
    expect_err(f.b, f.len, want);

    /* R_BPF_64_64 moved onto the lddw's next instruction */
    m = r0;
    m.r_offset += 16;
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want,
             "section 'xdp': relocation 0 against '%s': insn %u is not an ld_imm64 (opcode 0x%02x)", sn,
             (unsigned)(m.r_offset / 8), insn_in(&f, "xdp", m.r_offset).code);
    expect_err(f.b, f.len, want);
    put_rel(&f, ".relxdp", 0, &r0);

    /* two relocations for one instruction */
    Elf64_Rel r1;
    unsigned k = 1;
    for (;; k++) { /* the next R_BPF_64_64 */
        r1 = rel_at(&f, ".relxdp", k);
        if (ELF64_R_TYPE(r1.r_info) == R_BPF_64_64)
            break;
    }
    m = r1;
    m.r_offset = r0.r_offset;
    put_rel(&f, ".relxdp", k, &m);
    snprintf(want, sizeof want, "section 'xdp': two relocations for insn %u", (unsigned)(r0.r_offset / 8));
    expect_err(f.b, f.len, want);
    put_rel(&f, ".relxdp", k, &r1);
    put_rel(&f, ".relxdp", 0, &r0);

    /* a relocation against a symbol that is neither a map nor data */
    m = r0;
    m.r_info = ELF64_R_INFO(sym_index(&f, "_license"), R_BPF_64_64);
    put_rel(&f, ".relxdp", 0, &m);
    snprintf(want, sizeof want,
             "section 'xdp': relocation 0 against '_license': symbol in section 'license', which is neither a map nor global data");
    expect_err(f.b, f.len, want);
    put_rel(&f, ".relxdp", 0, &r0);
    vm_object_free(load_ok(&f, "subprogs.o"));
    free(f.b);
}

Test(elf_errors, calls)
{
    struct file f = fixture("subprogs");
    char want[256];
    /* global_sub's call to bump needs no relocation (same section):
     * point it one slot off */
    struct fn g = fn_of(&f, "global_sub");
    uint64_t at = sec(&f, ".text").sh_offset + g.off;
    uint32_t i = 0;
    struct bpf_insn in;
    for (;; i++) {
        memcpy(&in, f.b + at + i * 8, 8);
        if (in.code == (BPF_JMP | BPF_CALL) && in.src_reg == BPF_PSEUDO_CALL)
            break;
    }
    uint32_t si = (uint32_t)(g.off / 8) + i;
    in.imm += 1;
    memcpy(f.b + at + i * 8, &in, 8);
    snprintf(want, sizeof want,
             "section '.text': function 'global_sub': insn %u: call %+d to insn %d of the section, which is not the start of a function",
             si, in.imm, (int)si + in.imm + 1);
    expect_err(f.b, f.len, want);
    in.imm -= 1;
    memcpy(f.b + at + i * 8, &in, 8);

    /* prog_a's call to global_sub: its relocation now says the call is a
     * helper call */
    for (unsigned k = 0;; k++) {
        Elf64_Rel r = rel_at(&f, ".relxdp", k);
        if (ELF64_R_TYPE(r.r_info) != R_BPF_64_32)
            continue;
        struct bpf_insn c = insn_in(&f, "xdp", r.r_offset), orig = c;
        c.src_reg = 0;
        memcpy(f.b + sec(&f, "xdp").sh_offset + r.r_offset, &c, 8);
        snprintf(want, sizeof want,
                 "section 'xdp': relocation %u against 'global_sub': the call at insn %u has src_reg 0, not 1 (a bpf-to-bpf call)",
                 k, (unsigned)(r.r_offset / 8));
        expect_err(f.b, f.len, want);
        memcpy(f.b + sec(&f, "xdp").sh_offset + r.r_offset, &orig, 8);
        break;
    }
    vm_object_free(load_ok(&f, "subprogs.o"));
    free(f.b);
}

/* ---------------------------------------------------------------- maps ---- */

Test(elf_errors, legacy_maps)
{
    struct file f = fixture("legacy");
    unsigned ms = sec_index(&f, "maps");
    Elf64_Shdr s = shdr(&f, ms), m = s;
    m.sh_size = 39;
    put_shdr(&f, ms, &m);
    expect_err(f.b, f.len, "section 'maps': 39 bytes do not divide into 2 map definitions");
    m.sh_size = 24;
    put_shdr(&f, ms, &m);
    expect_err(f.b, f.len,
               "section 'maps': map 'counts': 12-byte definitions are neither libbpf's struct bpf_map_def (20 bytes) nor iproute2's struct bpf_elf_map (36 bytes)");
    put_shdr(&f, ms, &s);
    vm_object_free(load_ok(&f, "legacy.o"));
    free(f.b);
}

/* BTF types, walked as the loader does, to mutate one. */
struct btf_view {
    uint8_t *types;
    const char *strs;
    uint32_t types_len, n;
    uint32_t off[4096];
};

static void btf_view(struct file *f, struct btf_view *v)
{
    Elf64_Shdr s = sec(f, ".BTF");
    uint8_t *d = f->b + s.sh_offset;
    struct btf_header h;
    memcpy(&h, d, sizeof h);
    v->types = d + h.hdr_len + h.type_off;
    v->strs = (const char *)d + h.hdr_len + h.str_off;
    v->types_len = h.type_len;
    v->n = 1;
    for (uint32_t pos = 0; pos < h.type_len;) {
        struct btf_type t;
        memcpy(&t, v->types + pos, sizeof t);
        uint32_t vlen = BTF_INFO_VLEN(t.info), extra = 0;
        switch (BTF_INFO_KIND(t.info)) {
        case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: extra = 4; break;
        case BTF_KIND_ARRAY: extra = 12; break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
            extra = 12 * vlen; break;
        case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO: extra = 8 * vlen; break;
        default: break;
        }
        cr_assert_lt(v->n, 4096);
        v->off[v->n++] = pos;
        pos += (uint32_t)sizeof t + extra;
    }
}

/* Offset in the file's .BTF types of the first type of `kind` named `name`. */
static uint8_t *btf_find(struct btf_view *v, unsigned kind, const char *name)
{
    for (uint32_t id = 1; id < v->n; id++) {
        struct btf_type t;
        memcpy(&t, v->types + v->off[id], sizeof t);
        if (BTF_INFO_KIND(t.info) == kind && strcmp(v->strs + t.name_off, name) == 0)
            return v->types + v->off[id];
    }
    cr_assert_fail("no BTF %u '%s'", kind, name);
    return NULL;
}

Test(elf_errors, btf_maps)
{
    struct file f = fixture("subprogs");
    struct btf_view *v = malloc(sizeof *v);
    btf_view(&f, v);

    /* the map variable pointing at a type that does not exist */
    uint8_t *var = btf_find(v, BTF_KIND_VAR, "counters");
    struct btf_type t, m;
    memcpy(&t, var, sizeof t);
    m = t;
    m.type = 9999;
    memcpy(var, &m, sizeof m);
    expect_err(f.b, f.len, "section '.maps': map 'counters': definition type [9999] not found");
    memcpy(var, &t, sizeof t);

    /* its key member pointing at a missing type */
    struct btf_type st;
    uint32_t sid = t.type;
    memcpy(&st, v->types + v->off[sid], sizeof st);
    cr_assert_eq(BTF_INFO_KIND(st.info), BTF_KIND_STRUCT);
    struct btf_member *mem = (struct btf_member *)(v->types + v->off[sid] + sizeof st);
    for (unsigned k = 0; k < BTF_INFO_VLEN(st.info); k++) {
        struct btf_member bm;
        memcpy(&bm, &mem[k], sizeof bm);
        if (strcmp(v->strs + bm.name_off, "key"))
            continue;
        /* key is a PTR to __u32: make the PTR point nowhere */
        uint32_t ptr = bm.type;
        struct btf_type pt, pm;
        memcpy(&pt, v->types + v->off[ptr], sizeof pt);
        pm = pt;
        pm.type = 7777;
        memcpy(v->types + v->off[ptr], &pm, sizeof pm);
        expect_err(f.b, f.len, "section '.maps': map 'counters': key type [7777] not found");
        memcpy(v->types + v->off[ptr], &pt, sizeof pt);
        /* and a member libbpf does not know: "max_entries" renamed to the
         * map's own name (a string the section has) */
        for (unsigned q = 0; q < BTF_INFO_VLEN(st.info); q++) {
            struct btf_member o, r;
            memcpy(&o, &mem[q], sizeof o);
            if (strcmp(v->strs + o.name_off, "max_entries"))
                continue;
            r = o;
            r.name_off = t.name_off;
            memcpy(&mem[q], &r, sizeof r);
            expect_err(f.b, f.len, "section '.maps': map 'counters': unknown field 'counters'");
            memcpy(&mem[q], &o, sizeof o);
        }
    }

    /* bad magic */
    uint8_t *btf = f.b + sec(&f, ".BTF").sh_offset;
    uint8_t save = btf[0];
    btf[0] = 0x34;
    char want[64];
    snprintf(want, sizeof want, "section '.BTF': bad magic 0x%02x34", btf[1]);
    expect_err(f.b, f.len, want);
    btf[0] = save;
    vm_object_free(load_ok(&f, "subprogs.o"));
    free(v);
    free(f.b);
}

Test(elf_errors, line_info)
{
    struct file f = fixture("subprogs");
    uint8_t *ext = f.b + sec(&f, ".BTF.ext").sh_offset;
    uint32_t hdr_len, line_off;
    memcpy(&hdr_len, ext + 4, 4);
    memcpy(&line_off, ext + 16, 4);
    uint8_t *li = ext + hdr_len + line_off;
    uint32_t name_off, insn_off;
    memcpy(&name_off, li + 4, 4);
    memcpy(&insn_off, li + 12, 4);
    struct btf_view *v = malloc(sizeof *v);
    btf_view(&f, v);
    const char *secname = v->strs + name_off;
    uint32_t bad = 0x7ffffff8;
    memcpy(li + 12, &bad, 4);
    char want[256];
    snprintf(want, sizeof want,
             "section '.BTF.ext': line info 0 of section '%s': instruction offset %u outside the section (%llu bytes)",
             secname, bad, (unsigned long long)sec(&f, secname).sh_size);
    expect_err(f.b, f.len, want);
    memcpy(li + 12, &insn_off, 4);
    vm_object_free(load_ok(&f, "subprogs.o"));
    free(v);
    free(f.b);
}

/* Single-byte mutations of every header byte, section header and the
 * first bytes of each section: the loader loads or fails with a message,
 * and never reads outside what it was given (ASan, UBSan). */
Test(elf_errors, byte_mutations, .timeout = 300)
{
    static const char *names[] = {"legacy", "maps"};
    static const uint8_t vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
    for (size_t n = 0; n < 2; n++) {
        struct file f = fixture(names[n]);
        Elf64_Ehdr h = ehdr(&f);
        /* positions: the ELF header, the section headers, 32 bytes of each section */
        size_t cap = 64 + (size_t)h.e_shnum * 64 + (size_t)h.e_shnum * 32, np = 0;
        size_t *pos = malloc(cap * sizeof *pos);
        for (size_t i = 0; i < 64; i++)
            pos[np++] = i;
        for (size_t i = 0; i < (size_t)h.e_shnum * 64; i++)
            pos[np++] = h.e_shoff + i;
        for (unsigned s = 1; s < h.e_shnum; s++) {
            Elf64_Shdr sh = shdr(&f, s);
            for (size_t i = 0; i < 32 && i < sh.sh_size && sh.sh_type != SHT_NOBITS; i++)
                pos[np++] = sh.sh_offset + i;
        }
        uint8_t *copy = malloc(f.len);
        for (size_t p = 0; p < np; p++)
            for (size_t k = 0; k < sizeof vals; k++) {
                memcpy(copy, f.b, f.len);
                if (copy[pos[p]] == vals[k])
                    continue;
                copy[pos[p]] = vals[k];
                struct vm_object *o = NULL;
                char err[VM_ERR_LEN] = "";
                int rc = vm_object_load_elf(copy, f.len, "m.o", &o, err, sizeof err);
                if (rc == 0) {
                    cr_assert_not_null(o);
                    check_object_(o, "mutated", false);
                    vm_object_free(o);
                } else {
                    cr_assert_null(o);
                    cr_assert(err[0], "%s: byte %zu = 0x%02x: rc %d without a message", names[n],
                              pos[p], vals[k], rc);
                }
            }
        free(copy);
        free(pos);
        free(f.b);
    }
}

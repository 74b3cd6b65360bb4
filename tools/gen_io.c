/* tools/gen_io.c - generated programs as files (the verifier suite's .s
 * format plus raw bytecode), reading such files back, and deleting
 * instructions with the jumps fixed (for minimisation). */
#include "tools/gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/kbpf.h"
#include "tools/tools.h"

static const struct {
    const char *name;
    uint32_t type;
} map_names[] = {
    {"hash", BPF_MAP_TYPE_HASH},
    {"array", BPF_MAP_TYPE_ARRAY},
    {"prog_array", BPF_MAP_TYPE_PROG_ARRAY},
    {"perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY},
    {"percpu_hash", BPF_MAP_TYPE_PERCPU_HASH},
    {"percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY},
    {"lru_hash", BPF_MAP_TYPE_LRU_HASH},
    {"lru_percpu_hash", BPF_MAP_TYPE_LRU_PERCPU_HASH},
    {"queue", BPF_MAP_TYPE_QUEUE},
    {"stack", BPF_MAP_TYPE_STACK},
    {"ringbuf", BPF_MAP_TYPE_RINGBUF},
    {"sockmap", BPF_MAP_TYPE_SOCKMAP},
    {"sockhash", BPF_MAP_TYPE_SOCKHASH},
};
#define N_MAP_NAMES (sizeof map_names / sizeof map_names[0])

const char *gen_map_type_name(uint32_t type)
{
    for (size_t i = 0; i < N_MAP_NAMES; i++)
        if (map_names[i].type == type)
            return map_names[i].name;
    return "?";
}

bool gen_map_type_parse(const char *name, uint32_t *type)
{
    for (size_t i = 0; i < N_MAP_NAMES; i++)
        if (!strcmp(map_names[i].name, name)) {
            *type = map_names[i].type;
            return true;
        }
    return false;
}

/* The suite's names for program types. */
static const char *suite_type_name(uint32_t t)
{
    switch (t) {
    case BPF_PROG_TYPE_XDP: return "xdp";
    case BPF_PROG_TYPE_SCHED_CLS: return "sched_cls";
    case BPF_PROG_TYPE_SCHED_ACT: return "sched_act";
    case BPF_PROG_TYPE_SOCKET_FILTER: return "socket_filter";
    case BPF_PROG_TYPE_CGROUP_SKB: return "cgroup_skb";
    default: return "?";
    }
}

void gen_write_suite(FILE *f, const struct gen_program *p, const char *comment,
                     const char *expect, const char *error)
{
    if (comment)
        for (const char *c = comment; *c;) {
            size_t n = strcspn(c, "\n");
            fprintf(f, "# %.*s\n", (int)n, c);
            c += n + (c[n] == '\n');
        }
    fprintf(f, "# prog_type: %s\n", suite_type_name(p->prog_type));
    fprintf(f, "# priv: %s\n", kbpf_priv_name(p->priv));
    if (expect)
        fprintf(f, "# expect: %s\n", expect);
    if (error && *error)
        fprintf(f, "# error: %s\n", error);
    for (uint32_t i = 0; i < p->n_maps; i++) {
        const struct gen_map *m = &p->maps[i];
        fprintf(f, "# map: %s key=%u value=%u entries=%u", gen_map_type_name(m->type), m->key_size,
                m->value_size, m->max_entries);
        if (m->flags)
            fprintf(f, " flags=%#x", m->flags);
        fputc('\n', f);
    }
    char buf[256];
    for (uint32_t i = 0; i < p->prog->len;) {
        unsigned n = vm_disasm_insn(p->prog->insns, p->prog->len, i, buf, sizeof buf);
        fprintf(f, "%s\n", buf);
        i += n ? n : 1;
    }
}

int gen_save(const struct gen_program *p, const char *dir, const char *stem, const char *comment,
             const char *expect, const char *error)
{
    char path[4096];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/%s.s", dir, stem);
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    gen_write_suite(f, p, comment, expect, error);
    if (fclose(f) != 0)
        return -errno;
    snprintf(path, sizeof path, "%s/%s.bin", dir, stem);
    f = fopen(path, "wb");
    if (!f)
        return -errno;
    fwrite(p->prog->insns, 8, p->prog->len, f);
    if (fclose(f) != 0)
        return -errno;
    return 0;
}

/* ------------------------------------------------------------- deletion */

static bool has_rel_target(const struct bpf_insn *in, int64_t *rel, bool *in_imm)
{
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    *in_imm = false;
    if (vm_insn_is_lddw(in) && in->src_reg == BPF_PSEUDO_FUNC) {
        *rel = in->imm;
        *in_imm = true;
        return true;
    }
    if (cls != BPF_JMP && cls != BPF_JMP32)
        return false;
    if (op == BPF_EXIT)
        return false;
    if (op == BPF_CALL) {
        if (in->src_reg != BPF_PSEUDO_CALL)
            return false;
        *rel = in->imm;
        *in_imm = true;
        return true;
    }
    if (op == BPF_JA && cls == BPF_JMP32) {
        *rel = in->imm; /* gotol */
        *in_imm = true;
        return true;
    }
    *rel = in->off;
    return true;
}

int gen_delete(struct gen_program *p, uint32_t start, uint32_t count)
{
    struct vm_prog *pr = p->prog;
    uint32_t end = start + count;
    if (count == 0 || end > pr->len || count >= pr->len)
        return -EINVAL;
    /* no lddw cut in half */
    if (start > 0 && vm_insn_is_lddw(&pr->insns[start - 1]))
        return -EINVAL;
    if (vm_insn_is_lddw(&pr->insns[end - 1]))
        return -EINVAL;
    struct bpf_insn *n = malloc(sizeof(*n) * (pr->len - count));
    if (!n)
        return -ENOMEM;
    uint32_t k = 0;
    for (uint32_t i = 0; i < pr->len; i++) {
        if (i >= start && i < end)
            continue;
        struct bpf_insn in = pr->insns[i];
        int64_t rel;
        bool in_imm;
        if (!(i > 0 && vm_insn_is_lddw(&pr->insns[i - 1])) && has_rel_target(&in, &rel, &in_imm)) {
            int64_t t = (int64_t)i + 1 + rel;
            int64_t nt = t < start ? t : t >= end ? t - count : start;
            int64_t ni = k;
            int64_t nrel = nt - ni - 1;
            if (in_imm)
                in.imm = (int32_t)nrel;
            else if (nrel < INT16_MIN || nrel > INT16_MAX) {
                free(n);
                return -EINVAL;
            } else
                in.off = (int16_t)nrel;
        }
        n[k++] = in;
    }
    free(pr->insns);
    pr->insns = n;
    pr->len = k;
    return 0;
}

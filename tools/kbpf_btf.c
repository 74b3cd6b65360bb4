/* tools/kbpf_btf.c - the BTF a raw program needs to load with callbacks.
 *
 * The kernel verifies a callback (a ld_imm64 of BPF_PSEUDO_FUNC passed to
 * bpf_loop, bpf_for_each_map_elem, ...) only when the program comes with
 * BTF func_info for every subprogram; without it the load fails with
 * "missing btf func_info". Objects get theirs from clang and libbpf; raw
 * programs (assembly, the verifier suite, fuzz findings) get a minimal one
 * here: one static function `int fN(void)` per subprogram start. The
 * kernel ignores static functions' prototypes, so the verdict is the one
 * the program's code decides (bpfemu's verifier assumes func_info). */
#include "tools/kbpf.h"

#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool is_pseudo_func(const struct bpf_insn *in)
{
    return in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC;
}

static bool is_pseudo_call(const struct bpf_insn *in)
{
    return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

/* Subprogram starts, sorted, into starts[max]; the count, or -E2BIG. */
static int subprog_starts(const struct bpf_insn *insns, uint32_t n, uint32_t *starts, uint32_t max)
{
    uint32_t cnt = 1;
    starts[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!is_pseudo_func(&insns[i]) && !is_pseudo_call(&insns[i]))
            continue;
        int64_t t = (int64_t)i + insns[i].imm + 1;
        if (t <= 0 || t >= n)
            continue; /* the kernel says "call to invalid destination" */
        uint32_t k = 0;
        while (k < cnt && starts[k] < (uint32_t)t)
            k++;
        if (k < cnt && starts[k] == (uint32_t)t)
            continue;
        if (cnt == max)
            return -E2BIG;
        memmove(&starts[k + 1], &starts[k], (cnt - k) * sizeof(*starts));
        starts[k] = (uint32_t)t;
        cnt++;
    }
    return (int)cnt;
}

int kbpf_func_btf(const struct bpf_insn *insns, uint32_t n, struct kbpf_func_btf *out)
{
    memset(out, 0, sizeof(*out));
    out->btf_fd = -1;
    bool needed = false;
    for (uint32_t i = 0; i < n && !needed; i++)
        needed = is_pseudo_func(&insns[i]);
    if (!needed)
        return 0;
    uint32_t starts[KBPF_MAX_FUNCS];
    int cnt = subprog_starts(insns, n, starts, KBPF_MAX_FUNCS);
    if (cnt < 0)
        return cnt;
    /* types: [1] int, [2] int (void), [3 + i] static fN of [2] */
    uint32_t types[6 + 3 * KBPF_MAX_FUNCS];
    char strs[8 + 8 * KBPF_MAX_FUNCS];
    uint32_t nt = 0, ns = 0;
    strs[ns++] = 0;
    uint32_t int_name = ns;
    ns += (uint32_t)sprintf(strs + ns, "int") + 1;
    types[nt++] = int_name;
    types[nt++] = BTF_KIND_INT << 24;
    types[nt++] = 4;
    types[nt++] = BTF_INT_SIGNED << 24 | 32;
    types[nt++] = 0;
    types[nt++] = BTF_KIND_FUNC_PROTO << 24;
    types[nt++] = 1;
    for (int i = 0; i < cnt; i++) {
        types[nt++] = ns;
        ns += (uint32_t)sprintf(strs + ns, "f%d", i) + 1;
        types[nt++] = BTF_KIND_FUNC << 24 | BTF_FUNC_STATIC;
        types[nt++] = 2;
        out->info[i].insn_off = starts[i];
        out->info[i].type_id = 3 + (uint32_t)i;
    }
    struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof h,
                           .type_off = 0, .type_len = nt * 4, .str_off = nt * 4, .str_len = ns};
    size_t size = sizeof h + nt * 4 + ns;
    uint8_t *blob = malloc(size);
    if (!blob)
        return -ENOMEM;
    memcpy(blob, &h, sizeof h);
    memcpy(blob + sizeof h, types, nt * 4);
    memcpy(blob + sizeof h + nt * 4, strs, ns);
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.btf = (uintptr_t)blob;
    a.btf_size = (uint32_t)size;
    int fd = (int)syscall(__NR_bpf, BPF_BTF_LOAD, &a, sizeof a);
    int e = errno;
    free(blob);
    if (fd < 0)
        return -e;
    out->btf_fd = fd;
    out->n_info = (uint32_t)cnt;
    return 0;
}

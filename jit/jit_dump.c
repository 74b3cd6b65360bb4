/* jit/jit_dump.c - the native code of a compiled program, disassembled with
 * capstone and interleaved with the eBPF instructions it came from (and
 * their source lines), as `bpftool prog dump jited linum` shows it. */
#include "jit/jit_int.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

static void dump_range(FILE *f, csh h, const struct jit_image *img, uint32_t from, uint32_t to)
{
    if (to <= from)
        return;
    cs_insn *insn;
    size_t n = cs_disasm(h, img->code + from, to - from, from, 0, &insn);
    uint64_t done = from;
    for (size_t i = 0; i < n; i++) {
        char hex[3 * 16 + 1] = "";
        for (unsigned k = 0; k < insn[i].size && k < 15; k++)
            snprintf(hex + 3 * k, 4, "%02x ", insn[i].bytes[k]);
        fprintf(f, "  %5" PRIx64 ":  %-30s %s%s%s\n", insn[i].address, hex, insn[i].mnemonic,
                insn[i].op_str[0] ? " " : "", insn[i].op_str);
        done = insn[i].address + insn[i].size;
    }
    if (n)
        cs_free(insn, n);
    if (done < to) /* capstone gave up: show the bytes */
        fprintf(f, "  %5" PRIx64 ":  (%" PRIu64 " bytes capstone cannot decode)\n", done,
                (uint64_t)to - done);
}

int jit_dump(FILE *f, const struct jit_prog *jp, unsigned mode, const struct vm_line_info *lines,
             uint32_t n_lines)
{
    const struct jit_image *img = jp->img[(mode & JIT_TRUSTED) && !(mode & JIT_CHECKED)];
    if (!img)
        return -ENOENT;
    csh h;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
        return -ENOTSUP;
    if (mode & JIT_DUMP_ATT)
        cs_option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    const struct vm_prog *prog = vm_get_prog(jp->vm);
    bool trusted = img == jp->img[1];
    fprintf(f, "; %s: %s code, %zu bytes for %u eBPF slots\n", prog->name,
            trusted ? "trusted (unchecked)" : "checked", img->code_len, prog->len);
    fprintf(f, "; entry: save registers, load r1..r5 from the run, jump to the first block\n");
    dump_range(f, h, img, 0, img->entry_len);
    uint32_t li = 0;
    const char *last_text = NULL;
    for (uint32_t pc = 0; pc < prog->len; pc++) {
        while (li < n_lines && lines[li].insn < pc)
            li++;
        if (li < n_lines && lines[li].insn == pc) {
            const struct vm_line_info *l = &lines[li];
            if (!last_text || strcmp(last_text, l->text ? l->text : "") != 0) {
                const char *file = l->file ? strrchr(l->file, '/') : NULL;
                file = file ? file + 1 : l->file ? l->file : "";
                fprintf(f, "; %s [%s:%u line_col:%u]\n", l->text ? l->text : "", file, l->line,
                        l->col);
                last_text = l->text ? l->text : "";
            }
        }
        char text[128];
        unsigned n = vm_disasm_insn(prog->insns, prog->len, pc, text, sizeof text);
        const struct bpf_insn *in = &prog->insns[pc];
        if (vm_insn_is_lddw(in) && pc + 1 < prog->len && strncmp(text, ".insn", 5) == 0) {
            /* a map reference the runtime pointed at its map */
            uint64_t v = (uint32_t)in->imm | ((uint64_t)(uint32_t)in[1].imm << 32);
            snprintf(text, sizeof text, "r%u = 0x%" PRIx64 " ll (relocated)", in->dst_reg, v);
            n = 2;
        }
        fprintf(f, "%4u: %s\n", pc, text);
        uint32_t next = pc + (n ? n : 1);
        if (next > prog->len)
            next = prog->len;
        dump_range(f, h, img, img->insn_off[pc], img->insn_off[next]);
        pc = next - 1;
    }
    fprintf(f, "; past the last slot: falling off the end\n");
    dump_range(f, h, img, img->insn_off[prog->len], img->body_end);
    for (uint32_t i = 0; i < img->n_stubs; i++) {
        uint32_t end = i + 1 < img->n_stubs ? img->stubs[i + 1].off : img->tail_off;
        fprintf(f, "; out of line, insn %u: %s\n", img->stubs[i].pc, img->stubs[i].what);
        dump_range(f, h, img, img->stubs[i].off, end);
    }
    fprintf(f, "; shared: return from a bpf-to-bpf call, exit, epilogue, fault call\n");
    dump_range(f, h, img, img->tail_off, (uint32_t)img->code_len);
    fprintf(f, "; code size: %zu bytes\n", img->code_len);
    cs_close(&h);
    return 0;
}

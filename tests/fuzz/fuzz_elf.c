/* libFuzzer target: the ELF loader. Any input either fails with a message
 * or loads into an object whose programs, relocations, line info and maps
 * are consistent (indices in range, strings readable); then it is freed.
 * Seeds: the objects of corpus/build and tests/unit/elf/build, e.g.
 *   build-fuzz/fuzz/fuzz_elf -max_len=65536 fuzz-elf-corpus corpus/build tests/unit/elf/build
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

static void check(const struct vm_object *o)
{
    for (uint32_t i = 0; i < o->n_maps; i++) {
        const struct vm_map_def *m = &o->maps[i];
        if (m->inner >= (int32_t)o->n_maps || strnlen(m->name, sizeof m->name) == sizeof m->name)
            abort();
        if (m->origin == VM_MAP_DATA && (!m->data || m->value_size == 0))
            abort();
        if (m->data) /* readable, value_size bytes */
            for (uint32_t k = 0; k < m->value_size; k += 4096)
                (void)*(volatile uint8_t *)(m->data + k);
        for (uint32_t k = 0; k < m->n_inits; k++)
            if (m->inits[k].key >= m->max_entries ||
                strnlen(m->inits[k].target, sizeof m->inits[k].target) == sizeof m->inits[k].target)
                abort();
    }
    for (uint32_t i = 0; i < o->n_progs; i++) {
        const struct vm_obj_prog *p = &o->progs[i];
        if (!p->prog || p->prog->len == 0 || vm_object_find_prog(o, p->name) == NULL)
            abort();
        char err[VM_ERR_LEN];
        vm_prog_check(p->prog, err, sizeof err);
        for (uint32_t r = 0; r < p->n_relocs; r++) {
            const struct vm_map_reloc *rl = &p->relocs[r];
            if (rl->insn + 1 >= p->prog->len || rl->map >= o->n_maps ||
                !vm_insn_is_lddw(&p->prog->insns[rl->insn]) ||
                (uint32_t)p->prog->insns[rl->insn].imm != rl->map ||
                (rl->value && rl->offset >= o->maps[rl->map].value_size))
                abort();
        }
        for (uint32_t l = 0; l < p->n_lines; l++) {
            const struct vm_line_info *li = &p->lines[l];
            if (li->insn >= p->prog->len || (l && li->insn < p->lines[l - 1].insn))
                abort();
            (void)strlen(li->file);
            (void)strlen(li->text);
        }
        /* calls and callback addresses land inside the program */
        for (uint32_t k = 0; k < p->prog->len; k++) {
            const struct bpf_insn *in = &p->prog->insns[k];
            bool call = in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
            bool func = vm_insn_is_lddw(in) && in->src_reg == BPF_PSEUDO_FUNC;
            if (call || func) {
                int64_t t = (int64_t)k + 1 + in->imm;
                if (t < 0 || t >= p->prog->len)
                    abort();
            }
            if (vm_insn_is_lddw(in))
                k++;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_object *obj = NULL;
    char err[VM_ERR_LEN] = "";
    int rc = vm_object_load_elf(data, size, "fuzz.o", &obj, err, sizeof err);
    if (rc == 0) {
        if (!obj)
            abort();
        check(obj);
        vm_object_free(obj);
    } else if (obj || rc > 0 || !err[0] || strnlen(err, sizeof err) == sizeof err) {
        fprintf(stderr, "failure without a message or with an object (rc %d)\n", rc);
        abort();
    }
    return 0;
}

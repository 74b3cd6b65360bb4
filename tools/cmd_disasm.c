/* tools/cmd_disasm.c - `bpfemu disasm FILE`. */
#include "tools/cbpf_cli.h"
#include "tools/run_object.h"
#include "tools/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char disasm_help[] =
    "usage: bpfemu disasm FILE\n"
    "       bpfemu disasm OBJ.o [--list] [--section S]\n"
    "       bpfemu disasm --cbpf EXPR | --cbpf-file F\n"
    "\n"
    "Print FILE (\"-\" = stdin) one instruction a line, as bpftool does:\n"
    "  \"   0: (b7) r0 = 0\"\n"
    "FILE is raw bytecode (8 bytes per slot, little-endian) or assembly text\n"
    "(detected from its content). The program is not checked: invalid\n"
    "encodings print as `.insn` directives.\n"
    "\n"
    "For an ELF object each program (or the one --section names) is printed\n"
    "with its source lines from BTF line info (\"; line\"), the .text\n"
    "subprograms it calls appended as the loader lays them out.\n"
    "\n"
    "options:\n"
    "  --list        list the object's programs: section, name, type, insns\n"
    "  --section S   only the program with this section or function name\n"
    "  --cbpf EXPR   a pcap filter expression compiled by libpcap: the classic\n"
    "                program as tcpdump -d prints it, then the eBPF socket filter\n"
    "                it converts to (docs/cbpf.md)\n"
    "  --cbpf-file F the same for a classic program as text (tcpdump -ddd / -dd)\n"
    "  --help   this text\n";

enum { OPT_HELP = 1, OPT_LIST, OPT_SECTION, OPT_CBPF, OPT_CBPF_FILE };

static const char *prog_type_name(uint32_t t)
{
    switch (t) {
    case BPF_PROG_TYPE_XDP: return "xdp";
    case BPF_PROG_TYPE_SCHED_CLS: return "sched_cls";
    case BPF_PROG_TYPE_SCHED_ACT: return "sched_act";
    case BPF_PROG_TYPE_SOCKET_FILTER: return "socket_filter";
    case BPF_PROG_TYPE_KPROBE: return "kprobe";
    case BPF_PROG_TYPE_TRACEPOINT: return "tracepoint";
    case BPF_PROG_TYPE_RAW_TRACEPOINT: return "raw_tracepoint";
    case BPF_PROG_TYPE_SOCK_OPS: return "sock_ops";
    case BPF_PROG_TYPE_SK_SKB: return "sk_skb";
    case BPF_PROG_TYPE_SK_MSG: return "sk_msg";
    case BPF_PROG_TYPE_CGROUP_SKB: return "cgroup_skb";
    case BPF_PROG_TYPE_TRACING: return "tracing";
    case BPF_PROG_TYPE_LSM: return "lsm";
    case BPF_PROG_TYPE_UNSPEC: return "(untyped)";
    default: return "other";
    }
}

static int disasm_object(const char *file, bool list, const char *section)
{
    char err[512];
    struct vm_object *obj;
    int rc = object_open(file, &obj, err, sizeof err);
    if (rc)
        return rc;
    bool found = false;
    if (list)
        printf("%-24s %-28s %-14s %s\n", "section", "program", "type", "insns");
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        const struct vm_obj_prog *p = &obj->progs[i];
        if (section && strcmp(p->name, section) && strcmp(p->section, section))
            continue;
        found = true;
        if (list) {
            printf("%-24s %-28s %-14s %u\n", p->section, p->name, prog_type_name(p->prog_type),
                   p->prog->len);
            continue;
        }
        printf("%s%s (section %s, type %s, %u insns):\n", i ? "\n" : "", p->name, p->section,
               prog_type_name(p->prog_type), p->prog->len);
        uint32_t li = 0;
        for (uint32_t k = 0; k < p->prog->len;) {
            while (li < p->n_lines && p->lines[li].insn < k)
                li++;
            if (li < p->n_lines && p->lines[li].insn == k && p->lines[li].text &&
                p->lines[li].text[0])
                printf("; %s\n", p->lines[li].text);
            char text[128];
            unsigned slots = vm_disasm_insn(p->prog->insns, p->prog->len, k, text, sizeof text);
            printf("%4u: (%02x) %s", k, p->prog->insns[k].code, text);
            for (uint32_t r = 0; r < p->n_relocs; r++)
                if (p->relocs[r].insn == k && p->relocs[r].map < obj->n_maps)
                    printf("  ; %s%s", p->relocs[r].value ? "data of " : "map ",
                           obj->maps[p->relocs[r].map].name);
            putchar('\n');
            k += slots ? slots : 1;
        }
    }
    vm_object_free(obj);
    if (!found) {
        cli_error(file, "no program or section named '%s'", section);
        return CLI_EXIT_BAD_INPUT;
    }
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
}

/* Both forms of a classic filter: tcpdump -d's listing, then the eBPF. */
static int disasm_cbpf(const char *expr, const char *file)
{
    struct cbpf_loaded cl;
    int rc = cbpf_load("--cbpf", expr, file, false, &cl);
    if (rc)
        return rc;
    char *classic = vm_cbpf_disasm(cl.insns, cl.len);
    char *ebpf = vm_disasm_prog(cl.prog);
    if (classic && ebpf) {
        printf("classic BPF, %u insns (tcpdump -d):\n%s\n", cl.len, classic);
        printf("eBPF socket filter, %u insns:\n%s", cl.prog->len, ebpf);
    } else {
        cli_error(cl.label, "cannot disassemble (out of memory)");
    }
    rc = classic && ebpf && fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
    free(classic);
    free(ebpf);
    cbpf_loaded_free(&cl);
    return rc;
}

int cmd_disasm(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP}, {"-h", false, OPT_HELP},
        {"--list", false, OPT_LIST}, {"--section", true, OPT_SECTION},
        {"--cbpf", true, OPT_CBPF},  {"--cbpf-file", true, OPT_CBPF_FILE}, {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *in = NULL, *val, *section = NULL, *cbpf = NULL, *cbpf_file = NULL;
    bool list = false;
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(disasm_help, stdout);
            return CLI_EXIT_OK;
        case OPT_LIST:
            list = true;
            break;
        case OPT_SECTION:
            section = val;
            break;
        case OPT_CBPF:
            cbpf = val;
            break;
        case OPT_CBPF_FILE:
            cbpf_file = val;
            break;
        case CLI_OPT_POSITIONAL:
            if (in) {
                cli_error("disasm", "unexpected argument '%s' (see bpfemu disasm --help)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            in = val;
            break;
        }
    }
    if (cbpf || cbpf_file) {
        if (in || (cbpf && cbpf_file) || list || section) {
            cli_error("disasm", "--cbpf and --cbpf-file take no FILE, --list or --section, nor "
                      "each other");
            return CLI_EXIT_BAD_INPUT;
        }
        return disasm_cbpf(cbpf, cbpf_file);
    }
    if (!in) {
        cli_error("disasm", "missing FILE (see bpfemu disasm --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    if (cli_is_elf_file(in))
        return disasm_object(in, list, section);
    if (list || section) {
        cli_error(in, "--list and --section need an ELF object");
        return CLI_EXIT_BAD_INPUT;
    }
    struct vm_prog *prog;
    int rc = load_program(in, &prog, NULL);
    if (rc != 0)
        return rc;
    char *text = vm_disasm_prog(prog);
    vm_prog_free(prog);
    if (!text) {
        cli_error(in, "cannot disassemble (out of memory)");
        return CLI_EXIT_BAD_INPUT;
    }
    size_t n = strlen(text);
    bool ok = fwrite(text, 1, n, stdout) == n && fflush(stdout) == 0;
    free(text);
    if (!ok) {
        cli_error("stdout", "write error");
        return CLI_EXIT_BAD_INPUT;
    }
    return CLI_EXIT_OK;
}

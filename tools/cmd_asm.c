/* tools/cmd_asm.c - `bpfemu asm FILE.s -o FILE.bin`. */
#include "tools/tools.h"

#include <stdio.h>
#include <stdlib.h>

static const char asm_help[] =
    "usage: bpfemu asm FILE -o OUT\n"
    "\n"
    "Assemble FILE (\"-\" = stdin) and write the raw bytecode, 8 bytes per\n"
    "instruction slot, little-endian, to OUT (\"-\" = stdout).\n"
    "Both syntaxes are accepted, detected per line: bpf_conformance\n"
    "(`mov32 %r0, 0`, `ldxw %r0, [%r1+4]`, labels `name:`) and the\n"
    "kernel/LLVM syntax the disassembler prints (`r0 = 0`).\n"
    "\n"
    "options:\n"
    "  -o, --output OUT   output file (required)\n"
    "  --help             this text\n";

enum { OPT_HELP = 1, OPT_OUT };

int cmd_asm(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP}, {"-h", false, OPT_HELP},
        {"-o", true, OPT_OUT},       {"--output", true, OPT_OUT},
        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *in = NULL, *out = NULL, *val;
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(asm_help, stdout);
            return CLI_EXIT_OK;
        case OPT_OUT:
            out = val;
            break;
        case CLI_OPT_POSITIONAL:
            if (in) {
                cli_error("asm", "unexpected argument '%s' (see bpfemu asm --help)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            in = val;
            break;
        }
    }
    if (!in) {
        cli_error("asm", "missing FILE (see bpfemu asm --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    if (!out) {
        cli_error("asm", "missing -o OUT (see bpfemu asm --help)");
        return CLI_EXIT_BAD_INPUT;
    }

    uint8_t *buf;
    size_t len;
    if (cli_read_file(in, &buf, &len) != 0)
        return CLI_EXIT_BAD_INPUT;
    if (len == 0) {
        cli_error(in, "empty file");
        free(buf);
        return CLI_EXIT_BAD_INPUT;
    }
    struct vm_prog *prog = NULL;
    char err[VM_ERR_LEN] = "";
    int rc = vm_asm((const char *)buf, len, cli_basename(in), &prog, err, sizeof(err));
    free(buf);
    if (rc != 0 || !prog) {
        cli_error(in, "%s", err[0] ? err : "assembly failed");
        return CLI_EXIT_BAD_INPUT;
    }
    rc = cli_write_file(out, prog->insns, (size_t)prog->len * sizeof(struct bpf_insn));
    vm_prog_free(prog);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_BAD_INPUT;
}

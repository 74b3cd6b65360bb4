/* tools/cmd_disasm.c - `bpfemu disasm FILE`. */
#include "tools/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char disasm_help[] =
    "usage: bpfemu disasm FILE\n"
    "\n"
    "Print FILE (\"-\" = stdin) one instruction a line, as bpftool does:\n"
    "  \"   0: (b7) r0 = 0\"\n"
    "FILE is raw bytecode (8 bytes per slot, little-endian) or assembly text\n"
    "(detected from its content). The program is not checked: invalid\n"
    "encodings print as `.insn` directives. ELF objects are not supported yet.\n"
    "\n"
    "options:\n"
    "  --help   this text\n";

enum { OPT_HELP = 1 };

int cmd_disasm(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP}, {"-h", false, OPT_HELP}, {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *in = NULL, *val;
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(disasm_help, stdout);
            return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            if (in) {
                cli_error("disasm", "unexpected argument '%s' (see bpfemu disasm --help)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            in = val;
            break;
        }
    }
    if (!in) {
        cli_error("disasm", "missing FILE (see bpfemu disasm --help)");
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

/* tools/cmd_plugin.c - `bpfemu plugin`: a plugin for the official
 * bpf_conformance_runner (../shared/bpf_conformance/README.md, "Plugin
 * protocol"):
 *
 *   bpf_conformance_runner --plugin_path bpfemu-plugin ...
 *   (the runner runs one executable: bpfemu called through a link named
 *   "bpfemu-plugin" is the plugin, see tools/main.c)
 *
 *   PLUGIN [MEM] [OPTIONS...] [--elf]
 *     MEM: the first argument unless it starts with "--": hex bytes, each
 *          followed by two spaces ("00  01  "); may be empty.
 *     stdin: the program as hex bytes in the same format, then '\n', EOF.
 *   Success: r0 in hex on stdout, exit 0.
 *   Failure: the message on stdout (the runner compares it with `-- error`)
 *            and as the usual "bpfemu: ..." line on stderr; exit 1 for a
 *            failed run or an unsupported mode, 2 for bad input.
 */
#include "tools/tools.h"

#include "jit/jit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char plugin_help[] =
    "usage: bpfemu plugin [MEM] [--interpret | --jit] [--elf] [--debug]\n"
    "                     [--program HEX]\n"
    "\n"
    "A bpf_conformance_runner plugin. Reads the program as hex bytes\n"
    "(\"b7  00  00  00  ...\") on stdin, runs it in the checked interpreter\n"
    "with r1 pointing to a copy of MEM (hex bytes, same format) and r2 its\n"
    "length, and prints r0 in hex. On failure prints the error message on\n"
    "stdout and stderr and exits non-zero (1 run failed, 2 bad input).\n"
    "Options may also arrive as one space-separated argument.\n"
    "\n"
    "options:\n"
    "  --interpret     use the interpreter (the default)\n"
    "  --jit           run the program compiled by the x86-64 JIT (checked code)\n"
    "  --elf           stdin is an ELF object (not supported yet)\n"
    "  --debug         accepted and ignored\n"
    "  --program HEX   take the program from HEX instead of stdin\n"
    "  --help          this text\n";

/* Report a failure the plugin way: the bare message on stdout for the runner,
 * the usual one-liner on stderr. */
static int plugin_fail(int code, const char *what, const char *msg)
{
    printf("%s\n", msg);
    fflush(stdout);
    cli_error(what, "%s", msg);
    return code;
}

int cmd_plugin(int argc, char **argv)
{
    const char *mem_hex = NULL, *prog_hex = NULL;
    bool jit = false, elf = false;
    int first = 1;
    if (argc > 1 && strncmp(argv[1], "--", 2) != 0) {
        mem_hex = argv[1];
        first = 2;
    }
    /* The runner passes its --plugin_options string split on single
     * spaces, older runners as one argument: split every argument. */
    for (int i = first; i < argc; i++) {
        char *copy = strdup(argv[i]);
        if (!copy)
            return plugin_fail(CLI_EXIT_BAD_INPUT, "plugin", "out of memory");
        char *save = NULL;
        int bad = 0;
        for (char *tok = strtok_r(copy, " \t\n", &save); tok && !bad;
             tok = strtok_r(NULL, " \t\n", &save)) {
            if (strcmp(tok, "--help") == 0 || strcmp(tok, "-h") == 0) {
                fputs(plugin_help, stdout);
                free(copy);
                return CLI_EXIT_OK;
            } else if (strcmp(tok, "--jit") == 0) {
                jit = true;
            } else if (strcmp(tok, "--interpret") == 0 || strcmp(tok, "--interp") == 0) {
                jit = false;
            } else if (strcmp(tok, "--elf") == 0) {
                elf = true;
            } else if (strcmp(tok, "--debug") == 0) {
                /* ignored, as uBPF's plugin does */
            } else if (strcmp(tok, "--program") == 0) {
                /* The value is the rest of this argument, else the next. */
                char *rest = strtok_r(NULL, "", &save);
                if (rest && *rest) {
                    prog_hex = argv[i] + (rest - copy);
                } else if (i + 1 < argc) {
                    prog_hex = argv[++i];
                } else {
                    bad = 1;
                }
                break;
            } else {
                char msg[160];
                snprintf(msg, sizeof(msg), "unknown option '%.64s' (see bpfemu plugin --help)",
                         tok);
                free(copy);
                return plugin_fail(CLI_EXIT_BAD_INPUT, "plugin", msg);
            }
        }
        free(copy);
        if (bad)
            return plugin_fail(CLI_EXIT_BAD_INPUT, "plugin", "option '--program' needs a value");
    }
    if (elf)
        return plugin_fail(CLI_EXIT_RUN_FAILED, "--elf", "ELF objects are not supported yet");

    int rc = CLI_EXIT_BAD_INPUT;
    char err[VM_ERR_LEN] = "";
    uint8_t *mem = NULL, *code = NULL, *text = NULL;
    size_t mem_len = 0, code_len = 0, text_len = 0;
    struct vm_prog *prog = NULL;
    struct vm *vm = NULL;
    struct vm_run *run = NULL;
    const char *prog_src = prog_hex ? "--program" : "stdin";

    if (mem_hex &&
        cli_parse_hex_bytes(mem_hex, strlen(mem_hex), &mem, &mem_len, err, sizeof(err)) != 0) {
        rc = plugin_fail(CLI_EXIT_BAD_INPUT, "MEM", err);
        goto out;
    }
    if (prog_hex) {
        if (cli_parse_hex_bytes(prog_hex, strlen(prog_hex), &code, &code_len, err,
                                sizeof(err)) != 0) {
            rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, err);
            goto out;
        }
    } else {
        int e = cli_read_file_errno("-", &text, &text_len);
        if (e) {
            rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, strerror(e));
            goto out;
        }
        if (cli_parse_hex_bytes((const char *)text, text_len, &code, &code_len, err,
                                sizeof(err)) != 0) {
            rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, err);
            goto out;
        }
    }
    if (vm_prog_from_bytes(code, code_len, "plugin", &prog, err, sizeof(err)) != 0 || !prog) {
        prog = NULL;
        rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, err[0] ? err : "cannot load bytecode");
        goto out;
    }
    if (vm_prog_check(prog, err, sizeof(err)) != 0) {
        rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, err[0] ? err : "invalid program");
        goto out;
    }
    if (vm_create(prog, &vm, err, sizeof(err)) != 0 || !vm) {
        vm = NULL;
        rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, err[0] ? err : "cannot create the VM");
        goto out;
    }
    if (test_helpers_register(vm) != 0) {
        rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, "cannot register the helpers");
        goto out;
    }
    vm_set_mode(vm, VM_MODE_CHECKED);
    if (jit && jit_compile(vm, JIT_CHECKED, err, sizeof(err)) != 0) {
        rc = plugin_fail(CLI_EXIT_RUN_FAILED, "--jit", err[0] ? err : "JIT compilation failed");
        goto out;
    }
    run = calloc(1, sizeof(*run));
    if (!run) {
        rc = plugin_fail(CLI_EXIT_BAD_INPUT, prog_src, "out of memory");
        goto out;
    }
    vm_run_init(run, vm);
    if (mem_len) {
        if (vm_run_add_region(run, mem, mem_len, VM_REGION_RW, 0, "mem") != 0) {
            rc = plugin_fail(CLI_EXIT_BAD_INPUT, "MEM", "cannot register the mem region");
            goto out;
        }
        run->args[0] = (uint64_t)(uintptr_t)mem;
        run->args[1] = mem_len;
    }
    int xrc = vm_run_exec(run);
    if (xrc != 0) {
        rc = plugin_fail(CLI_EXIT_RUN_FAILED, prog_src, cli_run_errmsg(run, xrc));
        goto out;
    }
    printf("0x%016" PRIx64 "\n", run->r0);
    fflush(stdout);
    rc = CLI_EXIT_OK;
out:
    free(run);
    if (vm)
        vm_destroy(vm);
    vm_prog_free(prog);
    free(text);
    free(code);
    free(mem);
    return rc;
}

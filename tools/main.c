/* tools/main.c - `bpfemu`: dispatch to the subcommands (tools/cmd_*.c). */
#include "tools/tools.h"

#include <stdio.h>
#include <string.h>

/* tools/cmd_kdiff.c, tools/cmd_fuzz.c */
int cmd_kdiff(int argc, char **argv);
int cmd_fuzz(int argc, char **argv);
/* tools/cmd_verify.c */
int cmd_verify(int argc, char **argv);

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"asm", cmd_asm, "assemble a program into raw bytecode"},
    {"disasm", cmd_disasm, "disassemble raw bytecode or assembly text"},
    {"run", cmd_run, "run a program once or N times, print r0"},
    {"conformance", cmd_conformance, "run bpf_conformance .data tests"},
    {"plugin", cmd_plugin, "bpf_conformance_runner plugin (program hex on stdin)"},
    {"replay", cmd_replay, "replay a pcap/pcapng capture through an XDP or tc program"},
    {"test", cmd_test, "run unit tests of BPF programs from YAML files (JUnit, TAP, coverage)"},
    {"verify", cmd_verify, "verify programs as the kernel's verifier would, with its log"},
    {"jit", cmd_jit, "compile with the x86-64 JIT, show the native code (--dump)"},
    {"bench", cmd_bench, "time an XDP program on a packet (bench/ harness interface)"},
    {"kdiff", cmd_kdiff, "run a program in the kernel and in bpfemu, print the first difference"},
    {"fuzz", cmd_fuzz, "generate programs: verifier-diff, runtime-soundness, jit-diff"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bpfemu COMMAND [ARGS...]\n"
            "       bpfemu COMMAND --help\n"
            "       bpfemu --help | --version\n"
            "\n"
            "bpfemu is a userspace eBPF runtime.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "Exit status: 0 success, 1 the program ran and failed (fault, budget\n"
            "exhausted), 2 bad input or usage. Errors are one line on stderr:\n"
            "  bpfemu: FILE: WHERE: WHAT\n");
}

int main(int argc, char **argv)
{
    /* Installed or linked as "bpfemu-plugin", the binary is the
     * bpf_conformance_runner plugin itself (--plugin_path takes one
     * executable, without arguments). */
    if (argc > 0 && strcmp(cli_basename(argv[0]), "bpfemu-plugin") == 0)
        return cmd_plugin(argc, argv);
    if (argc < 2) {
        cli_error(NULL, "missing command (see bpfemu --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bpfemu %s\n", BPFEMU_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc == 2) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        for (size_t i = 0; i < N_COMMANDS; i++)
            if (strcmp(argv[2], commands[i].name) == 0) {
                char *hargv[] = {argv[2], (char *)"--help", NULL};
                return commands[i].fn(2, hargv);
            }
        cli_error(NULL, "unknown command '%s' (see bpfemu --help)", argv[2]);
        return CLI_EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    if (cmd[0] == '-')
        cli_error(NULL, "unknown option '%s' (see bpfemu --help)", cmd);
    else
        cli_error(NULL, "unknown command '%s' (see bpfemu --help)", cmd);
    return CLI_EXIT_BAD_INPUT;
}

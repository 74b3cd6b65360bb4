/* tools/tools.h - shared declarations of the bpfemu command line.
 *
 * Conventions every subcommand follows:
 *   - an error is ONE line on stderr: "bpfemu: <file>: <where>: <what>"
 *     (<where> is "line N" or "insn N" when known; the vm library's messages
 *     already start with it);
 *   - exit status: 0 success, 1 a run that failed (runtime fault, budget
 *     exhausted), 2 bad input or usage (CLI_EXIT_*).
 */
#ifndef BPFEMU_TOOLS_H
#define BPFEMU_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/vm.h"

#ifndef BPFEMU_VERSION
#define BPFEMU_VERSION "0.1.0"
#endif

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_RUN_FAILED = 1,
    CLI_EXIT_BAD_INPUT = 2,
};

/* --------------------------------------------------------- subcommands ---- */

/* argv[0] is the subcommand's name ("run"); each returns an exit status. */
int cmd_asm(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_conformance(int argc, char **argv);
int cmd_plugin(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_jit(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_test(int argc, char **argv);

/* ------------------------------------------------------------- util.c ---- */

/* Print "bpfemu: <what>: <fmt...>\n" on stderr (what may be NULL). */
void cli_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Largest file the CLI reads (programs, data, packets, tests): bigger
 * inputs (or endless ones such as /dev/zero) fail with EFBIG. */
#define CLI_MAX_FILE_SIZE ((size_t)256 << 20)

/* Read a whole file ("-" = stdin) into a malloc'd buffer, NUL-terminated one
 * byte past *len (the NUL is not counted). On failure prints the one-line
 * error ("bpfemu: FILE: <strerror>") and returns -1. */
int cli_read_file(const char *path, uint8_t **buf, size_t *len);
/* The same without the message: returns 0 or an errno value. */
int cli_read_file_errno(const char *path, uint8_t **buf, size_t *len);

/* Write len bytes to path ("-" = stdout). Prints the error, returns -1. */
int cli_write_file(const char *path, const void *buf, size_t len);

/* Last path component ("dir/x.data" -> "x.data"); points into path. */
const char *cli_basename(const char *path);
/* The name of an errno value, either sign ("EACCES"; the kernel-internal
 * 524 is "ENOTSUPP"), or "E<n>". */
const char *cli_errno_name(int err);
/* True when the file starts with the ELF magic ("-" and unreadable files:
 * false, left to the loader to report). */
bool cli_is_elf_file(const char *path);

/* Strict decimal parse of a positive integer (1..max): digits only, no sign,
 * no spaces, no overflow. Returns false otherwise. */
bool cli_parse_positive(const char *s, uint64_t max, uint64_t *out);

/* cli_parse_positive(val, UINT64_MAX) for option `opt`, printing
 * "bpfemu: OPT: invalid value 'VAL' (expected an integer from 1 to ...)". */
bool cli_parse_count_opt(const char *opt, const char *val, uint64_t *out);

/* Parse whitespace-separated hex bytes ("00 1f a0", an optional 0x prefix per
 * token; the bpf_conformance `mem` format and the plugin's argv/stdin format)
 * appending to *buf / *len (malloc'd, may start NULL/0). On a bad token
 * writes "byte N: ..." (N counted from 0 over this call) to err and returns
 * -1. */
int cli_parse_hex_bytes(const char *text, size_t textlen, uint8_t **buf, size_t *len,
                        char *err, size_t errlen);

/* Monotonic clock in nanoseconds. */
uint64_t cli_now_ns(void);


/* ------------------------------------------------------ option parsing ---- */

/* A tiny getopt_long replacement that accepts options anywhere, "--opt VAL"
 * and "--opt=VAL", "--" ending options, and reports errors in the CLI's
 * one-line format. */
struct cli_opt {
    const char *name;   /* "--repeat", "-o" */
    bool has_arg;
    int id;
};

struct cli_args {
    int argc;
    char **argv;
    int i;               /* next argv index */
    bool only_positional; /* after "--" */
    const char *cmd;     /* subcommand name, for messages */
};

enum {
    CLI_OPT_END = -1,        /* no more arguments */
    CLI_OPT_POSITIONAL = -2, /* *val = the argument */
    CLI_OPT_ERROR = -3,      /* message printed */
};

void cli_args_init(struct cli_args *a, int argc, char **argv);
/* Next option id, or CLI_OPT_*; *val gets an option's value / a positional. */
int cli_args_next(struct cli_args *a, const struct cli_opt *opts, const char **val);

/* ------------------------------------------------------ load_program.c ---- */

enum prog_format {
    PROG_FORMAT_RAW,  /* little-endian 8-byte slots */
    PROG_FORMAT_ASM,  /* assembly text (vm_asm) */
    PROG_FORMAT_ELF,  /* ELF object: not supported yet */
};

/* Guess a file's format from its bytes: ELF magic, else text (no NUL, mostly
 * printable, contains a letter), else raw. */
enum prog_format prog_detect_format(const uint8_t *buf, size_t len);

/* Load FILE ("-" = stdin) as a program: raw bytecode, assembly text or (one
 * day) an ELF object. Does not run vm_prog_check. On failure prints the
 * one-line error and returns CLI_EXIT_BAD_INPUT; 0 on success. fmt may be
 * NULL. */
int load_program(const char *path, struct vm_prog **out, enum prog_format *fmt);

/* Same for bytes already in memory; `path` only names them in messages. */
int load_program_buf(const char *path, const uint8_t *buf, size_t len,
                     struct vm_prog **out, enum prog_format *fmt);

/* vm_prog_check + vm_create + the test helpers, with messages. Returns 0 or
 * CLI_EXIT_BAD_INPUT (message printed, naming `path`). */
int prepare_vm(const char *path, const struct vm_prog *prog, struct vm **out);

/* Compile vm with the x86-64 JIT (jit/jit.h flags; checked code unless
 * JIT_TRUSTED) and attach it. Returns 0 or CLI_EXIT_BAD_INPUT (message
 * printed, naming `path`). */
int cli_enable_jit(const char *path, struct vm *vm, unsigned flags);

/* The message of a failed vm_run_exec (run->errmsg, or strerror). */
const char *cli_run_errmsg(const struct vm_run *run, int rc);

/* ------------------------------------------------------ test_helpers.c ---- */

/* Register the helpers the CLI's runs provide (conformance, run, plugin). */
int test_helpers_register(struct vm *vm);
/* True if `id` is one of them. */
bool test_helpers_has(uint32_t id);
/* The fixed value the bpf_ktime_get_ns stand-in returns. */
#define TEST_HELPER_KTIME_NS 1000000000ull

/* ------------------------------------------------- conformance_file.c ---- */

/* One bpf_conformance .data file, parsed as the upstream runner does. */
struct conf_test {
    bool skip;              /* the upstream runner would skip the file */
    char skip_reason[128];

    bool has_result;
    uint64_t result;
    bool has_error;         /* an `-- error` section */
    char *error;            /* its last line (malloc'd) */

    uint8_t *mem;           /* `-- mem` bytes (malloc'd or NULL) */
    size_t mem_len;

    /* The program: raw slots if a `-- raw` section has tokens, else the asm
     * text. asm_text has one line per file line (lines outside `-- asm` are
     * empty, comments removed), so the assembler's "line N" is the file's. */
    bool has_raw;
    struct bpf_insn *raw;
    size_t raw_len;         /* slots */
    char *asm_text;
    size_t asm_len;
    bool asm_empty;         /* no instruction text at all */
};

/* Parse a file's bytes. Returns 0 (t filled; t->skip may be set) or -1 with
 * "line N: what" in err. Free with conf_test_free either way. */
int conf_test_parse(const uint8_t *buf, size_t len, struct conf_test *t,
                    char *err, size_t errlen);
void conf_test_free(struct conf_test *t);

#endif

/* tools/load_program.c - FILE -> struct vm_prog for every subcommand.
 *
 * The one place that decides what a program file is: an ELF object (by its
 * magic; the ELF loader is a later issue: add its branch in
 * load_program_buf), assembly text, or raw little-endian bytecode. */
#include "tools/tools.h"

#include "jit/jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum prog_format prog_detect_format(const uint8_t *buf, size_t len)
{
    if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0)
        return PROG_FORMAT_ELF;
    /* Text: no NUL byte (every raw program has some: unused fields are 0),
     * at least 95% printable or whitespace (bytes >= 0x80 count as printable
     * so UTF-8 comments pass), and at least one letter. */
    size_t printable = 0;
    bool letter = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (c == 0)
            return PROG_FORMAT_RAW;
        if ((c >= 0x20 && c < 0x7f) || c >= 0x80 || c == '\n' || c == '\r' || c == '\t' ||
            c == '\f' || c == '\v')
            printable++;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            letter = true;
    }
    if (letter && printable >= len - len / 20)
        return PROG_FORMAT_ASM;
    return PROG_FORMAT_RAW;
}

int load_program_buf(const char *path, const uint8_t *buf, size_t len,
                     struct vm_prog **out, enum prog_format *fmtp)
{
    char err[VM_ERR_LEN] = "";
    const char *name = cli_basename(path);
    *out = NULL;
    if (len == 0) {
        cli_error(path, "empty file");
        return CLI_EXIT_BAD_INPUT;
    }
    enum prog_format fmt = prog_detect_format(buf, len);
    if (fmtp)
        *fmtp = fmt;
    switch (fmt) {
    case PROG_FORMAT_ELF:
        /* The ELF loader (a later issue) plugs in here. */
        cli_error(path, "ELF objects are not supported yet");
        return CLI_EXIT_BAD_INPUT;
    case PROG_FORMAT_ASM:
        if (vm_asm((const char *)buf, len, name, out, err, sizeof(err)) != 0 || !*out) {
            cli_error(path, "%s", err[0] ? err : "assembly failed");
            *out = NULL;
            return CLI_EXIT_BAD_INPUT;
        }
        return 0;
    case PROG_FORMAT_RAW:
        if (vm_prog_from_bytes(buf, len, name, out, err, sizeof(err)) != 0 || !*out) {
            cli_error(path, "%s", err[0] ? err : "cannot load bytecode");
            *out = NULL;
            return CLI_EXIT_BAD_INPUT;
        }
        return 0;
    }
    return CLI_EXIT_BAD_INPUT;
}

int load_program(const char *path, struct vm_prog **out, enum prog_format *fmt)
{
    uint8_t *buf;
    size_t len;
    *out = NULL;
    if (cli_read_file(path, &buf, &len) != 0)
        return CLI_EXIT_BAD_INPUT;
    int rc = load_program_buf(path, buf, len, out, fmt);
    free(buf);
    return rc;
}

int prepare_vm(const char *path, const struct vm_prog *prog, struct vm **out)
{
    char err[VM_ERR_LEN] = "";
    *out = NULL;
    if (vm_prog_check(prog, err, sizeof(err)) != 0) {
        cli_error(path, "%s", err[0] ? err : "invalid program");
        return CLI_EXIT_BAD_INPUT;
    }
    if (vm_create(prog, out, err, sizeof(err)) != 0 || !*out) {
        cli_error(path, "%s", err[0] ? err : "cannot create the VM");
        *out = NULL;
        return CLI_EXIT_BAD_INPUT;
    }
    if (test_helpers_register(*out) != 0) {
        cli_error(path, "cannot register the helpers");
        vm_destroy(*out);
        *out = NULL;
        return CLI_EXIT_BAD_INPUT;
    }
    vm_set_mode(*out, VM_MODE_CHECKED);
    return 0;
}

const char *cli_run_errmsg(const struct vm_run *run, int rc)
{
    if (run->errmsg[0])
        return run->errmsg;
    return rc < 0 ? strerror(-rc) : "run failed";
}

int cli_enable_jit(const char *path, struct vm *vm, unsigned flags)
{
    char err[VM_ERR_LEN] = "";
    if (jit_compile(vm, flags, err, sizeof(err)) != 0) {
        cli_error(path, "%s", err[0] ? err : "JIT compilation failed");
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

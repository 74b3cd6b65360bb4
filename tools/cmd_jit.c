/* tools/cmd_jit.c - `bpfemu jit FILE|OBJ [--section S] [--dump]`: compile a
 * program with the x86-64 JIT and show the native code. */
#include "tools/run_object.h"
#include "tools/tools.h"

#include "jit/jit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char jit_help[] =
    "usage: bpfemu jit FILE [--dump] [--trusted] [--jit-harden] [--att]\n"
    "       bpfemu jit OBJ.o [--section S] [--dump] [--trusted] [--jit-harden] [--att]\n"
    "\n"
    "Compile a program (raw bytecode, assembly text, or each program of an ELF\n"
    "object, or the one --section names) with the x86-64 JIT and print its\n"
    "native code size. With --dump, print the native code disassembled by\n"
    "capstone, each eBPF instruction followed by the x86-64 instructions\n"
    "compiled from it and, for objects with BTF line info, the source lines\n"
    "(as `bpftool prog dump jited linum`), then the out-of-line slow paths.\n"
    "\n"
    "options:\n"
    "  --section S    only the object's program with this section or function name\n"
    "  --dump         print the native code\n"
    "  --trusted      the code verified programs run: no checks but the context\n"
    "                 accesses (an object is verified first, a rejected program\n"
    "                 refused; a raw program has no context); default: the\n"
    "                 checked code of unverified programs\n"
    "  --jit-harden   blind constants (as the kernel's bpf_jit_harden)\n"
    "  --att          AT&T syntax (default Intel)\n"
    "  --help         this text\n";

enum { OPT_HELP = 1, OPT_SECTION, OPT_DUMP, OPT_TRUSTED, OPT_HARDEN, OPT_ATT };

/* compile one program's VM and print its size (and code) */
static int jit_vm(const char *path, const char *name, struct vm *vm,
                  const struct vm_line_info *lines, uint32_t n_lines, unsigned flags, bool dump,
                  bool header)
{
    char err[VM_ERR_LEN] = "";
    struct jit_prog *jp;
    int rc = jit_prog_create(vm, flags, &jp, err, sizeof err);
    if (rc) {
        cli_error(path, "%s", err[0] ? err : "JIT compilation failed");
        return CLI_EXIT_BAD_INPUT;
    }
    unsigned mode = flags & (JIT_CHECKED | JIT_TRUSTED);
    if (header)
        printf("%s: ", name);
    if (dump) {
        if (header)
            putchar('\n');
        rc = jit_dump(stdout, jp, mode | (flags & JIT_DUMP_ATT), lines, n_lines);
        if (rc) {
            cli_error(path, "cannot disassemble the native code (capstone)");
            rc = CLI_EXIT_BAD_INPUT;
        }
    } else {
        printf("%zu bytes of x86-64 code (%s) for %u eBPF slots\n", jit_code_size(jp, mode),
               mode == JIT_TRUSTED ? "trusted" : "checked", vm_get_prog(vm)->len);
    }
    jit_prog_free(jp);
    return rc;
}

int cmd_jit(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},       {"-h", false, OPT_HELP},
        {"--section", true, OPT_SECTION},  {"--dump", false, OPT_DUMP},
        {"--trusted", false, OPT_TRUSTED}, {"--jit-harden", false, OPT_HARDEN},
        {"--att", false, OPT_ATT},         {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *in = NULL, *val, *section = NULL;
    bool dump = false;
    unsigned flags = JIT_CHECKED;
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(jit_help, stdout);
            return CLI_EXIT_OK;
        case OPT_SECTION:
            section = val;
            break;
        case OPT_DUMP:
            dump = true;
            break;
        case OPT_TRUSTED:
            flags = (flags & ~JIT_CHECKED) | JIT_TRUSTED;
            break;
        case OPT_HARDEN:
            flags |= JIT_HARDEN;
            break;
        case OPT_ATT:
            flags |= JIT_DUMP_ATT;
            break;
        case CLI_OPT_POSITIONAL:
            if (in) {
                cli_error("jit", "unexpected argument '%s' (see bpfemu jit --help)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            in = val;
            break;
        }
    }
    if (!in) {
        cli_error("jit", "missing FILE (see bpfemu jit --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    if (!cli_is_elf_file(in)) {
        if (section) {
            cli_error(in, "--section needs an ELF object");
            return CLI_EXIT_BAD_INPUT;
        }
        struct vm_prog *prog;
        struct vm *vm;
        int rc = load_program(in, &prog, NULL);
        if (rc)
            return rc;
        rc = prepare_vm(in, prog, &vm); /* the helpers `run` gives it */
        if (!rc) {
            rc = jit_vm(in, prog->name, vm, NULL, 0, flags, dump, false);
            vm_destroy(vm);
        }
        vm_prog_free(prog);
        return rc;
    }
    char err[512];
    struct vm_object *obj;
    int rc = object_open(in, &obj, err, sizeof err);
    if (rc)
        return rc;
    /* the programs as they run: maps created and referenced, helpers bound
     * (when the runtime cannot instantiate the object: as loaded, map
     * references unrelocated) */
    struct helper_env *env = NULL;
    if (helper_env_create(obj, NULL, &env, err, sizeof err))
        env = NULL;
    /* trusted code is compiled from what the verifier found (its ctx
     * accesses): objects are verified first */
    if ((flags & JIT_TRUSTED) && (!env || helper_env_verify(env, 0, err, sizeof err))) {
        cli_error(in, "--trusted: %s", env ? err : "the object cannot be instantiated");
        helper_env_destroy(env);
        vm_object_free(obj);
        return CLI_EXIT_BAD_INPUT;
    }
    bool found = false;
    for (uint32_t i = 0; i < obj->n_progs && !rc; i++) {
        const struct vm_obj_prog *p = &obj->progs[i];
        if (section && strcmp(p->name, section) && strcmp(p->section, section))
            continue;
        if (found && dump)
            putchar('\n');
        found = true;
        struct helper_prog *hp = env ? helper_env_prog(env, p->name) : NULL;
        if ((flags & JIT_TRUSTED) && hp && !helper_prog_verdict(hp)->accepted) {
            cli_error(in, "--trusted: program '%s' is rejected by the verifier: %s", p->name,
                      helper_prog_verdict(hp)->error);
            rc = CLI_EXIT_BAD_INPUT;
            break;
        }
        struct vm *vm = hp ? helper_prog_vm(hp) : NULL, *own = NULL;
        if (!vm && vm_create(p->prog, &own, err, sizeof err) != 0) {
            cli_error(in, "program '%s': %s", p->name, err);
            rc = CLI_EXIT_BAD_INPUT;
            break;
        }
        rc = jit_vm(in, p->name, vm ? vm : own, p->lines, p->n_lines, flags, dump, true);
        if (own)
            vm_destroy(own);
    }
    helper_env_destroy(env);
    vm_object_free(obj);
    if (!found) {
        cli_error(in, section ? "no program or section named '%s'" : "the object has no programs%s",
                  section ? section : "");
        return CLI_EXIT_BAD_INPUT;
    }
    if (fflush(stdout) != 0)
        return CLI_EXIT_BAD_INPUT;
    return rc;
}

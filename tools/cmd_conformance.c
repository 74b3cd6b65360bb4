/* tools/cmd_conformance.c - `bpfemu conformance DIR|FILE...`: run
 * bpf_conformance `.data` tests in-process (no plugin round trip). */
#include "tools/tools.h"

#include "jit/jit.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Instructions one test may execute: far above what any test needs, low
 * enough that a runaway loop costs well under a second. */
#define CONF_BUDGET 10000000ull

static const char conformance_help[] =
    "usage: bpfemu conformance DIR|FILE... [--jit [--jit-harden]] [--verbose]\n"
    "\n"
    "Run bpf_conformance test files: every *.data file of each DIR (sorted,\n"
    "not recursive) and each FILE. Each test's program (its `-- asm`, or\n"
    "`-- raw` when present) runs in the checked interpreter (or the checked\n"
    "JIT code with --jit) with r1 pointing\n"
    "to a copy of `-- mem` and r2 its length, and all 64 bits of r0 are\n"
    "compared with `-- result`. With `-- error` the test passes when loading\n"
    "or running fails with exactly that message (as `bpfemu plugin` prints it).\n"
    "\n"
    "Prints one FAIL line per failure (and a PASS line per success with\n"
    "--verbose), SKIP lines for files the upstream runner would skip, then\n"
    "\"N passed, N failed\" (\", N skipped\" when some were).\n"
    "Exit status: 0 if no test failed, 1 otherwise, 2 bad usage.\n"
    "\n"
    "options:\n"
    "  --verbose   also print a PASS line per passing test\n"
    "  --jit       run the programs compiled by the x86-64 JIT (checked code)\n"
    "  --jit-harden  with --jit: blind the programs' constants\n"
    "  --help      this text\n";

enum { OPT_HELP = 1, OPT_JIT, OPT_VERBOSE, OPT_INTERP, OPT_HARDEN };

enum outcome { T_PASS, T_FAIL, T_SKIP };

struct file_list {
    char **paths;
    size_t n, cap;
};

static int list_add(struct file_list *l, char *path)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        char **np = realloc(l->paths, nc * sizeof(*np));
        if (!np) {
            free(path);
            return -1;
        }
        l->paths = np;
        l->cap = nc;
    }
    l->paths[l->n++] = path;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append DIR's *.data files, sorted. */
static int list_dir(struct file_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        cli_error(dir, "%s", strerror(errno));
        return -1;
    }
    size_t first = l->n;
    struct dirent *e;
    size_t dl = strlen(dir);
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl <= 5 || strcmp(e->d_name + nl - 5, ".data") != 0)
            continue;
        char *p = malloc(dl + nl + 2);
        if (!p) {
            closedir(d);
            cli_error(dir, "out of memory");
            return -1;
        }
        snprintf(p, dl + nl + 2, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(p);
            continue;
        }
        if (list_add(l, p) != 0) {
            closedir(d);
            cli_error(dir, "out of memory");
            return -1;
        }
    }
    closedir(d);
    if (l->n == first) {
        cli_error(dir, "no *.data files");
        return -1;
    }
    qsort(l->paths + first, l->n - first, sizeof(char *), cmp_str);
    return 0;
}

/* Build and run one parsed test. On failure writes the message to msg and
 * returns -1 (or the run's r0 through *r0 and 0). */
static int execute(const struct conf_test *t, const char *name, struct vm_run *run,
                   unsigned jit, uint64_t *r0, char *msg, size_t msglen)
{
    char err[VM_ERR_LEN] = "";
    struct vm_prog *prog = NULL;
    struct vm *vm = NULL;
    uint8_t *mem = NULL;
    int rc = -1;

    if (t->has_raw) {
        if (vm_prog_from_bytes(t->raw, t->raw_len * sizeof(struct bpf_insn), name, &prog, err,
                               sizeof(err)) != 0 || !prog) {
            snprintf(msg, msglen, "%s", err[0] ? err : "cannot load the raw program");
            goto out;
        }
    } else if (vm_asm(t->asm_text, t->asm_len, name, &prog, err, sizeof(err)) != 0 || !prog) {
        snprintf(msg, msglen, "%s", err[0] ? err : "assembly failed");
        prog = NULL;
        goto out;
    }
    if (vm_prog_check(prog, err, sizeof(err)) != 0) {
        snprintf(msg, msglen, "%s", err[0] ? err : "invalid program");
        goto out;
    }
    if (vm_create(prog, &vm, err, sizeof(err)) != 0 || !vm) {
        snprintf(msg, msglen, "%s", err[0] ? err : "cannot create the VM");
        vm = NULL;
        goto out;
    }
    if (test_helpers_register(vm) != 0) {
        snprintf(msg, msglen, "cannot register the helpers");
        goto out;
    }
    vm_set_mode(vm, VM_MODE_CHECKED);
    vm_set_budget(vm, CONF_BUDGET);
    if (jit && jit_compile(vm, jit, err, sizeof(err)) != 0) {
        snprintf(msg, msglen, "%s", err[0] ? err : "JIT compilation failed");
        goto out;
    }
    vm_run_init(run, vm);
    if (t->mem_len) {
        mem = malloc(t->mem_len);
        if (!mem) {
            snprintf(msg, msglen, "out of memory");
            goto out;
        }
        memcpy(mem, t->mem, t->mem_len);
        if (vm_run_add_region(run, mem, t->mem_len, VM_REGION_RW, 0, "mem") != 0) {
            snprintf(msg, msglen, "cannot register the mem region");
            goto out;
        }
        run->args[0] = (uint64_t)(uintptr_t)mem;
        run->args[1] = t->mem_len;
    }
    int xrc = vm_run_exec(run);
    if (xrc != 0) {
        snprintf(msg, msglen, "%s", cli_run_errmsg(run, xrc));
        goto out;
    }
    *r0 = run->r0;
    rc = 0;
out:
    free(mem);
    if (vm)
        vm_destroy(vm);
    vm_prog_free(prog);
    return rc;
}

static enum outcome run_file(const char *path, struct vm_run *run, unsigned jit, bool verbose)
{
    const char *name = cli_basename(path);
    uint8_t *buf;
    size_t len;
    char msg[VM_ERR_LEN + 64];
    struct conf_test t;

    /* A file that cannot be read is a failure of that test. */
    int e = cli_read_file_errno(path, &buf, &len);
    if (e) {
        printf("FAIL: %s: %s\n", name, strerror(e));
        return T_FAIL;
    }
    if (conf_test_parse(buf, len, &t, msg, sizeof(msg)) != 0) {
        free(buf);
        conf_test_free(&t);
        printf("FAIL: %s: %s\n", name, msg);
        return T_FAIL;
    }
    free(buf);
    if (t.skip) {
        printf("SKIP: %s: %s\n", name, t.skip_reason);
        conf_test_free(&t);
        return T_SKIP;
    }

    uint64_t r0 = 0;
    enum outcome o;
    if (execute(&t, name, run, jit, &r0, msg, sizeof(msg)) == 0) {
        if (t.has_result && r0 == t.result) {
            o = T_PASS;
        } else if (t.has_result) {
            printf("FAIL: %s: expected 0x%016" PRIx64 ", got 0x%016" PRIx64 "\n", name,
                   t.result, r0);
            o = T_FAIL;
        } else {
            printf("FAIL: %s: expected error \"%s\", got 0x%016" PRIx64 "\n", name, t.error, r0);
            o = T_FAIL;
        }
    } else if (t.has_error) {
        if (strcmp(msg, t.error) == 0) {
            o = T_PASS;
        } else {
            printf("FAIL: %s: expected error \"%s\", got \"%s\"\n", name, t.error, msg);
            o = T_FAIL;
        }
    } else {
        printf("FAIL: %s: %s\n", name, msg);
        o = T_FAIL;
    }
    if (o == T_PASS && verbose)
        printf("PASS: %s\n", name);
    conf_test_free(&t);
    fflush(stdout);
    return o;
}

int cmd_conformance(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},       {"-h", false, OPT_HELP},
        {"--jit", false, OPT_JIT},         {"--interp", false, OPT_INTERP},
        {"--verbose", false, OPT_VERBOSE}, {"-v", false, OPT_VERBOSE},
        {"--jit-harden", false, OPT_HARDEN},
        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    bool jit = false, verbose = false, harden = false;
    const char *val;
    int id;
    char **inputs = calloc((size_t)argc + 1, sizeof(char *));
    size_t n_inputs = 0;
    if (!inputs) {
        cli_error("conformance", "out of memory");
        return CLI_EXIT_BAD_INPUT;
    }
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            free(inputs);
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(conformance_help, stdout);
            free(inputs);
            return CLI_EXIT_OK;
        case OPT_JIT:
            jit = true;
            break;
        case OPT_INTERP:
            jit = false;
            break;
        case OPT_VERBOSE:
            verbose = true;
            break;
        case OPT_HARDEN:
            harden = true;
            break;
        case CLI_OPT_POSITIONAL:
            inputs[n_inputs++] = (char *)val;
            break;
        }
    }
    if (harden && !jit) {
        free(inputs);
        cli_error("--jit-harden", "needs --jit");
        return CLI_EXIT_BAD_INPUT;
    }
    unsigned jitflags = jit ? JIT_CHECKED | (harden ? JIT_HARDEN : 0) : 0;
    if (n_inputs == 0) {
        free(inputs);
        cli_error("conformance", "missing DIR or FILE (see bpfemu conformance --help)");
        return CLI_EXIT_BAD_INPUT;
    }

    struct file_list files = {0};
    int rc = CLI_EXIT_BAD_INPUT;
    struct vm_run *run = NULL;
    for (size_t i = 0; i < n_inputs; i++) {
        struct stat st;
        if (stat(inputs[i], &st) != 0) {
            cli_error(inputs[i], "%s", strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            if (list_dir(&files, inputs[i]) != 0)
                goto out;
        } else {
            char *p = strdup(inputs[i]);
            if (!p || list_add(&files, p) != 0) {
                cli_error(inputs[i], "out of memory");
                goto out;
            }
        }
    }

    run = calloc(1, sizeof(*run));
    if (!run) {
        cli_error("conformance", "out of memory");
        goto out;
    }
    size_t passed = 0, failed = 0, skipped = 0;
    for (size_t i = 0; i < files.n; i++) {
        switch (run_file(files.paths[i], run, jitflags, verbose)) {
        case T_PASS: passed++; break;
        case T_FAIL: failed++; break;
        case T_SKIP: skipped++; break;
        }
    }
    if (skipped)
        printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
    else
        printf("%zu passed, %zu failed\n", passed, failed);
    fflush(stdout);
    rc = failed ? CLI_EXIT_RUN_FAILED : CLI_EXIT_OK;
out:
    for (size_t i = 0; i < files.n; i++)
        free(files.paths[i]);
    free(files.paths);
    free(run);
    free(inputs);
    return rc;
}

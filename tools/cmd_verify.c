/* tools/cmd_verify.c - `bpfemu verify`: the static verifier on an object's
 * programs (or on one raw program), with the kernel's log and verdict. */
#include "helpers/helpers.h"
#include "tools/gen.h"
#include "tools/json.h"
#include "tools/kbpf.h"
#include "tools/run_object.h"
#include "tools/tools.h"
#include "verifier/verifier.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char verify_help[] =
    "usage: bpfemu verify OBJ.o [--section S] [--log-level 0|1|2] [--stats]\n"
    "                           [--priv root|bpf|unpriv | --unpriv] [--json]\n"
    "       bpfemu verify FILE --type xdp|tc|socket [options]\n"
    "\n"
    "Decide, as BPF_PROG_LOAD on Linux 6.18 would, whether each program of\n"
    "OBJ.o (or only the one --section names) is accepted, and print the\n"
    "kernel-format verifier log: instruction lines such as `0: (b7) r0 = 2`,\n"
    "register states, the kernel's error line, and its closing \"processed N\n"
    "insns (limit 1000000) max_states_per_insn ...\" line. Then one line per\n"
    "program: \"PROG: accepted\" or \"PROG: rejected (EACCES) at insn N: ERROR\".\n"
    "\n"
    "FILE may also be raw bytecode, assembly text, or a program in the\n"
    "verifier suite's format (tests/verifier/*.s: '# prog_type:', '# map:'\n"
    "header lines).\n"
    "\n"
    "options:\n"
    "  --section S      only this program (a section or function name)\n"
    "  --type T         the program type of a raw program, or of an object's\n"
    "                   sections that name none (xdp, tc, socket)\n"
    "  --log-level N    0: no log; 1 (default): the path that failed, as the\n"
    "                   kernel keeps it; 2: every instruction of every path\n"
    "  --stats          the kernel's statistics line (BPF_LOG_STATS) even at\n"
    "                   --log-level 0\n"
    "  --priv P         who loads it: root (default), bpf (CAP_BPF without\n"
    "                   CAP_PERFMON), unpriv (no capability); --unpriv is\n"
    "                   --priv unpriv\n"
    "  --insn-limit N   the processed-instruction limit (default the kernel's\n"
    "                   1000000; unprivileged: program length 4096)\n"
    "  --json           one JSON object per program, a line each: program,\n"
    "                   section, prog_type, verdict, errno, error, pc,\n"
    "                   insns_processed, max_states_per_insn, total_states,\n"
    "                   peak_states, mark_read, and the log\n"
    "  --help           this text\n"
    "\n"
    "Exit status: 0 every program accepted, 1 some program rejected, 2 bad\n"
    "usage or input (a file that is not a program).\n";

enum {
    OPT_HELP = 1, OPT_SECTION, OPT_TYPE, OPT_LOG_LEVEL, OPT_STATS, OPT_PRIV, OPT_UNPRIV,
    OPT_INSN_LIMIT, OPT_JSON,
};

struct verify_opts {
    const char *file, *section;
    uint32_t type;
    int log_level;
    bool stats, json;
    enum verifier_priv priv;
    uint32_t insn_limit;
};

/* Verify one program, print its log and verdict; 1 when rejected. */
static int verify_one(const struct verify_opts *o, const char *name, const char *section,
                      const struct vm_prog *prog, uint32_t prog_type, uint32_t attach_type,
                      const struct verifier_map *maps, uint32_t n_maps)
{
    struct verifier_opts vo;
    memset(&vo, 0, sizeof vo);
    vo.prog_type = prog_type;
    vo.expected_attach_type = attach_type;
    vo.priv = o->priv;
    vo.insn_limit = o->insn_limit;
    vo.log_level = o->log_level | (o->stats ? 4 : 0);
    vo.maps = maps;
    vo.n_maps = n_maps;
    vo.nr_cpus = kbpf_possible_cpus(); /* this machine's kernel's nr_cpu_ids */
    struct verifier_result r;
    int rc = verifier_check(prog, &vo, &r);
    bool ok = rc == 0 && r.accepted;
    const char *type = gen_prog_type_name(prog_type);
    if (o->json) {
        printf("{\"program\": ");
        json_print_str(stdout, name);
        printf(", \"section\": ");
        json_print_str(stdout, section);
        printf(", \"prog_type\": ");
        json_print_str(stdout, type);
        printf(", \"verdict\": \"%s\", \"errno\": ", ok ? "accept" : "reject");
        if (ok)
            printf("null");
        else
            json_print_str(stdout, cli_errno_name(rc));
        printf(", \"error\": ");
        char line[sizeof r.error];
        snprintf(line, sizeof line, "%s", r.error);
        line[strcspn(line, "\n")] = 0;
        if (ok)
            printf("null");
        else
            json_print_str(stdout, line);
        printf(", \"pc\": ");
        if (!ok && r.error_pc >= 0)
            printf("%d", r.error_pc);
        else
            printf("null");
        printf(", \"insns_processed\": %u, \"max_states_per_insn\": %u, \"total_states\": %u, "
               "\"peak_states\": %u, \"mark_read\": %u, \"log\": ",
               r.insns_processed, r.max_states_per_insn, r.total_states, r.peak_states,
               r.mark_read);
        json_print_str(stdout, r.log ? r.log : "");
        printf("}\n");
    } else {
        if (r.log && r.log_len)
            fwrite(r.log, 1, r.log_len, stdout);
        if (ok) {
            printf("%s: accepted (%s, %u insns processed)\n", name, type, r.insns_processed);
        } else {
            char line[sizeof r.error];
            snprintf(line, sizeof line, "%s", r.error);
            line[strcspn(line, "\n")] = 0;
            printf("%s: rejected (%s)", name, cli_errno_name(rc));
            if (r.error_pc >= 0)
                printf(" at insn %d", r.error_pc);
            printf(": %s\n", line[0] ? line : "(empty log)");
        }
    }
    verifier_result_free(&r);
    return ok ? 0 : 1;
}

static int verify_object(const struct verify_opts *o)
{
    char err[1024];
    struct vm_object *obj = NULL;
    int rc = object_open(o->file, &obj, err, sizeof err);
    if (rc)
        return rc;
    struct helper_env_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.default_prog_type = o->type;
    struct helper_env *env = NULL;
    struct verifier_map *maps = NULL;
    uint32_t n_maps = 0;
    rc = CLI_EXIT_BAD_INPUT;
    /* the environment gives untyped sections (tail-call targets) their type */
    if (helper_env_create(obj, &eo, &env, err, sizeof err)) {
        cli_error(o->file, "%s", err);
        goto out;
    }
    if (verifier_maps_of_object(obj, &maps, &n_maps)) {
        cli_error(NULL, "out of memory");
        goto out;
    }
    const struct vm_obj_prog *only = NULL;
    if (o->section && !(only = vm_object_find_prog(obj, o->section))) {
        cli_error(o->file, "no program or section named '%s'", o->section);
        goto out;
    }
    rc = CLI_EXIT_OK;
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        const struct vm_obj_prog *pi = &obj->progs[i];
        if (only && pi != only)
            continue;
        struct helper_prog *hp = helper_env_prog(env, pi->name);
        uint32_t type = hp ? helper_prog_type(hp) : pi->prog_type;
        if (verify_one(o, pi->name, pi->section, pi->prog, type, pi->expected_attach_type, maps,
                       n_maps))
            rc = CLI_EXIT_RUN_FAILED;
    }
out:
    free(maps);
    helper_env_destroy(env);
    vm_object_free(obj);
    return rc;
}

static int verify_raw(const struct verify_opts *o)
{
    char err[1024];
    struct gen_program gp;
    memset(&gp, 0, sizeof gp);
    if (gen_load_file(o->file, o->type, &gp, err, sizeof err)) {
        cli_error(o->file, "%s", err);
        return CLI_EXIT_BAD_INPUT;
    }
    struct verifier_map maps[GEN_MAX_MAPS];
    for (uint32_t i = 0; i < gp.n_maps; i++)
        maps[i] = (struct verifier_map){gp.maps[i].type, gp.maps[i].key_size,
                                        gp.maps[i].value_size, gp.maps[i].max_entries,
                                        gp.maps[i].flags, gp.maps[i].inner, gp.maps[i].frozen};
    struct verify_opts ro = *o;
    if (o->priv == VERIFIER_PRIV_ROOT && gp.priv)
        ro.priv = (enum verifier_priv)gp.priv; /* the file's header, unless --priv says */
    int rc = verify_one(&ro, cli_basename(o->file), "", gp.prog, gp.prog_type, 0, maps,
                        gp.n_maps) ? CLI_EXIT_RUN_FAILED : CLI_EXIT_OK;
    gen_program_free(&gp);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},           {"-h", false, OPT_HELP},
        {"--section", true, OPT_SECTION},      {"--type", true, OPT_TYPE},
        {"--log-level", true, OPT_LOG_LEVEL},  {"--stats", false, OPT_STATS},
        {"--priv", true, OPT_PRIV},            {"--unpriv", false, OPT_UNPRIV},
        {"--insn-limit", true, OPT_INSN_LIMIT}, {"--json", false, OPT_JSON},
        {NULL, false, 0},
    };
    struct verify_opts o = {.log_level = 1};
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *val;
    int id, p;
    uint64_t v;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR: return CLI_EXIT_BAD_INPUT;
        case OPT_HELP: fputs(verify_help, stdout); return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            if (o.file) {
                cli_error("verify", "more than one program file ('%s', '%s')", o.file, val);
                return CLI_EXIT_BAD_INPUT;
            }
            o.file = val;
            break;
        case OPT_SECTION: o.section = val; break;
        case OPT_TYPE:
            if (!(o.type = gen_prog_type_parse(val))) {
                cli_error("--type", "unknown program type '%s' (xdp, tc, socket)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_LOG_LEVEL:
            if (strcmp(val, "0") && strcmp(val, "1") && strcmp(val, "2")) {
                cli_error("--log-level", "expected 0, 1 or 2, not '%s'", val);
                return CLI_EXIT_BAD_INPUT;
            }
            o.log_level = val[0] - '0';
            break;
        case OPT_STATS: o.stats = true; break;
        case OPT_PRIV:
            if ((p = verifier_priv_parse(val)) < 0) {
                cli_error("--priv", "unknown regime '%s' (root, bpf, unpriv)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            o.priv = (enum verifier_priv)p;
            break;
        case OPT_UNPRIV: o.priv = VERIFIER_PRIV_UNPRIV; break;
        case OPT_INSN_LIMIT:
            if (!cli_parse_count_opt("--insn-limit", val, &v))
                return CLI_EXIT_BAD_INPUT;
            if (v > UINT32_MAX) {
                cli_error("--insn-limit", "at most %u", UINT32_MAX);
                return CLI_EXIT_BAD_INPUT;
            }
            o.insn_limit = (uint32_t)v;
            break;
        case OPT_JSON: o.json = true; break;
        }
    }
    if (!o.file) {
        cli_error("verify", "missing program file (see bpfemu verify --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    return cli_is_elf_file(o.file) ? verify_object(&o) : verify_raw(&o);
}

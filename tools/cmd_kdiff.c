/* tools/cmd_kdiff.c - `bpfemu kdiff`: one program in the running kernel and
 * in bpfemu, verdicts then runs compared (tools/kdiff.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/kbpf.h"
#include "tools/kd_pcap.h"
#include "tools/json.h"
#include "tools/kdiff.h"
#include "tools/kobj.h"
#include "tools/tools.h"

static const char kdiff_help[] =
    "usage: bpfemu kdiff OBJ.o [--section S] [--type T] [INPUT] [options]\n"
    "       bpfemu kdiff FILE --type xdp|tc|socket [INPUT] [options]\n"
    "\n"
    "Load a program into the running kernel (BPF_PROG_LOAD, with a verifier log)\n"
    "and into bpfemu, and compare:\n"
    "  1. the verifiers' verdicts (bpfemu's verifier_check against the kernel's\n"
    "     load; when both reject, their first error lines);\n"
    "  2. when both accept, every run: the same input through BPF_PROG_TEST_RUN\n"
    "     and bpfemu's test run, from identical initial map contents: retval,\n"
    "     data_out, ctx_out, then every map's contents (and ring buffer records)\n"
    "     after each packet.\n"
    "The first difference is printed (packet number, field, both values).\n"
    "\n"
    "OBJ.o is a clang-built object: the kernel side loads it with libbpf (legacy\n"
    "map sections converted, untyped sections given the object's type), bpfemu\n"
    "with its own loader. FILE is raw bytecode, assembly text, or a program in\n"
    "the verifier suite's format (tests/verifier/NAME.s: '# prog_type:',\n"
    "'# map:' header lines; `bpfemu fuzz` writes its findings so): its\n"
    "map[idx:N] references name the maps the header declares.\n"
    "\n"
    "input (default: one built-in 64-byte Ethernet/IPv4/UDP packet):\n"
    "  --data FILE      one packet: the file's bytes\n"
    "  --pcap IN        every packet of a pcap/pcapng capture, in order\n"
    "  --ctx-in FILE    ctx_in (struct xdp_md / __sk_buff) for every run\n"
    "options:\n"
    "  --section S      the program: a function or section name\n"
    "  --type T         program type: xdp, tc, socket (raw files, untyped sections)\n"
    "  --map-in JSON    initial map entries, written to both sides (bpfemu's\n"
    "                   --map-in format, as `bpfemu run --map-out` writes)\n"
    "  --priv P         root (default), bpf (CAP_BPF + CAP_NET_ADMIN only) or\n"
    "                   unpriv (no capability; turns kernel.unprivileged_bpf_disabled\n"
    "                   to 0 for the run and back)\n"
    "  --pace           run packets at their capture timestamps' spacing (the\n"
    "                   kernel sleeps; bpfemu's bpf_ktime_get_ns follows them)\n"
    "  --ignore M[:A-B] do not compare bytes A..B of map M's values (every\n"
    "                   byte without a range); repeatable\n"
    "  --no-verify      skip bpfemu's verifier (run whatever the kernel accepts)\n"
    "  --log            print both verifier logs\n"
    "  --json           one JSON object: verdicts, packets, the first difference\n"
    "\n"
    "Exit status: 0 identical, 1 a difference, 2 bad input or usage, or bpf()\n"
    "not permitted here (needs root, or CAP_BPF with CAP_NET_ADMIN).\n";

enum {
    OPT_HELP = 1, OPT_SECTION, OPT_TYPE, OPT_DATA, OPT_PCAP, OPT_CTX_IN, OPT_MAP_IN, OPT_PRIV,
    OPT_PACE, OPT_IGNORE, OPT_NO_VERIFY, OPT_LOG, OPT_JSON,
};

#define MAX_IGNORE 32

struct kd_opts {
    const char *file, *section, *data, *pcap, *ctx_in, *map_in;
    uint32_t type;
    int priv;
    bool pace, no_verify, log, json;
    struct kd_ignore ign[MAX_IGNORE];
    size_t n_ign;
    const char *no_runs;       /* why nothing runs after accepted verdicts */
};

static void json_verdict(FILE *f, const struct kd_verdict *v)
{
    fputs("{\"verdict\": ", f);
    json_print_str(f, !v->known ? "unknown" : v->accepted ? "accept" : "reject");
    fputs(", \"errno\": ", f);
    if (v->known && !v->accepted)
        json_print_str(f, cli_errno_name(v->err));
    else
        fputs("null", f);
    fputs(", \"error\": ", f);
    if (v->error[0])
        json_print_str(f, v->error);
    else
        fputs("null", f);
    fprintf(f, ", \"processed\": %ld}", v->processed);
}

static const char *verdict_word(const struct kd_verdict *v)
{
    return !v->known ? "unknown" : v->accepted ? "accept" : "reject";
}

static void print_verdict(const char *who, const struct kd_verdict *v)
{
    printf("  %-7s %s", who, verdict_word(v));
    if (v->known && !v->accepted)
        printf(" (%s): %s", cli_errno_name(v->err), v->error[0] ? v->error : "(empty log)");
    else if (!v->known && v->error[0])
        printf(": %s", v->error);
    if (v->processed >= 0)
        printf(", %ld insns processed", v->processed);
    putchar('\n');
}

/* The difference report. pkt < 0: the verdicts. */
static int report(const struct kd_opts *o, const char *prog, const struct kd_verdict *kv,
                  const struct kd_verdict *ev, long pkt, size_t npkts, const struct kd_diff *d)
{
    if (o->json) {
        printf("{\"program\": ");
        json_print_str(stdout, prog);
        printf(", \"kernel\": ");
        json_verdict(stdout, kv);
        printf(", \"bpfemu\": ");
        json_verdict(stdout, ev);
        printf(", \"packets\": %zu, \"identical\": %s, \"difference\": ", npkts, d ? "false" : "true");
        if (d) {
            printf("{\"packet\": ");
            if (pkt >= 0)
                printf("%ld", pkt);
            else
                printf("null");
            printf(", \"field\": ");
            json_print_str(stdout, d->what);
            printf(", \"where\": ");
            json_print_str(stdout, d->where);
            printf(", \"kernel\": ");
            json_print_str(stdout, d->kernel);
            printf(", \"bpfemu\": ");
            json_print_str(stdout, d->emu);
            printf("}");
        } else {
            printf("null");
        }
        printf("}\n");
    } else {
        printf("kdiff %s:\n", prog);
        print_verdict("kernel", kv);
        print_verdict("bpfemu", ev);
        if (d) {
            if (pkt >= 0)
                printf("packet %ld: %s%s%s differs\n", pkt, d->what, d->where[0] ? " " : "", d->where);
            else
                printf("%s differs%s%s\n", d->what, d->where[0] ? ": " : "", d->where);
            printf("  kernel: %s\n  bpfemu: %s\n", d->kernel, d->emu);
        } else if (kv->accepted && o->no_runs) {
            printf("identical verdicts (%s)\n", o->no_runs);
        } else if (kv->accepted) {
            printf("identical: %zu packet%s, retval, data_out, ctx_out and maps after each\n",
                   npkts, npkts == 1 ? "" : "s");
        } else {
            printf("identical verdicts (nothing to run)\n");
        }
    }
    fflush(stdout);
    return d ? CLI_EXIT_RUN_FAILED : CLI_EXIT_OK;
}

static bool verdicts_differ(const struct kd_verdict *k, const struct kd_verdict *e,
                            struct kd_diff *d)
{
    memset(d, 0, sizeof(*d));
    if (!k->known || !e->known)
        return false;
    if (k->accepted != e->accepted) {
        snprintf(d->what, sizeof d->what, "verdict");
        snprintf(d->kernel, sizeof d->kernel, "%s%s%s", verdict_word(k), k->accepted ? "" : ": ",
                 k->accepted ? "" : k->error);
        snprintf(d->emu, sizeof d->emu, "%s%s%s", verdict_word(e), e->accepted ? "" : ": ",
                 e->accepted ? "" : e->error);
        return true;
    }
    if (!k->accepted && (k->err != e->err || strcmp(k->error, e->error))) {
        snprintf(d->what, sizeof d->what, "verifier error");
        snprintf(d->kernel, sizeof d->kernel, "%s: %s", cli_errno_name(k->err), k->error);
        snprintf(d->emu, sizeof d->emu, "%s: %s", cli_errno_name(e->err), e->error);
        return true;
    }
    return false;
}

static int parse_ignore(const char *v, struct kd_ignore *ig)
{
    memset(ig, 0, sizeof(*ig));
    const char *colon = strchr(v, ':');
    size_t n = colon ? (size_t)(colon - v) : strlen(v);
    if (!n || n >= sizeof ig->map)
        return -1;
    memcpy(ig->map, v, n);
    ig->first = 0;
    ig->last = 1 << 20;
    if (colon && sscanf(colon + 1, "%d-%d", &ig->first, &ig->last) != 2)
        return -1;
    return ig->first >= 0 && ig->last >= ig->first ? 0 : -1;
}

static int kdiff_main(const struct kd_opts *o)
{
    char err[1024];
    const char *why = kbpf_unavailable();
    if (why) {
        cli_error("kdiff", "%s", why);
        return CLI_EXIT_BAD_INPUT;
    }
    kd_pin_cpu();
    uint8_t *fbuf = NULL, *ctx = NULL, *mapin = NULL;
    size_t flen = 0, ctx_len = 0, mapin_len = 0;
    struct kd_pkt *pkts = NULL;
    size_t npkts = 0;
    int rc = CLI_EXIT_BAD_INPUT;
    struct kd_kernel *k = NULL;
    struct kd_emu *e = NULL;
    struct gen_program gp;
    memset(&gp, 0, sizeof gp);
    struct kd_verdict kv, ev;
    memset(&kv, 0, sizeof kv);
    memset(&ev, 0, sizeof ev);
    struct gen_map *omaps = NULL;
    struct kd_withheld withheld = {0};
    char refused[224] = ""; /* another program of the object that both refuse */
    int refused_err = 0;

    if (o->data && cli_read_file(o->data, &fbuf, &flen) != 0)
        goto out;
    if (o->ctx_in && cli_read_file(o->ctx_in, &ctx, &ctx_len) != 0)
        goto out;
    if (o->map_in && cli_read_file(o->map_in, &mapin, &mapin_len) != 0)
        goto out;
    if (o->pcap && kd_pcap_read(o->pcap, &pkts, &npkts, err, sizeof err) != 0) {
        cli_error(NULL, "%s", err);
        goto out;
    }
    if (!o->pcap) {
        npkts = 1;
        pkts = calloc(1, sizeof(*pkts));
        if (!pkts)
            goto out;
        pkts[0].len = o->data ? (uint32_t)flen : (uint32_t)sizeof kd_default_packet;
        pkts[0].data = malloc(pkts[0].len + 1);
        if (!pkts[0].data)
            goto out;
        memcpy(pkts[0].data, o->data ? fbuf : kd_default_packet, pkts[0].len);
    }

    bool elf = cli_is_elf_file(o->file);
    const char *progname = o->section ? o->section : cli_basename(o->file);
    struct helper_env_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.ncpus = 1;
    eo.default_prog_type = o->type;
    /* the kernel's test runs see this process as the current task (raw
     * tracepoints' bpf_get_current_pid_tgid...): so does bpfemu */
    eo.task_given = true;
    eo.pid = (uint32_t)gettid();
    eo.tgid = (uint32_t)getpid();
    eo.uid = getuid();
    eo.gid = getgid();
    prctl(PR_GET_NAME, eo.comm);

    if (elf) {
        /* bpfemu first: its loader's message is the clearer one for bad objects */
        if (kd_emu_from_obj(o->file, o->section, &eo, &e, err, sizeof err)) {
            cli_error(o->file, "%s", err);
            goto out;
        }
        const struct vm_obj_prog *info = helper_prog_info(e->prog);
        progname = info->name;
        struct kobj_prog_verdict *pvs = NULL;
        size_t npv = 0;
        int lrc = kd_kernel_load_obj(o->file, info->name, o->type, 1, &k, &kv, &pvs, &npv, err,
                                     sizeof err);
        if (lrc) {
            cli_error(o->file, "%s", err);
            goto out;
        }
        omaps = calloc(e->obj->n_maps + 1, sizeof(*omaps));
        if (!omaps)
            goto out;
        for (uint32_t i = 0; i < e->obj->n_maps; i++) {
            const struct vm_map_def *d = &e->obj->maps[i];
            omaps[i] = (struct gen_map){d->type, d->key_size, d->value_size, d->max_entries,
                                        d->map_flags, d->inner >= 0 ? (uint32_t)d->inner + 1 : 0,
                                        d->readonly ? d->data : NULL};
        }
        /* every program of the object the kernel decided on */
        for (size_t i = 0; i < npv && !o->no_verify; i++) {
            struct helper_prog *hp = helper_env_prog(e->env, pvs[i].name);
            if (!hp)
                continue;
            const struct vm_obj_prog *pi = helper_prog_info(hp);
            struct kd_verdict pe;
            kd_emu_verify(pi->prog, helper_prog_type(hp), pi->expected_attach_type, o->priv,
                          omaps, e->obj->n_maps, hp == e->prog && o->log ? 1 : 0,
                          kd_withheld(&withheld, helper_prog_type(hp), pi->expected_attach_type),
                          &pe);
            if (hp == e->prog) {
                ev = pe;
                continue;
            }
            struct kd_verdict pk = {.known = pvs[i].known, .accepted = pvs[i].accepted,
                                    .err = pvs[i].err, .processed = pvs[i].processed};
            snprintf(pk.error, sizeof pk.error, "%s", pvs[i].error);
            struct kd_diff d;
            if (!pk.accepted && pk.known && !refused[0] && !verdicts_differ(&pk, &pe, &d))
                snprintf(refused, sizeof refused, "%.60s (%.150s)", pvs[i].name, pk.error),
                    refused_err = pk.err;
            if (verdicts_differ(&pk, &pe, &d)) {
                char label[200];
                snprintf(label, sizeof label, "%s (program %s of the object)", progname, pvs[i].name);
                rc = report(o, label, &pk, &pe, -1, 0, &d);
                kd_verdict_free(&pe);
                free(pvs);
                goto out;
            }
            kd_verdict_free(&pe);
        }
        free(pvs);
        if (!kv.known && k->prog_fd < 0 && refused[0]) {
            /* both verifiers refuse another program of the object (a helper
             * this kernel build withholds, say); libbpf loads objects whole,
             * so this one has no kernel verdict and nothing runs */
            kd_verdict_free(&ev);
            kv.known = ev.known = true;
            kv.accepted = ev.accepted = false;
            kv.err = ev.err = refused_err;
            kv.processed = ev.processed = -1;
            snprintf(kv.error, sizeof kv.error, "object refused: program %s", refused);
            snprintf(ev.error, sizeof ev.error, "%s", kv.error);
            rc = report(o, progname, &kv, &ev, -1, 0, NULL);
            goto out;
        }
        if (!kv.known && k->prog_fd < 0) {
            cli_error(o->file, "%s", err[0] ? err : "libbpf could not load the object");
            goto out;
        }
    } else {
        if (gen_load_file(o->file, o->type, &gp, err, sizeof err)) {
            cli_error(o->file, "%s", err);
            goto out;
        }
        if (o->priv)
            gp.priv = o->priv;
        if (kd_kernel_load_raw(&gp, 1, &k, &kv, err, sizeof err)) {
            cli_error(o->file, "%s", err);
            goto out;
        }
        if (!o->no_verify)
            kd_emu_verify(gp.prog, gp.prog_type, 0, o->priv, gp.maps, gp.n_maps, o->log ? 1 : 0,
                          kd_withheld(&withheld, gp.prog_type, 0), &ev);
    }
    if (o->no_verify)
        snprintf(ev.error, sizeof ev.error, "not run (--no-verify)");
    if (o->log) {
        printf("---- kernel verifier log\n%s", kv.log ? kv.log : "(none)\n");
        printf("---- bpfemu verifier log\n%s", ev.log ? ev.log : "(none)\n");
    }
    struct kd_diff d;
    if (verdicts_differ(&kv, &ev, &d)) {
        rc = report(o, progname, &kv, &ev, -1, 0, &d);
        goto out;
    }
    if (!kv.accepted) {
        rc = report(o, progname, &kv, &ev, -1, 0, NULL);
        goto out;
    }
    uint32_t ptype = elf ? helper_prog_type(e->prog) : gp.prog_type;
    if (ptype == BPF_PROG_TYPE_SOCK_OPS || ptype == BPF_PROG_TYPE_SK_MSG ||
        ptype == BPF_PROG_TYPE_SK_SKB) {
        /* BPF_PROG_TEST_RUN has no runner for the socket-level types
         * (ENOTSUPP): the load verdicts are the whole differential */
        struct kd_opts o2 = *o;
        o2.no_runs = "the kernel cannot test-run this program type: nothing to run";
        rc = report(&o2, progname, &kv, &ev, -1, 0, NULL);
        goto out;
    }
    if (!elf && kd_emu_from_raw(&gp, &eo, &e, err, sizeof err)) {
        cli_error(o->file, "bpfemu: %s", err);
        goto out;
    }
    kd_set_prog_type(helper_prog_type(e->prog));
    if (mapin && kd_apply_map_json(e, k, (const char *)mapin, mapin_len, err, sizeof err)) {
        cli_error(o->map_in, "%s", err);
        goto out;
    }
    if (o->pace)
        kd_emu_pace(e);
    /* the kernel first, every packet (paced by the capture's timestamps
     * with --pace), keeping each result and map dump; then bpfemu: its
     * speed (sanitizers, dumps) cannot shift the kernel's clock */
    struct kd_result *kres = calloc(npkts + 1, sizeof(*kres));
    struct kd_maps *kmaps = calloc(npkts + 1, sizeof(*kmaps));
    if (!kres || !kmaps) {
        free(kres);
        free(kmaps);
        goto out;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < npkts; i++) {
        struct kd_input in = {pkts[i].data, pkts[i].len, ctx, ctx_len, pkts[i].ts_ns};
        if (o->pace && i > 0 && pkts[i].ts_ns >= pkts[0].ts_ns) {
            uint64_t rel = pkts[i].ts_ns - pkts[0].ts_ns;
            struct timespec at = {.tv_sec = t0.tv_sec + (time_t)(rel / 1000000000ull),
                                  .tv_nsec = t0.tv_nsec + (long)(rel % 1000000000ull)};
            if (at.tv_nsec >= 1000000000L) {
                at.tv_sec++;
                at.tv_nsec -= 1000000000L;
            }
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
                ;
        }
        kd_kernel_run(k, &in, &kres[i]);
        kd_kernel_dump(k, &kmaps[i]);
    }
    int c = 0;
    size_t at_pkt = 0;
    for (size_t i = 0; i < npkts && !c; i++) {
        struct kd_input in = {pkts[i].data, pkts[i].len, ctx, ctx_len, pkts[i].ts_ns};
        struct kd_result er;
        kd_emu_run(e, &in, &er);
        c = kd_compare_results(&kres[i], &er, &d);
        kd_result_free(&er);
        if (!c) {
            struct kd_maps em;
            kd_emu_dump(e, &em);
            c = kd_compare_maps(&kmaps[i], &em, o->ign, o->n_ign, &d);
            kd_maps_free(&em);
        }
        at_pkt = i;
    }
    for (size_t i = 0; i < npkts; i++) {
        kd_result_free(&kres[i]);
        kd_maps_free(&kmaps[i]);
    }
    free(kres);
    free(kmaps);
    if (c) {
        rc = report(o, progname, &kv, &ev, (long)at_pkt, npkts, &d);
        goto out;
    }
    rc = report(o, progname, &kv, &ev, -1, npkts, NULL);
out:
    kd_verdict_free(&kv);
    kd_verdict_free(&ev);
    kd_emu_destroy(e);
    kd_kernel_destroy(k);
    gen_program_free(&gp);
    kd_pkts_free(pkts, npkts);
    free(omaps);
    free(fbuf);
    free(ctx);
    free(mapin);
    return rc;
}

int cmd_kdiff(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},      {"-h", false, OPT_HELP},
        {"--section", true, OPT_SECTION}, {"--type", true, OPT_TYPE},
        {"--data", true, OPT_DATA},       {"--pcap", true, OPT_PCAP},
        {"--ctx-in", true, OPT_CTX_IN},   {"--map-in", true, OPT_MAP_IN},
        {"--priv", true, OPT_PRIV},       {"--pace", false, OPT_PACE},
        {"--ignore", true, OPT_IGNORE},   {"--no-verify", false, OPT_NO_VERIFY},
        {"--log", false, OPT_LOG},        {"--json", false, OPT_JSON},
        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    struct kd_opts o;
    memset(&o, 0, sizeof o);
    const char *val;
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR: return CLI_EXIT_BAD_INPUT;
        case OPT_HELP: fputs(kdiff_help, stdout); return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            if (o.file) {
                cli_error("kdiff", "more than one program file ('%s', '%s')", o.file, val);
                return CLI_EXIT_BAD_INPUT;
            }
            o.file = val;
            break;
        case OPT_SECTION: o.section = val; break;
        case OPT_TYPE:
            o.type = gen_prog_type_parse(val);
            if (!o.type) {
                cli_error("--type", "unknown program type '%s' (xdp, tc, socket)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_DATA: o.data = val; break;
        case OPT_PCAP: o.pcap = val; break;
        case OPT_CTX_IN: o.ctx_in = val; break;
        case OPT_MAP_IN: o.map_in = val; break;
        case OPT_PRIV:
            o.priv = kbpf_priv_parse(val);
            if (o.priv < 0) {
                cli_error("--priv", "unknown regime '%s' (root, bpf, unpriv)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_PACE: o.pace = true; break;
        case OPT_IGNORE:
            if (o.n_ign == MAX_IGNORE || parse_ignore(val, &o.ign[o.n_ign])) {
                cli_error("--ignore", "expected MAP or MAP:FIRST-LAST (at most %d), not '%s'",
                          MAX_IGNORE, val);
                return CLI_EXIT_BAD_INPUT;
            }
            o.n_ign++;
            break;
        case OPT_NO_VERIFY: o.no_verify = true; break;
        case OPT_LOG: o.log = true; break;
        case OPT_JSON: o.json = true; break;
        }
    }
    if (!o.file) {
        cli_error("kdiff", "missing program file (see bpfemu kdiff --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    if (o.data && o.pcap) {
        cli_error("kdiff", "--data and --pcap exclude each other");
        return CLI_EXIT_BAD_INPUT;
    }
    if (o.priv == KBPF_PRIV_ROOT)
        return kdiff_main(&o);
    /* the other regimes: capabilities dropped in a child (unpriv also needs
     * kernel.unprivileged_bpf_disabled=0, restored afterwards) */
    int old = -1;
    if (o.priv == KBPF_PRIV_UNPRIV) {
        old = kbpf_unpriv_sysctl_get();
        if (old != 0 && kbpf_unpriv_sysctl_set(0) != 0) {
            cli_error("--priv", "unprivileged loads need kernel.unprivileged_bpf_disabled=0, "
                      "which cannot be set here (%s)", old < 0 ? strerror(-old) : "not root");
            return CLI_EXIT_BAD_INPUT;
        }
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int e = kbpf_drop_privileges(o.priv);
        if (e) {
            cli_error("--priv", "cannot drop capabilities: %s", strerror(-e));
            _exit(CLI_EXIT_BAD_INPUT);
        }
        int r = kdiff_main(&o);
        fflush(stdout);
        _exit(r);
    }
    int st = 0;
    if (pid > 0)
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    if (old > 0)
        kbpf_unpriv_sysctl_set(old);
    if (pid < 0) {
        cli_error("kdiff", "fork: %s", strerror(errno));
        return CLI_EXIT_BAD_INPUT;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : CLI_EXIT_BAD_INPUT;
}

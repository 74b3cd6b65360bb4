/* tools/run_object.c - `bpfemu run OBJ`: an ELF object run the way
 * BPF_PROG_TEST_RUN runs it (bpftool prog run's inputs and outputs). */
#include "tools/run_object.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/map_json.h"
#include "tools/pcap_packet.h"

static void json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

int object_open(const char *file, struct vm_object **obj, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (cli_read_file(file, &buf, &len) != 0)
        return CLI_EXIT_BAD_INPUT;
    int rc = vm_object_load_elf(buf, len, cli_basename(file), obj, err, errlen);
    free(buf);
    if (rc) {
        cli_error(file, "%s", err);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

/* The program to run: --section (a section or function name), else the
 * object's only program. */
struct helper_prog *object_pick_prog(const char *file, struct helper_env *env,
                                     const struct vm_object *obj, const char *section)
{
    if (section) {
        struct helper_prog *p = helper_env_prog(env, section);
        if (!p)
            cli_error(file, "no program or section named '%s' (bpfemu disasm --list %s shows them)",
                      section, file);
        return p;
    }
    if (obj->n_progs == 1)
        return helper_env_prog(env, obj->progs[0].name);
    if (obj->n_progs == 0)
        cli_error(file, "the object has no programs");
    else
        cli_error(file, "the object has %u programs: choose one with --section (bpfemu disasm --list %s)",
                  obj->n_progs, file);
    return NULL;
}

static int write_map_out(const char *path, struct helper_env *env, uint32_t ncpus)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        cli_error(path, "%s", strerror(errno));
        return -1;
    }
    map_json_dump(f, env, ncpus);
    if (f != stdout && fclose(f) != 0) {
        cli_error(path, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

int run_object(const struct run_obj_opts *o)
{
    char err[512];
    struct vm_object *obj = NULL;
    struct helper_env *env = NULL;
    uint8_t *data = NULL, *ctx = NULL, *mapin = NULL;
    size_t data_len = 0, ctx_len = 0, mapin_len = 0;
    struct helper_test_run tr = {0};
    int rc = CLI_EXIT_BAD_INPUT;

    if (o->data_file && cli_read_file(o->data_file, &data, &data_len) != 0)
        goto out;
    if (o->pcap && pcap_read_packet(o->pcap, o->packet, &data, &data_len) != 0)
        goto out;
    if (o->ctx_in && cli_read_file(o->ctx_in, &ctx, &ctx_len) != 0)
        goto out;
    if (o->map_in && cli_read_file(o->map_in, &mapin, &mapin_len) != 0)
        goto out;
    if ((rc = object_open(o->file, &obj, err, sizeof err)))
        goto out;
    rc = CLI_EXIT_BAD_INPUT;
    struct helper_env_opts eo = o->env->opts;
    uint32_t ncpus = eo.ncpus ? eo.ncpus : 1;
    eo.budget = o->budget;
    if (o->env->cpu >= ncpus) {
        cli_error("--cpu", "CPU %u does not exist (--cpus %u)", o->env->cpu, ncpus);
        goto out;
    }
    if (helper_env_create(obj, &eo, &env, err, sizeof err)) {
        cli_error(o->file, "%s", err);
        goto out;
    }
    if (env_cli_apply(o->env, env))
        goto out;
    if (mapin && map_json_load((const char *)mapin, mapin_len, env, ncpus, err, sizeof err)) {
        cli_error(o->map_in, "%s", err);
        goto out;
    }
    struct helper_prog *prog = object_pick_prog(o->file, env, obj, o->section);
    if (!prog)
        goto out;
    if (!o->no_verify && object_verify(o->file, env, prog, o->priv, true))
        goto out;
    const struct vm_obj_prog *info = helper_prog_info(prog);
    uint32_t ptype = helper_prog_type(prog);
    if (o->socket && (ptype == BPF_PROG_TYPE_XDP || ptype == BPF_PROG_TYPE_UNSPEC)) {
        cli_error("--socket", "program '%s' is not an skb program (tc, socket filter, "
                  "cgroup_skb, LWT): it has no skb->sk", info->name);
        goto out;
    }
    tr.socket = o->socket;

    tr.data_in = data;
    tr.data_size_in = data_len;
    tr.ctx_in = ctx;
    tr.ctx_size_in = ctx_len;
    tr.repeat = (uint32_t)(o->repeat > UINT32_MAX ? UINT32_MAX : o->repeat);
    tr.cpu = o->env->cpu;
    int xrc = helper_test_run(prog, &tr, err, sizeof err);
    /* -EINVAL and friends are the kernel refusing the input; a fault of the
     * program is a failed run */
    bool input_error = xrc == -EINVAL || xrc == -ENOTSUP || xrc == -ENOSPC;
    const char *action = xrc ? NULL : helper_action_name(helper_prog_type(prog), tr.retval);
    if (o->json) {
        printf("{\"program\": ");
        json_str(stdout, info->name, strlen(info->name));
        if (xrc)
            printf(", \"retval\": null, \"action\": null, \"duration_ns\": null");
        else {
            printf(", \"retval\": %u, \"action\": ", tr.retval);
            if (action)
                json_str(stdout, action, strlen(action));
            else
                printf("null");
            printf(", \"duration_ns\": %" PRIu64, tr.duration_ns);
        }
        printf(", \"insns_executed\": %" PRIu64 ", \"data_out\": ", tr.insns_executed);
        if (tr.data_out) {
            putchar('"');
            for (size_t i = 0; i < tr.data_size_out; i++)
                printf("%02x", tr.data_out[i]);
            putchar('"');
        } else {
            printf("null");
        }
        printf(", \"trace\": [");
        for (size_t i = 0, start = 0, first = 1; i < tr.trace_len; i++)
            if (tr.trace[i] == '\n') {
                printf("%s", first ? "" : ", ");
                json_str(stdout, tr.trace + start, i - start);
                start = i + 1;
                first = 0;
            }
        printf("], \"error\": ");
        if (xrc)
            json_str(stdout, err, strlen(err));
        else
            printf("null");
        printf("}\n");
    } else if (!xrc) {
        if (action)
            printf("retval: %u (%s)\n", tr.retval, action);
        else
            printf("retval: %u\n", tr.retval);
        printf("duration: %" PRIu64 " ns/run\n", tr.duration_ns);
        if (tr.trace_len)
            printf("trace:\n%.*s", (int)tr.trace_len, tr.trace);
    }
    fflush(stdout);
    if (xrc) {
        cli_error(o->file, "%s", err);
        rc = input_error ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUN_FAILED;
        goto out;
    }
    rc = CLI_EXIT_OK;
    if (o->data_out && cli_write_file(o->data_out, tr.data_out, tr.data_size_out) != 0)
        rc = CLI_EXIT_BAD_INPUT;
    if (o->ctx_out && cli_write_file(o->ctx_out, tr.ctx_out, tr.ctx_size_out) != 0)
        rc = CLI_EXIT_BAD_INPUT;
    if (o->map_out && write_map_out(o->map_out, env, ncpus) != 0)
        rc = CLI_EXIT_BAD_INPUT;
out:
    helper_test_run_free(&tr);
    helper_env_destroy(env);
    env_cli_free(o->env);
    vm_object_free(obj);
    free(data);
    free(ctx);
    free(mapin);
    return rc;
}

int bench_object(const char *file, const char *packet, uint64_t repeat, unsigned jit, bool verify)
{
    char err[512];
    struct vm_object *obj = NULL;
    struct helper_env *env = NULL;
    uint8_t *pkt = NULL;
    size_t pkt_len = 0;
    struct helper_test_run tr = {0};
    int rc = CLI_EXIT_BAD_INPUT;
    if (cli_read_file(packet, &pkt, &pkt_len) != 0)
        goto out;
    if ((rc = object_open(file, &obj, err, sizeof err)))
        goto out;
    rc = CLI_EXIT_BAD_INPUT;
    struct helper_env_opts eo = {.jit = jit};
    if (helper_env_create(obj, &eo, &env, err, sizeof err)) {
        cli_error(file, "%s", err);
        goto out;
    }
    struct helper_prog *prog = helper_env_prog(env, "xdp");
    if (!prog && obj->n_progs == 1)
        prog = helper_env_prog(env, obj->progs[0].name);
    if (!prog) {
        cli_error(file, "no program in section 'xdp'");
        goto out;
    }
    /* the harness wants a figure: a program the verifier rejects is
     * timed checked (noted on stderr) */
    if (verify && object_verify(file, env, prog, 0, false))
        goto out;
    tr.data_in = pkt;
    tr.data_size_in = pkt_len;
    /* untimed warm-up, as the harness's other engines do, then the timed
     * runs (in chunks: one test run takes at most UINT32_MAX repeats) */
    uint64_t warm = repeat / 10 < 100000 ? repeat / 10 : 100000, total_ns = 0;
    for (int timed = warm ? 0 : 1; timed < 2; timed++)
        for (uint64_t left = timed ? repeat : warm; left;) {
            tr.repeat = (uint32_t)(left > UINT32_MAX ? UINT32_MAX : left);
            left -= tr.repeat;
            helper_test_run_free(&tr);
            int xrc = helper_test_run(prog, &tr, err, sizeof err);
            if (xrc) {
                cli_error(file, "%s", err);
                rc = xrc == -EINVAL || xrc == -ENOTSUP ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUN_FAILED;
                goto out;
            }
            if (timed)
                total_ns += tr.total_ns;
        }
    tr.total_ns = total_ns;
    printf("%.3f %u\n", (double)tr.total_ns / (double)repeat, tr.retval);
    rc = CLI_EXIT_OK;
out:
    helper_test_run_free(&tr);
    helper_env_destroy(env);
    vm_object_free(obj);
    free(pkt);
    return rc;
}

int object_verify(const char *file, struct helper_env *env, struct helper_prog *prog, int priv,
                  bool must_accept)
{
    char err[256];
    if (helper_env_verify(env, priv, err, sizeof err)) {
        cli_error(file, "%s", err);
        return CLI_EXIT_BAD_INPUT;
    }
    const struct vm_object *obj = helper_env_object(env);
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        struct helper_prog *hp = helper_env_prog(env, obj->progs[i].name);
        const struct helper_verdict *v = hp ? helper_prog_verdict(hp) : NULL;
        if (!v || v->accepted)
            continue;
        char at[32] = "";
        if (v->error_pc >= 0)
            snprintf(at, sizeof at, " at insn %d", v->error_pc);
        if (hp == prog && must_accept) {
            cli_error(file, "program '%s' is rejected by the verifier (%s%s): %s; --no-verify "
                      "runs it unverified, checked", obj->progs[i].name, cli_errno_name(-v->err),
                      at, v->error[0] ? v->error : "(empty log)");
            return CLI_EXIT_BAD_INPUT;
        }
        fprintf(stderr, "bpfemu: note: %s: program '%s' is rejected by the verifier (%s%s): %s; "
                "it runs checked\n", file, obj->progs[i].name, cli_errno_name(-v->err), at,
                v->error[0] ? v->error : "(empty log)");
    }
    return 0;
}

/* tools/cbpf_cli.c - classic BPF filters on the command line: load
 * (libpcap or text), check, convert, and run one packet through the
 * converted socket filter as a packet socket (tcpdump's) would. */
#include "tools/cbpf_cli.h"

#include "tools/cbpf_pcap.h"
#include "tools/json.h"
#include "tools/pcap_packet.h"
#include "tools/run_object.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the libpcap side's struct is struct sock_filter, field for field */
_Static_assert(sizeof(struct cbpf_insn) == sizeof(struct sock_filter),
               "struct cbpf_insn must match struct sock_filter");

int cbpf_load(const char *opt, const char *expr, const char *file, bool classic_only,
              struct cbpf_loaded *out)
{
    memset(out, 0, sizeof(*out));
    char err[VM_ERR_LEN + 128];
    if (expr) {
        snprintf(out->label, sizeof out->label, "%s '%s'", opt, expr);
        struct cbpf_insn *ci;
        uint32_t n;
        if (cbpf_pcap_compile(expr, &ci, &n, err, sizeof err)) {
            cli_error(out->label, "%s", err);
            return CLI_EXIT_BAD_INPUT;
        }
        out->insns = calloc(n ? n : 1, sizeof(*out->insns));
        if (!out->insns) {
            free(ci);
            cli_error(out->label, "out of memory");
            return CLI_EXIT_BAD_INPUT;
        }
        for (uint32_t i = 0; i < n; i++)
            out->insns[i] = (struct sock_filter){ci[i].code, ci[i].jt, ci[i].jf, ci[i].k};
        out->len = n;
        free(ci);
    } else {
        snprintf(out->label, sizeof out->label, "%s", file);
        uint8_t *text;
        size_t len;
        if (cli_read_file(file, &text, &len) != 0)
            return CLI_EXIT_BAD_INPUT;
        int rc = vm_cbpf_parse((const char *)text, len, &out->insns, &out->len, err, sizeof err);
        free(text);
        if (rc) {
            cli_error(file, "%s", err);
            return CLI_EXIT_BAD_INPUT;
        }
    }
    int rc = classic_only ? vm_cbpf_check(out->insns, out->len, err, sizeof err)
                          : vm_cbpf_convert(out->insns, out->len, "cbpf", &out->prog, err,
                                            sizeof err);
    if (rc) {
        cli_error(out->label, "%s", err);
        cbpf_loaded_free(out);
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

void cbpf_loaded_free(struct cbpf_loaded *c)
{
    free(c->insns);
    vm_prog_free(c->prog);
    c->insns = NULL;
    c->prog = NULL;
}

int raw_env_create(const struct vm_prog *prog, uint32_t prog_type, const char *name,
                   const char *section, const struct helper_env_opts *eo, struct raw_env *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    /* the converted filters call no GPL helper; the object says GPL anyway */
    struct vm_object *obj;
    int rc = vm_object_from_prog(prog, prog_type, name, section, &obj, err, errlen);
    if (!rc)
        rc = helper_env_create(obj, eo, &out->env, err, errlen);
    if (rc) {
        vm_object_free(obj);
        return rc;
    }
    out->obj = obj;
    out->prog = helper_env_prog(out->env, name);
    return 0;
}

void raw_env_destroy(struct raw_env *e)
{
    helper_env_destroy(e->env);
    vm_object_free(e->obj);
    memset(e, 0, sizeof(*e));
}

const char *cbpf_verdict(uint32_t retval, char *buf, size_t len)
{
    if (retval == 0)
        snprintf(buf, len, "drop");
    else
        snprintf(buf, len, "accept %u bytes", retval);
    return buf;
}

int run_cbpf(const struct run_cbpf_opts *o)
{
    char err[VM_ERR_LEN + 256];
    struct cbpf_loaded cl = {0};
    struct raw_env re = {0};
    struct helper_test_run tr = {0};
    uint8_t *data = NULL;
    size_t data_len = 0;
    int rc = CLI_EXIT_BAD_INPUT;
    if (o->data_file && cli_read_file(o->data_file, &data, &data_len) != 0)
        goto out;
    if (o->pcap && pcap_read_packet(o->pcap, o->packet, &data, &data_len) != 0)
        goto out;
    if ((rc = cbpf_load("--cbpf", o->expr, o->file, false, &cl)))
        goto out;
    rc = CLI_EXIT_BAD_INPUT;
    struct helper_env_opts eo = {.budget = o->budget, .jit = o->jit};
    if (raw_env_create(cl.prog, BPF_PROG_TYPE_SOCKET_FILTER, "cbpf", "socket", &eo, &re, err,
                       sizeof err)) {
        cli_error(cl.label, "%s", err);
        goto out;
    }
    /* as any socket filter: verified, then run trusted. The kernel never
     * runs an eBPF verifier on converted classic filters (bpf_check_classic
     * is their check), and classic programs may hold unreachable insns an
     * eBPF verifier refuses: a rejected filter runs checked, with a note */
    if (!o->no_verify && object_verify(cl.label, re.env, re.prog, o->priv, false))
        goto out;
    tr.data_in = data;
    tr.data_size_in = data_len;
    tr.repeat = (uint32_t)(o->repeat > UINT32_MAX ? UINT32_MAX : o->repeat);
    tr.packet_socket = true;
    int xrc = helper_test_run(re.prog, &tr, err, sizeof err);
    char verdict[48];
    if (o->json) {
        printf("{\"filter\": ");
        json_print_str(stdout, o->expr ? o->expr : o->file);
        if (xrc)
            printf(", \"retval\": null, \"verdict\": null, \"duration_ns\": null");
        else {
            printf(", \"retval\": %u, \"verdict\": ", tr.retval);
            json_print_str(stdout, tr.retval ? "accept" : "drop");
            printf(", \"duration_ns\": %" PRIu64, tr.duration_ns);
        }
        printf(", \"insns_executed\": %" PRIu64 ", \"error\": ", tr.insns_executed);
        if (xrc)
            json_print_str(stdout, err);
        else
            printf("null");
        printf("}\n");
    } else if (!xrc) {
        printf("retval: %u (%s)\n", tr.retval, cbpf_verdict(tr.retval, verdict, sizeof verdict));
        printf("duration: %" PRIu64 " ns/run\n", tr.duration_ns);
    }
    fflush(stdout);
    if (xrc) {
        cli_error(o->data_file ? o->data_file : o->pcap ? o->pcap : cl.label, "%s", err);
        rc = xrc == -EINVAL ? CLI_EXIT_BAD_INPUT : CLI_EXIT_RUN_FAILED;
        goto out;
    }
    rc = CLI_EXIT_OK;
out:
    helper_test_run_free(&tr);
    raw_env_destroy(&re);
    cbpf_loaded_free(&cl);
    free(data);
    return rc;
}

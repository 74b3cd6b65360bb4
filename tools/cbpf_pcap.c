/* tools/cbpf_pcap.c - libpcap's compiler for `--cbpf EXPR`. */
#include "tools/cbpf_pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

int cbpf_pcap_compile(const char *expr, struct cbpf_insn **out, uint32_t *n, char *err,
                      size_t errlen)
{
    *out = NULL;
    *n = 0;
    pcap_t *p = pcap_open_dead(DLT_EN10MB, CBPF_SNAPLEN);
    if (!p) {
        snprintf(err, errlen, "libpcap: pcap_open_dead failed");
        return -1;
    }
    struct bpf_program prog;
    if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        snprintf(err, errlen, "%s", pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    int rc = 0;
    struct cbpf_insn *f = calloc(prog.bf_len ? prog.bf_len : 1, sizeof(*f));
    if (!f) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    } else {
        for (u_int i = 0; i < prog.bf_len; i++)
            f[i] = (struct cbpf_insn){.code = prog.bf_insns[i].code, .jt = prog.bf_insns[i].jt,
                                      .jf = prog.bf_insns[i].jf, .k = prog.bf_insns[i].k};
        *out = f;
        *n = prog.bf_len;
    }
    pcap_freecode(&prog);
    pcap_close(p);
    return rc;
}

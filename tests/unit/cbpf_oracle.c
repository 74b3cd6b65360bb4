/* tests/unit/cbpf_oracle.c - libpcap's verdicts and listings. */
#include "tests/unit/cbpf_oracle.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int oracle_read(const char *path, struct oracle_pkt **out, size_t *n, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    *out = NULL;
    *n = 0;
    pcap_t *p = pcap_open_offline(path, perr);
    if (!p) {
        snprintf(err, errlen, "%s", perr);
        return -1;
    }
    size_t cap = 0;
    struct pcap_pkthdr *h;
    const u_char *bytes;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            *out = realloc(*out, cap * sizeof(**out));
        }
        struct oracle_pkt *k = &(*out)[(*n)++];
        k->data = malloc(h->caplen ? h->caplen : 1);
        memcpy(k->data, bytes, h->caplen);
        k->caplen = h->caplen;
        k->wirelen = h->len;
    }
    if (rc != PCAP_ERROR_BREAK) {
        snprintf(err, errlen, "%s: %s", path, pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    pcap_close(p);
    return 0;
}

void oracle_free(struct oracle_pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].data);
    free(p);
}

static struct bpf_program program(const struct cbpf_insn *f, uint32_t n)
{
    struct bpf_program prog = {.bf_len = n, .bf_insns = calloc(n ? n : 1, sizeof(struct bpf_insn))};
    for (uint32_t i = 0; i < n; i++)
        prog.bf_insns[i] = (struct bpf_insn){f[i].code, f[i].jt, f[i].jf, f[i].k};
    return prog;
}

uint32_t oracle_filter(const struct cbpf_insn *f, uint32_t n, const struct oracle_pkt *p)
{
    struct bpf_program prog = program(f, n);
    struct pcap_pkthdr h = {.caplen = p->caplen, .len = p->wirelen};
    uint32_t v = (uint32_t)pcap_offline_filter(&prog, &h, p->data);
    free(prog.bf_insns);
    return v;
}

void oracle_image(const struct cbpf_insn *f, uint32_t i, char *buf, size_t len)
{
    struct bpf_insn in = {f[i].code, f[i].jt, f[i].jf, f[i].k};
    snprintf(buf, len, "%s", bpf_image(&in, (int)i));
}

/* tools/kd_pcap.c - see kd_pcap.h. */
#include "tools/kd_pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kd_pcap_read(const char *path, struct kd_pkt **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    char perr[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!p) {
        snprintf(err, errlen, "%s: %s", path, perr);
        return -1;
    }
    struct pcap_pkthdr *h;
    const u_char *bytes;
    int rc;
    size_t cap = 0;
    while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            struct kd_pkt *g = realloc(*out, cap * sizeof(*g));
            if (!g)
                abort();
            *out = g;
        }
        struct kd_pkt *k = &(*out)[(*n)++];
        k->len = h->caplen;
        k->data = malloc(h->caplen ? h->caplen : 1);
        if (!k->data)
            abort();
        memcpy(k->data, bytes, h->caplen);
        k->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
    }
    if (rc == PCAP_ERROR) {
        snprintf(err, errlen, "%s: packet %zu: %s", path, *n, pcap_geterr(p));
        pcap_close(p);
        kd_pkts_free(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    pcap_close(p);
    return 0;
}

void kd_pkts_free(struct kd_pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].data);
    free(p);
}

/* tests/unit/corpus_pcap.c - see corpus_pcap.h. */
#include "tests/unit/corpus_pcap.h"

#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int corpus_pcap_read(const char *path, struct corpus_pcap *out, char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    memset(out, 0, sizeof(*out));
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!p)
        return fail(err, errlen, "%s: %s", path, perr);
    struct pcap_pkthdr *h;
    const u_char *d;
    size_t cap = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 64;
            struct corpus_pkt *g = realloc(out->pkts, cap * sizeof(*g));
            if (!g) {
                pcap_close(p);
                corpus_pcap_free(out);
                return fail(err, errlen, "out of memory");
            }
            out->pkts = g;
        }
        struct corpus_pkt *k = &out->pkts[out->n++];
        k->len = h->caplen;
        k->data = malloc(h->caplen ? h->caplen : 1);
        if (!k->data) {
            out->n--;
            pcap_close(p);
            corpus_pcap_free(out);
            return fail(err, errlen, "out of memory");
        }
        memcpy(k->data, d, h->caplen);
        k->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
    }
    if (rc == -1) {
        fail(err, errlen, "%s: %s", path, pcap_geterr(p));
        pcap_close(p);
        corpus_pcap_free(out);
        return -1;
    }
    pcap_close(p);
    return 0;
}

void corpus_pcap_free(struct corpus_pcap *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->pkts[i].data);
    free(p->pkts);
    p->pkts = NULL;
    p->n = 0;
}


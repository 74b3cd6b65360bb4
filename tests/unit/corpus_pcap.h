/* tests/unit/corpus_pcap.h - captures read with libpcap, for the corpus
 * tests. Apart from corpus_run.c because <pcap/pcap.h> defines its own
 * struct bpf_insn, which clashes with <linux/bpf.h>. */
#ifndef BPFEMU_TESTS_CORPUS_PCAP_H
#define BPFEMU_TESTS_CORPUS_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct corpus_pkt {
    uint8_t *data;
    size_t len;
    uint64_t ts_ns;            /* the record's timestamp */
};
struct corpus_pcap {
    struct corpus_pkt *pkts;
    size_t n;
};
/* Read a capture: 0, or -1 with the reason in err. */
int corpus_pcap_read(const char *path, struct corpus_pcap *out, char *err, size_t errlen);
void corpus_pcap_free(struct corpus_pcap *p);

#endif

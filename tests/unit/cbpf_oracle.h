/* tests/unit/cbpf_oracle.h - libpcap as the oracle of the classic BPF
 * tests (tests/unit/cbpf_oracle.c): its own filter interpreter and
 * listing. Apart from test_cbpf.c: <pcap/bpf.h> clashes with <linux/bpf.h>. */
#ifndef BPFEMU_TESTS_CBPF_ORACLE_H
#define BPFEMU_TESTS_CBPF_ORACLE_H

#include "tools/cbpf_pcap.h"

#include <stddef.h>
#include <stdint.h>

struct oracle_pkt {
    uint8_t *data;
    uint32_t caplen, wirelen;
};
/* Every packet of a capture: 0, or -1 with the reason in err. */
int oracle_read(const char *path, struct oracle_pkt **out, size_t *n, char *err, size_t errlen);
void oracle_free(struct oracle_pkt *p, size_t n);
/* pcap_offline_filter's return value for the program on a packet. */
uint32_t oracle_filter(const struct cbpf_insn *f, uint32_t n, const struct oracle_pkt *p);
/* libpcap's bpf_image of insn i (tcpdump -d's line). */
void oracle_image(const struct cbpf_insn *f, uint32_t i, char *buf, size_t len);

#endif

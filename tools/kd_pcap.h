/* tools/kd_pcap.h - every packet of a capture, for kdiff. Kept apart from
 * <linux/bpf.h> users: libpcap's <pcap/bpf.h> defines its own bpf_insn. */
#ifndef BPFEMU_TOOLS_KD_PCAP_H
#define BPFEMU_TOOLS_KD_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct kd_pkt {
    uint8_t *data;
    uint32_t len;
    uint64_t ts_ns;
};

/* All packets of a pcap/pcapng file (captured bytes, timestamps). 0, or -1
 * with "PATH: why" in err. */
int kd_pcap_read(const char *path, struct kd_pkt **out, size_t *n, char *err, size_t errlen);
void kd_pkts_free(struct kd_pkt *p, size_t n);

#endif

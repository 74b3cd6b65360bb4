/* tools/pcap_packet.h - read one packet of a capture. Kept apart from
 * <linux/bpf.h> users: libpcap's <pcap/bpf.h> defines its own bpf_insn. */
#ifndef BPFEMU_TOOLS_PCAP_PACKET_H
#define BPFEMU_TOOLS_PCAP_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Packet `index` (from 0) of a pcap/pcapng file, malloc'd (its captured
 * bytes). On failure prints the one-line error and returns -1. */
int pcap_read_packet(const char *path, uint64_t index, uint8_t **data, size_t *len);
/* The same with the message ("PATH: what") in err instead of on stderr. */
int pcap_read_packet_err(const char *path, uint64_t index, uint8_t **data, size_t *len, char *err,
                         size_t errlen);

#endif

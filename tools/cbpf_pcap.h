/* tools/cbpf_pcap.h - pcap filter expressions compiled by libpcap into
 * classic BPF (tools/cbpf_pcap.c). Kept apart from <linux/bpf.h> and
 * <linux/filter.h>: libpcap's <pcap/bpf.h> defines the same names, so only
 * this plain struct crosses (the layout of struct sock_filter). */
#ifndef BPFEMU_TOOLS_CBPF_PCAP_H
#define BPFEMU_TOOLS_CBPF_PCAP_H

#include <stddef.h>
#include <stdint.h>

struct cbpf_insn {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};

/* The snapshot length filters are compiled for, as tcpdump's default:
 * accepting filters return it. */
#define CBPF_SNAPLEN 262144

/* Compile `expr` as tcpdump does for an Ethernet capture: pcap_open_dead
 * (DLT_EN10MB, CBPF_SNAPLEN), pcap_compile with the optimiser on and an
 * unknown netmask. *out is malloc'd. 0, or -1 with libpcap's message
 * ("syntax error", "unknown host 'x'") in err. */
int cbpf_pcap_compile(const char *expr, struct cbpf_insn **out, uint32_t *n, char *err,
                      size_t errlen);

#endif

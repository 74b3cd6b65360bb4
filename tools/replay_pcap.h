/* tools/replay_pcap.h - captures in and out for `bpfemu replay`.
 *
 * Reading is libpcap's (pcap and pcapng, "-" = stdin), one packet at a
 * time (never the whole file). Ethernet captures are passed through; Linux
 * cooked (SLL, SLL2), raw IP (DLT_RAW, IPV4, IPV6) and BSD loopback
 * (NULL, LOOP) captures are converted to Ethernet frames (see
 * replay_pcap.c for the addresses chosen), with a note saying so.
 *
 * Writing is ours: pcapng (SHB, one Ethernet IDB with nanosecond
 * timestamps, EPBs with comment, packet id, queue and xdpdump's verdict
 * option) or classic pcap (nanosecond magic) when the path ends in .pcap.
 *
 * No BPF headers here: <pcap/pcap.h> and <linux/bpf.h> both define struct
 * bpf_insn (see replay_pcap.c). */
#ifndef BPFEMU_TOOLS_REPLAY_PCAP_H
#define BPFEMU_TOOLS_REPLAY_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rp_in;

struct rp_pkt {
    const uint8_t *data;       /* Ethernet frame; valid until the next rp_in_next */
    uint32_t caplen;           /* bytes captured (after conversion) */
    uint32_t len;              /* length on the wire (after conversion) */
    uint64_t ts_ns;            /* capture timestamp, ns since the epoch */
    uint64_t number;           /* position in the capture, from 1 (Wireshark's frame number) */
    const char *bad;           /* non-NULL: this record cannot be replayed (why); data unset */
};

/* Open a capture ("-" = stdin). 0, or -1 with the reason in err. */
int rp_in_open(const char *path, struct rp_in **out, char *err, size_t errlen);
/* The same on an open stream (closed by rp_in_close). */
int rp_in_open_fp(FILE *fp, struct rp_in **out, char *err, size_t errlen);
/* "converted from Linux cooked (SLL) to Ethernet: ..." or NULL. */
const char *rp_in_note(const struct rp_in *in);
/* The next packet: 1, 0 at the end, -1 on a read error with
 * "packet N: <what>" in err (N the record that could not be read). */
int rp_in_next(struct rp_in *in, struct rp_pkt *pkt, char *err, size_t errlen);
/* Bytes read so far and the capture's size (0 when unknown: a pipe). */
void rp_in_progress(const struct rp_in *in, uint64_t *pos, uint64_t *total);
void rp_in_close(struct rp_in *in);

/* ------------------------------------------------------------- output */

struct rp_out;

/* Per-packet metadata for pcapng (ignored by classic pcap). */
struct rp_epb_opts {
    const char *comment;       /* opt_comment, or NULL */
    bool has_verdict;
    uint8_t verdict_type;      /* 1 eBPF TC, 2 eBPF XDP */
    int64_t verdict;
    bool has_packet_id;
    uint64_t packet_id;        /* epb_packetid */
    bool has_queue;
    uint32_t queue;            /* epb_queue */
};
#define RP_VERDICT_TC  1
#define RP_VERDICT_XDP 2

/* Create `path`: classic pcap when it ends in ".pcap", else pcapng.
 * `appl` goes into the SHB's shb_userappl. 0, or -1 with err. */
int rp_out_open(const char *path, const char *appl, struct rp_out **out, char *err,
                size_t errlen);
bool rp_out_is_pcapng(const struct rp_out *o);
/* Append a packet; errors show at rp_out_close. */
void rp_out_write(struct rp_out *o, uint64_t ts_ns, const uint8_t *data, uint32_t caplen,
                  uint32_t len, const struct rp_epb_opts *opts);
/* Flush and close: 0, or -1 with "PATH: <strerror>" in err. */
int rp_out_close(struct rp_out *o, char *err, size_t errlen);

#endif

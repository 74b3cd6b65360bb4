/* tools/replay.h - the engine of `bpfemu replay` (tools/replay.c): a
 * capture streamed through a program of an instantiated object, packet by
 * packet, on helper sessions; outputs written in capture order. The CLI
 * (tools/cmd_replay.c) loads the object, applies --map-in, prints the
 * summary and writes --map-out; the fuzz target drives the engine directly.
 *
 * Packets are numbered from 1 in capture order (Wireshark's frame numbers),
 * counting every record of the capture, also those another shard takes. */
#ifndef BPFEMU_TOOLS_REPLAY_H
#define BPFEMU_TOOLS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "helpers/helpers.h"

struct replay_opts {
    const char *pcap;          /* the capture ("-" = stdin) */
    FILE *pcap_fp;             /* or an open stream (closed by replay_run); pcap names it */
    const char *out;           /* every packet, verdict attached (pcapng; .pcap: none) */
    const char *out_pass, *out_drop, *out_tx, *out_redirect; /* split by action */
    const char *trace;         /* "<packet>: <trace_printk line>" */
    const char *events;        /* "<packet> ringbuf|perf <map> [<index>] <hex>" */
    uint32_t threads;          /* workers; 0 or 1: one, in the calling thread */
    uint32_t first_cpu;        /* worker i is CPU first_cpu + i (the env must have them) */
    uint32_t ifindex;          /* ingress device (0: loopback, as a test run) */
    uint32_t rx_queue;
    uint64_t limit;            /* stop after this many records of the capture; 0 = all */
    uint32_t shard_k, shard_n; /* shard_n > 0: replay only flows whose hash % n == k */
    uint64_t clock_ns;         /* bpf_ktime_get_ns at the first packet (0: 1 s) */
    bool progress;             /* draw a progress bar on stderr (the caller checks isatty) */
    bool packet_socket;        /* socket filters: frames as a packet socket gets them
                                  (helper_session_opts.packet_socket; classic filters) */
    const struct helper_socket *socket; /* skb programs: skb->sk's fields, or NULL */
    uint32_t window;           /* reorder window, packets in flight (0: 1024) */
    /* called once, before the first packet, when the capture is converted */
    void (*note)(void *ctx, const char *msg);
    void *note_ctx;
};

#define REPLAY_MAX_ACTIONS   32
#define REPLAY_MAX_REDIRECTS 64

struct replay_count {
    uint32_t retval;
    uint64_t n;
};
struct replay_redirect {
    uint32_t map_type;         /* 0: bpf_redirect; else the map's type */
    uint32_t target;           /* ifindex (DEVMAP slots resolved), CPU, XSK queue */
    bool ingress;              /* tc: BPF_F_INGRESS */
    uint64_t n;
};

struct replay_stats {
    uint64_t read;             /* records read from the capture */
    uint64_t packets;          /* replayed (this shard's) */
    uint64_t bytes;            /* their captured bytes */
    uint64_t snapped;          /* replayed with fewer bytes than on the wire */
    uint64_t other_shards;     /* records another shard replays */
    uint64_t refused;          /* not run: refused as BPF_PROG_TEST_RUN refuses them,
                                  or not convertible to Ethernet */
    uint64_t faults;           /* the program faulted (checked mode) */
    uint64_t first_refused_pkt, first_fault_pkt;
    char first_refused[400], first_fault[400];
    struct replay_count actions[REPLAY_MAX_ACTIONS];
    uint32_t n_actions;
    struct replay_redirect redirects[REPLAY_MAX_REDIRECTS];
    uint32_t n_redirects;
    uint64_t redirects_other;  /* past REPLAY_MAX_REDIRECTS distinct targets */
    uint64_t helper_calls[VM_MAX_HELPER_ID];
    uint64_t insns;
    uint64_t elapsed_ns;       /* wall clock, read + run + write */
    uint32_t threads;
    char note[400];            /* the link-type conversion, or "" */
};

enum {
    REPLAY_OK = 0,
    REPLAY_ERR_SETUP = -1,     /* nothing replayed: err says why ("PATH: ...") */
    REPLAY_ERR_INPUT = -2,     /* the capture broke off: err = "packet N: ..." */
    REPLAY_ERR_OUTPUT = -3,    /* writing an output failed: err = "PATH: ..." */
};

/* Replay o->pcap through `prog`. The environment needs o->threads CPUs
 * (helper_env_opts.ncpus); sessions are created here, one per worker. */
int replay_run(struct helper_env *env, struct helper_prog *prog, const struct replay_opts *o,
               struct replay_stats *st, char *err, size_t errlen);

/* The symmetric flow hash of an Ethernet frame (addresses, protocol and
 * ports of IPv4/IPv6 behind up to two VLAN tags; MAC addresses otherwise):
 * both directions of a flow hash alike. Shards take hash % N, workers
 * (hash >> 32) % threads. */
uint64_t replay_flow_hash(const uint8_t *pkt, size_t len);

/* What an action does with the packet, for --out-* (prog_type's rules). */
enum replay_class { REPLAY_PASS, REPLAY_DROP, REPLAY_TX, REPLAY_REDIRECT };
enum replay_class replay_classify(uint32_t prog_type, uint32_t retval);
/* "XDP_PASS", "TC_ACT_SHOT", else "retval N" (buf). */
const char *replay_action_name(uint32_t prog_type, uint32_t retval, char *buf, size_t len);
/* "ifindex 3", "ifindex 3 ingress", "cpu 2", "xsk queue 1" (buf). */
const char *replay_redirect_name(const struct replay_redirect *r, char *buf, size_t len);

#endif

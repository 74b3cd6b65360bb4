/* helpers/sock_int.h - shared by the socket world's files of helpers/
 * (sock_world.c, sock_msg.c, ctx_sock_ops.c, ctx_sk_msg.c, ctx_sk_skb.c,
 * helper_sock.c): the emulated TCP socket, the world, and the state of one
 * program run on a socket. Not for other directories: they use the
 * helper_sock_* API of helpers/helpers.h. */
#ifndef BPFEMU_SOCK_INT_H
#define BPFEMU_SOCK_INT_H

#include "helpers/helpers_internal.h"

#include <sys/socket.h>

/* enum sk_psock_state's verdicts (include/linux/skmsg.h) */
enum sock_eval { EVAL_NONE, EVAL_PASS, EVAL_REDIRECT, EVAL_DROP };

/* What a program set on the sk_msg it ran on (struct sk_msg's apply_bytes,
 * cork_bytes, sk_redir, flags): it stays for the program's later runs on
 * the same message (the rest of one sendmsg, or a corked message). */
struct msg_sticky {
    uint32_t apply_bytes, cork_bytes;
    struct wsock *redir;
    uint64_t flags;
};

struct wsock {
    char *name;
    uint32_t fd;               /* what user space gives a map update */
    uint64_t cookie;
    uint16_t family;           /* AF_INET / AF_INET6 */
    uint8_t laddr[16], raddr[16]; /* network order (IPv4: first 4 bytes) */
    uint16_t lport, rport;     /* host order */
    uint32_t state;            /* BPF_TCP_* */
    struct wsock *peer;        /* the other end of the connection */
    uint32_t cb_flags;         /* bpf_sock_ops_cb_flags */
    uint32_t txhash;
    uint32_t accepted;         /* listeners: connections accepted so far */
    uint8_t *rx;               /* receive queue: bytes in arrival order */
    size_t rx_len;
    size_t rx_read;            /* how many of them recv has read */
    bool peer_gone;            /* the peer closed: a timewait socket answers */
    /* psock (include/linux/skmsg.h): the sk_msg verdict's state */
    enum sock_eval eval;
    uint32_t apply_bytes, cork_bytes;
    struct wsock *sk_redir;
    bool redir_ingress;
    uint8_t *cork;             /* corked bytes waiting for cork_bytes more */
    size_t cork_len;
    struct msg_sticky cork_msg; /* the corked message's fields */
    bool cork_alloc;           /* psock->cork exists: later sends refill it */
    uint8_t *strp;             /* stream parser: bytes waiting for a message */
    size_t strp_len;
};

struct helper_sock_world {
    struct helper_env *env;
    struct wsock **socks;
    size_t n_socks;
    struct helper_prog *sockops, *msg_prog, *skb_verdict, *skb_parser;
    struct maps_map *msg_map, *skb_map;
    uint64_t next_cookie;
    uint16_t next_port;        /* ephemeral ports for connects without "from" */
    /* the last event's report (strings owned here) */
    struct helper_sock_event_report rep;
    size_t cap_runs, cap_deliv;
    struct helper_sb trace;
    char **strs;               /* strings the report points at */
    size_t n_strs;
};

#define SOCK_RUN_MAGIC 0x736f636bu

/* One program run on a socket: cc first, so helper_cc(run) is both. */
struct sock_run {
    struct helper_call_ctx cc;
    uint32_t magic;
    struct helper_sock_world *w;
    struct wsock *sk;
    /* sock_ops */
    uint32_t op, args[4], reply;
    bool req;                  /* on a request socket: is_fullsock 0 */
    /* sk_msg / sk_skb: the message is cc.pkt; what the helpers decided */
    uint8_t *msg;              /* the whole message (cc.pkt covers part after a pull) */
    uint32_t msg_len;
    uint32_t apply_bytes, cork_bytes;
    struct wsock *redir;
    uint64_t redir_flags;
    uint8_t no_header[8];      /* sock_ops: what skb_data points at (empty) */
};

/* The sock_run of a helper call, or NULL when the run is no socket run
 * (then the helper fails as its program type would not offer it). */
static inline struct sock_run *sock_run_of(struct vm_run *run)
{
    /* only socket program types run in a world: other runs' call context
     * is a bare helper_call_ctx, with no magic after it to read */
    struct helper_call_ctx *cc = helper_cc(run);
    if (!cc || (cc->prog_type != BPF_PROG_TYPE_SOCK_OPS && cc->prog_type != BPF_PROG_TYPE_SK_MSG &&
                cc->prog_type != BPF_PROG_TYPE_SK_SKB))
        return NULL;
    struct sock_run *sr = (struct sock_run *)cc;
    return sr->magic == SOCK_RUN_MAGIC ? sr : NULL;
}

/* The address fields every socket context shows (sock_common's): family,
 * remote_ip4 (skc_daddr), local_ip4 (skc_rcv_saddr), remote_ip6[4],
 * local_ip6[4], remote_port (skc_dport, network order, in the upper 16
 * bits), local_port (skc_num, host order). `rel` is the byte offset from
 * the context's family field, in the layout sk_msg_md, bpf_sock_ops and
 * __sk_buff share; false when rel is past local_port. */
bool sock_addr_field(const struct wsock *s, uint32_t rel, uint64_t *v);

/* Context accessors (vm_ctx_access_fn). */
int helper_ctx_sock_ops_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                               unsigned size, bool write, uint64_t *value, const char **why);
int helper_ctx_sk_msg_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                             unsigned size, bool write, uint64_t *value, const char **why);
int helper_ctx_sk_skb_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                             unsigned size, bool write, uint64_t *value, const char **why);

/* sock_world.c: run `prog` on sr (set up by the caller: sk, op, message);
 * 0 with *ret the program's r0, or a negative errno (the message names the
 * program, the socket and the fault). The run is recorded in the report. */
int sock_run_prog(struct helper_sock_world *w, struct helper_prog *prog, const char *attach,
                  struct sock_run *sr, uint32_t *ret, char *err, size_t errlen);
/* Record a run's result text / a delivery in the report. */
void sock_note_result(struct helper_sock_world *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sock_note_delivery(struct helper_sock_world *w, const struct wsock *from,
                        const struct wsock *to, const char *how, size_t len);
/* Append bytes to a socket's receive queue. */
int sock_rx_append(struct wsock *s, const uint8_t *data, size_t len);
/* The socket is in some socket map of the environment (it has a psock). */
bool sock_in_any_map(struct helper_sock_world *w, const struct wsock *s);
/* bpf_sock_ops with BPF_SOCK_OPS_STATE_CB_FLAG: the state change callback. */
int sock_set_state(struct helper_sock_world *w, struct wsock *s, uint32_t state, char *err,
                   size_t errlen);

/* sock_msg.c: bytes sent on s (sendmsg: sk_msg verdict, apply/cork,
 * redirects) and bytes arriving from TCP at s (sk_skb parser and verdict).
 * 0, or a negative errno for a program fault; *sent is sendmsg's result.
 * `how` names the delivery when no sk_skb program takes the bytes. */
int sock_sendmsg(struct helper_sock_world *w, struct wsock *s, const uint8_t *data, size_t len,
                 long *sent, char *err, size_t errlen);
int sock_tcp_deliver(struct helper_sock_world *w, struct wsock *from, const uint8_t *data,
                     size_t len, const char *how, char *err, size_t errlen);

#endif

/* helpers/ctx_sock_ops.c - struct bpf_sock_ops as sock_ops programs see it
 * (net/core/filter.c: sock_ops_is_valid_access, sock_ops_convert_ctx_access).
 *
 *  - reads are 4 bytes, except bytes_received / bytes_acked, sk, skb_data
 *    and skb_data_end (8) and skb_tcp_flags (1, 2 or 4 at its offset);
 *  - writes: reply (which args[0] and replylong[0] share) and sk_txhash,
 *    4 bytes;
 *  - the socket's fields are the emulated socket's; the TCP statistics are
 *    a fresh loopback connection's (snd_cwnd 10, snd_ssthresh
 *    TCP_INFINITE_SSTHRESH, mss_cache 536, counters 0); on a request
 *    socket (RWND_INIT, TIMEOUT_INIT, NEEDS_ECN of the listener's side)
 *    is_fullsock is 0 and those fields read 0;
 *  - skb_data == skb_data_end and skb_len 0: no callback we run carries
 *    a header;
 *  - sk: the socket as struct bpf_sock, NULL on a request socket. */
#include "helpers/sock_int.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define OFF(f) offsetof(struct bpf_sock_ops, f)

static int deny(const char **why, const char *msg)
{
    *why = msg;
    return -EACCES;
}

bool sock_addr_field(const struct wsock *s, uint32_t rel, uint64_t *v)
{
    /* family, remote_ip4, local_ip4, remote_ip6[4], local_ip6[4],
     * remote_port, local_port: 13 u32 in every socket context */
    uint32_t w = rel / 4, x;
    switch (w) {
    case 0: *v = s->family; return true;
    case 1: case 2: /* skc_daddr / skc_rcv_saddr: IPv4 sockets only */
        memcpy(&x, w == 1 ? s->raddr : s->laddr, 4);
        *v = s->family == AF_INET ? x : 0;
        return true;
    case 3: case 4: case 5: case 6:
        memcpy(&x, s->raddr + (w - 3) * 4, 4);
        *v = s->family == AF_INET6 ? x : 0;
        return true;
    case 7: case 8: case 9: case 10:
        memcpy(&x, s->laddr + (w - 7) * 4, 4);
        *v = s->family == AF_INET6 ? x : 0;
        return true;
    case 11: /* be16 in the upper half of a little-endian u32 */
        *v = (uint64_t)(uint16_t)((s->rport >> 8) | (s->rport << 8)) << 16;
        return true;
    case 12: *v = s->lport; return true;
    default: return false;
    }
}

int helper_ctx_sock_ops_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                               unsigned size, bool write, uint64_t *value, const char **why)
{
    (void)r;
    struct sock_run *sr = sock_run_of(run);
    if (!sr)
        return deny(why, "not a socket run");
    const struct wsock *s = sr->sk;
    if (off >= sizeof(struct bpf_sock_ops) || off % size)
        return deny(why, off >= sizeof(struct bpf_sock_ops) ? "outside struct bpf_sock_ops"
                                                              : "misaligned");
    if (write) {
        if (size != 4 || (off != OFF(reply) && off != OFF(sk_txhash)))
            return deny(why, "sock_ops programs write reply and sk_txhash only (4 bytes)");
        if (off == OFF(reply)) {
            sr->args[0] = (uint32_t)*value;
            sr->reply = (uint32_t)*value;
        } else {
            sr->sk->txhash = (uint32_t)*value;
        }
        return 0;
    }
    if (off >= OFF(bytes_received) && off < OFF(bytes_acked) + 8) {
        if (size != 8)
            return deny(why, "bytes_received and bytes_acked are read with 8-byte loads");
        *value = 0;
        return 0;
    }
    if (off == OFF(sk)) {
        if (size != 8)
            return deny(why, "sk is a pointer (8-byte load)");
        /* SOCK_OPS_GET_SK: NULL on a request socket (not a full one) */
        *value = sr->cc.sk_present ? (uintptr_t)&sr->cc.sk_view : 0;
        return 0;
    }
    if (off == OFF(skb_data) || off == OFF(skb_data_end)) {
        if (size != 8)
            return deny(why, "skb_data and skb_data_end are read with 8-byte loads");
        *value = (uintptr_t)(off == OFF(skb_data) ? sr->cc.pkt.data : sr->cc.pkt.data_end);
        return 0;
    }
    if (off == OFF(skb_tcp_flags)) {
        if (size > 4)
            return deny(why, "skb_tcp_flags is a u32");
        *value = 0;
        return 0;
    }
    if (size != 4)
        return deny(why, "bpf_sock_ops fields are read with 4-byte loads");
    uint64_t v = 0;
    if (off >= OFF(family) && sock_addr_field(s, off - (uint32_t)OFF(family), &v) &&
        off <= OFF(local_port)) {
        *value = v;
        return 0;
    }
    /* the tcp_sock fields read 0 on a request socket (SOCK_OPS_GET_TCP_SOCK_FIELD) */
    bool full = !sr->req;
    switch (off) {
    case OFF(op): v = sr->op; break;
    case OFF(args[0]): case OFF(args[1]): case OFF(args[2]): case OFF(args[3]):
        v = sr->args[(off - OFF(args[0])) / 4];
        break;
    case OFF(is_fullsock): v = full; break;
    case OFF(snd_cwnd): v = full ? 10 : 0; break;
    case OFF(bpf_sock_ops_cb_flags): v = full ? s->cb_flags : 0; break;
    case OFF(state): v = s->state; break;
    case OFF(snd_ssthresh): v = full ? 0x7fffffff : 0; break;
    case OFF(mss_cache): v = full ? 536 : 0; break;
    case OFF(sk_txhash): v = full ? s->txhash : 0; break;
    case OFF(skb_len): v = (uint64_t)(sr->cc.pkt.data_end - sr->cc.pkt.data); break;
    default: v = 0; break; /* srtt_us, rtt_min, sequence numbers, counters */
    }
    *value = v;
    return 0;
}

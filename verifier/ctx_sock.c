/* verifier/ctx_sock.c - the context rules of the socket-level program
 * types (net/core/filter.c): sock_ops_is_valid_access (struct
 * bpf_sock_ops), sk_msg_is_valid_access (struct sk_msg_md) and the part of
 * sk_skb_is_valid_access that comes before the __sk_buff rules every skb
 * type shares (verifier/ctx.c applies those). bpf_sock_ops.sk loads a
 * sock_or_null, sk_msg_md.sk a sock (verifier/sock.c: its fields). */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stddef.h>

#define OPS_OFF(f) ((int)offsetof(struct bpf_sock_ops, f))
#define MSG_OFF(f) ((int)offsetof(struct sk_msg_md, f))
#define IN_RANGE(o, T, a, b) ((o) >= (int)offsetof(T, a) && \
                              (o) < (int)(offsetof(T, b) + sizeof(((T *)0)->b)))
#define MSG_IN(o, a, b) IN_RANGE(o, struct sk_msg_md, a, b)
#define SKB_IN(o, f) IN_RANGE(o, struct __sk_buff, f, f)

int v_ctx_sock_ops(struct venv *env, int off, int size, int t, uint32_t *type, bool *narrow)
{
    if (off < 0 || off >= (int)sizeof(struct bpf_sock_ops) || off % size)
        return false;
    if (t == V_WRITE) /* reply shares its offset with args[0] and replylong[0] */
        return (off == OPS_OFF(reply) || off == OPS_OFF(sk_txhash)) && size == 4;
    if (off >= OPS_OFF(bytes_received) && off < OPS_OFF(bytes_acked) + 8)
        return size == 8;
    if (off == OPS_OFF(sk)) {
        *type = PTR_TO_SOCKET | PTR_MAYBE_NULL; /* NULL on a request socket */
        return size == 8;
    }
    if (off == OPS_OFF(skb_data) || off == OPS_OFF(skb_data_end)) {
        *type = off == OPS_OFF(skb_data) ? PTR_TO_PACKET : PTR_TO_PACKET_END;
        return size == 8;
    }
    if (off == OPS_OFF(skb_tcp_flags)) {
        /* bpf_ctx_narrow_access_ok at the field's own offset only: a load
         * inside it (off 214) takes the default rule, 4 bytes */
        *narrow = true;
        return size <= 4 && !(size & (size - 1));
    }
    return size == 4;
}

int v_ctx_sk_msg(struct venv *env, int off, int size, int t, uint32_t *type)
{
    if (t == V_WRITE || off % size)
        return false;
    if (off == MSG_OFF(data) || off == MSG_OFF(data_end)) {
        *type = off == MSG_OFF(data) ? PTR_TO_PACKET : PTR_TO_PACKET_END;
        return size == 8;
    }
    if (off == MSG_OFF(sk)) {
        *type = PTR_TO_SOCKET;
        return size == 8;
    }
    if (MSG_IN(off, family, size))
        return size == 4;
    return false;
}

/* sk_skb_is_valid_access before bpf_skb_is_valid_access: false refuses;
 * true goes on to the shared rules. */
bool v_sk_skb_pre(int off, int t, uint32_t *type)
{
    if (SKB_IN(off, tc_classid) || SKB_IN(off, data_meta) || SKB_IN(off, tstamp) ||
        SKB_IN(off, wire_len) || SKB_IN(off, hwtstamp))
        return false;
    if (t == V_WRITE && !(SKB_IN(off, tc_index) || SKB_IN(off, priority)))
        return false;
    if (SKB_IN(off, mark))
        return false;
    if (SKB_IN(off, data))
        *type = PTR_TO_PACKET;
    else if (SKB_IN(off, data_end))
        *type = PTR_TO_PACKET_END;
    return true;
}

/* helpers/sock_msg.c - where bytes go in the socket world.
 *
 * Sending (net/ipv4/tcp_bpf.c: tcp_bpf_sendmsg, tcp_bpf_send_verdict): a
 * socket in the map an sk_msg verdict is attached to runs it on each
 * message; without one the bytes go to the peer by TCP. The verdict's
 * outcome lasts for apply_bytes bytes (bpf_msg_apply_bytes; 0: this
 * message), so later sends inside them do not run the program;
 * bpf_msg_cork_bytes(n) holds the bytes until n have come, then runs the
 * program once on all of them. SK_PASS: TCP to the peer. SK_PASS with
 * msg_redirect_*: to the target's receive queue (BPF_F_INGRESS) or out of
 * the target to its peer. Anything else drops the bytes and sendmsg returns
 * -EACCES (or the bytes sent before the drop); the drop verdict then stays,
 * and the socket's later sends fail without the program running. What a
 * run sets on the message (apply_bytes, cork_bytes, the redirect) stays
 * set for the next run on the rest of the same message: a message longer
 * than apply_bytes runs the program again on the rest, with apply_bytes
 * still set unless the program changes it. (Both as Linux 6.18 does; the
 * kernel differential of tests/unit/test_sockets.c checks them.)
 *
 * Receiving by TCP (net/core/skmsg.c: sk_psock_verdict_recv,
 * sk_psock_strp_*): a socket in the map sk_skb programs are attached to
 * runs the stream parser on the bytes waiting (its return value is the
 * next message's length: 0 or more than waiting means wait for more,
 * negative drops what waits), then the verdict on each message; without a
 * parser the verdict runs on each arrival. SK_PASS: the socket's receive
 * queue; SK_PASS with sk_redirect_*: the target's receive queue
 * (BPF_F_INGRESS) or out of the target to its peer; else dropped. */
#include "helpers/sock_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sock_rx_append(struct wsock *s, const uint8_t *data, size_t len)
{
    if (!len)
        return 0;
    uint8_t *g = realloc(s->rx, s->rx_len + len);
    if (!g)
        return -ENOMEM;
    memcpy(g + s->rx_len, data, len);
    s->rx = g;
    s->rx_len += len;
    return 0;
}

static int oom(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory");
    return -ENOMEM;
}

/* A socket program run over `len` bytes: cc.pkt covers them (a copy the
 * program may write: sk_msg data is writable, as is sk_skb's). */
static struct sock_run *msg_run(struct wsock *s, const uint8_t *data, size_t len)
{
    struct sock_run *sr = calloc(1, sizeof(*sr));
    uint8_t *buf = malloc(len + 1);
    if (!sr || !buf) {
        free(sr);
        free(buf);
        return NULL;
    }
    memcpy(buf, data, len);
    sr->sk = s;
    sr->msg = buf;
    sr->msg_len = (uint32_t)len;
    struct helper_pkt *p = &sr->cc.pkt;
    p->buf = p->hard_start = p->data_meta = p->data = buf;
    p->buf_len = len;
    p->data_end = p->hard_end = buf + len;
    return sr;
}

static void msg_run_free(struct sock_run *sr)
{
    if (sr)
        free(sr->msg);
    free(sr);
}

static bool has_skb_progs(struct helper_sock_world *w, const struct wsock *s)
{
    return w->skb_verdict && maps_sock_contains(w->skb_map, s);
}

static int skb_receive(struct helper_sock_world *w, struct wsock *from, struct wsock *s,
                       const uint8_t *data, size_t len, char *err, size_t errlen);

/* Bytes leaving s by TCP: they arrive at its peer. */
int sock_tcp_deliver(struct helper_sock_world *w, struct wsock *from, const uint8_t *data,
                     size_t len, const char *how, char *err, size_t errlen)
{
    struct wsock *to = from->peer;
    if (!to || to->state == BPF_TCP_CLOSE) {
        sock_note_delivery(w, from, NULL, "tcp: the peer is closed", len);
        return 0;
    }
    if (has_skb_progs(w, to))
        return skb_receive(w, from, to, data, len, err, errlen);
    sock_note_delivery(w, from, to, how, len);
    return sock_rx_append(to, data, len) ? oom(err, errlen) : 0;
}

/* ------------------------------------------------------------- sk_skb ---- */

static int skb_verdict(struct helper_sock_world *w, struct wsock *from, struct wsock *s,
                       const uint8_t *data, size_t len, char *err, size_t errlen)
{
    struct sock_run *sr = msg_run(s, data, len);
    if (!sr)
        return oom(err, errlen);
    uint32_t ret;
    int rc = sock_run_prog(w, w->skb_verdict, "sk_skb/stream_verdict", sr, &ret, err, errlen);
    if (!rc) {
        /* the program may have changed the bytes it owns (skb_store_bytes...) */
        const uint8_t *out = sr->cc.pkt.data;
        size_t olen = (size_t)(sr->cc.pkt.data_end - sr->cc.pkt.data);
        struct wsock *t = sr->redir;
        bool ingress = sr->redir_flags & BPF_F_INGRESS;
        if (ret == SK_PASS && !t) {
            sock_note_result(w, "SK_PASS");
            sock_note_delivery(w, from, s, "sk_skb pass", olen);
            rc = sock_rx_append(s, out, olen) ? oom(err, errlen) : 0;
        } else if (ret == SK_PASS && t && sock_in_any_map(w, t)) {
            sock_note_result(w, "redirect to %s (%s)", t->name, ingress ? "ingress" : "egress");
            if (ingress) {
                sock_note_delivery(w, from, t, "sk_skb redirect ingress", olen);
                rc = sock_rx_append(t, out, olen) ? oom(err, errlen) : 0;
            } else {
                rc = sock_tcp_deliver(w, t, out, olen, "sk_skb redirect egress", err,
                                      errlen);
            }
        } else {
            sock_note_result(w, ret == SK_PASS ? "redirect target gone: dropped" : "SK_DROP");
            sock_note_delivery(w, from, NULL, "sk_skb drop", olen);
        }
    }
    msg_run_free(sr);
    return rc;
}

static int skb_receive(struct helper_sock_world *w, struct wsock *from, struct wsock *s,
                       const uint8_t *data, size_t len, char *err, size_t errlen)
{
    if (!w->skb_parser)
        return skb_verdict(w, from, s, data, len, err, errlen);
    uint8_t *g = realloc(s->strp, s->strp_len + len + 1);
    if (!g)
        return oom(err, errlen);
    memcpy(g + s->strp_len, data, len);
    s->strp = g;
    s->strp_len += len;
    while (s->strp_len) {
        struct sock_run *sr = msg_run(s, s->strp, s->strp_len);
        if (!sr)
            return oom(err, errlen);
        uint32_t ret;
        int rc = sock_run_prog(w, w->skb_parser, "sk_skb/stream_parser", sr, &ret, err, errlen);
        msg_run_free(sr);
        if (rc)
            return rc;
        int32_t n = (int32_t)ret;
        if (n < 0) { /* strparser aborts: what waits is lost */
            sock_note_result(w, "error %d: %zu bytes dropped", n, s->strp_len);
            sock_note_delivery(w, from, NULL, "sk_skb parser error", s->strp_len);
            s->strp_len = 0;
            return 0;
        }
        if (n == 0 || (size_t)n > s->strp_len) {
            sock_note_result(w, "waiting: %zu bytes of a message", s->strp_len);
            sock_note_delivery(w, from, NULL, "sk_skb parser waiting", s->strp_len);
            return 0;
        }
        sock_note_result(w, "message of %d bytes", n);
        uint8_t *m = malloc((size_t)n);
        if (!m)
            return oom(err, errlen);
        memcpy(m, s->strp, (size_t)n);
        memmove(s->strp, s->strp + n, s->strp_len - (size_t)n);
        s->strp_len -= (size_t)n;
        rc = skb_verdict(w, from, s, m, (size_t)n, err, errlen);
        free(m);
        if (rc)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------- sk_msg ---- */

static void apply(struct wsock *s, size_t bytes)
{
    if (s->apply_bytes)
        s->apply_bytes = s->apply_bytes < bytes ? 0 : s->apply_bytes - (uint32_t)bytes;
}

static const char *eval_text(enum sock_eval e)
{
    return e == EVAL_PASS ? "SK_PASS" : e == EVAL_REDIRECT ? "redirect" : "SK_DROP";
}

/* tcp_bpf_send_verdict over one message (ours to change: the program may
 * write the bytes it sees, and what leaves is what it left); *sent counts
 * what left, *dropped what a drop freed. ms: the message's fields its runs set (they stay set for the
 * next run on the rest of it, as on the kernel's struct sk_msg). */
static int send_verdict(struct helper_sock_world *w, struct wsock *s, uint8_t **bufp,
                        size_t *totalp, struct msg_sticky *ms, long *sent, size_t *dropped,
                        char *err, size_t errlen)
{
    size_t off = 0;
    while (off < *totalp) {
        uint8_t *data = *bufp + off;
        size_t len = *totalp - off;
        if (s->eval == EVAL_NONE) {
            struct sock_run *sr = msg_run(s, data, len);
            if (!sr)
                return oom(err, errlen);
            sr->apply_bytes = ms->apply_bytes;
            sr->cork_bytes = ms->cork_bytes;
            sr->redir = ms->redir;
            sr->redir_flags = ms->flags;
            uint32_t ret;
            int rc = sock_run_prog(w, w->msg_prog, "sk_msg", sr, &ret, err, errlen);
            if (rc) {
                msg_run_free(sr);
                return rc;
            }
            if (sr->msg_len != len) { /* msg_push_data / msg_pop_data */
                uint8_t *g = realloc(*bufp, off + sr->msg_len + 1);
                if (!g) {
                    msg_run_free(sr);
                    return oom(err, errlen);
                }
                *bufp = g;
                *totalp = off + sr->msg_len;
                data = g + off;
                len = sr->msg_len;
            }
            memcpy(data, sr->msg, len); /* direct writes to the message */
            *ms = (struct msg_sticky){sr->apply_bytes, sr->cork_bytes, sr->redir,
                                      sr->redir_flags};
            /* sk_psock_msg_verdict / sk_psock_map_verd */
            s->apply_bytes = sr->apply_bytes;
            s->sk_redir = ret == SK_PASS ? sr->redir : NULL;
            s->redir_ingress = sr->redir_flags & BPF_F_INGRESS;
            s->eval = ret != SK_PASS ? EVAL_DROP : sr->redir ? EVAL_REDIRECT : EVAL_PASS;
            uint32_t cork = sr->cork_bytes;
            msg_run_free(sr);
            if (s->eval == EVAL_REDIRECT)
                sock_note_result(w, "redirect to %s (%s)%s", s->sk_redir->name,
                                 s->redir_ingress ? "ingress" : "egress",
                                 s->apply_bytes ? ", apply_bytes" : "");
            else
                sock_note_result(w, "%s%s", eval_text(s->eval), s->apply_bytes ? ", apply_bytes" : "");
            if (cork && cork > len) {
                s->cork_bytes = cork - (uint32_t)len;
                uint8_t *g = realloc(s->cork, len);
                if (!g)
                    return oom(err, errlen);
                memcpy(g, data, len);
                s->cork = g;
                s->cork_len = len;
                s->cork_msg = *ms;
                s->cork_alloc = true;
                sock_note_result(w, "corked: %u more bytes wanted", s->cork_bytes);
                sock_note_delivery(w, s, NULL, "sk_msg cork", len);
                *sent += (long)len;
                return 0;
            }
        }
        size_t tosend = len;
        if (s->apply_bytes && s->apply_bytes < tosend)
            tosend = s->apply_bytes;
        int rc = 0;
        switch (s->eval) {
        case EVAL_PASS:
            rc = sock_tcp_deliver(w, s, data, tosend, "tcp", err, errlen);
            apply(s, tosend);
            break;
        case EVAL_REDIRECT: {
            struct wsock *t = s->sk_redir;
            bool ingress = s->redir_ingress;
            s->cork_alloc = false; /* a redirect frees psock->cork */
            apply(s, tosend);
            if (!s->apply_bytes) {
                s->eval = EVAL_NONE;
                s->sk_redir = NULL;
            }
            if (!sock_in_any_map(w, t) || t->state == BPF_TCP_CLOSE) {
                /* tcp_bpf_sendmsg_redir: no psock any more, -EPIPE */
                sock_note_delivery(w, s, NULL, "sk_msg redirect: target gone", tosend);
                return *sent ? 0 : (*sent = -EPIPE, 0);
            }
            if (ingress) {
                sock_note_delivery(w, s, t, "sk_msg redirect ingress", tosend);
                rc = sock_rx_append(t, data, tosend) ? oom(err, errlen) : 0;
            } else {
                rc = sock_tcp_deliver(w, t, data, tosend, "sk_msg redirect egress", err,
                                      errlen);
            }
            break;
        }
        default:
            /* the verdict stays __SK_DROP: the socket's later sends are
             * dropped without running the program (tcp_bpf_send_verdict
             * resets it only after a successful send) */
            apply(s, tosend);
            sock_note_delivery(w, s, NULL, "sk_msg drop", tosend);
            *dropped = tosend;
            return 0;
        }
        if (rc)
            return rc;
        *sent += (long)tosend;
        if (!s->apply_bytes) {
            s->eval = EVAL_NONE;
            s->sk_redir = NULL;
        }
        off += tosend;
    }
    return 0;
}

/* tcp_bpf_sendmsg. Once a message was corked, the socket's psock keeps
 * that struct sk_msg (psock->cork) and every later sendmsg fills it again,
 * with the fields the program set on it still set (cork_bytes above all:
 * later messages are corked the same way until a redirect frees it). */
int sock_sendmsg(struct helper_sock_world *w, struct wsock *s, const uint8_t *data, size_t len,
                 long *sent, char *err, size_t errlen)
{
    *sent = 0;
    if (!w->msg_prog || !maps_sock_contains(w->msg_map, s))
        return (*sent = (long)len, sock_tcp_deliver(w, s, data, len, "tcp", err, errlen));
    uint8_t *g = realloc(s->cork, s->cork_len + len + 1);
    if (!g)
        return oom(err, errlen);
    memcpy(g + s->cork_len, data, len);
    s->cork = g;
    s->cork_len += len;
    size_t dropped = 0;
    if (s->cork_bytes) {
        s->cork_bytes = len >= s->cork_bytes ? 0 : s->cork_bytes - (uint32_t)len;
        if (s->cork_bytes) {
            sock_note_delivery(w, s, NULL, "sk_msg cork", len);
            *sent = (long)len;
            return 0;
        }
        s->eval = EVAL_NONE; /* every corked byte is here: the program runs on them all */
    }
    /* the message: corked bytes and these (send_verdict may cork it again) */
    uint8_t *msg = s->cork;
    size_t n = s->cork_len;
    s->cork = NULL;
    s->cork_len = 0;
    struct msg_sticky ms = s->cork_alloc ? s->cork_msg : (struct msg_sticky){0};
    long out = 0;
    int rc = send_verdict(w, s, &msg, &n, &ms, &out, &dropped, err, errlen);
    free(msg);
    if (s->cork_alloc)
        s->cork_msg = ms;
    /* sendmsg counts this call's bytes, less those a drop freed */
    *sent = !dropped ? (long)len : (long)len > (long)dropped ? (long)(len - dropped) : -EACCES;
    return rc;
}

/* tools/replay.c - see replay.h.
 *
 * One thread (threads <= 1): read a record, run it on the session, write
 * its outputs, next. No copies: the session reads libpcap's buffer and the
 * writers read the session's.
 *
 * N workers: the calling thread reads and writes; each worker owns a
 * session (CPU i). Packets live in a ring of `window` slots indexed by
 * sequence number; the reader fills slot seq % window, hashes the flow and
 * queues seq on worker (hash >> 32) % N (batched); the worker runs it and
 * leaves the results (bytes, trace and event lines already formatted) in
 * the same slot, marked done; the reader writes slots in sequence order,
 * so every output is in capture order, and reads no further than `window`
 * packets past the oldest unwritten one. Memory is bounded by the window
 * whatever the capture's size. Slot buffers grow to the largest packet
 * seen and are reused. */
#include "tools/replay.h"
#include "tools/replay_pcap.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BPFEMU_VERSION
#define BPFEMU_VERSION "0.1.0"
#endif

#define DEFAULT_WINDOW 1024u
#define WORKER_BATCH   64u

/* ------------------------------------------------------------ helpers */

static uint64_t rp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int rp_err(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int rp_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

struct rbuf {
    char *p;
    size_t len, cap;
};

static bool rbuf_need(struct rbuf *b, size_t n)
{
    if (b->len + n <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
        cap *= 2;
    char *g = realloc(b->p, cap);
    if (!g)
        return false;
    b->p = g;
    b->cap = cap;
    return true;
}

static void rbuf_add(struct rbuf *b, const char *s, size_t n)
{
    if (rbuf_need(b, n)) {
        memcpy(b->p + b->len, s, n);
        b->len += n;
    }
}

static void rbuf_printf(struct rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rbuf_printf(struct rbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        rbuf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void rbuf_hex(struct rbuf *b, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    if (!rbuf_need(b, 2 * n))
        return;
    for (size_t i = 0; i < n; i++) {
        b->p[b->len++] = hx[p[i] >> 4];
        b->p[b->len++] = hx[p[i] & 15];
    }
}

static bool grow_bytes(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 2048;
    while (n < need)
        n *= 2;
    uint8_t *g = realloc(*buf, n);
    if (!g)
        return false;
    *buf = g;
    *cap = n;
    return true;
}

/* ---------------------------------------------------------- flow hash */

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint64_t rd_bytes(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 0x100000001b3ull ^ p[i];
    return v;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static bool has_ports(uint8_t proto) { return proto == 6 || proto == 17 || proto == 132 || proto == 136; }

uint64_t replay_flow_hash(const uint8_t *p, size_t n)
{
    if (n < 14)
        return mix64(n);
    uint16_t type = rd16(p + 12);
    size_t off = 14;
    for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8) && off + 4 <= n; i++) {
        type = rd16(p + off + 2);
        off += 4;
    }
    uint64_t a, b;
    uint32_t pa = 0, pb = 0, proto = 0;
    const uint8_t *ip = p + off;
    if (type == 0x0800 && off + 20 <= n) {
        size_t ihl = (size_t)(ip[0] & 15) * 4;
        proto = ip[9];
        a = rd_bytes(ip + 12, 4);
        b = rd_bytes(ip + 16, 4);
        bool frag = (rd16(ip + 6) & 0x3fff) != 0;
        if (!frag && ihl >= 20 && has_ports((uint8_t)proto) && off + ihl + 4 <= n) {
            pa = rd16(ip + ihl);
            pb = rd16(ip + ihl + 2);
        }
    } else if (type == 0x86dd && off + 40 <= n) {
        proto = ip[6];
        a = rd_bytes(ip + 8, 16);
        b = rd_bytes(ip + 24, 16);
        if (has_ports((uint8_t)proto) && off + 44 <= n) {
            pa = rd16(ip + 40);
            pb = rd16(ip + 42);
        }
    } else {
        a = rd_bytes(p + 6, 6);
        b = rd_bytes(p, 6);
        proto = 0x10000u | type;
    }
    if (a > b || (a == b && pa > pb)) { /* symmetric: both directions alike */
        uint64_t t = a;
        a = b;
        b = t;
        uint32_t u = pa;
        pa = pb;
        pb = u;
    }
    return mix64(mix64(a ^ proto * 0x9e3779b97f4a7c15ull) + b + ((uint64_t)pa << 16 | pb) * 0xff51afd7ed558ccdull);
}

/* ------------------------------------------------------------ actions */

enum replay_class replay_classify(uint32_t prog_type, uint32_t retval)
{
    switch (prog_type) {
    case BPF_PROG_TYPE_XDP:
        return retval == XDP_PASS ? REPLAY_PASS : retval == XDP_TX ? REPLAY_TX
             : retval == XDP_REDIRECT ? REPLAY_REDIRECT : REPLAY_DROP;
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
        switch (retval) {
        case 2: /* TC_ACT_SHOT */
        case 4: /* TC_ACT_STOLEN */
        case 5: /* TC_ACT_QUEUED */
        case 8: /* TC_ACT_TRAP */
            return REPLAY_DROP;
        case 7: /* TC_ACT_REDIRECT */
            return REPLAY_REDIRECT;
        }
        return REPLAY_PASS;
    case BPF_PROG_TYPE_LWT_IN:
    case BPF_PROG_TYPE_LWT_OUT:
    case BPF_PROG_TYPE_LWT_XMIT:
        return retval == 2 ? REPLAY_DROP : retval == 7 ? REPLAY_REDIRECT : REPLAY_PASS;
    case BPF_PROG_TYPE_CGROUP_SKB:
        return retval & 1 ? REPLAY_PASS : REPLAY_DROP;
    default: /* socket filters: bytes to keep */
        return retval ? REPLAY_PASS : REPLAY_DROP;
    }
}

const char *replay_action_name(uint32_t prog_type, uint32_t retval, char *buf, size_t len)
{
    const char *n = helper_action_name(prog_type, retval);
    if (n)
        return n;
    snprintf(buf, len, "retval %u", retval);
    return buf;
}

const char *replay_redirect_name(const struct replay_redirect *r, char *buf, size_t len)
{
    switch (r->map_type) {
    case BPF_MAP_TYPE_CPUMAP:
        snprintf(buf, len, "cpu %u", r->target);
        break;
    case BPF_MAP_TYPE_XSKMAP:
        snprintf(buf, len, "xsk queue %u", r->target);
        break;
    default:
        snprintf(buf, len, "ifindex %u%s", r->target, r->ingress ? " ingress" : "");
    }
    return buf;
}

/* ---------------------------------------------------------- the state */

struct rslot {
    /* input */
    uint64_t number, ts_ns, now_ns;
    uint32_t caplen, len;
    const uint8_t *inp;        /* the bytes: in (workers) or libpcap's (inline) */
    uint8_t *in;
    size_t in_cap;
    const char *bad;           /* not convertible: why */
    char *msg;                 /* bad's or errmsg's text, allocated on the first one */
    size_t msg_cap;
    /* results */
    int rc;
    bool ran;
    uint32_t retval, redir_type, redir_target;
    uint64_t redir_flags, insns;
    const uint8_t *outp;
    uint8_t *out;
    size_t out_len, out_cap;
    struct rbuf trace, events;
    const char *errmsg;        /* with rc != 0 */
    int done;                  /* atomic: results ready */
};

struct rworker;

struct replay {
    const struct replay_opts *o;
    struct helper_env *env;
    struct helper_prog *prog;
    uint32_t prog_type;
    struct replay_stats *st;
    struct rp_in *in;
    struct rp_out *out, *split[4];
    FILE *trace, *events;
    /* clock */
    bool have_ts;
    uint64_t ts0, last_ts;
    /* workers */
    uint32_t nw;
    struct rworker *w;
    struct rslot *slots;
    uint32_t window;
    pthread_mutex_t dmu;
    pthread_cond_t dcv;
    int waiting;
    /* progress */
    uint64_t t_start, t_last_draw;
    bool drew;
};

struct rworker {
    struct replay *r;
    uint32_t cpu;
    struct helper_session *sess;
    pthread_t th;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t *q;               /* window entries */
    size_t head, tail;         /* tail - head queued */
    bool stop;
    uint64_t pend[WORKER_BATCH]; /* reader side, not yet queued */
    uint32_t npend;
};

/* ------------------------------------------------------ per packet */

/* Keep a message in the slot (errors only: the common path stays small). */
static const char *slot_msg(struct rslot *sl, const char *m)
{
    size_t n = strlen(m) + 1;
    if (n > sl->msg_cap) {
        char *g = realloc(sl->msg, n < 512 ? 512 : n);
        if (!g)
            return "out of memory";
        sl->msg = g;
        sl->msg_cap = n < 512 ? 512 : n;
    }
    memcpy(sl->msg, m, n);
    return sl->msg;
}

static void run_slot(struct replay *r, struct helper_session *sess, uint32_t cpu, struct rslot *sl,
                     bool copy)
{
    sl->trace.len = sl->events.len = 0;
    if (sl->bad)
        return;
    const struct replay_opts *o = r->o;
    struct helper_pkt_meta meta = {sl->now_ns, o->ifindex, o->rx_queue, cpu};
    struct helper_pkt_result res;
    sl->rc = helper_session_run(sess, sl->inp, sl->caplen, &meta, &res);
    sl->ran = res.ran;
    sl->insns = res.insns;
    if (sl->rc)
        sl->errmsg = slot_msg(sl, res.errmsg ? res.errmsg : "error");
    sl->retval = res.retval;
    sl->redir_type = res.redirect_map_type;
    sl->redir_target = res.redirect_ifindex;
    sl->redir_flags = res.redirect_flags;
    sl->outp = res.data_out;
    sl->out_len = res.data_len;
    if (copy && res.data_len) {
        if (grow_bytes(&sl->out, &sl->out_cap, res.data_len)) {
            memcpy(sl->out, res.data_out, res.data_len);
            sl->outp = sl->out;
        } else {
            sl->outp = NULL;
            sl->out_len = 0;
        }
    }
    if (r->trace && res.trace_len) {
        const char *t = res.trace, *end = res.trace + res.trace_len;
        while (t < end) {
            const char *nl = memchr(t, '\n', (size_t)(end - t));
            size_t n = nl ? (size_t)(nl - t) : (size_t)(end - t);
            rbuf_printf(&sl->trace, "%" PRIu64 ": ", sl->number);
            rbuf_add(&sl->trace, t, n);
            rbuf_add(&sl->trace, "\n", 1);
            t += n + 1;
        }
    }
    if (r->events)
        for (size_t i = 0; i < res.n_events; i++) {
            const struct helper_event *e = &res.events[i];
            if (e->perf)
                rbuf_printf(&sl->events, "%" PRIu64 " perf %s %u ", sl->number, e->map,
                            e->perf_index);
            else
                rbuf_printf(&sl->events, "%" PRIu64 " ringbuf %s ", sl->number, e->map);
            rbuf_hex(&sl->events, e->data, e->len);
            rbuf_add(&sl->events, "\n", 1);
        }
}

static void count_action(struct replay_stats *st, uint32_t retval)
{
    for (uint32_t i = 0; i < st->n_actions; i++)
        if (st->actions[i].retval == retval) {
            st->actions[i].n++;
            return;
        }
    if (st->n_actions < REPLAY_MAX_ACTIONS) {
        st->actions[st->n_actions].retval = retval;
        st->actions[st->n_actions++].n = 1;
        return;
    }
    /* more distinct values than slots (socket filters' lengths): fold the
     * rest into the last one */
    st->actions[REPLAY_MAX_ACTIONS - 1].n++;
}

static void count_redirect(struct replay_stats *st, const struct rslot *sl)
{
    bool ingress = sl->redir_type == 0 && (sl->redir_flags & BPF_F_INGRESS);
    for (uint32_t i = 0; i < st->n_redirects; i++) {
        struct replay_redirect *d = &st->redirects[i];
        if (d->map_type == sl->redir_type && d->target == sl->redir_target && d->ingress == ingress) {
            d->n++;
            return;
        }
    }
    if (st->n_redirects == REPLAY_MAX_REDIRECTS) {
        st->redirects_other++;
        return;
    }
    st->redirects[st->n_redirects++] =
        (struct replay_redirect){sl->redir_type, sl->redir_target, ingress, 1};
}

static void note_first(uint64_t *pkt, char *msg, size_t len, uint64_t number, const char *what)
{
    if (*pkt)
        return;
    *pkt = number;
    snprintf(msg, len, "%s", what);
}

/* Account for a finished slot and write its outputs (capture order). */
static void emit(struct replay *r, struct rslot *sl)
{
    struct replay_stats *st = r->st;
    const struct replay_opts *o = r->o;
    if (sl->bad) {
        st->refused++;
        note_first(&st->first_refused_pkt, st->first_refused, sizeof st->first_refused,
                   sl->number, sl->bad);
        return;
    }
    st->packets++;
    st->bytes += sl->caplen;
    if (sl->caplen < sl->len)
        st->snapped++;
    st->insns += sl->insns;
    struct rp_epb_opts eo = {.has_packet_id = true, .packet_id = sl->number,
                             .has_queue = true, .queue = o->rx_queue};
    char comment[512];
    if (sl->rc) {
        if (sl->ran) {
            st->faults++;
            note_first(&st->first_fault_pkt, st->first_fault, sizeof st->first_fault, sl->number,
                       sl->errmsg);
        } else {
            st->refused++;
            note_first(&st->first_refused_pkt, st->first_refused, sizeof st->first_refused,
                       sl->number, sl->errmsg);
        }
        if (r->out) {
            snprintf(comment, sizeof comment, "bpfemu: %s: %s", sl->ran ? "fault" : "not run",
                     sl->errmsg);
            eo.comment = comment;
            rp_out_write(r->out, sl->ts_ns, sl->inp, sl->caplen, sl->len, &eo);
        }
    } else {
        count_action(st, sl->retval);
        enum replay_class cls = replay_classify(r->prog_type, sl->retval);
        if (cls == REPLAY_REDIRECT)
            count_redirect(st, sl);
        uint32_t wire = sl->len - sl->caplen; /* bytes the capture did not keep */
        uint32_t olen = (uint32_t)sl->out_len;
        if (r->out) {
            char an[32], rn[64];
            const char *action = replay_action_name(r->prog_type, sl->retval, an, sizeof an);
            if (cls == REPLAY_REDIRECT) {
                struct replay_redirect rd = {sl->redir_type, sl->redir_target,
                                             sl->redir_type == 0 && (sl->redir_flags & BPF_F_INGRESS), 0};
                snprintf(comment, sizeof comment, "%s %s", action,
                         replay_redirect_name(&rd, rn, sizeof rn));
                eo.comment = comment;
            } else {
                eo.comment = action;
            }
            if (r->prog_type == BPF_PROG_TYPE_XDP) {
                eo.has_verdict = true;
                eo.verdict_type = RP_VERDICT_XDP;
                eo.verdict = sl->retval;
            } else if (r->prog_type == BPF_PROG_TYPE_SCHED_CLS ||
                       r->prog_type == BPF_PROG_TYPE_SCHED_ACT) {
                eo.has_verdict = true;
                eo.verdict_type = RP_VERDICT_TC;
                eo.verdict = (int32_t)sl->retval;
            }
            rp_out_write(r->out, sl->ts_ns, sl->outp, olen, olen + wire, &eo);
        }
        struct rp_out *s = r->split[cls];
        if (s)
            rp_out_write(s, sl->ts_ns, sl->outp, olen, olen + wire, &eo);
    }
    if (sl->trace.len)
        fwrite(sl->trace.p, 1, sl->trace.len, r->trace);
    if (sl->events.len)
        fwrite(sl->events.p, 1, sl->events.len, r->events);
}

static int cmp_action(const void *a, const void *b)
{
    const struct replay_count *x = a, *y = b;
    return x->retval < y->retval ? -1 : x->retval > y->retval;
}

/* ------------------------------------------------------------ reading */

/* Read the next record of this shard into sl: 1, 0 at the end (or the
 * limit), -1 on a capture error (err). Records of other shards are
 * counted and skipped. */
static int read_slot(struct replay *r, struct rslot *sl, bool copy, char *err, size_t errlen)
{
    const struct replay_opts *o = r->o;
    for (;;) {
        if (o->limit && r->st->read >= o->limit)
            return 0;
        struct rp_pkt pkt;
        int rc = rp_in_next(r->in, &pkt, err, errlen);
        if (rc <= 0)
            return rc;
        r->st->read++;
        /* the clock: the capture's time since its first packet, never backwards */
        if (!r->have_ts) {
            r->have_ts = true;
            r->ts0 = r->last_ts = pkt.ts_ns;
        }
        if (pkt.ts_ns > r->last_ts)
            r->last_ts = pkt.ts_ns;
        uint64_t base = o->clock_ns ? o->clock_ns : 1000000000ull;
        sl->number = pkt.number;
        sl->ts_ns = pkt.ts_ns;
        sl->now_ns = base + (r->last_ts - r->ts0);
        sl->bad = NULL;
        sl->rc = 0;
        sl->ran = false;
        sl->insns = 0;
        if (pkt.bad) {
            if (o->shard_n && o->shard_k != 0) { /* unhashable: shard 0's */
                r->st->other_shards++;
                continue;
            }
            sl->bad = slot_msg(sl, pkt.bad);
            sl->caplen = sl->len = 0;
            sl->inp = NULL;
            return 1;
        }
        if (o->shard_n && replay_flow_hash(pkt.data, pkt.caplen) % o->shard_n != o->shard_k) {
            r->st->other_shards++;
            continue;
        }
        sl->caplen = pkt.caplen;
        sl->len = pkt.len;
        if (copy) {
            if (!grow_bytes(&sl->in, &sl->in_cap, pkt.caplen ? pkt.caplen : 1))
                return rp_err(err, errlen, -1, "packet %" PRIu64 ": out of memory", pkt.number);
            memcpy(sl->in, pkt.data, pkt.caplen);
            sl->inp = sl->in;
        } else {
            sl->inp = pkt.data;
        }
        return 1;
    }
}

static void progress(struct replay *r, bool final)
{
    if (!r->o->progress)
        return;
    uint64_t now = rp_now();
    if (final) {
        if (r->drew)
            fputs("\r\033[K", stderr);
        return;
    }
    if (now - r->t_start < 1000000000ull || now - r->t_last_draw < 200000000ull)
        return;
    r->t_last_draw = now;
    r->drew = true;
    double secs = (double)(now - r->t_start) / 1e9;
    double rate = (double)r->st->read / secs;
    uint64_t pos, total;
    rp_in_progress(r->in, &pos, &total);
    if (total && pos) {
        double frac = (double)pos / (double)total;
        if (frac > 1)
            frac = 1;
        char bar[31];
        int fill = (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '-';
        bar[30] = 0;
        double eta = secs * (1 - frac) / (frac > 0 ? frac : 1);
        fprintf(stderr, "\r[%s] %5.1f%%  %" PRIu64 " packets  %.2f Mpkt/s  ETA %d:%02d \033[K", bar,
                100 * frac, r->st->read, rate / 1e6, (int)eta / 60, (int)eta % 60);
    } else {
        fprintf(stderr, "\r%" PRIu64 " packets  %.2f Mpkt/s \033[K", r->st->read, rate / 1e6);
    }
    fflush(stderr);
}

/* ------------------------------------------------------------ one thread */

static int run_inline(struct replay *r, char *err, size_t errlen)
{
    struct rslot *sl = &r->slots[0];
    for (;;) {
        int rc = read_slot(r, sl, false, err, errlen);
        if (rc <= 0)
            return rc;
        run_slot(r, r->w[0].sess, r->w[0].cpu, sl, false);
        emit(r, sl);
        if ((r->st->read & 4095) == 0)
            progress(r, false);
    }
}

/* ------------------------------------------------------------ workers */

static void *worker_main(void *arg)
{
    struct rworker *w = arg;
    struct replay *r = w->r;
    uint64_t batch[WORKER_BATCH];
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (w->head == w->tail && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->head == w->tail) {
            pthread_mutex_unlock(&w->mu);
            break;
        }
        uint32_t n = 0;
        while (w->head != w->tail && n < WORKER_BATCH)
            batch[n++] = w->q[w->head++ % r->window];
        pthread_mutex_unlock(&w->mu);
        for (uint32_t i = 0; i < n; i++) {
            struct rslot *sl = &r->slots[batch[i] % r->window];
            run_slot(r, w->sess, w->cpu, sl, true);
            __atomic_store_n(&sl->done, 1, __ATOMIC_RELEASE);
        }
        pthread_mutex_lock(&r->dmu);
        if (r->waiting)
            pthread_cond_signal(&r->dcv);
        pthread_mutex_unlock(&r->dmu);
    }
    return NULL;
}

static void flush_pending(struct replay *r, struct rworker *w)
{
    if (!w->npend)
        return;
    pthread_mutex_lock(&w->mu);
    for (uint32_t i = 0; i < w->npend; i++)
        w->q[w->tail++ % r->window] = w->pend[i];
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    w->npend = 0;
}

static void wait_done(struct replay *r, struct rslot *sl)
{
    pthread_mutex_lock(&r->dmu);
    r->waiting = 1;
    while (!__atomic_load_n(&sl->done, __ATOMIC_ACQUIRE))
        pthread_cond_wait(&r->dcv, &r->dmu);
    r->waiting = 0;
    pthread_mutex_unlock(&r->dmu);
}

static int run_workers(struct replay *r, char *err, size_t errlen)
{
    uint64_t next = 0, written = 0;
    bool eof = false;
    int rc = 0;
    for (;;) {
        while (written < next) {
            struct rslot *sl = &r->slots[written % r->window];
            if (!__atomic_load_n(&sl->done, __ATOMIC_ACQUIRE))
                break;
            emit(r, sl);
            sl->done = 0;
            written++;
        }
        if (!eof && next - written < r->window) {
            struct rslot *sl = &r->slots[next % r->window];
            int k = read_slot(r, sl, true, err, errlen);
            if (k <= 0) {
                eof = true;
                rc = k;
                continue;
            }
            if (sl->bad) {
                sl->done = 1;
            } else {
                struct rworker *w =
                    &r->w[(replay_flow_hash(sl->inp, sl->caplen) >> 32) % r->nw];
                w->pend[w->npend++] = next;
                if (w->npend == WORKER_BATCH)
                    flush_pending(r, w);
            }
            next++;
            if ((r->st->read & 4095) == 0)
                progress(r, false);
            continue;
        }
        for (uint32_t i = 0; i < r->nw; i++)
            flush_pending(r, &r->w[i]);
        if (eof && written == next)
            break;
        wait_done(r, &r->slots[written % r->window]);
    }
    return rc;
}

/* --------------------------------------------------------------- setup */

static int open_outputs(struct replay *r, char *err, size_t errlen)
{
    const struct replay_opts *o = r->o;
    const char *paths[] = {o->out, o->out_pass, o->out_drop, o->out_tx, o->out_redirect,
                           o->trace, o->events};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        for (size_t k = i + 1; k < sizeof(paths) / sizeof(paths[0]); k++)
            if (paths[i] && paths[k] && strcmp(paths[i], paths[k]) == 0 &&
                strcmp(paths[i], "-") != 0)
                return rp_err(err, errlen, REPLAY_ERR_SETUP, "%s: named by two outputs",
                              paths[i]);
    static const char appl[] = "bpfemu " BPFEMU_VERSION " replay";
    if (o->out && rp_out_open(o->out, appl, &r->out, err, errlen))
        return REPLAY_ERR_SETUP;
    const char *split[4] = {o->out_pass, o->out_drop, o->out_tx, o->out_redirect};
    for (int i = 0; i < 4; i++)
        if (split[i] && rp_out_open(split[i], appl, &r->split[i], err, errlen))
            return REPLAY_ERR_SETUP;
    FILE **tf[2] = {&r->trace, &r->events};
    const char *tp[2] = {o->trace, o->events};
    for (int i = 0; i < 2; i++) {
        if (!tp[i])
            continue;
        *tf[i] = strcmp(tp[i], "-") ? fopen(tp[i], "w") : stdout;
        if (!*tf[i])
            return rp_err(err, errlen, REPLAY_ERR_SETUP, "%s: %s", tp[i], strerror(errno));
    }
    return 0;
}

static int close_outputs(struct replay *r, int rc, char *err, size_t errlen)
{
    char e2[512];
    struct rp_out *outs[5] = {r->out, r->split[0], r->split[1], r->split[2], r->split[3]};
    for (int i = 0; i < 5; i++)
        if (rp_out_close(outs[i], e2, sizeof e2) && rc == 0)
            rc = rp_err(err, errlen, REPLAY_ERR_OUTPUT, "%s", e2);
    FILE *tf[2] = {r->trace, r->events};
    const char *tp[2] = {r->o->trace, r->o->events};
    for (int i = 0; i < 2; i++) {
        if (!tf[i])
            continue;
        bool bad = fflush(tf[i]) != 0 || ferror(tf[i]);
        int e = errno;
        if (tf[i] != stdout && fclose(tf[i]) != 0 && !bad) {
            bad = true;
            e = errno;
        }
        if (bad && rc == 0)
            rc = rp_err(err, errlen, REPLAY_ERR_OUTPUT, "%s: %s", tp[i], strerror(e ? e : EIO));
    }
    r->out = NULL;
    memset(r->split, 0, sizeof r->split);
    r->trace = r->events = NULL;
    return rc;
}

int replay_run(struct helper_env *env, struct helper_prog *prog, const struct replay_opts *o,
               struct replay_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof(*st));
    struct replay r = {.o = o, .env = env, .prog = prog, .st = st};
    r.prog_type = helper_prog_info(prog)->prog_type;
    r.nw = o->threads > 1 ? o->threads : 1;
    st->threads = r.nw;
    bool threaded = r.nw > 1;
    r.window = threaded ? (o->window ? o->window : DEFAULT_WINDOW) : 1;
    if (threaded && r.window < 2 * WORKER_BATCH)
        r.window = 2 * WORKER_BATCH;
    int rc = 0;
    if (o->shard_n && o->shard_k >= o->shard_n) {
        if (o->pcap_fp)
            fclose(o->pcap_fp);
        return rp_err(err, errlen, REPLAY_ERR_SETUP, "shard %u/%u: K must be below N", o->shard_k,
                      o->shard_n);
    }
    char e2[512];
    if (o->pcap_fp ? rp_in_open_fp(o->pcap_fp, &r.in, e2, sizeof e2)
                   : rp_in_open(o->pcap, &r.in, e2, sizeof e2))
        return rp_err(err, errlen, REPLAY_ERR_SETUP, "%s: %s", o->pcap, e2);
    pthread_mutex_init(&r.dmu, NULL);
    pthread_cond_init(&r.dcv, NULL);
    if (rp_in_note(r.in)) {
        snprintf(st->note, sizeof st->note, "%s", rp_in_note(r.in));
        if (o->note)
            o->note(o->note_ctx, st->note);
    }
    r.slots = calloc(r.window, sizeof(*r.slots));
    r.w = calloc(r.nw, sizeof(*r.w));
    if (!r.slots || !r.w) {
        rc = rp_err(err, errlen, REPLAY_ERR_SETUP, "out of memory");
        goto out;
    }
    struct helper_session_opts so = {.events = o->events != NULL, .count_helpers = true,
                                     .packet_socket = o->packet_socket,
                                     .socket = o->socket};
    for (uint32_t i = 0; i < r.nw; i++) {
        struct rworker *w = &r.w[i];
        w->r = &r;
        w->cpu = o->first_cpu + i;
        if (helper_session_create(prog, &so, &w->sess, e2, sizeof e2)) {
            rc = rp_err(err, errlen, REPLAY_ERR_SETUP, "%s", e2);
            goto out;
        }
        if (threaded && !(w->q = calloc(r.window, sizeof(*w->q)))) {
            rc = rp_err(err, errlen, REPLAY_ERR_SETUP, "out of memory");
            goto out;
        }
    }
    if ((rc = open_outputs(&r, err, errlen)))
        goto out;
    r.t_start = rp_now();
    if (threaded) {
        for (uint32_t i = 0; i < r.nw; i++) {
            pthread_mutex_init(&r.w[i].mu, NULL);
            pthread_cond_init(&r.w[i].cv, NULL);
        }
        for (uint32_t i = 0; i < r.nw; i++) {
            struct rworker *w = &r.w[i];
            if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
                rc = rp_err(err, errlen, REPLAY_ERR_SETUP, "cannot start worker %u", i);
                break;
            }
            w->started = true;
        }
        if (!rc)
            rc = run_workers(&r, err, errlen) ? REPLAY_ERR_INPUT : 0;
        for (uint32_t i = 0; i < r.nw; i++) {
            struct rworker *w = &r.w[i];
            if (!w->started)
                continue;
            pthread_mutex_lock(&w->mu);
            w->stop = true;
            pthread_cond_signal(&w->cv);
            pthread_mutex_unlock(&w->mu);
            pthread_join(w->th, NULL);
        }
    } else {
        rc = run_inline(&r, err, errlen) ? REPLAY_ERR_INPUT : 0;
    }
    st->elapsed_ns = rp_now() - r.t_start;
    qsort(st->actions, st->n_actions, sizeof(st->actions[0]), cmp_action);
    progress(&r, true);
    rc = close_outputs(&r, rc, err, errlen);
    for (uint32_t i = 0; i < r.nw; i++) {
        const uint64_t *c = helper_session_helper_counts(r.w[i].sess);
        for (uint32_t k = 0; k < VM_MAX_HELPER_ID; k++)
            st->helper_calls[k] += c[k];
    }
out:
    close_outputs(&r, 0, e2, sizeof e2);
    if (threaded && r.w && r.t_start)
        for (uint32_t i = 0; i < r.nw; i++) {
            pthread_mutex_destroy(&r.w[i].mu);
            pthread_cond_destroy(&r.w[i].cv);
        }
    pthread_mutex_destroy(&r.dmu);
    pthread_cond_destroy(&r.dcv);
    for (uint32_t i = 0; r.w && i < r.nw; i++) {
        helper_session_destroy(r.w[i].sess);
        free(r.w[i].q);
    }
    for (uint32_t i = 0; r.slots && i < r.window; i++) {
        free(r.slots[i].in);
        free(r.slots[i].out);
        free(r.slots[i].trace.p);
        free(r.slots[i].msg);
        free(r.slots[i].events.p);
    }
    free(r.slots);
    free(r.w);
    rp_in_close(r.in);
    return rc;
}

/* tools/replay_pcap.c - see replay_pcap.h.
 *
 * Converted link types get a 14-byte Ethernet header in place of theirs:
 *  - Linux cooked SLL / SLL2: EtherType = the header's protocol (802.3 and
 *    802.2 frames, protocols 1 and 4, get their length instead); source MAC
 *    = the header's address when it is 6 bytes long, else 02:00:00:00:00:01;
 *    destination MAC from the packet type: to us 00:00:00:00:00:00 (the
 *    address of the emulated device, loopback, so skb->pkt_type reads
 *    PACKET_HOST), broadcast ff:ff:ff:ff:ff:ff, multicast 01:00:5e:00:00:01,
 *    to another host or outgoing 02:00:00:00:00:02.
 *  - raw IP (DLT_RAW, IPV4, IPV6) and BSD loopback (NULL, LOOP):
 *    00:00:00:00:00:00 <- 02:00:00:00:00:01, EtherType from the IP version
 *    (or the loopback header's address family).
 * The length on the wire changes by the same amount as the captured one. */

/* <pcap/pcap.h> declares a struct bpf_insn (classic BPF) that clashes with
 * <linux/bpf.h>'s: rename it here so that this file can share a translation
 * unit with the BPF side (the fuzz target includes both). */
#define bpf_insn rp_pcap_bpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#include "tools/replay_pcap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

enum rp_link { RP_ETH, RP_SLL, RP_SLL2, RP_RAW, RP_NULL, RP_LOOP };

struct rp_in {
    pcap_t *p;
    enum rp_link link;
    uint64_t count;            /* records read */
    uint64_t total;            /* file size, 0 if unknown */
    uint8_t *conv;             /* converted frame */
    size_t conv_cap;
    char note[256];
    char badmsg[128];
};

static int rp_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rp_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int rp_setup(struct rp_in *in, char *err, size_t errlen)
{
    int dlt = pcap_datalink(in->p);
    const char *name = pcap_datalink_val_to_name(dlt);
    const char *how = NULL;
    switch (dlt) {
    case DLT_EN10MB:
        in->link = RP_ETH;
        return 0;
    case DLT_LINUX_SLL:
        in->link = RP_SLL;
        how = "Linux cooked capture (SLL)";
        break;
    case DLT_LINUX_SLL2:
        in->link = RP_SLL2;
        how = "Linux cooked capture v2 (SLL2)";
        break;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        in->link = RP_RAW;
        how = "raw IP capture";
        break;
    case DLT_NULL:
        in->link = RP_NULL;
        how = "BSD loopback capture (NULL)";
        break;
    case DLT_LOOP:
        in->link = RP_LOOP;
        how = "OpenBSD loopback capture (LOOP)";
        break;
    default:
        return rp_fail(err, errlen,
                       "unsupported link type %s (%d): replay takes Ethernet, Linux cooked "
                       "(SLL, SLL2), raw IP and BSD loopback captures",
                       name ? name : "unknown", dlt);
    }
    if (in->link == RP_SLL || in->link == RP_SLL2)
        snprintf(in->note, sizeof in->note,
                 "%s converted to Ethernet: source MAC from the capture, destination MAC from "
                 "the packet type (to us: 00:00:00:00:00:00, the emulated loopback device's)",
                 how);
    else
        snprintf(in->note, sizeof in->note,
                 "%s converted to Ethernet: 02:00:00:00:00:01 -> 00:00:00:00:00:00 (the "
                 "emulated loopback device's address), EtherType from the IP version",
                 how);
    return 0;
}

static int rp_finish_open(struct rp_in *in, struct rp_in **out, char *err, size_t errlen)
{
    if (rp_setup(in, err, errlen)) {
        rp_in_close(in);
        return -1;
    }
    FILE *f = pcap_file(in->p);
    struct stat st;
    if (f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
        in->total = (uint64_t)st.st_size;
    *out = in;
    return 0;
}

int rp_in_open(const char *path, struct rp_in **out, char *err, size_t errlen)
{
    *out = NULL;
    char perr[PCAP_ERRBUF_SIZE] = "";
    struct rp_in *in = calloc(1, sizeof(*in));
    if (!in)
        return rp_fail(err, errlen, "out of memory");
    in->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!in->p) {
        free(in);
        /* libpcap names the file in some messages: the caller does */
        size_t n = strlen(path);
        const char *msg = strncmp(perr, path, n) == 0 && strncmp(perr + n, ": ", 2) == 0
                              ? perr + n + 2 : perr;
        return rp_fail(err, errlen, "%s", msg[0] ? msg : "cannot open the capture");
    }
    return rp_finish_open(in, out, err, errlen);
}

int rp_in_open_fp(FILE *fp, struct rp_in **out, char *err, size_t errlen)
{
    *out = NULL;
    char perr[PCAP_ERRBUF_SIZE] = "";
    struct rp_in *in = calloc(1, sizeof(*in));
    if (!in) {
        fclose(fp);
        return rp_fail(err, errlen, "out of memory");
    }
    in->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
    if (!in->p) {
        fclose(fp);
        free(in);
        return rp_fail(err, errlen, "%s", perr[0] ? perr : "cannot open the capture");
    }
    return rp_finish_open(in, out, err, errlen);
}

const char *rp_in_note(const struct rp_in *in) { return in->note[0] ? in->note : NULL; }

void rp_in_progress(const struct rp_in *in, uint64_t *pos, uint64_t *total)
{
    FILE *f = pcap_file(in->p);
    off_t o = f ? ftello(f) : -1;
    *pos = o > 0 ? (uint64_t)o : 0;
    *total = in->total;
}

void rp_in_close(struct rp_in *in)
{
    if (!in)
        return;
    if (in->p)
        pcap_close(in->p);
    free(in->conv);
    free(in);
}

static uint16_t rd16be(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static const uint8_t MAC_ZERO[6] = {0};
static const uint8_t MAC_SRC[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t MAC_OTHER[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t MAC_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t MAC_MCAST[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

static uint16_t ip_ethertype(const uint8_t *p, size_t n)
{
    return n && (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
}

/* Replace the link header (hdr bytes) by an Ethernet header. */
static int rp_convert(struct rp_in *in, const struct pcap_pkthdr *h, const uint8_t *d,
                      struct rp_pkt *pkt)
{
    static const char *const names[] = {"", "Linux cooked", "Linux cooked v2", "raw IP",
                                        "BSD loopback", "BSD loopback"};
    size_t hdr = in->link == RP_SLL ? 16 : in->link == RP_SLL2 ? 20
               : in->link == RP_RAW ? 0 : 4;
    if (h->caplen < hdr) {
        snprintf(in->badmsg, sizeof in->badmsg,
                 "captured length %u is shorter than the %zu-byte %s header", h->caplen, hdr,
                 names[in->link]);
        pkt->bad = in->badmsg;
        return 0;
    }
    size_t payload = h->caplen - hdr;
    if (payload + 14 > in->conv_cap) {
        size_t cap = in->conv_cap ? in->conv_cap : 2048;
        while (cap < payload + 14)
            cap *= 2;
        uint8_t *g = realloc(in->conv, cap);
        if (!g)
            return -1;
        in->conv = g;
        in->conv_cap = cap;
    }
    uint8_t *e = in->conv;
    const uint8_t *pl = d + hdr;
    const uint8_t *dst = MAC_ZERO, *src = MAC_SRC;
    uint16_t type;
    if (in->link == RP_SLL || in->link == RP_SLL2) {
        unsigned pkttype = in->link == RP_SLL ? rd16be(d) : d[10];
        unsigned alen = in->link == RP_SLL ? rd16be(d + 4) : d[11];
        const uint8_t *addr = in->link == RP_SLL ? d + 6 : d + 12;
        type = in->link == RP_SLL ? rd16be(d + 14) : rd16be(d);
        dst = pkttype == 0 ? MAC_ZERO : pkttype == 1 ? MAC_BCAST : pkttype == 2 ? MAC_MCAST
            : MAC_OTHER;
        if (alen == 6)
            src = addr;
        if (type == 1 || type == 4) /* ETH_P_802_3, ETH_P_802_2: a length field */
            type = (uint16_t)(payload < 1500 ? payload : 1500);
    } else if (in->link == RP_RAW) {
        type = ip_ethertype(pl, payload);
    } else {
        uint32_t af;
        memcpy(&af, d, 4);
        if (in->link == RP_LOOP || (af & 0xffff0000u))
            af = __builtin_bswap32(af);
        type = af == 2 ? 0x0800 : (af == 10 || af == 24 || af == 28 || af == 30) ? 0x86dd
             : ip_ethertype(pl, payload);
    }
    memcpy(e, dst, 6);
    memcpy(e + 6, src, 6);
    e[12] = (uint8_t)(type >> 8);
    e[13] = (uint8_t)type;
    memcpy(e + 14, pl, payload);
    pkt->data = e;
    pkt->caplen = (uint32_t)(payload + 14);
    pkt->len = h->len >= hdr ? (uint32_t)(h->len - hdr + 14) : pkt->caplen;
    return 0;
}

int rp_in_next(struct rp_in *in, struct rp_pkt *pkt, char *err, size_t errlen)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    memset(pkt, 0, sizeof(*pkt));
    int rc = pcap_next_ex(in->p, &h, &d);
    if (rc == PCAP_ERROR_BREAK)
        return 0;
    if (rc != 1)
        return rp_fail(err, errlen, "packet %llu: %s", (unsigned long long)in->count + 1,
                       rc == PCAP_ERROR ? pcap_geterr(in->p) : "unexpected end of the capture");
    pkt->number = ++in->count;
    pkt->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
    if (in->link == RP_ETH) {
        pkt->data = d;
        pkt->caplen = h->caplen;
        pkt->len = h->len;
    } else if (rp_convert(in, h, d, pkt)) {
        return rp_fail(err, errlen, "packet %llu: out of memory", (unsigned long long)pkt->number);
    }
    if (pkt->len < pkt->caplen)
        pkt->len = pkt->caplen;
    return 1;
}

/* ------------------------------------------------------------- output */

struct rp_out {
    FILE *f;
    char *path;
    bool ng;
    bool oom;
    char *vbuf;                /* wcap bytes (growing to RP_WBUF), wlen used */
    size_t wlen, wcap;
    uint8_t *blk;
    size_t blk_cap;
};

#define RP_WBUF (1u << 20)

/* Our own output buffer: one fwrite per MiB, not four per packet. */
static void flush_wbuf(struct rp_out *o)
{
    if (o->wlen)
        fwrite(o->vbuf, 1, o->wlen, o->f); /* a short write sets ferror(), seen at close */
    o->wlen = 0;
}

static void put(struct rp_out *o, const void *p, size_t n)
{
    if (!o->vbuf) {
        fwrite(p, 1, n, o->f);
        return;
    }
    if (o->wlen + n > o->wcap && o->wcap < RP_WBUF) { /* small outputs stay small */
        char *g = realloc(o->vbuf, 2 * o->wcap);
        if (g) {
            o->vbuf = g;
            o->wcap *= 2;
        }
    }
    if (o->wlen + n > o->wcap)
        flush_wbuf(o);
    if (n > o->wcap) {
        fwrite(p, 1, n, o->f);
        return;
    }
    memcpy(o->vbuf + o->wlen, p, n);
    o->wlen += n;
}
static void put32(struct rp_out *o, uint32_t v) { put(o, &v, 4); }

bool rp_out_is_pcapng(const struct rp_out *o) { return o->ng; }

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Options are written into a block buffer: code, length, value padded to 4. */
static size_t opt_put(uint8_t *b, uint16_t code, const void *v, uint16_t len)
{
    memcpy(b, &code, 2);
    memcpy(b + 2, &len, 2);
    if (len)
        memcpy(b + 4, v, len);
    size_t padded = ((size_t)len + 3) & ~(size_t)3;
    memset(b + 4 + len, 0, padded - len);
    return 4 + padded;
}

int rp_out_open(const char *path, const char *appl, struct rp_out **out, char *err, size_t errlen)
{
    *out = NULL;
    struct rp_out *o = calloc(1, sizeof(*o));
    if (!o)
        return rp_fail(err, errlen, "%s: out of memory", path);
    o->ng = !ends_with(path, ".pcap");
    o->path = strdup(path);
    o->f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    if (!o->f || !o->path) {
        int e = errno;
        free(o->path);
        free(o);
        return rp_fail(err, errlen, "%s: %s", path, strerror(e));
    }
    o->wcap = 16384;
    o->vbuf = malloc(o->wcap);
    if (!o->ng) {
        /* classic pcap, nanosecond timestamps, Ethernet */
        uint32_t hdr[6] = {0xa1b23c4d, 2 | (4u << 16), 0, 0, 262144, 1};
        put(o, hdr, sizeof hdr);
        *out = o;
        return 0;
    }
    uint8_t b[512];
    size_t n = 0;
    /* Section Header Block */
    uint32_t t = 0x0A0D0D0A, bom = 0x1A2B3C4D;
    uint16_t ver[2] = {1, 0};
    int64_t seclen = -1;
    size_t alen = appl ? strlen(appl) : 0;
    if (alen > 200)
        alen = 200;
    n = 0;
    memcpy(b + n, &bom, 4), n += 4;
    memcpy(b + n, ver, 4), n += 4;
    memcpy(b + n, &seclen, 8), n += 8;
    if (alen)
        n += opt_put(b + n, 4, appl, (uint16_t)alen); /* shb_userappl */
    n += opt_put(b + n, 0, NULL, 0);
    uint32_t total = (uint32_t)(n + 12);
    put32(o, t);
    put32(o, total);
    put(o, b, n);
    put32(o, total);
    /* Interface Description Block: Ethernet, ns timestamps */
    n = 0;
    uint16_t lt[2] = {1, 0};
    uint32_t snap = 0;
    memcpy(b + n, lt, 4), n += 4;
    memcpy(b + n, &snap, 4), n += 4;
    n += opt_put(b + n, 2, "bpfemu", 6);                /* if_name */
    uint8_t tsresol = 9;
    n += opt_put(b + n, 9, &tsresol, 1);                /* if_tsresol: 10^-9 */
    n += opt_put(b + n, 0, NULL, 0);
    total = (uint32_t)(n + 12);
    put32(o, 1);
    put32(o, total);
    put(o, b, n);
    put32(o, total);
    *out = o;
    return 0;
}

void rp_out_write(struct rp_out *o, uint64_t ts_ns, const uint8_t *data, uint32_t caplen,
                  uint32_t len, const struct rp_epb_opts *opts)
{
    if (len < caplen)
        len = caplen;
    if (!o->ng) {
        uint32_t h[4] = {(uint32_t)(ts_ns / 1000000000ull), (uint32_t)(ts_ns % 1000000000ull),
                         caplen, len};
        put(o, h, sizeof h);
        put(o, data, caplen);
        return;
    }
    size_t clen = opts && opts->comment ? strlen(opts->comment) : 0;
    if (clen > 1000)
        clen = 1000;
    /* the block is built in place in the output buffer when it fits (one
     * copy of the packet), else in blk */
    size_t need = 8 + 20 + (((size_t)caplen + 3) & ~(size_t)3) + clen + 64 + 4;
    uint8_t *blk;
    if (o->vbuf && need <= RP_WBUF) {
        while (o->wlen + need > o->wcap && o->wcap < RP_WBUF) {
            char *g = realloc(o->vbuf, 2 * o->wcap);
            if (!g)
                break;
            o->vbuf = g;
            o->wcap *= 2;
        }
        if (o->wlen + need > o->wcap)
            flush_wbuf(o);
    }
    bool in_place = o->vbuf && o->wlen + need <= o->wcap;
    if (in_place) {
        blk = (uint8_t *)o->vbuf + o->wlen;
    } else {
        if (need > o->blk_cap) {
            size_t cap = o->blk_cap ? o->blk_cap : 4096;
            while (cap < need)
                cap *= 2;
            uint8_t *g = realloc(o->blk, cap);
            if (!g) {
                o->oom = true;
                return;
            }
            o->blk = g;
            o->blk_cap = cap;
        }
        blk = o->blk;
    }
    uint8_t *b = blk + 8; /* after the block type and length */
    size_t n = 0;
    uint32_t fields[5] = {0, (uint32_t)(ts_ns >> 32), (uint32_t)ts_ns, caplen, len};
    memcpy(b, fields, 20);
    n = 20;
    memcpy(b + n, data, caplen);
    size_t padded = ((size_t)caplen + 3) & ~(size_t)3;
    memset(b + n + caplen, 0, padded - caplen);
    n += padded;
    if (opts) {
        if (clen)
            n += opt_put(b + n, 1, opts->comment, (uint16_t)clen);  /* opt_comment */
        if (opts->has_packet_id)
            n += opt_put(b + n, 5, &opts->packet_id, 8);            /* epb_packetid */
        if (opts->has_queue)
            n += opt_put(b + n, 6, &opts->queue, 4);                /* epb_queue */
        if (opts->has_verdict) {                                    /* epb_verdict */
            uint8_t v[9];
            v[0] = opts->verdict_type;
            memcpy(v + 1, &opts->verdict, 8);
            n += opt_put(b + n, 7, v, 9);
        }
        n += opt_put(b + n, 0, NULL, 0);
    }
    uint32_t total = (uint32_t)(n + 12), type = 6;
    memcpy(blk, &type, 4);
    memcpy(blk + 4, &total, 4);
    memcpy(blk + 8 + n, &total, 4);
    if (in_place)
        o->wlen += total;
    else
        put(o, blk, total);
}

int rp_out_close(struct rp_out *o, char *err, size_t errlen)
{
    if (!o)
        return 0;
    int rc = 0, e = 0;
    flush_wbuf(o);
    if (fflush(o->f) != 0 || ferror(o->f) || o->oom) {
        rc = -1;
        e = o->oom ? ENOMEM : errno ? errno : EIO;
    }
    if (o->f != stdout && fclose(o->f) != 0 && !rc) {
        rc = -1;
        e = errno;
    }
    if (rc)
        rp_fail(err, errlen, "%s: %s", o->path, strerror(e));
    free(o->vbuf);
    free(o->blk);
    free(o->path);
    free(o);
    return rc;
}

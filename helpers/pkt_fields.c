/* helpers/pkt_fields.c - the header layouts the packet builder and decoder
 * share (Ethernet, 802.1Q/802.1ad, ARP, IPv4, IPv6, TCP, UDP, ICMP,
 * ICMPv6), field values as text, Internet checksums. */
#include "helpers/pkt_int.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define U(n, o, b, s, w, a, d, h) {n, PF_UINT, o, b, s, w, a, d, h}
#define T(n, t, o, d) {n, t, o, 0, 0, 0, PA_NONE, d, false}

static const struct pkt_field eth_f[] = {
    T("dst", PF_MAC, 0, "02:00:00:00:00:02"),
    T("src", PF_MAC, 6, "02:00:00:00:00:01"),
    U("type", 12, 2, 0, 16, PA_NEXT, NULL, true),
};
static const struct pkt_field vlan_f[] = {
    U("vid", 0, 2, 0, 12, PA_NONE, NULL, false),
    U("pcp", 0, 2, 13, 3, PA_NONE, NULL, false),
    U("dei", 0, 2, 12, 1, PA_NONE, NULL, false),
    U("type", 2, 2, 0, 16, PA_NEXT, NULL, true),
    U("tpid", -2, 2, 0, 16, PA_NONE, "0x8100", true),
};
static const struct pkt_field arp_f[] = {
    U("htype", 0, 2, 0, 16, PA_NONE, "1", false),
    U("ptype", 2, 2, 0, 16, PA_NONE, "0x0800", true),
    U("hlen", 4, 1, 0, 8, PA_NONE, "6", false),
    U("plen", 5, 1, 0, 8, PA_NONE, "4", false),
    U("op", 6, 2, 0, 16, PA_NONE, "1", false),
    T("sha", PF_MAC, 8, "02:00:00:00:00:01"),
    T("spa", PF_IP4, 14, "10.0.0.1"),
    T("tha", PF_MAC, 18, NULL),
    T("tpa", PF_IP4, 24, "10.0.0.2"),
};
static const struct pkt_field ipv4_f[] = {
    U("version", 0, 1, 4, 4, PA_NONE, "4", false),
    U("ihl", 0, 1, 0, 4, PA_HLEN, NULL, false),
    U("tos", 1, 1, 0, 8, PA_NONE, NULL, true),
    U("dscp", 1, 1, 2, 6, PA_NONE, NULL, false),
    U("ecn", 1, 1, 0, 2, PA_NONE, NULL, false),
    U("len", 2, 2, 0, 16, PA_LEN, NULL, false),
    U("id", 4, 2, 0, 16, PA_NONE, NULL, false),
    {"flags", PF_IPFLAGS, 6, 2, 13, 3, PA_NONE, NULL, false},
    U("frag", 6, 2, 0, 13, PA_NONE, NULL, false),
    U("ttl", 8, 1, 0, 8, PA_NONE, "64", false),
    U("proto", 9, 1, 0, 8, PA_NEXT, NULL, false),
    U("csum", 10, 2, 0, 16, PA_CSUM, NULL, true),
    T("src", PF_IP4, 12, "10.0.0.1"),
    T("dst", PF_IP4, 16, "10.0.0.2"),
    T("options", PF_BYTES, 20, NULL),
};
static const struct pkt_field ipv6_f[] = {
    U("version", 0, 4, 28, 4, PA_NONE, "6", false),
    U("tc", 0, 4, 20, 8, PA_NONE, NULL, true),
    U("dscp", 0, 4, 22, 6, PA_NONE, NULL, false),
    U("ecn", 0, 4, 20, 2, PA_NONE, NULL, false),
    U("flow", 0, 4, 0, 20, PA_NONE, NULL, true),
    U("plen", 4, 2, 0, 16, PA_LEN, NULL, false),
    U("nh", 6, 1, 0, 8, PA_NEXT, NULL, false),
    U("hlim", 7, 1, 0, 8, PA_NONE, "64", false),
    T("src", PF_IP6, 8, "fd00::1"),
    T("dst", PF_IP6, 24, "fd00::2"),
};
static const struct pkt_field tcp_f[] = {
    U("sport", 0, 2, 0, 16, PA_NONE, "1234", false),
    U("dport", 2, 2, 0, 16, PA_NONE, "80", false),
    U("seq", 4, 4, 0, 32, PA_NONE, NULL, false),
    U("ack", 8, 4, 0, 32, PA_NONE, NULL, false),
    U("doff", 12, 1, 4, 4, PA_HLEN, NULL, false),
    {"flags", PF_TCPFLAGS, 13, 1, 0, 8, PA_NONE, "SYN", false},
    U("win", 14, 2, 0, 16, PA_NONE, "8192", false),
    U("csum", 16, 2, 0, 16, PA_CSUM, NULL, true),
    U("urg", 18, 2, 0, 16, PA_NONE, NULL, false),
    T("options", PF_BYTES, 20, NULL),
};
static const struct pkt_field udp_f[] = {
    U("sport", 0, 2, 0, 16, PA_NONE, "1234", false),
    U("dport", 2, 2, 0, 16, PA_NONE, "53", false),
    U("len", 4, 2, 0, 16, PA_LEN, NULL, false),
    U("csum", 6, 2, 0, 16, PA_CSUM, NULL, true),
};
static const struct pkt_field icmp_f[] = {
    U("type", 0, 1, 0, 8, PA_NONE, "8", false),
    U("code", 1, 1, 0, 8, PA_NONE, NULL, false),
    U("csum", 2, 2, 0, 16, PA_CSUM, NULL, true),
    U("id", 4, 2, 0, 16, PA_NONE, NULL, false),
    U("seq", 6, 2, 0, 16, PA_NONE, NULL, false),
};
static const struct pkt_field icmpv6_f[] = {
    U("type", 0, 1, 0, 8, PA_NONE, "128", false),
    U("code", 1, 1, 0, 8, PA_NONE, NULL, false),
    U("csum", 2, 2, 0, 16, PA_CSUM, NULL, true),
    U("id", 4, 2, 0, 16, PA_NONE, NULL, false),
    U("seq", 6, 2, 0, 16, PA_NONE, NULL, false),
};
static const struct pkt_field payload_f[] = {
    T("text", PF_BYTES, 0, NULL),
    T("hex", PF_BYTES, 0, NULL),
    U("len", 0, 0, 0, 32, PA_NONE, NULL, false), /* that many zero bytes */
};
static const struct pkt_field truncate_f[] = {
    U("len", 0, 0, 0, 32, PA_NONE, NULL, false),
};
#undef U
#undef T

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
static const struct pkt_layer_def defs[PK_COUNT] = {
    [PK_ETH] = {PK_ETH, "eth", "ether", 14, eth_f, N(eth_f), NULL},
    [PK_VLAN] = {PK_VLAN, "vlan", "dot1q", 4, vlan_f, N(vlan_f), "vid"},
    [PK_ARP] = {PK_ARP, "arp", NULL, 28, arp_f, N(arp_f), NULL},
    [PK_IPV4] = {PK_IPV4, "ipv4", "ip", 20, ipv4_f, N(ipv4_f), NULL},
    [PK_IPV6] = {PK_IPV6, "ipv6", NULL, 40, ipv6_f, N(ipv6_f), NULL},
    [PK_TCP] = {PK_TCP, "tcp", NULL, 20, tcp_f, N(tcp_f), NULL},
    [PK_UDP] = {PK_UDP, "udp", NULL, 8, udp_f, N(udp_f), NULL},
    [PK_ICMP] = {PK_ICMP, "icmp", NULL, 8, icmp_f, N(icmp_f), NULL},
    [PK_ICMPV6] = {PK_ICMPV6, "icmpv6", "icmp6", 8, icmpv6_f, N(icmpv6_f), NULL},
    [PK_PAYLOAD] = {PK_PAYLOAD, "payload", "raw", 0, payload_f, N(payload_f), "text"},
    [PK_TRUNCATE] = {PK_TRUNCATE, "truncate", NULL, 0, truncate_f, N(truncate_f), "len"},
};
#undef N

const struct pkt_layer_def *pkt_layer_def(enum pkt_kind k) { return &defs[k]; }

const struct pkt_layer_def *pkt_layer_named(const char *name)
{
    for (unsigned i = 0; i < PK_COUNT; i++)
        if (strcasecmp(defs[i].name, name) == 0 ||
            (defs[i].alias && strcasecmp(defs[i].alias, name) == 0))
            return &defs[i];
    return NULL;
}

const struct pkt_field *pkt_field_named(const struct pkt_layer_def *d, const char *name)
{
    for (unsigned i = 0; i < d->n_fields; i++)
        if (strcasecmp(d->fields[i].name, name) == 0)
            return &d->fields[i];
    /* a few names people reach for */
    static const struct { const char *alias, *name; } al[] = {
        {"ethertype", "type"}, {"proto", "nh"}, {"next", "nh"}, {"ttl", "hlim"},
        {"protocol", "proto"}, {"window", "win"}, {"checksum", "csum"},
        {"tot_len", "len"}, {"length", "len"}, {"payload_len", "plen"}, {"size", "len"},
    };
    for (unsigned i = 0; i < sizeof al / sizeof al[0]; i++)
        if (strcasecmp(al[i].alias, name) == 0)
            for (unsigned k = 0; k < d->n_fields; k++)
                if (strcmp(d->fields[k].name, al[i].name) == 0)
                    return &d->fields[k];
    return NULL;
}

void pkt_field_names(const struct pkt_layer_def *d, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < d->n_fields && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", d->fields[i].name);
}

/* ------------------------------------------------------------- values ---- */

static const char *const tcp_flag_names[8] = {"FIN", "SYN", "RST", "PSH",
                                              "ACK", "URG", "ECE", "CWR"};
static const char tcp_flag_letters[] = "FSRPAUEC";
static const char *const ip_flag_names[3] = {"MF", "DF", "evil"};

static bool parse_flag_names(const char *text, const char *const *names, unsigned n,
                             const char *letters, uint64_t *out)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    uint64_t v = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, "|,+ ", &save); tok; tok = strtok_r(NULL, "|,+ ", &save)) {
        bool found = false;
        for (unsigned i = 0; i < n; i++)
            if (strcasecmp(tok, names[i]) == 0) {
                v |= 1ull << i;
                found = true;
            }
        if (found)
            continue;
        if (!letters)
            return false;
        for (const char *c = tok; *c; c++) { /* scapy's "SA" */
            const char *at = strchr(letters, toupper((unsigned char)*c));
            if (!at || !*c)
                return false;
            v |= 1ull << (at - letters);
        }
    }
    *out = v;
    return true;
}

bool pkt_field_parse(const struct pkt_field *f, const char *text, struct pkt_val *v, char *why,
                     size_t whylen)
{
    memset(v, 0, sizeof(*v));
    while (isspace((unsigned char)*text))
        text++;
    switch (f->type) {
    case PF_MAC:
        if (helper_parse_mac(text, v->b))
            return true;
        snprintf(why, whylen, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", text);
        return false;
    case PF_IP4:
        if (helper_parse_ip4(text, v->b))
            return true;
        snprintf(why, whylen, "'%s' is not an IPv4 address", text);
        return false;
    case PF_IP6:
        if (helper_parse_ip6(text, v->b))
            return true;
        snprintf(why, whylen, "'%s' is not an IPv6 address", text);
        return false;
    case PF_TCPFLAGS:
    case PF_IPFLAGS:
        if (helper_parse_u64(text, &v->u) ||
            (f->type == PF_TCPFLAGS ? parse_flag_names(text, tcp_flag_names, 8, tcp_flag_letters, &v->u)
                                    : parse_flag_names(text, ip_flag_names, 3, NULL, &v->u)))
            break;
        snprintf(why, whylen, "'%s' is not a number or flags (%s)", text,
                 f->type == PF_TCPFLAGS ? "FIN SYN RST PSH ACK URG ECE CWR, or letters as \"SA\""
                                        : "DF MF evil");
        return false;
    case PF_UINT:
        if (helper_parse_u64(text, &v->u))
            break;
        snprintf(why, whylen, "'%s' is not a number", text);
        return false;
    case PF_BYTES:
        snprintf(why, whylen, "not a scalar field");
        return false;
    }
    if (f->width < 64 && v->u >> f->width) {
        snprintf(why, whylen, "%s does not fit in %u bits", text, f->width);
        return false;
    }
    return true;
}

static uint64_t get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_be(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

void pkt_field_put(const struct pkt_field *f, uint8_t *hdr, const struct pkt_val *v)
{
    uint8_t *p = hdr + f->off;
    switch (f->type) {
    case PF_MAC: memcpy(p, v->b, 6); return;
    case PF_IP4: memcpy(p, v->b, 4); return;
    case PF_IP6: memcpy(p, v->b, 16); return;
    case PF_BYTES: return;
    default: break;
    }
    if (!f->bytes)
        return;
    uint64_t mask = (f->width >= 64 ? ~0ull : (1ull << f->width) - 1) << f->shift;
    uint64_t w = get_be(p, f->bytes);
    w = (w & ~mask) | ((v->u << f->shift) & mask);
    put_be(p, f->bytes, w);
}

void pkt_field_get(const struct pkt_field *f, const uint8_t *hdr, struct pkt_val *v)
{
    memset(v, 0, sizeof(*v));
    const uint8_t *p = hdr + f->off;
    switch (f->type) {
    case PF_MAC: memcpy(v->b, p, 6); return;
    case PF_IP4: memcpy(v->b, p, 4); return;
    case PF_IP6: memcpy(v->b, p, 16); return;
    case PF_BYTES: return;
    default: break;
    }
    if (!f->bytes)
        return;
    uint64_t mask = f->width >= 64 ? ~0ull : (1ull << f->width) - 1;
    v->u = (get_be(p, f->bytes) >> f->shift) & mask;
}

bool pkt_val_eq(const struct pkt_field *f, const struct pkt_val *a, const struct pkt_val *b)
{
    switch (f->type) {
    case PF_MAC: return !memcmp(a->b, b->b, 6);
    case PF_IP4: return !memcmp(a->b, b->b, 4);
    case PF_IP6: return !memcmp(a->b, b->b, 16);
    default: return a->u == b->u;
    }
}

static void fmt_flags(uint64_t v, const char *const *names, unsigned n, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < n; i++) /* lowest first: "SYN|ACK", "FIN|ACK" */
        if (v >> i & 1)
            k += (size_t)snprintf(buf + k, k < len ? len - k : 0, "%s%s", k ? "|" : "", names[i]);
    if (!k)
        snprintf(buf, len, "0");
}

void pkt_field_fmt(const struct pkt_field *f, const struct pkt_val *v, char *buf, size_t len)
{
    switch (f->type) {
    case PF_MAC: helper_fmt_mac(v->b, buf, len); return;
    case PF_IP4: helper_fmt_ip4(v->b, buf, len); return;
    case PF_IP6: helper_fmt_ip6(v->b, buf, len); return;
    case PF_TCPFLAGS: fmt_flags(v->u, tcp_flag_names, 8, buf, len); return;
    case PF_IPFLAGS: fmt_flags(v->u, ip_flag_names, 3, buf, len); return;
    case PF_BYTES: snprintf(buf, len, "?"); return;
    case PF_UINT: break;
    }
    if (f->hex)
        snprintf(buf, len, "0x%0*" PRIx64, (f->width + 3) / 4, v->u);
    else
        snprintf(buf, len, "%" PRIu64, v->u);
}

/* ----------------------------------------------------------- checksums ---- */

uint16_t pkt_csum(const uint8_t *p, size_t len, uint32_t sum)
{
    uint64_t s = sum;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

uint32_t pkt_pseudo_sum(const uint8_t *ip, bool v6, uint8_t proto, uint32_t len)
{
    uint32_t s = 0;
    const uint8_t *a = ip + (v6 ? 8 : 12);
    unsigned n = v6 ? 32 : 8;
    for (unsigned i = 0; i < n; i += 2)
        s += (uint32_t)(a[i] << 8 | a[i + 1]);
    s += proto;
    s += len >> 16;
    s += len & 0xffff;
    return s;
}

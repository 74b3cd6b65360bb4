/* helpers/pkt_int.h - private to the packet builder and decoder
 * (helpers/pkt_fields.c, pktgen.c, pktdecode.c): the header layouts as
 * tables, so that building, decoding and matching read one description. */
#ifndef BPFEMU_HELPERS_PKT_INT_H
#define BPFEMU_HELPERS_PKT_INT_H

#include "helpers/helpers_internal.h"

enum pkt_ftype {
    PF_UINT,     /* a big-endian bit field: `width` bits at bit `shift` of the
                    `bytes`-byte word at `off` */
    PF_MAC,      /* 6 bytes */
    PF_IP4,      /* 4 bytes */
    PF_IP6,      /* 16 bytes */
    PF_TCPFLAGS, /* PF_UINT with names: FIN SYN RST PSH ACK URG ECE CWR */
    PF_IPFLAGS,  /* PF_UINT with names: evil DF MF */
    PF_BYTES,    /* variable: header options, payload */
};

enum pkt_fauto {
    PA_NONE,
    PA_NEXT,     /* the next layer's protocol number / EtherType */
    PA_LEN,      /* a length computed from the packet */
    PA_HLEN,     /* header length in 32-bit words (ihl, doff) */
    PA_CSUM,     /* a checksum */
};

struct pkt_field {
    const char *name;
    enum pkt_ftype type;
    int16_t off;           /* from the layer's start; the VLAN TPID is at -2
                              (the previous header's EtherType) */
    uint8_t bytes, shift, width;
    enum pkt_fauto autov;
    const char *dflt;      /* the builder's default, as text (NULL: zero) */
    bool hex;              /* shown in hex */
};

enum pkt_kind { PK_ETH, PK_VLAN, PK_ARP, PK_IPV4, PK_IPV6, PK_TCP, PK_UDP, PK_ICMP, PK_ICMPV6,
                PK_PAYLOAD, PK_TRUNCATE, PK_COUNT };

struct pkt_layer_def {
    enum pkt_kind kind;
    const char *name;
    const char *alias;     /* another accepted name, or NULL */
    uint16_t hlen;         /* fixed header bytes */
    const struct pkt_field *fields;
    unsigned n_fields;
    const char *positional; /* the field a bare value sets ("vlan(100)") */
};

const struct pkt_layer_def *pkt_layer_def(enum pkt_kind k);
const struct pkt_layer_def *pkt_layer_named(const char *name);
const struct pkt_field *pkt_field_named(const struct pkt_layer_def *d, const char *name);
/* "dst src type" */
void pkt_field_names(const struct pkt_layer_def *d, char *buf, size_t len);

/* A field value: integers in u, addresses in b. */
struct pkt_val {
    uint64_t u;
    uint8_t b[16];
};

/* Parse `text` for field f (PF_BYTES excluded). false with a reason. */
bool pkt_field_parse(const struct pkt_field *f, const char *text, struct pkt_val *v, char *why,
                     size_t whylen);
void pkt_field_put(const struct pkt_field *f, uint8_t *hdr, const struct pkt_val *v);
void pkt_field_get(const struct pkt_field *f, const uint8_t *hdr, struct pkt_val *v);
bool pkt_val_eq(const struct pkt_field *f, const struct pkt_val *a, const struct pkt_val *b);
void pkt_field_fmt(const struct pkt_field *f, const struct pkt_val *v, char *buf, size_t len);

/* Internet checksums over the packet. */
uint16_t pkt_csum(const uint8_t *p, size_t len, uint32_t sum);
/* The pseudo-header sum of the IP header at ip (v4 or v6) for an L4 of
 * protocol `proto` and `len` bytes. */
uint32_t pkt_pseudo_sum(const uint8_t *ip, bool v6, uint8_t proto, uint32_t len);

/* A decoded packet. */
struct pkt_dlayer {
    const struct pkt_layer_def *def;
    size_t off, hlen;      /* header bytes present (payload: its length) */
    bool truncated;        /* the header does not fit in the packet ... */
    size_t need;           /* ... which it would need this many bytes for */
    int csum_ok;           /* -1 unknown, 0 bad, 1 good (layers with a csum) */
};
#define PKT_MAX_LAYERS 16
struct pkt_decoded {
    struct pkt_dlayer l[PKT_MAX_LAYERS];
    unsigned n;
};
void pkt_decode(const uint8_t *p, size_t len, struct pkt_decoded *d);
/* Is field f of decoded layer l fully inside the packet? */
bool pkt_field_present(const struct pkt_dlayer *l, const struct pkt_field *f, size_t pkt_len);

#endif

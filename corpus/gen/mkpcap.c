// SPDX-License-Identifier: GPL-2.0
/*
 * mkpcap - deterministic test captures for the corpus programs.
 *
 *   mkpcap OUTDIR
 *
 * writes OUTDIR/<program>.pcap for every corpus program, OUTDIR/mixed.pcap
 * (all of them interleaved) and OUTDIR/<program>.maps, the initial map
 * contents the program's capture is meant to run against, in kernel-run's
 * "map NAME KEYHEX VALUEHEX" format, and the same contents as
 * OUTDIR/<program>.maps.json in bpfemu's --map-in format
 * ({"maps": [{"name": ..., "entries": [{"key": HEX, "value": HEX}]}]}).
 *
 * Packets are built field by field with valid IPv4 header, TCP, UDP, ICMP and
 * ICMPv6 checksums; malformed ones are made by truncating a valid frame or
 * by setting a bad field on purpose.  Timestamps start at a fixed epoch and
 * advance 1 ms per packet unless a capture sets them (xdp_ratelimit's bursts).
 * Classic pcap, microsecond timestamps, LINKTYPE_ETHERNET, little-endian.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BASE_SEC	1700000000ull
#define MAX_FRAME	2048

/* ------------------------------------------------------------ captures -- */

struct rec {
	uint64_t t_us;
	uint32_t len;
	uint8_t *data;
};

struct init_elem {
	const char *map;
	char *key, *value;	/* lowercase hex */
};

struct cap {
	const char *name;
	struct rec *r;
	size_t n, alloc;
	uint64_t t_us;		/* timestamp of the next packet */
	uint64_t step_us;	/* then advanced by this much */
	FILE *maps;		/* the .maps init file, opened lazily */
	const char *outdir;
	struct init_elem *init;	/* the same entries, for the .maps.json file */
	size_t ninit;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkpcap: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void add_raw(struct cap *c, const void *d, size_t len)
{
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 64;
		c->r = realloc(c->r, c->alloc * sizeof(*c->r));
		if (!c->r)
			die("out of memory");
	}
	c->r[c->n].t_us = c->t_us;
	c->r[c->n].len = (uint32_t)len;
	c->r[c->n].data = malloc(len ? len : 1);
	if (!c->r[c->n].data)
		die("out of memory");
	memcpy(c->r[c->n].data, d, len);
	c->n++;
	c->t_us += c->step_us;
}

static void put16(FILE *f, uint16_t v) { fwrite(&v, 2, 1, f); }
static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }

static void write_pcap(const char *dir, const char *name, const struct rec *r, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	f = fopen(path, "wb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	put32(f, 0xa1b2c3d4);	/* µs timestamps */
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);		/* thiszone */
	put32(f, 0);		/* sigfigs */
	put32(f, 65535);	/* snaplen */
	put32(f, 1);		/* LINKTYPE_ETHERNET */
	for (size_t i = 0; i < n; i++) {
		put32(f, (uint32_t)(BASE_SEC + r[i].t_us / 1000000));
		put32(f, (uint32_t)(r[i].t_us % 1000000));
		put32(f, r[i].len);
		put32(f, r[i].len);
		fwrite(r[i].data, 1, r[i].len, f);
	}
	if (fclose(f))
		die("%s: write error", path);
}

/* ---------------------------------------------------------- map inits -- */

static char *hexdup(const void *p, size_t n)
{
	const uint8_t *b = p;
	char *s = malloc(2 * n + 1);

	if (!s)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	s[2 * n] = 0;
	return s;
}

/* OUTDIR/<name>.maps.json: the capture's initial entries grouped by map, maps
 * in the order they first appear, entries in the order they were added. */
static void write_maps_json(const struct cap *c)
{
	char path[4096];
	FILE *f;
	bool first_map = true;

	snprintf(path, sizeof(path), "%s/%s.maps.json", c->outdir, c->name);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fputs("{\"maps\": [", f);
	for (size_t i = 0; i < c->ninit; i++) {
		bool seen = false, first = true;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(c->init[j].map, c->init[i].map);
		if (seen)
			continue;
		fprintf(f, "%s\n  {\"name\": \"%s\", \"entries\": [", first_map ? "" : ",", c->init[i].map);
		first_map = false;
		for (size_t j = i; j < c->ninit; j++) {
			if (strcmp(c->init[j].map, c->init[i].map))
				continue;
			fprintf(f, "%s\n    {\"key\": \"%s\", \"value\": \"%s\"}", first ? "" : ",",
				c->init[j].key, c->init[j].value);
			first = false;
		}
		fputs("\n  ]}", f);
	}
	fputs(first_map ? "]}\n" : "\n]}\n", f);
	if (fclose(f))
		die("%s: write error", path);
}

static void maps_line(struct cap *c, const char *map, const void *k, size_t klen, const void *v, size_t vlen,
		      const char *fmt, ...)
{
	const uint8_t *kb = k, *vb = v;
	va_list ap;

	if (!c->maps) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s.maps", c->outdir, c->name);
		c->maps = fopen(path, "w");
		if (!c->maps)
			die("%s: %s", path, strerror(errno));
		fprintf(c->maps, "# Initial maps for %s.pcap (generated by corpus/gen/mkpcap.c).\n"
				 "# map NAME KEYHEX VALUEHEX   - host byte order is little-endian\n", c->name);
	}
	if (fmt) {
		fputs("# ", c->maps);
		va_start(ap, fmt);
		vfprintf(c->maps, fmt, ap);
		va_end(ap);
		fputc('\n', c->maps);
	}
	c->init = realloc(c->init, (c->ninit + 1) * sizeof(*c->init));
	if (!c->init)
		die("out of memory");
	c->init[c->ninit].map = map;
	c->init[c->ninit].key = hexdup(k, klen);
	c->init[c->ninit].value = hexdup(v, vlen);
	c->ninit++;
	fprintf(c->maps, "map %s ", map);
	for (size_t i = 0; i < klen; i++)
		fprintf(c->maps, "%02x", kb[i]);
	fputc(' ', c->maps);
	for (size_t i = 0; i < vlen; i++)
		fprintf(c->maps, "%02x", vb[i]);
	fputc('\n', c->maps);
}

/* ------------------------------------------------------------ packets -- */

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16, F_URG = 32, F_ECE = 64, F_CWR = 128 };

struct spec {
	int nvlan;
	uint16_t vlan[2];	/* VLAN ids, outermost first */
	uint16_t tpid[2];	/* 0 = 802.1Q */
	uint16_t ethertype;	/* for frames without an IP layer (src == NULL) */
	const uint8_t *smac, *dmac;

	const char *src, *dst;	/* IPv4 or IPv6 literal */
	uint8_t proto;
	uint8_t tos;
	uint8_t ttl;		/* 0 = 64 */
	uint16_t frag;		/* host order: flags << 13 | offset */
	uint16_t ipid;
	int ip_opt_len;		/* IPv4 options (NOPs + EOL), multiple of 4 */
	int bad_version;	/* write this IP version instead */
	int bad_ihl;		/* write this IHL instead */

	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;		/* 0 = 64240 */
	const uint8_t *topt;
	size_t toptlen;		/* padded with NOPs to a multiple of 4 */
	int doff;		/* override the TCP data offset (words) */

	uint8_t itype, icode;
	uint16_t iid, iseq;

	const void *payload;
	size_t paylen;
	int udp_zero_csum;

	size_t trunc;		/* cut the finished frame to this length */
	size_t pad_to;		/* Ethernet padding up to this length */
};

static const uint8_t MAC_CLIENT[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t MAC_SERVER[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void wr16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, v >> 16); wr16(p + 2, v & 0xffff); }

static int parse_addr(const char *s, uint8_t *out)
{
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, out) != 1)
			die("bad IPv6 address %s", s);
		return 6;
	}
	if (inet_pton(AF_INET, s, out) != 1)
		die("bad IPv4 address %s", s);
	return 4;
}

/* Build the frame described by S into BUF; returns its length. */
static size_t build(const struct spec *s, uint8_t *buf)
{
	uint8_t saddr[16], daddr[16];
	size_t off = 0, l3, l4, end;
	int ver = 0;

	memset(buf, 0, MAX_FRAME);
	memcpy(buf, s->dmac ? s->dmac : MAC_SERVER, 6);
	memcpy(buf + 6, s->smac ? s->smac : MAC_CLIENT, 6);
	off = 12;
	for (int i = 0; i < s->nvlan; i++) {
		wr16(buf + off, s->tpid[i] ? s->tpid[i] : 0x8100);
		wr16(buf + off + 2, s->vlan[i]);
		off += 4;
	}
	if (s->src) {
		ver = parse_addr(s->src, saddr);
		if (parse_addr(s->dst, daddr) != ver)
			die("address family mismatch %s / %s", s->src, s->dst);
	}
	wr16(buf + off, s->src ? (ver == 4 ? 0x0800 : 0x86dd) : s->ethertype);
	off += 2;
	l3 = off;
	if (!s->src) {
		if (s->paylen)
			memcpy(buf + off, s->payload, s->paylen);
		end = off + s->paylen;
		goto finish;
	}

	/* L3 header */
	if (ver == 4) {
		int hl = 20 + s->ip_opt_len;

		buf[l3] = (uint8_t)((s->bad_version ? s->bad_version : 4) << 4 | (s->bad_ihl ? s->bad_ihl : hl / 4));
		buf[l3 + 1] = s->tos;
		wr16(buf + l3 + 4, s->ipid);
		wr16(buf + l3 + 6, s->frag);
		buf[l3 + 8] = s->ttl ? s->ttl : 64;
		buf[l3 + 9] = s->proto;
		memcpy(buf + l3 + 12, saddr, 4);
		memcpy(buf + l3 + 16, daddr, 4);
		for (int i = 0; i < s->ip_opt_len; i++)
			buf[l3 + 20 + i] = i == s->ip_opt_len - 1 ? 0 : 1;	/* NOPs, EOL */
		l4 = l3 + hl;
	} else {
		buf[l3] = (uint8_t)((s->bad_version ? s->bad_version : 6) << 4 | s->tos >> 4);
		buf[l3 + 1] = (uint8_t)(s->tos << 4);
		buf[l3 + 6] = s->proto;
		buf[l3 + 7] = s->ttl ? s->ttl : 64;
		memcpy(buf + l3 + 8, saddr, 16);
		memcpy(buf + l3 + 24, daddr, 16);
		l4 = l3 + 40;
	}

	/* L4 header and payload */
	size_t hdr = 0;

	switch (s->proto) {
	case IPPROTO_TCP: {
		size_t optlen = (s->toptlen + 3) & ~(size_t)3;

		hdr = 20 + optlen;
		wr16(buf + l4, s->sport);
		wr16(buf + l4 + 2, s->dport);
		wr32(buf + l4 + 4, s->seq);
		wr32(buf + l4 + 8, s->ack);
		buf[l4 + 12] = (uint8_t)((s->doff ? s->doff : (int)hdr / 4) << 4);
		buf[l4 + 13] = s->flags;
		wr16(buf + l4 + 14, s->win ? s->win : 64240);
		memset(buf + l4 + 20, 1, optlen);	/* NOP padding */
		if (s->topt)
			memcpy(buf + l4 + 20, s->topt, s->toptlen);
		break;
	}
	case IPPROTO_UDP:
		hdr = 8;
		wr16(buf + l4, s->sport);
		wr16(buf + l4 + 2, s->dport);
		wr16(buf + l4 + 4, (uint16_t)(8 + s->paylen));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		hdr = 8;
		buf[l4] = s->itype;
		buf[l4 + 1] = s->icode;
		wr16(buf + l4 + 4, s->iid);
		wr16(buf + l4 + 6, s->iseq);
		break;
	default:
		break;
	}
	if (s->paylen)
		memcpy(buf + l4 + hdr, s->payload, s->paylen);
	end = l4 + hdr + s->paylen;
	if (end > MAX_FRAME)
		die("frame too long");

	/* Lengths and checksums */
	size_t l4len = end - l4;

	if (ver == 4) {
		wr16(buf + l3 + 2, (uint16_t)(end - l3));
		wr16(buf + l3 + 10, 0);
		wr16(buf + l3 + 10, csum_fold(csum_add(0, buf + l3, l4 - l3)));
	} else {
		wr16(buf + l3 + 4, (uint16_t)l4len);
	}
	if (s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP || s->proto == IPPROTO_ICMPV6) {
		size_t coff = s->proto == IPPROTO_TCP ? 16 : s->proto == IPPROTO_UDP ? 6 : 2;
		uint32_t sum = 0;
		uint8_t ph[4];

		if (ver == 4) {
			sum = csum_add(sum, saddr, 4);
			sum = csum_add(sum, daddr, 4);
		} else {
			sum = csum_add(sum, saddr, 16);
			sum = csum_add(sum, daddr, 16);
		}
		ph[0] = 0;
		ph[1] = s->proto;
		wr16(ph + 2, (uint16_t)l4len);
		sum = csum_add(sum, ph, 4);
		sum = csum_add(sum, buf + l4, l4len);
		uint16_t c = csum_fold(sum);

		if (s->proto == IPPROTO_UDP && c == 0)
			c = 0xffff;
		if (s->proto == IPPROTO_UDP && s->udp_zero_csum)
			c = 0;
		wr16(buf + l4 + coff, c);
	} else if (s->proto == IPPROTO_ICMP) {
		wr16(buf + l4 + 2, csum_fold(csum_add(0, buf + l4, l4len)));
	}

finish:
	if (s->pad_to && end < s->pad_to)
		end = s->pad_to;	/* zero padding, already cleared */
	if (s->trunc && s->trunc < end)
		end = s->trunc;
	return end;
}

static void add(struct cap *c, const struct spec *s)
{
	uint8_t buf[MAX_FRAME];

	add_raw(c, buf, build(s, buf));
}

#define ADD(c, ...) add((c), &(struct spec){ __VA_ARGS__ })

/* An ARP request (who-has), 42 bytes. */
static void add_arp(struct cap *c, const char *sender, const char *target)
{
	uint8_t p[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	memcpy(p + 8, MAC_CLIENT, 6);
	parse_addr(sender, p + 14);
	parse_addr(target, p + 24);
	ADD(c, .ethertype = 0x0806, .payload = p, .paylen = sizeof(p),
	    .dmac = (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });
}

/* Linux-like SYN options: MSS, SACK_PERM, TS, NOP, WSCALE (20 bytes). */
static const uint8_t SYN_OPTS[20] = {
	2, 4, 0x05, 0xb4,		/* MSS 1460 */
	4, 2,				/* SACK permitted */
	8, 10, 0x00, 0x01, 0xe2, 0x40, 0, 0, 0, 0,	/* TS val 123456, ecr 0 */
	1,				/* NOP */
	3, 3, 7,			/* window scale 7 */
};

/* ---------------------------------------------------------------- DNS -- */

/* A DNS message with one question; NAME is dotted (case kept). */
static size_t dns_msg(uint8_t *out, uint16_t id, uint16_t flags, const char *name, uint16_t qtype)
{
	size_t off = 12;
	const char *p = name;

	memset(out, 0, 12);
	wr16(out, id);
	wr16(out + 2, flags);
	wr16(out + 4, 1);	/* QDCOUNT */
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		out[off++] = (uint8_t)l;
		memcpy(out + off, p, l);
		off += l;
		p += l;
		if (*p == '.')
			p++;
	}
	out[off++] = 0;
	wr16(out + off, qtype);
	wr16(out + off + 2, 1);	/* IN */
	return off + 4;
}

static void dns_rule(struct cap *c, const char *name, uint32_t rule_id, uint32_t action)
{
	char key[64] = { 0 };
	uint8_t val[16] = { 0 };

	strncpy(key, name, sizeof(key) - 1);
	memcpy(val + 8, &rule_id, 4);
	memcpy(val + 12, &action, 4);
	maps_line(c, "domain_rules", key, 64, val, 16, "%s %s (rule %u)", action ? "allow" : "block", name, rule_id);
}

/* ------------------------------------------------- per-program captures -- */

static void gen_firewall(struct cap *c)
{
	struct { const char *pfx; int plen; uint32_t id; } v4[] = {
		{ "203.0.113.0", 24, 1 }, { "198.51.100.66", 32, 2 }, { "10.66.0.0", 16, 3 },
	};
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		uint8_t k[8], v[16] = { 0 };
		uint32_t pl = (uint32_t)v4[i].plen;

		memcpy(k, &pl, 4);
		parse_addr(v4[i].pfx, k + 4);
		memcpy(v, &v4[i].id, 4);
		maps_line(c, "blocklist_v4", k, 8, v, 16, "block %s/%d", v4[i].pfx, v4[i].plen);
	}
	{
		uint8_t k[20] = { 0 }, v[16] = { 0 };
		uint32_t pl = 48, id = 10;

		memcpy(k, &pl, 4);
		parse_addr("2001:db8:bad::", k + 4);
		memcpy(v, &id, 4);
		maps_line(c, "blocklist_v6", k, 20, v, 16, "block 2001:db8:bad::/48");
	}

	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .flags = F_SYN, .seq = 1000);
	ADD(c, .src = "203.0.113.9", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40001, .dport = 80, .flags = F_SYN, .seq = 2000);
	ADD(c, .src = "203.0.113.200", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 5353, .dport = 53, .payload = "xxxx", .paylen = 4);
	ADD(c, .src = "198.51.100.66", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40002, .dport = 22, .flags = F_ACK, .seq = 5, .ack = 6);
	ADD(c, .src = "198.51.100.67", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40003, .dport = 22, .flags = F_ACK, .seq = 5, .ack = 6);
	ADD(c, .src = "10.66.1.2", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 1, .iseq = 1, .payload = "pingpingpingping", .paylen = 16);
	ADD(c, .src = "10.67.0.1", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 1, .iseq = 2, .payload = "pingpingpingping", .paylen = 16);
	/* VLAN-tagged, QinQ */
	ADD(c, .nvlan = 1, .vlan = { 100 }, .src = "203.0.113.50", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 1000, .dport = 2000, .payload = "vlan", .paylen = 4);
	ADD(c, .nvlan = 1, .vlan = { 100 }, .src = "192.0.2.77", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 1000, .dport = 2000, .payload = "vlan", .paylen = 4);
	ADD(c, .nvlan = 2, .vlan = { 300, 100 }, .tpid = { 0x88a8, 0x8100 }, .src = "192.0.2.78", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1001, .dport = 80, .flags = F_SYN);
	ADD(c, .nvlan = 2, .vlan = { 300, 100 }, .tpid = { 0x88a8, 0x8100 }, .src = "10.66.200.1", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1002, .dport = 80, .flags = F_SYN);
	/* IPv6 */
	ADD(c, .src = "2001:db8:bad::1", .dst = "2001:db8::10", .proto = IPPROTO_TCP, .sport = 50000, .dport = 443, .flags = F_SYN, .seq = 77);
	ADD(c, .src = "2001:db8:bad:ffff::2", .dst = "2001:db8::10", .proto = IPPROTO_UDP, .sport = 50001, .dport = 53, .payload = "q", .paylen = 1);
	ADD(c, .src = "2001:db8:1::1", .dst = "2001:db8::10", .proto = IPPROTO_ICMPV6, .itype = 128, .iid = 7, .iseq = 1, .payload = "v6ping", .paylen = 6);
	ADD(c, .nvlan = 1, .vlan = { 42 }, .src = "2001:db8:bad::99", .dst = "2001:db8::10", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	/* non-IP */
	add_arp(c, "192.0.2.1", "192.0.2.10");
	ADD(c, .ethertype = 0x88cc, .payload = "\x02\x07\x04\x02\x00\x00\x00\x00\x00\x01", .paylen = 10);	/* LLDP */
	/* malformed */
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 2, .flags = F_ACK, .trunc = 14 + 10);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 1, .dport = 2, .bad_ihl = 4);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 1, .dport = 2, .bad_version = 6);
	ADD(c, .src = "203.0.113.9", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 2, .flags = F_SYN, .ip_opt_len = 8);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .trunc = 14);	/* runt: bare header */
	ADD(c, .nvlan = 1, .vlan = { 100 }, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .trunc = 16);
	ADD(c, .src = "2001:db8:1::1", .dst = "2001:db8::10", .proto = IPPROTO_TCP, .trunc = 14 + 20);
	/* a few more allowed and blocked, for the byte counters */
	for (int i = 0; i < 6; i++)
		ADD(c, .src = i & 1 ? "203.0.113.1" : "198.51.100.8", .dst = "192.0.2.10", .proto = IPPROTO_UDP,
		    .sport = (uint16_t)(30000 + i), .dport = 9000, .payload = "0123456789abcdef0123456789abcdef", .paylen = (size_t)(6 * i));
}

static void gen_counter(struct cap *c)
{
	static const uint8_t gre[4] = { 0, 0, 0x08, 0x00 };

	for (int i = 0; i < 4; i++)
		ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40000, .dport = 443,
		    .flags = F_ACK | F_PSH, .seq = 1000 + 100 * (uint32_t)i, .ack = 1, .payload = "GET / HTTP/1.1\r\n", .paylen = 16);
	for (int i = 0; i < 3; i++)
		ADD(c, .src = "198.51.100.8", .dst = "192.0.2.53", .proto = IPPROTO_UDP, .sport = (uint16_t)(53000 + i), .dport = 53,
		    .payload = "dnsdnsdnsdnsdnsdnsdns", .paylen = 21);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 9, .iseq = 1, .payload = "abcdefgh", .paylen = 8);
	ADD(c, .src = "192.0.2.10", .dst = "198.51.100.9", .proto = IPPROTO_ICMP, .itype = 0, .iid = 9, .iseq = 1, .payload = "abcdefgh", .paylen = 8);
	ADD(c, .src = "198.51.100.1", .dst = "192.0.2.1", .proto = IPPROTO_GRE, .payload = gre, .paylen = 4);
	ADD(c, .nvlan = 1, .vlan = { 10 }, .src = "10.0.0.1", .dst = "10.0.0.2", .proto = IPPROTO_UDP, .sport = 123, .dport = 123, .payload = "ntp", .paylen = 3);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = IPPROTO_TCP, .sport = 1234, .dport = 80, .flags = F_SYN, .toptlen = 20, .topt = SYN_OPTS);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = IPPROTO_UDP, .sport = 1234, .dport = 53, .payload = "v6dns", .paylen = 5);
	ADD(c, .src = "2001:db8::1", .dst = "ff02::1", .proto = IPPROTO_ICMPV6, .itype = 135, .payload = "0123456789abcdef", .paylen = 16);
	ADD(c, .nvlan = 2, .vlan = { 200, 20 }, .tpid = { 0x88a8, 0x8100 }, .src = "2001:db8::3", .dst = "2001:db8::4", .proto = IPPROTO_TCP, .sport = 1, .dport = 2, .flags = F_ACK);
	add_arp(c, "192.0.2.1", "192.0.2.2");
	ADD(c, .ethertype = 0x88cc, .payload = "lldp", .paylen = 4);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .trunc = 20);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = IPPROTO_UDP, .trunc = 40);
	ADD(c, .nvlan = 1, .vlan = { 5 }, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .trunc = 15);
}

/* xdp_lb: VIPs, reals and rings. */
#define F_HASH_NO_SRC_PORT 1
static void lb_vip(struct cap *c, const char *vip, uint16_t port, uint8_t proto, uint32_t flags, uint32_t num)
{
	uint8_t k[8] = { 0 }, v[8];

	parse_addr(vip, k);
	wr16(k + 4, port);
	k[6] = proto;
	memcpy(v, &flags, 4);
	memcpy(v + 4, &num, 4);
	maps_line(c, "vip_map", k, 8, v, 8, "VIP %s:%u/%s -> vip_num %u flags %u", vip, port,
		  proto == IPPROTO_TCP ? "tcp" : "udp", num, flags);
}

static void gen_lb(struct cap *c)
{
	static const char *reals[] = { NULL, "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4" };

	lb_vip(c, "10.100.0.1", 80, IPPROTO_TCP, 0, 0);
	lb_vip(c, "10.100.0.2", 53, IPPROTO_UDP, F_HASH_NO_SRC_PORT, 1);
	lb_vip(c, "10.100.0.3", 0, IPPROTO_TCP, 0, 2);
	for (uint32_t i = 1; i < 5; i++) {
		uint8_t v[8] = { 0 };

		parse_addr(reals[i], v);
		maps_line(c, "reals", &i, 4, v, 8, "real %u = %s", i, reals[i]);
	}
	/* Rings: VIP 0 spreads over reals 1-4, VIP 1 over 3-4, VIP 2 has backends in half of its slots only. */
	for (uint32_t slot = 0; slot < 16; slot++) {
		uint32_t pos, real;

		pos = 0 * 16 + slot;
		real = 1 + slot % 4;
		maps_line(c, "ch_rings", &pos, 4, &real, 4, slot ? NULL : "ring of VIP 0");
		pos = 1 * 16 + slot;
		real = 3 + slot % 2;
		maps_line(c, "ch_rings", &pos, 4, &real, 4, slot ? NULL : "ring of VIP 1");
		pos = 2 * 16 + slot;
		real = slot & 1 ? 2 : 0;
		maps_line(c, "ch_rings", &pos, 4, &real, 4, slot ? NULL : "ring of VIP 2 (0 = no backend)");
	}

	for (int i = 0; i < 8; i++) {
		char src[32];

		snprintf(src, sizeof(src), "198.51.100.%d", 10 + i);
		ADD(c, .src = src, .dst = "10.100.0.1", .proto = IPPROTO_TCP, .sport = (uint16_t)(40000 + 7 * i), .dport = 80,
		    .flags = F_SYN, .seq = 1000u * (uint32_t)i, .toptlen = 20, .topt = SYN_OPTS, .tos = (uint8_t)(i << 2));
		/* the same flow again: connection-table hit */
		ADD(c, .src = src, .dst = "10.100.0.1", .proto = IPPROTO_TCP, .sport = (uint16_t)(40000 + 7 * i), .dport = 80,
		    .flags = F_ACK, .seq = 1000u * (uint32_t)i + 1, .ack = 1, .payload = "GET / HTTP/1.0\r\n\r\n", .paylen = 18);
	}
	for (int i = 0; i < 4; i++)	/* same client, different source ports: same backend (no src port in hash) */
		ADD(c, .src = "203.0.113.5", .dst = "10.100.0.2", .proto = IPPROTO_UDP, .sport = (uint16_t)(33000 + i), .dport = 53,
		    .payload = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", .paylen = 12);
	for (int i = 0; i < 6; i++) {
		char src[32];

		snprintf(src, sizeof(src), "192.0.2.%d", 100 + i);
		ADD(c, .src = src, .dst = "10.100.0.3", .proto = IPPROTO_TCP, .sport = (uint16_t)(50000 + i), .dport = (uint16_t)(8080 + i),
		    .flags = F_SYN, .seq = 42);
	}
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 80);	/* VIP is TCP-only */
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.9", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN);
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_ICMP, .itype = 8, .iid = 1, .iseq = 1);
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_TCP, .sport = 2, .dport = 80, .flags = F_ACK,
	    .frag = 0x2000, .payload = "fragment-one....", .paylen = 16);	/* MF */
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_UDP, .frag = 3, .payload = "fragment-two", .paylen = 12);
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_TCP, .sport = 3, .dport = 80, .flags = F_SYN, .ip_opt_len = 4);
	ADD(c, .nvlan = 1, .vlan = { 7 }, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_TCP, .sport = 4, .dport = 80, .flags = F_SYN);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::100", .proto = IPPROTO_TCP, .sport = 5, .dport = 80, .flags = F_SYN);
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_TCP, .sport = 6, .dport = 80, .flags = F_SYN, .trunc = 14 + 20 + 2);
	ADD(c, .src = "198.51.100.10", .dst = "10.100.0.1", .proto = IPPROTO_TCP, .trunc = 30);
	add_arp(c, "10.100.0.254", "10.100.0.1");
}

static void nat_entry(struct cap *c, const char *addr, uint16_t port, uint8_t proto, const char *to, uint16_t to_port,
		      uint32_t mark)
{
	uint8_t k[8] = { 0 }, v[12] = { 0 };

	parse_addr(addr, k);
	wr16(k + 4, port);
	k[6] = proto;
	parse_addr(to, v);
	wr16(v + 4, to_port);
	memcpy(v + 8, &mark, 4);
	maps_line(c, "nat_map", k, 8, v, 12, "%s:%u/%s -> %s:%u mark %#x", addr, port, proto == IPPROTO_TCP ? "tcp" : "udp",
		  to, to_port, mark);
}

static void gen_tc_rewrite(struct cap *c)
{
	nat_entry(c, "10.96.0.10", 53, IPPROTO_UDP, "10.0.2.53", 5353, 0x100);
	nat_entry(c, "10.96.0.1", 443, IPPROTO_TCP, "10.0.2.10", 8443, 0x200);
	nat_entry(c, "10.96.0.20", 80, IPPROTO_TCP, "10.0.2.20", 80, 0x300);

	uint8_t q[64];
	size_t qlen = dns_msg(q, 0xabcd, 0x0100, "www.example.com", 1);

	ADD(c, .src = "10.244.1.5", .dst = "10.96.0.10", .proto = IPPROTO_UDP, .sport = 41000, .dport = 53, .tos = 0xb8,
	    .payload = q, .paylen = qlen);
	ADD(c, .src = "10.244.1.5", .dst = "10.96.0.10", .proto = IPPROTO_UDP, .sport = 41001, .dport = 53, .udp_zero_csum = 1,
	    .payload = "\xab\xce\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01", .paylen = 17);
	ADD(c, .src = "10.244.1.6", .dst = "10.96.0.1", .proto = IPPROTO_TCP, .sport = 52000, .dport = 443, .flags = F_SYN,
	    .seq = 0x12345678, .toptlen = 20, .topt = SYN_OPTS);
	ADD(c, .src = "10.244.1.6", .dst = "10.96.0.1", .proto = IPPROTO_TCP, .sport = 52000, .dport = 443, .flags = F_ACK | F_PSH,
	    .seq = 0x12345679, .ack = 99, .payload = "\x16\x03\x01\x00\x05hello", .paylen = 10, .tos = 0x28);
	ADD(c, .src = "10.244.1.7", .dst = "10.96.0.20", .proto = IPPROTO_TCP, .sport = 52001, .dport = 80, .flags = F_SYN, .seq = 5);
	ADD(c, .src = "10.244.1.7", .dst = "10.96.0.20", .proto = IPPROTO_TCP, .sport = 52001, .dport = 81, .flags = F_SYN, .seq = 5);
	ADD(c, .src = "10.244.1.7", .dst = "10.96.0.11", .proto = IPPROTO_UDP, .sport = 1, .dport = 53);
	ADD(c, .src = "10.244.1.7", .dst = "10.96.0.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 3, .iseq = 3);
	ADD(c, .src = "10.244.1.7", .dst = "10.96.0.10", .proto = IPPROTO_UDP, .frag = 100, .payload = "tail-fragment", .paylen = 13);
	ADD(c, .src = "10.244.1.7", .dst = "10.96.0.1", .proto = IPPROTO_TCP, .sport = 1, .dport = 443, .ip_opt_len = 4, .flags = F_SYN);
	ADD(c, .src = "fd00::5", .dst = "fd00::10", .proto = IPPROTO_UDP, .sport = 1, .dport = 53);
	ADD(c, .nvlan = 1, .vlan = { 10 }, .src = "10.244.1.5", .dst = "10.96.0.10", .proto = IPPROTO_UDP, .sport = 2, .dport = 53);
	add_arp(c, "10.244.1.1", "10.244.1.5");
	/* malformed */
	ADD(c, .src = "10.244.1.8", .dst = "10.96.0.1", .proto = IPPROTO_TCP, .sport = 1, .dport = 443, .flags = F_SYN, .trunc = 14 + 20 + 2);
	ADD(c, .src = "10.244.1.8", .dst = "10.96.0.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 443, .bad_ihl = 3);
	ADD(c, .src = "10.244.1.8", .dst = "10.96.0.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 443, .trunc = 14 + 12);
	ADD(c, .ethertype = 0x0800, .trunc = 14);
}

static void gen_ratelimit(struct cap *c)
{
	/* Bucket: 4 packets/s, depth 5.  Bursts are back to back (same timestamp). */
	c->step_us = 0;
	c->t_us = 0;
	for (int i = 0; i < 8; i++)	/* A: 5 pass, 3 drop */
		ADD(c, .src = "198.51.100.10", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 7000, .dport = 7001,
		    .payload = "burst", .paylen = 5);
	for (int i = 0; i < 7; i++)	/* one IPv6 /64 from two hosts: 5 pass, 2 drop */
		ADD(c, .src = i & 1 ? "2001:db8:1::2" : "2001:db8:1::1", .dst = "2001:db8::10", .proto = IPPROTO_UDP,
		    .sport = 7000, .dport = 7001, .payload = "burst6", .paylen = 6);
	add_arp(c, "192.0.2.1", "192.0.2.10");
	ADD(c, .src = "198.51.100.10", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .trunc = 14 + 8);
	for (int i = 0; i < 4; i++) {	/* B: a well-behaved source, 1 packet / 300 ms */
		c->t_us = 100000 + 300000 * (uint64_t)i;
		ADD(c, .src = "198.51.100.20", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 8000, .dport = 443,
		    .flags = F_ACK, .seq = (uint32_t)i, .ack = 1);
	}
	c->t_us = 1500000;	/* A again after 1.5 s: refilled to the full depth -> 5 pass, 1 drop */
	for (int i = 0; i < 6; i++)
		ADD(c, .nvlan = 1, .vlan = { 10 }, .src = "198.51.100.10", .dst = "192.0.2.10", .proto = IPPROTO_UDP,
		    .sport = 7000, .dport = 7001, .payload = "again", .paylen = 5);
	c->t_us = 1600000;
	ADD(c, .src = "2001:db8:1::3", .dst = "2001:db8::10", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	c->step_us = 1000;
}

static void gen_tailcall(struct cap *c)
{
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_SYN, .seq = 1);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40001, .dport = 23, .flags = F_SYN, .seq = 1);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40002, .dport = 4444, .flags = F_SYN, .seq = 1);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40002, .dport = 4444, .flags = F_ACK, .seq = 2, .ack = 1);
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 19, .dport = 5000, .payload = "chargen!", .paylen = 8);
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 17, .dport = 5000, .payload = "quote", .paylen = 5);
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 5001, .dport = 19, .payload = "ok", .paylen = 2);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 0x1234, .iseq = 1,
	    .payload = "0123456789abcdefghijklmnopqrstuv", .paylen = 32, .ttl = 57);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 0x1234, .iseq = 2, .ttl = 1);
	ADD(c, .src = "192.0.2.10", .dst = "198.51.100.9", .proto = IPPROTO_ICMP, .itype = 0, .iid = 0x1234, .iseq = 1);
	ADD(c, .src = "192.0.2.1", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 3, .icode = 3, .payload = "origdatagram", .paylen = 12);
	ADD(c, .nvlan = 1, .vlan = { 30 }, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 9, .iseq = 9,
	    .payload = "vlan-ping", .paylen = 9);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 1, .iseq = 1, .ip_opt_len = 8);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = IPPROTO_TCP, .sport = 1, .dport = 23, .flags = F_SYN);
	ADD(c, .src = "198.51.100.1", .dst = "192.0.2.1", .proto = IPPROTO_GRE, .payload = "\0\0\x08\0", .paylen = 4);
	add_arp(c, "192.0.2.1", "192.0.2.10");
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 23, .trunc = 14 + 20 + 8);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .trunc = 14 + 19);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_ICMP, .itype = 8, .trunc = 14 + 20 + 4);
}

static void gen_events(struct cap *c)
{
	uint16_t sport = 9999;
	uint8_t one = 1;

	maps_line(c, "ignore_sport", (uint8_t[]){ sport >> 8, sport & 0xff }, 2, &one, 1, "health checker source port 9999");

	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .flags = F_SYN,
	    .seq = 0xdeadbeef, .toptlen = 20, .topt = SYN_OPTS, .ttl = 61);
	ADD(c, .src = "192.0.2.10", .dst = "198.51.100.7", .proto = IPPROTO_TCP, .sport = 443, .dport = 40000, .flags = F_SYN | F_ACK,
	    .seq = 1, .ack = 0xdeadbef0);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40000, .dport = 443, .flags = F_ACK,
	    .seq = 0xdeadbef0, .ack = 2);
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 40001, .dport = 80,
	    .flags = F_SYN | F_ECE | F_CWR, .seq = 7, .win = 29200);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 9999, .dport = 80, .flags = F_SYN, .seq = 8);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 9998, .dport = 80, .flags = F_SYN | F_RST, .seq = 8);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = IPPROTO_TCP, .sport = 50000, .dport = 22, .flags = F_SYN,
	    .seq = 0x01020304, .toptlen = 20, .topt = SYN_OPTS, .ttl = 50);
	ADD(c, .src = "2001:db8::1", .dst = "2001:db8::2", .proto = IPPROTO_TCP, .sport = 9999, .dport = 22, .flags = F_SYN, .seq = 1);
	ADD(c, .nvlan = 1, .vlan = { 100 }, .src = "10.1.1.1", .dst = "10.1.1.2", .proto = IPPROTO_TCP, .sport = 1000, .dport = 3306,
	    .flags = F_SYN, .seq = 99);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 2, .flags = F_SYN, .doff = 15);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 2, .flags = F_SYN, .trunc = 14 + 20 + 13);
	add_arp(c, "192.0.2.1", "192.0.2.10");
	for (int i = 0; i < 5; i++) {
		char src[32];

		snprintf(src, sizeof(src), "203.0.113.%d", 1 + i);
		ADD(c, .src = src, .dst = "192.0.2.10", .proto = IPPROTO_TCP, .sport = (uint16_t)(60000 + i), .dport = 443,
		    .flags = F_SYN, .seq = 1000u + (uint32_t)i);
	}
}

static void gen_tc_vlan(struct cap *c)
{
	uint8_t one = 1;

	for (uint16_t vid = 200; vid <= 300; vid += 100)
		maps_line(c, "allowed_vids", &vid, 2, &one, 1, "trunk VLAN %u", vid);

	ADD(c, .nvlan = 1, .vlan = { 100 }, .src = "192.168.10.5", .dst = "192.168.10.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 2,
	    .payload = "access", .paylen = 6);
	ADD(c, .nvlan = 1, .vlan = { 0x2000 | 100 }, .src = "192.168.10.6", .dst = "192.168.10.1", .proto = IPPROTO_TCP, .sport = 1,
	    .dport = 80, .flags = F_SYN);	/* PCP 1 */
	ADD(c, .nvlan = 1, .vlan = { 200 }, .src = "192.168.20.5", .dst = "192.168.20.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	ADD(c, .nvlan = 1, .vlan = { 300 }, .src = "2001:db8::5", .dst = "2001:db8::1", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	ADD(c, .nvlan = 1, .vlan = { 999 }, .src = "192.168.99.5", .dst = "192.168.99.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	ADD(c, .nvlan = 1, .vlan = { 100 }, .tpid = { 0x88a8 }, .src = "192.168.10.5", .dst = "192.168.10.1", .proto = IPPROTO_UDP,
	    .sport = 1, .dport = 2);
	ADD(c, .nvlan = 2, .vlan = { 100, 200 }, .src = "192.168.10.5", .dst = "192.168.10.1", .proto = IPPROTO_UDP, .sport = 1, .dport = 2);
	ADD(c, .src = "192.168.20.5", .dst = "192.168.20.1", .proto = IPPROTO_TCP, .sport = 5000, .dport = 443, .flags = F_SYN);
	ADD(c, .src = "192.168.20.6", .dst = "192.168.20.1", .proto = IPPROTO_UDP, .sport = 5004, .dport = 5004, .tos = 46 << 2,
	    .payload = "rtp-voice-sample", .paylen = 16);
	ADD(c, .src = "192.168.20.7", .dst = "192.168.20.1", .proto = IPPROTO_UDP, .sport = 5004, .dport = 5004, .tos = 34 << 2);
	ADD(c, .src = "192.168.30.1", .dst = "192.168.20.1", .proto = IPPROTO_TCP, .sport = 5000, .dport = 443, .flags = F_SYN);
	ADD(c, .src = "2001:db8::5", .dst = "2001:db8::1", .proto = IPPROTO_TCP, .sport = 1, .dport = 2, .flags = F_SYN);
	add_arp(c, "192.168.20.5", "192.168.20.1");
	ADD(c, .nvlan = 1, .vlan = { 100 }, .src = "192.168.10.5", .dst = "192.168.10.1", .proto = IPPROTO_UDP, .trunc = 16);
	ADD(c, .src = "192.168.20.5", .dst = "192.168.20.1", .proto = IPPROTO_UDP, .trunc = 14 + 16);
}

static void gen_dns(struct cap *c)
{
	static const struct { const char *name; int v6; int vlan; uint16_t flags; } q[] = {
		{ "www.example.com", 0, 0, 0x0100 },
		{ "ads.example.com", 0, 0, 0x0100 },
		{ "ADS.Example.COM", 0, 0, 0x0100 },
		{ "x.y.tracker.net", 0, 0, 0x0100 },
		{ "tracker.net", 0, 0, 0x0000 },
		{ "good.tracker.net", 0, 0, 0x0100 },
		{ "a.good.tracker.net", 0, 0, 0x0100 },
		{ "malware.test", 1, 0, 0x0100 },
		{ "cdn.malware.test", 1, 0, 0x0100 },
		{ "safe.test", 1, 0, 0x0100 },
		{ "ads.example.com", 0, 1, 0x0100 },
		{ "ads.example.com", 0, 0, 0x8180 },	/* a response */
		{ "ads.example.com", 0, 0, 0x2800 },	/* UPDATE opcode */
		{ "a.b.c.d.e.f.g.h.i.j.tracker.net", 0, 0, 0x0100 },	/* too many labels */
		{ "this-label-is-quite-long.and-so-is-this-one.so-that-the-name.exceeds-64.example.com", 0, 0, 0x0100 },
		{ "example.com", 0, 0, 0x0100 },
		{ "a.b.c.tracker.net", 0, 0, 0x0100 },
	};
	uint8_t msg[512];

	dns_rule(c, "ads.example.com", 1, 0);
	dns_rule(c, "tracker.net", 2, 0);
	dns_rule(c, "good.tracker.net", 3, 1);
	dns_rule(c, "malware.test", 4, 0);

	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		size_t n = dns_msg(msg, (uint16_t)(0x1000 + i), q[i].flags, q[i].name, 1);

		if (q[i].v6)
			ADD(c, .src = "2001:db8::53:1", .dst = "2001:db8::53", .proto = IPPROTO_UDP, .sport = (uint16_t)(20000 + i),
			    .dport = 53, .payload = msg, .paylen = n);
		else
			ADD(c, .nvlan = q[i].vlan, .vlan = { 53 }, .src = "192.0.2.100", .dst = "192.0.2.53", .proto = IPPROTO_UDP,
			    .sport = (uint16_t)(20000 + i), .dport = 53, .payload = msg, .paylen = n);
	}
	/* compression pointer in the question */
	{
		uint8_t m[] = { 0x77, 0x77, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', 'd', 's', 0xc0, 0x0c, 0, 1, 0, 1 };

		ADD(c, .src = "192.0.2.100", .dst = "192.0.2.53", .proto = IPPROTO_UDP, .sport = 20100, .dport = 53, .payload = m, .paylen = sizeof(m));
	}
	/* name cut short by the end of the packet */
	{
		size_t n = dns_msg(msg, 0x7778, 0x0100, "ads.example.com", 1);

		ADD(c, .src = "192.0.2.100", .dst = "192.0.2.53", .proto = IPPROTO_UDP, .sport = 20101, .dport = 53, .payload = msg,
		    .paylen = n, .trunc = 14 + 20 + 8 + 12 + 9);
		ADD(c, .src = "192.0.2.100", .dst = "192.0.2.53", .proto = IPPROTO_UDP, .sport = 20102, .dport = 53, .payload = msg,
		    .paylen = n, .trunc = 14 + 20 + 8 + 6);
	}
	/* root query, port 5353, TCP/53 */
	{
		size_t n = dns_msg(msg, 0x7779, 0x0100, "", 2);

		ADD(c, .src = "192.0.2.100", .dst = "192.0.2.53", .proto = IPPROTO_UDP, .sport = 20103, .dport = 53, .payload = msg, .paylen = n);
		n = dns_msg(msg, 0x777a, 0x0000, "ads.example.com", 1);
		ADD(c, .src = "192.0.2.100", .dst = "224.0.0.251", .proto = IPPROTO_UDP, .sport = 5353, .dport = 5353, .payload = msg, .paylen = n);
		ADD(c, .src = "192.0.2.100", .dst = "192.0.2.53", .proto = IPPROTO_TCP, .sport = 20104, .dport = 53, .flags = F_ACK | F_PSH,
		    .payload = msg, .paylen = n);
	}
	add_arp(c, "192.0.2.100", "192.0.2.53");
}

/* --- xdp_syncookie: the program's cookie, recomputed here to make valid ACKs --- */

static const uint32_t SC_SECRET[2] = { 0x8badf00d, 0x1badd00d };
static const uint32_t SC_EPOCH = 7;

static uint32_t rol32(uint32_t w, unsigned s) { return (w << s) | (w >> ((32 - s) & 31)); }

/* Same arithmetic on the same raw (network-order, loaded little-endian) values as the BPF code. */
static uint32_t sc_hash(uint32_t saddr, uint32_t daddr, uint16_t sport_raw, uint16_t dport_raw, uint32_t count, int c)
{
	uint32_t a = saddr, b = daddr, h = ((uint32_t)sport_raw << 16 | dport_raw) + count;

	a += 0xdeadbeef + SC_SECRET[c & 1];
	b += 0xdeadbeef;
	h += 0xdeadbeef;
	h ^= b; h -= rol32(b, 14);
	a ^= h; a -= rol32(h, 11);
	b ^= a; b -= rol32(a, 25);
	h ^= b; h -= rol32(b, 16);
	a ^= h; a -= rol32(h, 4);
	b ^= a; b -= rol32(a, 14);
	h ^= b; h -= rol32(b, 24);
	return h;
}

static uint32_t sc_cookie(const char *src, const char *dst, uint16_t sport, uint16_t dport, uint32_t isn, uint32_t mssind)
{
	uint8_t s[4], d[4];
	uint32_t sa, da;
	uint16_t sp = htons(sport), dp = htons(dport);

	parse_addr(src, s);
	parse_addr(dst, d);
	memcpy(&sa, s, 4);
	memcpy(&da, d, 4);
	return sc_hash(sa, da, sp, dp, 0, 0) + isn + (SC_EPOCH << 24) +
	       ((sc_hash(sa, da, sp, dp, SC_EPOCH, 1) + mssind) & 0xffffff);
}

static void gen_syncookie(struct cap *c)
{
	static const uint8_t mss1400[4] = { 2, 4, 0x05, 0x78 };
	static const uint8_t bad_len0[8] = { 2, 4, 0x05, 0xb4, 3, 0, 7, 1 };
	static const uint8_t bad_overrun[4] = { 1, 1, 8, 10 };
	static const uint8_t unknown_opt[12] = { 2, 4, 0x02, 0x18, 30, 6, 1, 2, 3, 4, 1, 0 };
	uint32_t ck = sc_cookie("198.51.100.7", "192.0.2.80", 40000, 80, 1000000, 3);

	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_SYN,
	    .seq = 1000000, .toptlen = 20, .topt = SYN_OPTS, .ttl = 52, .ipid = 0x4321, .frag = 0x4000);
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40001, .dport = 443, .flags = F_SYN,
	    .seq = 0xfffffff0, .toptlen = 4, .topt = mss1400);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40002, .dport = 80, .flags = F_SYN, .seq = 5,
	    .pad_to = 60);	/* no options, Ethernet-padded */
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40003, .dport = 80, .flags = F_SYN | F_ECE | F_CWR,
	    .seq = 6, .toptlen = 12, .topt = unknown_opt);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40004, .dport = 22, .flags = F_SYN, .seq = 7);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40005, .dport = 80, .flags = F_SYN, .seq = 8,
	    .toptlen = 8, .topt = bad_len0);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40006, .dport = 80, .flags = F_SYN, .seq = 9,
	    .toptlen = 4, .topt = bad_overrun);
	ADD(c, .src = "198.51.100.9", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40007, .dport = 80, .flags = F_SYN, .seq = 10,
	    .doff = 12);	/* options past the end of the packet */
	/* the handshake completes with a valid cookie, then data flows */
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_ACK,
	    .seq = 1000001, .ack = ck + 1);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_ACK | F_PSH,
	    .seq = 1000001, .ack = ck + 1, .payload = "GET / HTTP/1.1\r\nHost: x\r\n\r\n", .paylen = 27);
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40001, .dport = 443, .flags = F_ACK,
	    .seq = 0xfffffff1, .ack = 0x12345678);	/* forged cookie */
	ADD(c, .src = "198.51.100.8", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40011, .dport = 443, .flags = F_RST, .seq = 1);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_FIN | F_ACK,
	    .seq = 1000028, .ack = ck + 1);
	ADD(c, .src = "2001:db8::7", .dst = "2001:db8::80", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_SYN, .seq = 1);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_UDP, .sport = 40000, .dport = 80);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN, .ip_opt_len = 4);
	ADD(c, .src = "198.51.100.7", .dst = "192.0.2.80", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN, .trunc = 14 + 20 + 16);
	add_arp(c, "192.0.2.1", "192.0.2.80");
}

static void policy(struct cap *c, uint32_t identity, uint16_t dport, uint8_t proto, uint32_t action)
{
	uint8_t k[8] = { 0 }, v[24] = { 0 };

	memcpy(k, &identity, 4);
	wr16(k + 4, dport);
	k[6] = proto;
	memcpy(v, &action, 4);
	maps_line(c, "cilium_policy", k, 8, v, 24, "identity %u dport %u proto %u: %s", identity, dport, proto,
		  action ? "allow" : "deny");
}

static void gen_cilium(struct cap *c)
{
	policy(c, 0, 80, IPPROTO_TCP, 1);
	policy(c, 0, 443, IPPROTO_TCP, 1);
	policy(c, 0, 22, IPPROTO_TCP, 0);
	policy(c, 0, 53, IPPROTO_UDP, 1);
	policy(c, 0, 0, IPPROTO_ICMP, 1);
	policy(c, 2, 8080, IPPROTO_TCP, 1);

	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 40000, .dport = 80, .flags = F_SYN, .seq = 1);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 40001, .dport = 443, .flags = F_ACK | F_PSH, .seq = 2,
	    .payload = "tls", .paylen = 3);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 40002, .dport = 22, .flags = F_SYN, .seq = 3);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 40003, .dport = 8080, .flags = F_SYN, .seq = 4);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 40004, .dport = 9090, .flags = F_SYN, .seq = 5);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.53", .proto = IPPROTO_UDP, .sport = 40005, .dport = 53, .payload = "dnsq", .paylen = 4);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.53", .proto = IPPROTO_UDP, .sport = 40006, .dport = 123, .payload = "ntp", .paylen = 3);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_ICMP, .itype = 8, .iid = 1, .iseq = 1);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_GRE, .payload = "\0\0\x08\0", .paylen = 4);
	ADD(c, .src = "fd00::5", .dst = "fd00::10", .proto = IPPROTO_TCP, .sport = 40007, .dport = 443, .flags = F_SYN, .seq = 6);
	ADD(c, .src = "fd00::5", .dst = "fd00::10", .proto = IPPROTO_TCP, .sport = 40008, .dport = 25, .flags = F_SYN, .seq = 7);
	ADD(c, .src = "fd00::5", .dst = "ff02::1:ff00:10", .proto = IPPROTO_ICMPV6, .itype = 135, .payload = "\0\0\0\0\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x10", .paylen = 20);
	ADD(c, .src = "fd00::5", .dst = "fd00::10", .proto = IPPROTO_UDP, .sport = 1, .dport = 53);
	add_arp(c, "10.0.0.5", "10.0.1.10");
	ADD(c, .ethertype = 0x88cc, .payload = "lldp-frame", .paylen = 10);
	ADD(c, .nvlan = 1, .vlan = { 4 }, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.1.10", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN, .trunc = 14 + 20 + 3);
	ADD(c, .src = "fd00::5", .dst = "fd00::10", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN, .trunc = 14 + 40 + 2);
}

static void gen_global_data(struct cap *c)
{
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.5", .proto = IPPROTO_TCP, .sport = 50000, .dport = 22, .flags = F_ACK | F_PSH, .payload = "ssh", .paylen = 3);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.53", .proto = IPPROTO_UDP, .sport = 50001, .dport = 53, .payload = "dns", .paylen = 3);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.53", .proto = IPPROTO_TCP, .sport = 50001, .dport = 53, .flags = F_SYN);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.7", .proto = IPPROTO_TCP, .sport = 50002, .dport = 873, .flags = F_ACK, .payload = "rsync-data", .paylen = 10);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.7", .proto = IPPROTO_UDP, .sport = 50002, .dport = 873);
	ADD(c, .src = "10.1.0.6", .dst = "10.2.0.8", .proto = IPPROTO_UDP, .sport = 5060, .dport = 5060, .payload = "INVITE sip:x", .paylen = 12);
	ADD(c, .src = "10.1.0.6", .dst = "10.2.0.8", .proto = IPPROTO_UDP, .sport = 5061, .dport = 5061, .tos = (46 << 2));
	ADD(c, .src = "10.1.0.6", .dst = "10.2.0.8", .proto = IPPROTO_UDP, .sport = 20000, .dport = 20000, .tos = 0x03, .payload = "rtp", .paylen = 3);
	ADD(c, .src = "10.1.0.6", .dst = "10.2.0.8", .proto = IPPROTO_UDP, .sport = 40000, .dport = 40000, .tos = 0x01);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.9", .proto = IPPROTO_TCP, .sport = 50003, .dport = 21, .flags = F_SYN, .tos = 0x10);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.9", .proto = IPPROTO_TCP, .sport = 50004, .dport = 80, .flags = F_SYN);
	ADD(c, .nvlan = 1, .vlan = { 12 }, .src = "10.1.0.5", .dst = "10.2.0.5", .proto = IPPROTO_TCP, .sport = 50005, .dport = 22, .flags = F_SYN);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.5", .proto = IPPROTO_TCP, .sport = 50006, .dport = 22, .flags = F_SYN, .ip_opt_len = 4);
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.5", .proto = IPPROTO_ICMP, .itype = 8);
	ADD(c, .src = "fd00::1", .dst = "fd00::2", .proto = IPPROTO_TCP, .sport = 1, .dport = 22, .flags = F_SYN);
	add_arp(c, "10.1.0.5", "10.2.0.5");
	ADD(c, .src = "10.1.0.5", .dst = "10.2.0.5", .proto = IPPROTO_UDP, .trunc = 14 + 20 + 3);
}

static void gen_tenant(struct cap *c)
{
	struct { uint16_t vid; uint32_t tenant; } vt[] = { { 10, 1 }, { 20, 2 }, { 11, 1 } };
	struct { const char *map; uint16_t port; uint32_t verdict; } pol[] = {
		{ "tenant0_policy", 80, 1 }, { "tenant0_policy", 443, 1 }, { "tenant0_policy", 25, 0 },
		{ "tenant1_policy", 22, 1 }, { "tenant1_policy", 80, 1 },
	};

	for (size_t i = 0; i < sizeof(vt) / sizeof(vt[0]); i++)
		maps_line(c, "vlan_tenant", &vt[i].vid, 2, &vt[i].tenant, 4, "VLAN %u -> tenant %u", vt[i].vid, vt[i].tenant);
	for (size_t i = 0; i < sizeof(pol) / sizeof(pol[0]); i++)
		maps_line(c, pol[i].map, &pol[i].port, 2, &pol[i].verdict, 4, "%s: port %u %s", pol[i].map, pol[i].port,
			  pol[i].verdict ? "allow" : "deny");

	static const char body[] = "................................................................................"
				   "................................................................................";
	/* tenant 1 starts, tenant 0 bursts past its share, tenant 1 keeps going */
	ADD(c, .nvlan = 1, .vlan = { 10 }, .src = "10.10.0.5", .dst = "10.10.0.1", .proto = IPPROTO_TCP, .sport = 1000, .dport = 22,
	    .flags = F_ACK, .payload = body, .paylen = 60);
	for (int i = 0; i < 8; i++)
		ADD(c, .src = "10.0.0.5", .dst = "10.0.0.1", .proto = IPPROTO_TCP, .sport = 2000, .dport = 80, .flags = F_ACK,
		    .seq = (uint32_t)i, .payload = body, .paylen = 150);
	for (int i = 0; i < 4; i++)
		ADD(c, .nvlan = 1, .vlan = { 11 }, .src = "10.10.0.6", .dst = "10.10.0.1", .proto = IPPROTO_TCP, .sport = 1001,
		    .dport = 80, .flags = F_ACK, .seq = (uint32_t)i, .payload = body, .paylen = 120);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.0.1", .proto = IPPROTO_TCP, .sport = 2001, .dport = 443, .flags = F_SYN);
	/* policy drops (more than the queue holds), unknown tenant tables and VLANs */
	for (int i = 0; i < 10; i++)
		ADD(c, .src = "10.0.0.9", .dst = "10.0.0.1", .proto = IPPROTO_TCP, .sport = (uint16_t)(3000 + i), .dport = 25, .flags = F_SYN);
	for (int i = 0; i < 6; i++)
		ADD(c, .nvlan = 1, .vlan = { 10 }, .src = "10.10.0.9", .dst = "10.10.0.1", .proto = IPPROTO_UDP, .sport = (uint16_t)(4000 + i),
		    .dport = 53);
	ADD(c, .nvlan = 1, .vlan = { 20 }, .src = "10.20.0.5", .dst = "10.20.0.1", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN);
	ADD(c, .nvlan = 1, .vlan = { 30 }, .src = "10.30.0.5", .dst = "10.30.0.1", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN);
	ADD(c, .src = "10.0.0.5", .dst = "10.0.0.1", .proto = IPPROTO_ICMP, .itype = 8);
	ADD(c, .src = "fd00::5", .dst = "fd00::1", .proto = IPPROTO_TCP, .sport = 1, .dport = 80, .flags = F_SYN);
	add_arp(c, "10.0.0.5", "10.0.0.1");
	ADD(c, .src = "10.0.0.5", .dst = "10.0.0.1", .proto = IPPROTO_TCP, .trunc = 14 + 20 + 2);
}

/* A program that runs on another program's capture: empty maps, no packets. */
static void gen_none(struct cap *c)
{
	(void)c;
}

/* ---------------------------------------------------------------- main -- */

static const struct {
	const char *name;
	void (*gen)(struct cap *);
} GENS[] = {
	{ "xdp_firewall", gen_firewall },
	{ "xdp_counter", gen_counter },
	{ "xdp_lb", gen_lb },
	{ "tc_rewrite", gen_tc_rewrite },
	{ "xdp_ratelimit", gen_ratelimit },
	{ "xdp_tailcall", gen_tailcall },
	{ "xdp_events", gen_events },
	{ "tc_vlan", gen_tc_vlan },
	{ "xdp_dns_filter", gen_dns },
	{ "xdp_syncookie", gen_syncookie },
	{ "tc_cilium_style", gen_cilium },
	{ "xdp_global_data", gen_global_data },
	{ "xdp_tenant", gen_tenant },
	/* the DNS server's socket filter runs on xdp_dns_filter.pcap */
	{ "sock_filter", gen_none },
};
#define NGENS (sizeof(GENS) / sizeof(GENS[0]))

int main(int argc, char **argv)
{
	struct cap caps[NGENS];
	struct rec *mixed = NULL;
	size_t nmixed = 0, total = 0, pos[NGENS] = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: mkpcap OUTDIR\n");
		return 1;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		die("%s: %s", argv[1], strerror(errno));

	for (size_t i = 0; i < NGENS; i++) {
		char path[4096];

		memset(&caps[i], 0, sizeof(caps[i]));
		caps[i].name = GENS[i].name;
		caps[i].outdir = argv[1];
		caps[i].step_us = 1000;
		/* a program without initial maps still gets an (empty) .maps file */
		snprintf(path, sizeof(path), "%s/%s.maps", argv[1], GENS[i].name);
		remove(path);
		GENS[i].gen(&caps[i]);
		write_pcap(argv[1], caps[i].name, caps[i].r, caps[i].n);
		if (!caps[i].maps) {
			caps[i].maps = fopen(path, "w");
			if (!caps[i].maps)
				die("%s: %s", path, strerror(errno));
			fprintf(caps[i].maps, "# %s.pcap runs against empty maps.\n", caps[i].name);
		}
		fclose(caps[i].maps);
		write_maps_json(&caps[i]);
		total += caps[i].n;
	}

	/* mixed: round-robin over all captures, 100 µs apart */
	mixed = calloc(total, sizeof(*mixed));
	if (!mixed)
		die("out of memory");
	while (nmixed < total)
		for (size_t i = 0; i < NGENS; i++)
			if (pos[i] < caps[i].n) {
				mixed[nmixed] = caps[i].r[pos[i]++];
				mixed[nmixed].t_us = 100 * (uint64_t)nmixed;
				nmixed++;
			}
	write_pcap(argv[1], "mixed", mixed, nmixed);

	for (size_t i = 0; i < NGENS; i++) {
		for (size_t j = 0; j < caps[i].n; j++)
			free(caps[i].r[j].data);
		free(caps[i].r);
		for (size_t j = 0; j < caps[i].ninit; j++) {
			free(caps[i].init[j].key);
			free(caps[i].init[j].value);
		}
		free(caps[i].init);
	}
	free(mixed);
	return 0;
}

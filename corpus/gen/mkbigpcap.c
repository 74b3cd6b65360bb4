// SPDX-License-Identifier: GPL-2.0
/*
 * mkbigpcap: a large capture made from a small one, for replay benchmarks.
 *
 *   mkbigpcap IN.pcap OUT.pcap COUNT
 *
 * Writes COUNT packets (classic pcap, microsecond timestamps 1 us apart):
 * the packets of IN over and over. Each round after the first moves the
 * source port of IPv4/IPv6 TCP and UDP packets whose source port is >= 1024
 * to another port >= 1024 (TCP/UDP checksums updated incrementally, a zero
 * UDP checksum left zero), so the capture holds many flows (for flow-hashed
 * workers) while every packet keeps its verdict in programs that do not
 * look at ephemeral ports. Streams the output; IN is read into memory.
 * Deterministic: same bytes every run.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pkt {
	uint8_t *d;
	uint32_t len;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* RFC 1624: HC' = ~(~HC + ~m + m') */
static uint16_t csum_replace(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~hc + (uint16_t)~old + (uint32_t)new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The offset of the L4 header and its protocol, or 0. */
static size_t l4_of(const uint8_t *p, size_t n, uint8_t *proto)
{
	if (n < 14)
		return 0;
	uint16_t type = rd16(p + 12);
	size_t off = 14;
	for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8) && off + 4 <= n; i++) {
		type = rd16(p + off + 2);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= n) {
		size_t ihl = (size_t)(p[off] & 15) * 4;
		if (ihl < 20 || (rd16(p + off + 6) & 0x3fff))
			return 0;
		*proto = p[off + 9];
		return off + ihl;
	}
	if (type == 0x86dd && off + 40 <= n) {
		*proto = p[off + 6];
		return off + 40;
	}
	return 0;
}

static void vary(uint8_t *p, size_t n, uint64_t round)
{
	uint8_t proto = 0;
	size_t l4 = l4_of(p, n, &proto);
	if (!l4 || (proto != 6 && proto != 17))
		return;
	size_t csum_off = proto == 6 ? 16 : 6;
	if (l4 + csum_off + 2 > n)
		return;
	uint16_t sport = rd16(p + l4);
	if (sport < 1024)
		return;
	uint16_t nport = (uint16_t)(1024 + (sport - 1024 + round * 7919u) % 64512u);
	wr16(p + l4, nport);
	uint16_t c = rd16(p + l4 + csum_off);
	if (proto == 17 && c == 0)
		return;
	c = csum_replace(c, sport, nport);
	if (proto == 17 && c == 0)
		c = 0xffff;
	wr16(p + l4 + csum_off, c);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mkbigpcap IN.pcap OUT.pcap COUNT\n");
		return 1;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(argv[1], err);
	if (!in) {
		fprintf(stderr, "mkbigpcap: %s: %s\n", argv[1], err);
		return 1;
	}
	if (pcap_datalink(in) != DLT_EN10MB) {
		fprintf(stderr, "mkbigpcap: %s: not an Ethernet capture\n", argv[1]);
		return 1;
	}
	struct pkt *pk = NULL;
	size_t n = 0, cap = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	while (pcap_next_ex(in, &h, &d) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			pk = realloc(pk, cap * sizeof(*pk));
			if (!pk)
				return 1;
		}
		pk[n].d = malloc(h->caplen ? h->caplen : 1);
		if (!pk[n].d)
			return 1;
		memcpy(pk[n].d, d, h->caplen);
		pk[n].len = h->caplen;
		n++;
	}
	pcap_close(in);
	if (!n) {
		fprintf(stderr, "mkbigpcap: %s: no packets\n", argv[1]);
		return 1;
	}
	char *end;
	unsigned long long count = strtoull(argv[3], &end, 10);
	if (*end || !count) {
		fprintf(stderr, "mkbigpcap: bad COUNT '%s'\n", argv[3]);
		return 1;
	}
	FILE *f = fopen(argv[2], "wb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	static char vbuf[1 << 20];
	setvbuf(f, vbuf, _IOFBF, sizeof vbuf);
	uint32_t hdr[6] = { 0xa1b2c3d4, 2 | (4u << 16), 0, 0, 262144, 1 };
	fwrite(hdr, sizeof hdr, 1, f);
	uint8_t buf[65536];
	for (unsigned long long i = 0; i < count; i++) {
		const struct pkt *p = &pk[i % n];
		uint64_t round = i / n;
		uint32_t len = p->len < sizeof buf ? p->len : (uint32_t)sizeof buf;
		memcpy(buf, p->d, len);
		if (round)
			vary(buf, len, round);
		/* 1 us apart from 2020-09-13 12:26:40 UTC */
		uint32_t rh[4] = { (uint32_t)(1600000000ull + i / 1000000), (uint32_t)(i % 1000000), len, len };
		fwrite(rh, sizeof rh, 1, f);
		fwrite(buf, 1, len, f);
	}
	if (fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		free(pk[i].d);
	free(pk);
	return 0;
}

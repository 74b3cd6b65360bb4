// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_syncookie - stateless SYN-flood protection in XDP, after the kernel's
 * selftests/bpf/progs/xdp_synproxy_kern.c and net/ipv4/syncookies.c.
 *
 * For IPv4 TCP to a protected port (.rodata list):
 *
 *   SYN      The TCP options are parsed (bounded loop over the option list,
 *            copied to the stack first with bpf_xdp_load_bytes): MSS, window scale, SACK-permitted,
 *            timestamps; malformed option lists are dropped.  A cookie is
 *            computed from the 4-tuple, the client's ISN, a secret and an
 *            epoch counter (both .rodata: no clock, no prandom - replays are
 *            exact), with the MSS class in its low bits as Linux does.  The
 *            SYN is rewritten in place into the SYN-ACK: MACs, addresses and
 *            ports swapped, seq = cookie, ack = ISN + 1, a fixed 24-byte
 *            option block (MSS, SACK-perm, wscale, timestamps or NOPs), the
 *            frame resized with bpf_xdp_adjust_tail to exactly 78 bytes.
 *            The IPv4 checksum is updated with bpf_csum_diff() from the old
 *            header to the new one; the TCP checksum is recomputed with
 *            bpf_csum_diff() over the pseudo header and segment.  XDP_TX.
 *   ACK      of an unknown flow: the cookie in ack_seq - 1 is validated; a
 *            good one admits the flow into `established` (LRU_HASH) and
 *            passes the packet to the stack, a bad one is dropped.
 *   other    packets of established flows pass; unknown ones are dropped.
 *
 * Non-IPv4, non-TCP and unprotected ports pass untouched.  Built for BPF
 * ISA v3 (-mcpu=v3: 32-bit jumps and ALU).
 */
#include "common.h"

#define MAX_OPT_LEN	40
#define MAX_OPT_ITERS	20

#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WINDOW	3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_TIMESTAMP 8

#define SYNACK_OPT_LEN	24
#define SYNACK_TCP_LEN	(sizeof(struct tcphdr) + SYNACK_OPT_LEN)
#define SYNACK_IP_LEN	(sizeof(struct iphdr) + SYNACK_TCP_LEN)
#define SYNACK_FRAME	(ETH_HLEN + SYNACK_IP_LEN)

#define COOKIEBITS	24
#define COOKIEMASK	((1U << COOKIEBITS) - 1)
#define MAX_COOKIE_AGE	2

const volatile __u16 protected_ports[4] = { 80, 443, 0, 0 };
const volatile __u32 cookie_secret[2] = { 0x8badf00d, 0x1badd00d };
const volatile __u32 cookie_epoch = 7;		/* would be jiffies / (60 * HZ) */
const volatile __u16 synack_window = 64240;
const volatile __u8 synack_ttl = 64;

/* MSS classes encoded in the cookie (global: clang 14 puts a static one in
 * .rodata.cst8 but describes it in .rodata's BTF) */
const __u16 msstab[4] = { 536, 1300, 1440, 1460 };

enum { SC_SYN, SC_SYNACK_TX, SC_BAD_OPTS, SC_ACK_OK, SC_ACK_BAD, SC_ESTABLISHED, SC_UNKNOWN_DROP, SC_MAX };

struct flow4 {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow4);
	__type(value, __u32);	/* MSS granted */
	__uint(max_entries, 8192);
} established SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SC_MAX);
} sc_stats SEC(".maps");

struct tcp_opts {
	__u16 mss;
	__u8 wscale;
	__u8 has_wscale;
	__u8 sack_ok;
	__u8 has_ts;
	__u32 tsval;
};

static __always_inline void sc_count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&sc_stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline __u32 rol32(__u32 w, unsigned int s)
{
	return (w << s) | (w >> ((32 - s) & 31));
}

/* jhash_3words-style mixing of the 4-tuple with a secret. */
static __always_inline __u32 cookie_hash(const struct flow4 *f, __u32 count, int c)
{
	__u32 a = f->saddr, b = f->daddr, h = ((__u32)f->sport << 16 | f->dport) + count;

	a += 0xdeadbeef + cookie_secret[c & 1];
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

static __always_inline __u32 make_cookie(const struct flow4 *f, __u32 isn, __u32 mssind)
{
	__u32 count = cookie_epoch;

	return cookie_hash(f, 0, 0) + isn + (count << COOKIEBITS) +
	       ((cookie_hash(f, count, 1) + mssind) & COOKIEMASK);
}

/* Returns the MSS class (0..3) or -1. */
static __always_inline int check_cookie(const struct flow4 *f, __u32 isn, __u32 cookie)
{
	__u32 count = cookie_epoch, diff, mssind;

	cookie -= cookie_hash(f, 0, 0) + isn;
	diff = (count - (cookie >> COOKIEBITS)) & ((__u32)-1 >> COOKIEBITS);
	if (diff >= MAX_COOKIE_AGE)
		return -1;
	mssind = (cookie - cookie_hash(f, count - diff, 1)) & COOKIEMASK;
	if (mssind >= sizeof(msstab) / sizeof(msstab[0]))
		return -1;
	return mssind;
}

struct opt_buf {
	__u8 b[64];
};

/*
 * Parse a copy of the options.  Returns 0, or -1 for a malformed list.
 *
 * A global function: the verifier checks it once, on its own (pointer
 * arguments become sized, possibly-NULL memory), instead of once per state
 * of the caller - the option loop's branches would otherwise multiply with
 * everything that follows it in xdp_syncookie().
 */
__attribute__((noinline)) int parse_tcp_opts(const struct opt_buf *ob, __u32 opt_len, struct tcp_opts *o)
{
	__u32 off = 0, i;

	if (!ob || !o)
		return -1;
	for (i = 0; i < MAX_OPT_ITERS; i++) {
		__u8 kind, len;

		if (off >= opt_len)
			break;
		kind = ob->b[off & 63];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 1 >= opt_len)
			return -1;
		len = ob->b[(off + 1) & 63];
		if (len < 2 || off + len > opt_len)
			return -1;
		switch (kind) {
		case TCPOPT_MSS:
			if (len != 4)
				return -1;
			o->mss = (__u16)ob->b[(off + 2) & 63] << 8 | ob->b[(off + 3) & 63];
			break;
		case TCPOPT_WINDOW:
			if (len != 3)
				return -1;
			o->wscale = ob->b[(off + 2) & 63];
			o->has_wscale = 1;
			break;
		case TCPOPT_SACK_PERM:
			if (len != 2)
				return -1;
			o->sack_ok = 1;
			break;
		case TCPOPT_TIMESTAMP:
			if (len != 10)
				return -1;
			o->tsval = (__u32)ob->b[(off + 2) & 63] << 24 | (__u32)ob->b[(off + 3) & 63] << 16 |
				   (__u32)ob->b[(off + 4) & 63] << 8 | ob->b[(off + 5) & 63];
			o->has_ts = 1;
			break;
		default:
			break;	/* unknown options are skipped by length */
		}
		off += len;
	}
	return 0;
}

static __always_inline int is_protected(__be16 port)
{
	__u16 p = bpf_ntohs(port);
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		if (protected_ports[i] && protected_ports[i] == p)
			return 1;
	return 0;
}

static __always_inline __u8 *put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

SEC("xdp")
int xdp_syncookie(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + ETH_HLEN;
	struct tcphdr *tcp = data + ETH_HLEN + sizeof(struct iphdr);
	struct opt_buf opts = {};
	__u8 mac_src[ETH_ALEN], mac_dst[ETH_ALEN], old_iph[sizeof(struct iphdr)];
	struct tcp_opts o = {};
	struct flow4 f;
	__u32 opt_len, isn, cookie, mssind, i, mss, tsval, pseudo, truncated;
	__u8 *op;
	__s64 sum;
	int delta;

	if ((void *)(tcp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || iph->ihl != 5 || iph->protocol != IPPROTO_TCP)
		return XDP_PASS;
	if (iph->frag_off & bpf_htons(0x3fff))
		return XDP_PASS;
	if (!is_protected(tcp->dest))
		return XDP_PASS;

	f.saddr = iph->saddr;
	f.daddr = iph->daddr;
	f.sport = tcp->source;
	f.dport = tcp->dest;

	if (!(tcp->syn && !tcp->ack)) {
		if (bpf_map_lookup_elem(&established, &f)) {
			sc_count(SC_ESTABLISHED);
			return XDP_PASS;
		}
		if (tcp->ack && !tcp->syn && !tcp->rst) {
			int ind = check_cookie(&f, bpf_ntohl(tcp->seq) - 1, bpf_ntohl(tcp->ack_seq) - 1);

			if (ind < 0) {
				sc_count(SC_ACK_BAD);
				return XDP_DROP;
			}
			mss = msstab[ind & 3];
			bpf_map_update_elem(&established, &f, &mss, BPF_ANY);
			sc_count(SC_ACK_OK);
			return XDP_PASS;
		}
		sc_count(SC_UNKNOWN_DROP);
		return XDP_DROP;
	}

	sc_count(SC_SYN);
	opt_len = tcp->doff * 4;
	if (opt_len < sizeof(struct tcphdr)) {
		sc_count(SC_BAD_OPTS);
		return XDP_DROP;
	}
	opt_len -= sizeof(struct tcphdr);
	/*
	 * Copy the option bytes to the stack with bpf_xdp_load_bytes(): one
	 * bounds check by the helper instead of one per byte (a per-byte loop
	 * over packet pointers gives the verifier a different packet range on
	 * every iteration, and it cannot prune).  A doff pointing past the end
	 * of the packet makes the helper fail.
	 */
	truncated = 0;
	if (opt_len > 0 && opt_len <= MAX_OPT_LEN &&
	    bpf_xdp_load_bytes(ctx, ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr), opts.b, opt_len))
		truncated = 1;
	if (truncated || parse_tcp_opts(&opts, opt_len, &o)) {
		sc_count(SC_BAD_OPTS);
		return XDP_DROP;
	}

	/* Largest MSS class not above the client's MSS (536 without option). */
	mss = o.mss ? o.mss : 536;
	mssind = 0;
#pragma unroll
	for (i = 1; i < 4; i++)
		if (mss >= msstab[i])
			mssind = i;
	isn = bpf_ntohl(tcp->seq);
	cookie = make_cookie(&f, isn, mssind);
	/* Linux encodes wscale/SACK in the low bits of the timestamp. */
	tsval = (cookie_epoch << 6) | (o.sack_ok << 4) | (o.has_wscale ? (o.wscale & 0xf) : 0xf);

	/* Everything needed from the SYN is now on the stack. */
	__builtin_memcpy(mac_src, eth->h_source, ETH_ALEN);
	__builtin_memcpy(mac_dst, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(old_iph, iph, sizeof(old_iph));

	delta = (int)SYNACK_FRAME - (int)(data_end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + SYNACK_FRAME > data_end)
		return XDP_DROP;
	eth = data;
	iph = data + ETH_HLEN;
	tcp = data + ETH_HLEN + sizeof(struct iphdr);

	__builtin_memcpy(eth->h_dest, mac_src, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac_dst, ETH_ALEN);

	iph->tos = 0;
	iph->tot_len = bpf_htons(SYNACK_IP_LEN);
	iph->id = 0;
	iph->frag_off = bpf_htons(0x4000);	/* DF */
	iph->ttl = synack_ttl;
	iph->saddr = f.daddr;
	iph->daddr = f.saddr;
	iph->check = 0;
	/* Incremental: old header (with its valid checksum) -> new header. */
	sum = bpf_csum_diff((__be32 *)old_iph, sizeof(old_iph), (__be32 *)iph, sizeof(*iph), 0);
	iph->check = csum_fold_helper(sum);

	tcp->source = f.dport;
	tcp->dest = f.sport;
	tcp->seq = bpf_htonl(cookie);
	tcp->ack_seq = bpf_htonl(isn + 1);
	((__u8 *)tcp)[12] = (SYNACK_TCP_LEN / 4) << 4;	/* doff, reserved */
	((__u8 *)tcp)[13] = 0x12;			/* SYN | ACK */
	tcp->window = bpf_htons(synack_window);
	tcp->check = 0;
	tcp->urg_ptr = 0;

	op = (__u8 *)(tcp + 1);
	op[0] = TCPOPT_MSS;
	op[1] = 4;
	op[2] = msstab[mssind & 3] >> 8;
	op[3] = msstab[mssind & 3] & 0xff;
	op[4] = TCPOPT_NOP;
	op[5] = TCPOPT_NOP;
	op[6] = o.sack_ok ? TCPOPT_SACK_PERM : TCPOPT_NOP;
	op[7] = o.sack_ok ? 2 : TCPOPT_NOP;
	op[8] = TCPOPT_NOP;
	op[9] = o.has_wscale ? TCPOPT_WINDOW : TCPOPT_NOP;
	op[10] = o.has_wscale ? 3 : TCPOPT_NOP;
	op[11] = o.has_wscale ? 7 : TCPOPT_NOP;	/* our shift */
	op[12] = TCPOPT_NOP;
	op[13] = TCPOPT_NOP;
	if (o.has_ts) {
		op[14] = TCPOPT_TIMESTAMP;
		op[15] = 10;
		put32(put32(op + 16, tsval), o.tsval);
	} else {
		__builtin_memset(op + 14, TCPOPT_NOP, 10);
	}

	/* Pseudo header: addresses, protocol, TCP length (network order words). */
	pseudo = (iph->saddr & 0xffff) + (iph->saddr >> 16) + (iph->daddr & 0xffff) + (iph->daddr >> 16) +
		 bpf_htons(IPPROTO_TCP) + bpf_htons(SYNACK_TCP_LEN);
	sum = bpf_csum_diff(NULL, 0, (__be32 *)tcp, SYNACK_TCP_LEN, pseudo);
	tcp->check = csum_fold_helper(sum);

	sc_count(SC_SYNACK_TX);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";

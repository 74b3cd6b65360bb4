// SPDX-License-Identifier: GPL-2.0
/* tests/yaml/sock_helpers.bpf.c - a fixture for the socket helpers'
 * semantics (tests/yaml/sock_helpers.yaml): sock_map_update from the right
 * and wrong callbacks, cookies, cb flags and STATE_CB, and an sk_msg
 * verdict whose behaviour the message's first byte picks:
 *   'A' apply_bytes(4) then pass      'C' cork_bytes(8) then pass
 *   'P' pull_data(2, 5): record data[0..2] and the size, pass
 *   'E' redirect to slot 1 without BPF_F_INGRESS (egress)
 *   'D' drop                          'W' write '!' over the second byte
 *   'U' push 3 bytes at 1, fill them with '+'   'O' pop 2 bytes at 1
 *   anything else: pass */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} socks SEC(".maps");

/* results: 0 connect-time update's return, 1 cookie of slot 0's socket,
 * 2 last STATE_CB old state, 3 its new state, 4 cb_flags_set's return,
 * 5 pulled bytes (3, little-endian), 6 pull_data's return, 7 msg size,
 * 8 sk_msg runs, 9 push/pop's return, 10 the size after it,
 * 11 data_end - data after it; the socket through ->sk: 12 family | type << 8 |
 * protocol << 16 | state << 24 (sk_msg), 13 bits for sk_msg_md's address
 * fields agreeing with the socket's (1 remote port, 2 local port,
 * 4 remote IPv4, 8 local IPv4), 14 bpf_sock_ops->sk's family | state << 8 at
 * ACTIVE_ESTABLISHED_CB (0xff: NULL), 15 bpf_tcp_sock(skops->sk)'s snd_cwnd |
 * (snd_ssthresh == TCP_INFINITE_SSTHRESH) << 16 there (0xff: NULL) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

static __always_inline void put(__u32 k, __u64 v)
{
	bpf_map_update_elem(&results, &k, &v, BPF_ANY);
}

SEC("sockops")
int ops(struct bpf_sock_ops *skops)
{
	__u32 zero = 0, one = 1;

	switch (skops->op) {
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		/* not an op sock_map_op_okay allows: -EOPNOTSUPP */
		put(0, bpf_sock_map_update(skops, &socks, &zero, BPF_ANY));
		break;
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		bpf_sock_map_update(skops, &socks, &zero, BPF_ANY);
		put(1, bpf_get_socket_cookie(skops));
		put(4, bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_STATE_CB_FLAG | 0x100));
		{
			struct bpf_sock *sk = skops->sk;

			put(14, sk ? sk->family | sk->state << 8 : 0xff);
			struct bpf_tcp_sock *tp = sk ? bpf_tcp_sock(sk) : 0;

			put(15, tp ? tp->snd_cwnd | (tp->snd_ssthresh == 0x7fffffff) << 16 : 0xff);
		}
		break;
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		bpf_sock_map_update(skops, &socks, &one, BPF_ANY);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		put(2, skops->args[0]);
		put(3, skops->args[1]);
		break;
	}
	return 1;
}

SEC("sk_msg")
int verdict(struct sk_msg_md *msg)
{
	__u8 *d = (void *)(long)msg->data;
	__u8 *end = (void *)(long)msg->data_end;
	__u32 k = 8;
	__u64 *runs = bpf_map_lookup_elem(&results, &k);

	if (runs)
		__sync_fetch_and_add(runs, 1);
	if (d + 1 > end)
		return SK_PASS;
	put(7, msg->size);
	switch (d[0]) {
	case 'A':
		bpf_msg_apply_bytes(msg, 4);
		return SK_PASS;
	case 'C':
		bpf_msg_cork_bytes(msg, 8);
		return SK_PASS;
	case 'P': {
		long rc = bpf_msg_pull_data(msg, 2, 5, 0);
		put(6, rc);
		d = (void *)(long)msg->data;
		end = (void *)(long)msg->data_end;
		if (d + 3 <= end)
			put(5, d[0] | d[1] << 8 | d[2] << 16);
		return SK_PASS;
	}
	case 'E':
		return bpf_msg_redirect_map(msg, &socks, 1, 0);
	case 'D':
		return SK_DROP;
	case 'K': {
		struct bpf_sock *sk = msg->sk;

		put(12, sk->family | sk->type << 8 | sk->protocol << 16 | sk->state << 24);
		put(13, ((msg->remote_port >> 16) == sk->dst_port) |
			(msg->local_port == sk->src_port) << 1 |
			(msg->remote_ip4 == sk->dst_ip4) << 2 |
			(msg->local_ip4 == sk->src_ip4) << 3);
		return SK_PASS;
	}
	case 'W':
		if (d + 2 <= end)
			d[1] = '!';
		return SK_PASS;
	case 'U':
		put(9, bpf_msg_push_data(msg, 1, 3, 0));
		put(10, msg->size);
		put(11, (long)msg->data_end - (long)msg->data);
		if (bpf_msg_pull_data(msg, 0, 4, 0))
			return SK_PASS;
		d = (void *)(long)msg->data;
		end = (void *)(long)msg->data_end;
		if (d + 4 <= end)
			d[1] = d[2] = d[3] = '+';
		return SK_PASS;
	case 'O':
		put(9, bpf_msg_pop_data(msg, 1, 2, 0));
		put(10, msg->size);
		put(11, (long)msg->data_end - (long)msg->data);
		return SK_PASS;
	}
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";

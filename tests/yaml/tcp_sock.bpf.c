// SPDX-License-Identifier: GPL-2.0
/* bpf_tcp_sock on a tc program's socket: its snd_cwnd, 0xff when the
 * socket is no TCP stream socket (bpf_tcp_sock returns NULL) and 0xfe
 * without a socket (tests/unit/test_testkit.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int cwnd(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct bpf_tcp_sock *tp;

	if (!sk)
		return 0xfe;
	tp = bpf_tcp_sock(sk);
	return tp ? tp->snd_cwnd : 0xff;
}

char _license[] SEC("license") = "GPL";

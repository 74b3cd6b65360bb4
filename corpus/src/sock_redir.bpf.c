// SPDX-License-Identifier: GPL-2.0
/*
 * sock_redir - Merbridge-style socket redirection for a sidecar proxy.
 *
 * A sockops program (attached to a cgroup) watches every TCP socket; when a
 * connection to or from the proxy's ports (15001 outbound, 15006 inbound)
 * is established, it puts the socket into a sockhash keyed by its 4-tuple
 * as the socket sees it (local address and port first). The sk_msg program,
 * attached to that sockhash, runs on every sendmsg of those sockets: it
 * looks up the peer's key (the same tuple, swapped) and redirects the
 * message straight into the peer socket's receive queue (BPF_F_INGRESS),
 * skipping the TCP/IP stack. Messages starting with "DENY" are dropped
 * (the sender's sendmsg fails with EACCES, and the kernel keeps the drop
 * verdict: the socket's later sends fail too): a stand-in for a policy
 * check.
 * IPv4 only, as Merbridge's first versions.
 *
 *   sock_ops_map  SOCKHASH struct sock_key -> socket
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define PROXY_OUTBOUND 15001
#define PROXY_INBOUND 15006

struct sock_key {
	__u32 sip;    /* local address, network order */
	__u32 dip;    /* remote address, network order */
	__u32 sport;  /* local port, host order */
	__u32 dport;  /* remote port, host order */
	__u32 family;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65535);
	__type(key, struct sock_key);
	__type(value, __u32);
} sock_ops_map SEC(".maps");

static __always_inline int proxied(__u32 port)
{
	return port == PROXY_OUTBOUND || port == PROXY_INBOUND;
}

SEC("sockops")
int bpf_sockops(struct bpf_sock_ops *skops)
{
	__u32 op = skops->op;

	if (op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (skops->family != AF_INET)
		return 1;

	/* local_port is in host order, remote_port in network order */
	__u32 lport = skops->local_port;
	__u32 rport = bpf_ntohl(skops->remote_port);
	if (!proxied(lport) && !proxied(rport))
		return 1;

	struct sock_key key = {
		.sip = skops->local_ip4,
		.dip = skops->remote_ip4,
		.sport = lport,
		.dport = rport,
		.family = AF_INET,
	};
	bpf_sock_hash_update(skops, &sock_ops_map, &key, BPF_NOEXIST);
	return 1;
}

SEC("sk_msg")
int bpf_redir(struct sk_msg_md *msg)
{
	void *data = (void *)(long)msg->data;
	void *data_end = (void *)(long)msg->data_end;

	if (data + 4 <= data_end && __builtin_memcmp(data, "DENY", 4) == 0)
		return SK_DROP;
	if (msg->family != AF_INET)
		return SK_PASS;

	/* the peer's key: its local end is our remote one */
	struct sock_key peer = {
		.sip = msg->remote_ip4,
		.dip = msg->local_ip4,
		.sport = bpf_ntohl(msg->remote_port),
		.dport = msg->local_port,
		.family = AF_INET,
	};
	/* no peer in the map: SK_DROP from the helper, and the message
	 * still passes by TCP because the program returns SK_PASS */
	bpf_msg_redirect_hash(msg, &sock_ops_map, &peer, BPF_F_INGRESS);
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/* tests/yaml/sock_ops_log.bpf.c - a fixture that logs every sock_ops
 * callback: log[0] counts, log[1..] hold op | is_fullsock << 8 |
 * state << 16 | local_port << 32, in order. It asks for the state
 * callback on every full socket. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} oplog SEC(".maps");

SEC("sockops")
int log_ops(struct bpf_sock_ops *skops)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&oplog, &zero);

	if (!n)
		return 1;
	__u32 i = (__u32)*n + 1;
	if (i < 64) {
		__u64 v = skops->op | (__u64)skops->is_fullsock << 8 |
			  (__u64)skops->state << 16 | (__u64)skops->local_port << 32;
		bpf_map_update_elem(&oplog, &i, &v, BPF_ANY);
		*n = i;
	}
	if (skops->is_fullsock && skops->op != BPF_SOCK_OPS_STATE_CB)
		bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
	return 1;
}

char _license[] SEC("license") = "GPL";

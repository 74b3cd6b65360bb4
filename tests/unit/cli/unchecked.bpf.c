// SPDX-License-Identifier: GPL-2.0
/* Fixture for `run`/`replay` refusing what the verifier rejects: the
 * packet's first byte is read without checking it against data_end (the
 * kernel: "invalid access to packet"). It runs fine --no-verify on any
 * packet of 1 byte or more. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int unchecked(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[0] == 0xff ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: an extern kconfig variable (refused). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("xdp")
int kver(struct xdp_md *ctx)
{
	return LINUX_KERNEL_VERSION > 0x050a00 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";

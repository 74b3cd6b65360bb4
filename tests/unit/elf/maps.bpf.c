// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: BTF-defined maps (key and value by type through
 * typedefs and modifiers, by size, flags, pinning), a map-in-map with its
 * inner definition and initial slots, a prog array initialised with a
 * program, and every kind of global-data section. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct key6 {
	__u32 a;
	__u16 b;
} __attribute__((packed));
typedef struct key6 key6_t;
typedef key6_t key_alias;

struct val {
	__u64 x[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, const key_alias);
	__type(value, struct val);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 24);
	__uint(max_entries, 2);
} sized SEC(".maps");

struct inner_t {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
} inner0 SEC(".maps"), inner1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_t);
} outer SEC(".maps") = {
	.values = { [0] = &inner0, [3] = &inner1 },
};

int tail_a(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 3);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = { [2] = (void *)&tail_a },
};

int data_var = 5;				/* .data */
__u64 bss_var;					/* .bss */
const volatile int ro_var = 9;			/* .rodata */
char custom[16] SEC(".data.custom") = "hello";	/* .data.custom */

SEC("xdp")
int tail_a(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp.frags")
int main_prog(struct xdp_md *ctx)
{
	key_alias k = { 1, 2 };
	struct val *v = bpf_map_lookup_elem(&hmap, &k);
	__u32 z = 0;
	void *in = bpf_map_lookup_elem(&outer, &z);

	bpf_trace_printk("x %d\n", sizeof("x %d\n"), data_var);	/* .rodata.str1.1 */
	bss_var += ro_var + custom[ctx->rx_queue_index & 7] + data_var;
	bpf_tail_call(ctx, &jumps, 2);
	return v ? XDP_DROP : in ? XDP_TX : XDP_PASS;
}

char _license[] SEC("license") = "GPL";

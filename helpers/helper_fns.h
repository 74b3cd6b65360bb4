/* helpers/helper_fns.h - the helper implementations that helper_table.c
 * binds to ids. One macro line each keeps the signatures uniform. */
#ifndef BPFEMU_HELPER_FNS_H
#define BPFEMU_HELPER_FNS_H

#include "helpers/helpers_internal.h"

#define HELPER_FN(name)                                                                \
    uint64_t helper_fn_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,      \
                              uint64_t r5, struct vm_run *run)

/* maps (helper_maps.c) */
HELPER_FN(map_lookup_elem);
HELPER_FN(map_update_elem);
HELPER_FN(map_delete_elem);
HELPER_FN(map_push_elem);
HELPER_FN(map_pop_elem);
HELPER_FN(map_peek_elem);
HELPER_FN(ringbuf_output);
HELPER_FN(ringbuf_reserve);
HELPER_FN(ringbuf_submit);
HELPER_FN(ringbuf_discard);
HELPER_FN(ringbuf_query);
HELPER_FN(perf_event_output);
HELPER_FN(tail_call);
HELPER_FN(spin_lock);
HELPER_FN(spin_unlock);
/* time, randomness, task (helper_misc.c) */
HELPER_FN(ktime_get_ns);
HELPER_FN(jiffies64);
HELPER_FN(get_prandom_u32);
HELPER_FN(get_smp_processor_id);
HELPER_FN(get_numa_node_id);
HELPER_FN(get_current_pid_tgid);
HELPER_FN(get_current_uid_gid);
HELPER_FN(get_current_comm);
HELPER_FN(get_current_task);
HELPER_FN(get_attach_cookie);
HELPER_FN(get_current_cgroup_id);
HELPER_FN(probe_read_kernel);
/* probe reads of event memory (helper_probe.c) */
HELPER_FN(probe_read_user);
HELPER_FN(probe_read_user_str);
HELPER_FN(probe_read_kernel_str);
HELPER_FN(probe_read);
HELPER_FN(probe_read_str);
HELPER_FN(trace_printk);
/* packets (helper_xdp.c) */
HELPER_FN(xdp_adjust_head);
HELPER_FN(xdp_adjust_tail);
HELPER_FN(xdp_adjust_meta);
HELPER_FN(xdp_load_bytes);
HELPER_FN(xdp_store_bytes);
HELPER_FN(xdp_get_buff_len);
HELPER_FN(redirect);
HELPER_FN(redirect_map);
HELPER_FN(csum_diff);
/* callbacks (helper_callbacks.c) */
HELPER_FN(loop);
HELPER_FN(for_each_map_elem);
/* skb packets, checksums, hashes, routing (helper_skb.c) */
HELPER_FN(skb_load_bytes);
HELPER_FN(skb_load_bytes_relative);
HELPER_FN(skb_store_bytes);
HELPER_FN(skb_pull_data);
HELPER_FN(l3_csum_replace);
HELPER_FN(l4_csum_replace);
HELPER_FN(csum_update);
HELPER_FN(csum_level);
HELPER_FN(skb_change_tail);
HELPER_FN(skb_change_head);
HELPER_FN(skb_change_proto);
HELPER_FN(skb_change_type);
HELPER_FN(skb_adjust_room);
HELPER_FN(skb_vlan_push);
HELPER_FN(skb_vlan_pop);
HELPER_FN(get_hash_recalc);
HELPER_FN(set_hash);
HELPER_FN(set_hash_invalid);
HELPER_FN(get_cgroup_classid);
HELPER_FN(get_route_realm);
HELPER_FN(skb_get_tunnel_key);
HELPER_FN(get_socket_uid);
/* helpers/sock_skb.c */
HELPER_FN(get_socket_cookie);
HELPER_FN(sk_fullsock);
HELPER_FN(tcp_sock);
HELPER_FN(fib_lookup);
/* sockets: sock_ops, sk_msg, sk_skb (helper_sock.c; prototypes in
 * helper_table_sock.c, which helper_proto() falls back to last) */
HELPER_FN(sock_map_update);
HELPER_FN(sock_hash_update);
HELPER_FN(msg_redirect_map);
HELPER_FN(msg_redirect_hash);
HELPER_FN(sk_redirect_map);
HELPER_FN(sk_redirect_hash);
HELPER_FN(msg_apply_bytes);
HELPER_FN(msg_cork_bytes);
HELPER_FN(msg_pull_data);
HELPER_FN(msg_push_data);
HELPER_FN(msg_pop_data);
HELPER_FN(sock_ops_cb_flags_set);
HELPER_FN(setsockopt);
HELPER_FN(getsockopt);
const struct helper_proto *helper_proto_sock(int32_t id);

#endif

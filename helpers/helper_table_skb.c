/* helpers/helper_table_skb.c - the prototypes of the skb helpers
 * (helpers/helper_skb.c), with the program types whose *_func_proto in
 * net/core/filter.c offers each one. helper_proto() falls back here for ids
 * helper_table.c does not list. */
#include "helpers/helper_fns.h"

#define T(t) (1ull << BPF_PROG_TYPE_##t)
#define TC (T(SCHED_CLS) | T(SCHED_ACT))
#define LWT (T(LWT_IN) | T(LWT_OUT) | T(LWT_XMIT) | T(LWT_SEG6LOCAL))
#define A(...) {__VA_ARGS__}
#define P(id_, ret_, args_, types_, gpl_)                                                   \
    [BPF_FUNC_##id_] = {.id = BPF_FUNC_##id_, .fn = helper_fn_##id_, .ret = HELPER_RET_##ret_, \
                        .args = args_, .prog_types = types_, .gpl_only = gpl_}
#define CTX HELPER_ARG_CTX
#define ANY HELPER_ARG_ANYTHING

static const struct helper_proto protos[] = {
    P(skb_load_bytes, INTEGER, A(CTX, ANY, HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE),
      TC | T(SOCKET_FILTER) | T(CGROUP_SKB) | LWT | T(SK_SKB), false),
    P(skb_load_bytes_relative, INTEGER, A(CTX, ANY, HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE, ANY),
      TC | T(SOCKET_FILTER) | T(CGROUP_SKB), false),
    P(skb_store_bytes, INTEGER, A(CTX, ANY, HELPER_ARG_MEM, HELPER_ARG_SIZE, ANY),
      TC | T(LWT_XMIT) | T(SK_SKB), false),
    P(skb_pull_data, INTEGER, A(CTX, ANY), TC | LWT, false),
    P(l3_csum_replace, INTEGER, A(CTX, ANY, ANY, ANY, ANY), TC | T(LWT_XMIT), false),
    P(l4_csum_replace, INTEGER, A(CTX, ANY, ANY, ANY, ANY), TC | T(LWT_XMIT), false),
    P(csum_update, INTEGER, A(CTX, ANY), TC | T(LWT_XMIT), false),
    P(csum_level, INTEGER, A(CTX, ANY), TC | T(LWT_XMIT), false),
    P(skb_change_tail, INTEGER, A(CTX, ANY, ANY), TC | T(LWT_XMIT), false),
    P(skb_change_head, INTEGER, A(CTX, ANY, ANY), TC | T(LWT_XMIT), false),
    P(skb_change_proto, INTEGER, A(CTX, ANY, ANY), TC, false),
    P(skb_change_type, INTEGER, A(CTX, ANY), TC, false),
    P(skb_adjust_room, INTEGER, A(CTX, ANY, ANY, ANY), TC, false),
    P(skb_vlan_push, INTEGER, A(CTX, ANY, ANY), TC, false),
    P(skb_vlan_pop, INTEGER, A(CTX), TC, false),
    P(get_hash_recalc, INTEGER, A(CTX), TC | LWT, false),
    P(set_hash, INTEGER, A(CTX, ANY), TC, false),
    P(set_hash_invalid, INTEGER, A(CTX), TC | T(LWT_XMIT), false),
    P(get_cgroup_classid, INTEGER, A(CTX), TC | LWT | T(SOCKET_FILTER) | T(CGROUP_SKB), false),
    P(get_route_realm, INTEGER, A(CTX), TC | LWT, false),
    P(skb_get_tunnel_key, INTEGER, A(CTX, HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE, ANY),
      TC | T(LWT_XMIT), false),
    P(get_socket_uid, INTEGER, A(CTX), TC | T(SOCKET_FILTER) | T(CGROUP_SKB) | T(SK_SKB), false),
    /* bpf_get_socket_cookie_proto (skb programs, sk_skb) and
     * bpf_get_socket_cookie_sock_ops_proto: one id, a ctx argument each */
    P(get_socket_cookie, INTEGER, A(CTX),
      TC | T(SOCKET_FILTER) | T(CGROUP_SKB) | T(SK_SKB) | T(SOCK_OPS), false),
    P(sk_fullsock, SOCKET_OR_NULL, A(HELPER_ARG_SOCK_COMMON), TC | T(CGROUP_SKB), false),
    P(tcp_sock, TCP_SOCK_OR_NULL, A(HELPER_ARG_SOCK_COMMON), TC | T(CGROUP_SKB) | T(SOCK_OPS),
      false),
    P(fib_lookup, INTEGER, A(CTX, HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE, ANY), TC | T(XDP), true),
};

const struct helper_proto *helper_proto_skb(int32_t id)
{
    if (id < 0 || (size_t)id >= sizeof(protos) / sizeof(protos[0]) || !protos[id].fn)
        return NULL;
    return &protos[id];
}

/* helpers/helper_table_sock.c - the prototypes of the socket helpers
 * (helpers/helper_sock.c), with the program types whose *_func_proto in
 * net/core/filter.c offers each one (sock_ops_func_proto,
 * sk_msg_func_proto, sk_skb_func_proto). helper_proto() comes here for ids
 * neither helper_table.c nor helper_table_skb.c lists. */
#include "helpers/helper_fns.h"

#define T(t) (1ull << BPF_PROG_TYPE_##t)
#define A(...) {__VA_ARGS__}
#define P(id_, args_, types_)                                                                 \
    [BPF_FUNC_##id_] = {.id = BPF_FUNC_##id_, .fn = helper_fn_##id_, .ret = HELPER_RET_INTEGER, \
                        .args = args_, .prog_types = types_, .gpl_only = false}
#define CTX HELPER_ARG_CTX
#define ANY HELPER_ARG_ANYTHING
#define MAP HELPER_ARG_MAP
#define KEY HELPER_ARG_MAP_KEY

static const struct helper_proto protos[] = {
    P(sock_map_update, A(CTX, MAP, KEY, ANY), T(SOCK_OPS)),
    P(sock_hash_update, A(CTX, MAP, KEY, ANY), T(SOCK_OPS)),
    P(msg_redirect_map, A(CTX, MAP, ANY, ANY), T(SK_MSG)),
    P(msg_redirect_hash, A(CTX, MAP, KEY, ANY), T(SK_MSG)),
    P(sk_redirect_map, A(CTX, MAP, ANY, ANY), T(SK_SKB)),
    P(sk_redirect_hash, A(CTX, MAP, KEY, ANY), T(SK_SKB)),
    P(msg_apply_bytes, A(CTX, ANY), T(SK_MSG)),
    P(msg_cork_bytes, A(CTX, ANY), T(SK_MSG)),
    P(msg_pull_data, A(CTX, ANY, ANY, ANY), T(SK_MSG)),
    P(msg_push_data, A(CTX, ANY, ANY, ANY), T(SK_MSG)),
    P(msg_pop_data, A(CTX, ANY, ANY, ANY), T(SK_MSG)),
    P(sock_ops_cb_flags_set, A(CTX, ANY), T(SOCK_OPS)),
    P(setsockopt, A(CTX, ANY, ANY, HELPER_ARG_MEM, HELPER_ARG_SIZE), T(SOCK_OPS)),
    P(getsockopt, A(CTX, ANY, ANY, HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE), T(SOCK_OPS)),
};

const struct helper_proto *helper_proto_sock(int32_t id)
{
    if (id < 0 || (size_t)id >= sizeof(protos) / sizeof(protos[0]) || !protos[id].fn)
        return NULL;
    return &protos[id];
}

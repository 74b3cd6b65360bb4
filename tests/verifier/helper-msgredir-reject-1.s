# sk_msg: bpf_msg_redirect_hash takes a sockhash
# prog_type: sk_msg
# priv: root
# expect: reject
# error: cannot pass map_type 15 into func bpf_msg_redirect_hash#71
# map: sockmap key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
r2 = map[idx:0]
r3 = r10
r3 += -4
r4 = 1
call 71
exit

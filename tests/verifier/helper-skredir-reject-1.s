# sk_skb cannot use bpf_msg_redirect_map (an sk_msg helper)
# prog_type: sk_skb
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_msg_redirect_map#60
# map: sockmap key=4 value=4 entries=2
r2 = map[idx:0]
r3 = 1
r4 = 0
call 60
exit

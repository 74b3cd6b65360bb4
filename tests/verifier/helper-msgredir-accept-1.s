# sk_msg: bpf_msg_redirect_map with a sockmap, index and flags as scalars
# prog_type: sk_msg
# priv: root
# expect: accept
# map: sockmap key=4 value=4 entries=8
r2 = map[idx:0]
r3 = 1
r4 = 1
call 60
exit

# sk_skb: bpf_sk_redirect_map with a sockmap; the socket cookie
# prog_type: sk_skb
# priv: root
# expect: accept
# map: sockmap key=4 value=4 entries=2
r6 = r1
call 46
r1 = r6
r2 = map[idx:0]
r3 = 1
r4 = 0
call 52
exit

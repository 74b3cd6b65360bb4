# a packet helper in a tracepoint program
# prog_type: tracepoint
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_skb_load_bytes#26
r2 = 0
r3 = r10
r3 += -8
r4 = 8
call 26
r0 = 0
exit

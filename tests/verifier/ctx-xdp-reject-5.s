# an 8-byte read of data
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=8
r0 = *(u64 *)(r1 +0)
r0 = 2
exit

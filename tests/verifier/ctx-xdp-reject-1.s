# xdp_md fields are read 4 bytes at a time
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=2
# errno: EACCES
r0 = *(u16 *)(r1 +0)
r0 = 2
exit

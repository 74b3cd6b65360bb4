# ld_imm64 map fd that is no map
# prog_type: socket_filter
# priv: root
# expect: reject
# error: fd 999 is not pointing to valid bpf_map
# errno: EBADF
r0 = 0
r1 = map[fd:999]
exit

# bpf_get_attach_cookie is not offered to XDP programs
# prog_type: xdp
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_get_attach_cookie#174
call 174
r0 = 2
exit

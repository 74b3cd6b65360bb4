# LWT programs may not ask for a socket's cookie
# prog_type: lwt_in
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_get_socket_cookie#46
call bpf_get_socket_cookie
r0 = 0
exit

# socket filters may ask for the socket's cookie and uid
# prog_type: socket_filter
# priv: root
# expect: accept
r6 = r1
call bpf_get_socket_cookie
r1 = r6
call bpf_get_socket_uid
r0 = 0
exit

# exit without setting R0
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 !read_ok
exit

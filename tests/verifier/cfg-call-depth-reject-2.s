# recursion runs into the frame limit
# prog_type: socket_filter
# priv: root
# expect: reject
# error: the call stack of 9 frames is too deep
r0 = 0
call pc+1
exit
call pc-1
exit

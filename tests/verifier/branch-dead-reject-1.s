# a branch that is always taken leads to the bad load
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 invalid mem access 'scalar'
r0 = 1
if r0 == 1 goto +1
exit
r0 = *(u64 *)(r0 +0)
exit

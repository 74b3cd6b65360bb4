# ld_abs needs r6 to be the ctx pointer itself: a moved one is refused as
# check_ptr_off_reg refuses it (bpfemu accepted it before)
# prog_type: sched_cls
# priv: root
# expect: reject
# error: dereference of modified ctx ptr R6 off=8 disallowed
r6 = r1
r6 += 8
r0 = *(u8 *)skb[0]
exit

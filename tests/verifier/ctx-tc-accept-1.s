# tc: writes to mark, priority, tc_index, tc_classid, queue_mapping, tstamp
# prog_type: sched_cls
# priv: root
# expect: accept
r2 = 1
*(u32 *)(r1 +8) = r2
*(u32 *)(r1 +32) = r2
*(u32 *)(r1 +44) = r2
*(u32 *)(r1 +72) = r2
*(u32 *)(r1 +12) = r2
*(u64 *)(r1 +152) = r2
r0 = *(u32 *)(r1 +160)
r0 = *(u8 *)(r1 +180)
r0 = 0
exit

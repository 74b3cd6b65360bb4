# sk_msg: data/data_end are 8-byte packet pointers; size and ports are u32
# prog_type: sk_msg
# priv: root
# expect: accept
r2 = *(u64 *)(r1 +0)
r3 = *(u64 *)(r1 +8)
r4 = *(u32 *)(r1 +68)
r5 = *(u32 *)(r1 +60)
r0 = r2
r0 += 1
if r0 > r3 goto out
r0 = *(u8 *)(r2 +0)
out:
r0 = 1
exit

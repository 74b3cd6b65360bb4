# sk_msg_md->sk is a full socket, never NULL: type is readable at once
# prog_type: sk_msg
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +72)
r0 = *(u32 *)(r1 +8)
r0 = 1
exit

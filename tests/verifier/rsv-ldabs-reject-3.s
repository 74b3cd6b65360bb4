# legacy packet loads are not for XDP
# prog_type: xdp
# priv: root
# expect: reject
# error: BPF_LD_[ABS|IND] instructions not allowed for this program type
r6 = r1
r0 = *(u8 *)skb[0]
exit

# exit's off field is not checked
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
.insn 0x0000000000010095

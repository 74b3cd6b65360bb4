/* vm/interp_ops.h - the interpreter's handler list (an X-macro), shared by
 * the decoder (which picks a handler per instruction at load time) and the
 * dispatch loop (which has one label per handler). Decoding once means the
 * loop never looks at opcode bits, off-selected variants or imm widths. */
#ifndef BPFEMU_VM_INTERP_OPS_H
#define BPFEMU_VM_INTERP_OPS_H

#define VM_ALU_OPS(X, W)                                                       \
    X(ADD##W##_K) X(ADD##W##_X) X(SUB##W##_K) X(SUB##W##_X) X(MUL##W##_K)     \
    X(MUL##W##_X) X(DIV##W##_K) X(DIV##W##_X) X(SDIV##W##_K) X(SDIV##W##_X)   \
    X(MOD##W##_K) X(MOD##W##_X) X(SMOD##W##_K) X(SMOD##W##_X) X(OR##W##_K)    \
    X(OR##W##_X) X(AND##W##_K) X(AND##W##_X) X(LSH##W##_K) X(LSH##W##_X)      \
    X(RSH##W##_K) X(RSH##W##_X) X(ARSH##W##_K) X(ARSH##W##_X) X(XOR##W##_K)   \
    X(XOR##W##_X) X(MOV##W##_K) X(MOV##W##_X) X(NEG##W) X(MOVSX8_##W)          \
    X(MOVSX16_##W)

#define VM_JMP_OPS(X, W)                                                       \
    X(JEQ##W##_K) X(JEQ##W##_X) X(JGT##W##_K) X(JGT##W##_X) X(JGE##W##_K)     \
    X(JGE##W##_X) X(JSET##W##_K) X(JSET##W##_X) X(JNE##W##_K) X(JNE##W##_X)   \
    X(JSGT##W##_K) X(JSGT##W##_X) X(JSGE##W##_K) X(JSGE##W##_X) X(JLT##W##_K) \
    X(JLT##W##_X) X(JLE##W##_K) X(JLE##W##_X) X(JSLT##W##_K) X(JSLT##W##_X)   \
    X(JSLE##W##_K) X(JSLE##W##_X)

#define VM_ATOMIC_OPS(X, W)                                                    \
    X(AADD##W) X(AOR##W) X(AAND##W) X(AXOR##W) X(AFADD##W) X(AFOR##W)         \
    X(AFAND##W) X(AFXOR##W) X(AXCHG##W) X(ACMPXCHG##W)

#define VM_OPS(X)                                                              \
    VM_ALU_OPS(X, 64) VM_ALU_OPS(X, 32) X(MOVSX32_64)                          \
    X(LE16) X(LE32) X(LE64) X(BE16) X(BE32) X(BE64)                            \
    X(BSWAP16) X(BSWAP32) X(BSWAP64)                                           \
    X(LDDW) X(LD_ABS) X(LD_IND)                                                          \
    X(LDXB) X(LDXH) X(LDXW) X(LDXDW) X(LDXSB) X(LDXSH) X(LDXSW)                \
    X(STB) X(STH) X(STW) X(STDW) X(STXB) X(STXH) X(STXW) X(STXDW)              \
    VM_ATOMIC_OPS(X, 32) VM_ATOMIC_OPS(X, 64)                                  \
    X(JA) X(GOTOL) VM_JMP_OPS(X, 64) VM_JMP_OPS(X, 32)                         \
    X(CALL) X(CALL_LOCAL) X(CALL_KFUNC) X(CALLX) X(EXIT)                       \
    X(CTX_ACCESS) X(FELL_OFF) X(INVALID)

#define VM_OP_ENUM(name) VM_OP_##name,
enum vm_op { VM_OPS(VM_OP_ENUM) VM_OP_COUNT };
#undef VM_OP_ENUM

#endif

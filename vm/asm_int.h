/* vm/asm_int.h - internals shared by the assembler's files (asm*.c) and the
 * disassembler. Not part of the public vm.h interface.
 *
 * The assembler works one line at a time: asm.c splits the text, strips
 * prefixes and comments, handles labels, and hands the rest of the line to
 * the parser of its syntax (asm_conformance.c or asm_kernel.c). A parser
 * fills a struct vm_asm_out with one or two slots and at most one label
 * reference, which asm.c resolves once every label is known.
 */
#ifndef BPFEMU_VM_ASM_INT_H
#define BPFEMU_VM_ASM_INT_H

#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One line being assembled. */
struct vm_asm_line {
    unsigned lineno;     /* 1-based, for messages */
    int opcode_hint;     /* opcode from a `(xx)` / objdump prefix, or -1 */
    int src_hint;        /* src_reg from llvm-objdump's bytes, or -1: its
                            `call 5` may be a local call (src_reg 1) */
    char *err;           /* "line N: ..." goes here */
    size_t errlen;
};

/* Where a label reference goes once resolved. */
enum vm_asm_ref {
    VM_ASM_REF_NONE = 0,
    VM_ASM_REF_OFF,       /* jump: off = target - (slot + 1), must fit s16 */
    VM_ASM_REF_IMM,       /* ja32, call local, subprog[]: imm = same */
    VM_ASM_REF_CALL_NAME, /* kernel `call name` that named no helper: a
                             local call to a label (imm), or an error */
};

/* A parsed line. */
struct vm_asm_out {
    struct bpf_insn insn[2];
    unsigned n;               /* slots: 0 (nothing), 1, or 2 (lddw) */
    enum vm_asm_ref ref;
    const char *ref_name;     /* points into the line, not NUL-terminated */
    size_t ref_len;
};

/* A number as written: sign, magnitude, base. Range checks come later,
 * because what fits depends on the field (imm32, off16, imm64). */
struct vm_asm_num {
    uint64_t mag;
    bool neg;
    bool hex;
    bool overflow;            /* magnitude does not fit in 64 bits */
};

/* ---- asm_lex.c: characters, tokens, numbers, registers, errors ---- */

bool vm_asm_is_space(char c);
bool vm_asm_is_digit(char c);
bool vm_asm_is_ident_start(char c);
bool vm_asm_is_ident_char(char c);
const char *vm_asm_skip_ws(const char *p);
size_t vm_asm_ident_len(const char *p);
/* Length of the "token" at p to quote in a message (>= 1 unless at end). */
size_t vm_asm_tok_len(const char *p);

/* Format "line N: <fmt>" into ln->err. Always returns -1. */
int vm_asm_err(const struct vm_asm_line *ln, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "line N: <what> 'tok'" (or "<what> end of line") quoting the token at p. */
int vm_asm_err_at(const struct vm_asm_line *ln, const char *what, const char *p);

/* Scan [+-]?(0x[0-9a-fA-F]+|[0-9]+) at p. Returns the characters consumed,
 * or 0 when p does not start a well-formed number (including "5abc"). */
size_t vm_asm_scan_num(const char *p, struct vm_asm_num *n);
/* imm32: hex up to 0xffffffff is a bit pattern, decimal is [-2^31, 2^31-1]. */
bool vm_asm_num_imm32(const struct vm_asm_num *n, int32_t *out);
/* off16: hex up to 0xffff is a bit pattern, decimal is [-32768, 32767]. */
bool vm_asm_num_off16(const struct vm_asm_num *n, int16_t *out);
/* imm64: anything in [-2^63, 2^64-1]. */
bool vm_asm_num_imm64(const struct vm_asm_num *n, uint64_t *out);
/* A 32-bit field printed unsigned (map fd, value offset): [-2^31, 2^32-1]. */
bool vm_asm_num_u32(const struct vm_asm_num *n, int32_t *out);
/* Is the value, read as a signed 64-bit number, within int32_t? */
bool vm_asm_num_fits_s32(const struct vm_asm_num *n);

/* Scan a register at p: optional '%' when allow_pct, then 'r' (or 'w' when
 * allow_w), then decimal digits not followed by an identifier character.
 * Returns the characters consumed (0: not a register). *reg is set to the
 * number, or to a value > 10 when out of range; *is_w tells the width. */
size_t vm_asm_scan_reg(const char *p, bool allow_pct, bool allow_w,
                       unsigned *reg, bool *is_w);

/* Parse a whole register token: errors "expected register" or "register 'x'
 * out of range". */
int vm_asm_parse_reg(const struct vm_asm_line *ln, const char **pp, bool allow_pct,
                     bool allow_w, unsigned *reg, bool *is_w);

/* Parse a number token at *pp (advanced on success) into a field.
 * kind: 'i' imm32, 'o' off16, 'q' imm64, 'u' unsigned 32-bit field. */
int vm_asm_parse_num(const struct vm_asm_line *ln, const char **pp, char kind,
                     void *out);

/* Parse a sign ('+' or '-', required), optional spaces, then an unsigned
 * number: "+4", "- 0x8", "-32768". kind as for vm_asm_parse_num ('o', 'i'). */
int vm_asm_parse_signed(const struct vm_asm_line *ln, const char **pp, char kind, void *out);

/* Build a slot. */
struct bpf_insn vm_asm_insn(uint8_t code, unsigned dst, unsigned src,
                            int16_t off, int32_t imm);

/* ---- the two syntaxes ---- */

/* True when `mnemonic` (len bytes) is a bpf_conformance mnemonic. */
bool vm_asm_conf_is_mnemonic(const char *mnemonic, size_t len);
int vm_asm_conf_line(const struct vm_asm_line *ln, char *text,
                     struct vm_asm_out *out);
int vm_asm_kern_line(const struct vm_asm_line *ln, const char *text,
                     struct vm_asm_out *out);

/* ---- asm.c ---- */

/* Assemble text into a malloc'd array of slots (*n of them), without making a
 * program. Used by vm_asm and by the disassembler's round-trip check.
 * Returns 0, or -1 with err filled. */
int vm_asm_slots(const char *text, size_t textlen, struct bpf_insn **insns,
                 uint32_t *n, char *err, size_t errlen);

#endif

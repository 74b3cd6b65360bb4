/* verifier/verifier_int.h - private to verifier/: the abstract state (the
 * kernel's struct bpf_reg_state / bpf_func_state / bpf_verifier_state, in
 * our words), the environment of one verification and the functions each
 * file exports to the others.
 *
 * Files, one concept each:
 *   tnum.c     tristate numbers (kernel/bpf/tnum.c semantics)
 *   scalar.c   scalar bounds: sync, width conversions, byte swaps
 *   scalar_alu.c    ALU transfer functions on bounds
 *   scalar_branch.c branch decisions and refinement on bounds
 *   state.c    register and stack-slot state, state copies, type names
 *   log.c      the kernel's log: state lines, alignment, vlog reset
 *   cfg.c      structural passes: early insn checks, subprograms, CFG DFS,
 *              combined stack depth
 *   mem.c      memory access: stack (spill/fill), ctx, map values, packet
 *   ctx.c      ctx field rules per program type (xdp_md, __sk_buff)
 *   calls.c    helper calls (prototypes from helpers/) and bpf2bpf calls
 *   map_func.c which helpers a map type may be passed to
 *   liveness.c registers live before each insn (linked scalars, level-2 log)
 *   alu.c      ALU: moves, scalar ALU, pointer arithmetic and its rules
 *   jmp.c      conditional jumps: branch decisions, refinement, null checks
 *   prune.c    state pruning at prune points, infinite-loop detection
 *   precision.c precision tracking: instruction history, backtracking
 *   stack_live.c which stack slots a checkpoint's paths read (pruning)
 *   exec.c     the path walk: branch stack, loads/stores, exit, do_check
 *   verifier.c verifier_check: the phases in the kernel's order
 */
#ifndef BPFEMU_VERIFIER_INT_H
#define BPFEMU_VERIFIER_INT_H

#include "verifier/verifier.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define V_MAX_REG 11
#define V_REG_FP 10
#define V_STACK 512
#define V_SLOTS (V_STACK / 8)
#define V_MAX_FRAMES 8
#define V_MAX_SUBPROGS 256
#define V_MAX_VAR_OFF (1 << 29)   /* BPF_MAX_VAR_OFF */
#define V_MAX_VAR_SIZ (1 << 29)   /* BPF_MAX_VAR_SIZ */
#define V_MAX_PACKET_OFF 0xffff
#define V_MAX_REFS 64

/* ---------------------------------------------------------------- tnum */

struct tnum {
    uint64_t value, mask;
};

struct tnum tnum_const(uint64_t v);
struct tnum tnum_unknown(void);
struct tnum tnum_range(uint64_t min, uint64_t max);
struct tnum tnum_lshift(struct tnum a, uint8_t shift);
struct tnum tnum_rshift(struct tnum a, uint8_t shift);
struct tnum tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_neg(struct tnum a);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
struct tnum tnum_intersect(struct tnum a, struct tnum b);
struct tnum tnum_cast(struct tnum a, uint8_t size);
struct tnum tnum_subreg(struct tnum a);
struct tnum tnum_clear_subreg(struct tnum a);
struct tnum tnum_with_subreg(struct tnum reg, struct tnum subreg);
struct tnum tnum_const_subreg(struct tnum a, uint32_t value);
uint64_t tnum_step(struct tnum t, uint64_t z);
bool tnum_is_const(struct tnum a);
bool tnum_is_unknown(struct tnum a);
bool tnum_is_aligned(struct tnum a, uint64_t size);
bool tnum_in(struct tnum a, struct tnum b);
bool tnum_equals_const(struct tnum a, uint64_t b);
bool tnum_subreg_is_const(struct tnum a);
int tnum_sbin(char *str, size_t size, struct tnum a);
int tnum_strn(char *str, size_t size, struct tnum a);

/* -------------------------------------------------------------- register */

enum vtype {
    NOT_INIT = 0,
    SCALAR_VALUE,
    PTR_TO_CTX,
    CONST_PTR_TO_MAP,
    PTR_TO_MAP_VALUE,
    PTR_TO_MAP_KEY,
    PTR_TO_STACK,
    PTR_TO_PACKET_META,
    PTR_TO_PACKET,
    PTR_TO_PACKET_END,
    PTR_TO_MEM,
    PTR_TO_FUNC,
    PTR_TO_SOCK_COMMON,      /* __sk_buff->sk: struct bpf_sock, common fields */
    PTR_TO_SOCKET,           /* a full socket (bpf_sk_fullsock): all of bpf_sock */
    PTR_TO_TCP_SOCK,         /* bpf_tcp_sock's: struct bpf_tcp_sock */
    V_TYPE_COUNT,
};
#define V_BASE_MASK 0xff
#define PTR_MAYBE_NULL 0x100u
#define MEM_RDONLY 0x200u
#define MEM_RINGBUF 0x400u

static inline uint32_t base_type(uint32_t t) { return t & V_BASE_MASK; }
static inline bool type_may_be_null(uint32_t t) { return t & PTR_MAYBE_NULL; }

/* Packet range markers (the kernel's BEYOND_PKT_END / AT_PKT_END). */
#define V_BEYOND_PKT_END (-2)
#define V_AT_PKT_END (-1)

struct vreg {
    uint32_t type;           /* enum vtype | flags */
    int32_t off;             /* fixed offset of a pointer */
    int32_t range;           /* packet pointers: bytes proven readable after off */
    uint32_t map_idx;        /* map pointers and values: index into opts.maps */
    uint32_t mem_size;       /* PTR_TO_MEM */
    int32_t subprogno;       /* PTR_TO_FUNC */
    struct tnum var_off;
    int64_t smin, smax;
    uint64_t umin, umax;
    int32_t s32_min, s32_max;
    uint32_t u32_min, u32_max;
    uint32_t id;
    uint32_t ref_obj_id;
    uint32_t frameno;        /* PTR_TO_STACK: the frame it points into */
    bool precise;
};

/* Stack byte types, as the kernel's enum bpf_stack_slot_type. */
enum vslot_type {
    STACK_INVALID = 0,
    STACK_SPILL,
    STACK_MISC,
    STACK_ZERO,
};

struct vslot {
    struct vreg spilled;
    uint8_t type[8];         /* type[0] is the highest-addressed byte */
    uint8_t live;            /* V_LIVE_*: stack liveness (stack_live.c) */
};
#define V_LIVE_READ 1u       /* checkpoint: a path below read it before writing */
#define V_LIVE_WRITTEN 2u    /* all 8 bytes written since the last checkpoint */

struct vframe {
    struct vreg regs[V_MAX_REG];
    int32_t callsite;        /* call insn in the caller, -1 for the main frame */
    uint32_t frameno;
    uint32_t subprogno;
    uint32_t allocated;      /* stack bytes tracked, a multiple of 8 */
    struct vslot stack[V_SLOTS];
    /* callbacks (callbacks.c): this frame is a callback's (R0 must be in
     * [0, 1] at its exit, which returns to the calling helper's insn);
     * callback_depth: iterations of a bpf_loop callback this frame (the
     * caller) has had verified on this path */
    bool in_callback_fn;
    uint32_t callback_depth;
};

struct vref {
    uint32_t id;
    int32_t insn_idx;
};

/* One path's state: the call chain's frames and the acquired references. */
struct vsaved;

/* One entry of a state's instruction history (the kernel's jmp_history):
 * every non-sequential step (jump, call, return) and every stack spill or
 * fill of a register, so that precision backtracking (precision.c) can walk
 * the path backwards. */
#define V_HIST_STACK 0x200u  /* flags: spill/fill of slot (flags >> 3) & 63 of frame flags & 7 */
#define V_LINKED_MAX 6
struct vlinked_ent {
    uint8_t frame, is_reg, idx;   /* a register or stack slot of a frame */
};
struct vhist {
    uint32_t idx;
    int32_t prev_idx;
    uint16_t flags;
    uint8_t n_linked;         /* scalars that learnt bounds together at a jump */
    struct vlinked_ent linked[V_LINKED_MAX];
};

struct vstate {
    struct vframe *frame[V_MAX_FRAMES];
    uint32_t curframe;
    struct vref refs[V_MAX_REFS];
    uint32_t n_refs;
    bool speculative;
    /* callbacks entered on this path (callbacks.c): two states of
     * different iterations of a callback are no infinite loop */
    uint32_t callback_unroll_depth;
    struct vsaved *parent;   /* the last checkpoint on this path (prune.c) */
    uint32_t branches;       /* paths below this state still to explore */
    /* precision backtracking (precision.c): the insns this state walked
     * since its parent checkpoint, first_insn_idx .. last_insn_idx, and
     * the history of its non-sequential steps */
    int32_t first_insn_idx, last_insn_idx;
    uint32_t insn_idx;
    struct vhist *hist;
    uint32_t hist_cnt, hist_cap;
};

/* A saved state (checkpoint) at a prune point, prune.c. */
struct vsaved {
    struct vstate st;
    struct vsaved *next;      /* this insn's list */
    struct vsaved *gnext, *gprev; /* the list of evicted, still referenced states */
    uint32_t insn_idx;
    uint32_t hit_cnt, miss_cnt;
    bool unlinked;            /* evicted from its list, freed at branches 0 */
};

/* ------------------------------------------------------------ subprograms */

struct vsubprog {
    uint32_t start;          /* first insn */
    uint32_t stack_depth;    /* deepest stack access, bytes */
    bool has_tail_call;
    bool has_ld_abs;
};

/* ------------------------------------------------------------ environment */

/* A state waiting on the branch stack. */
struct vpending {
    struct vstate st;
    uint32_t insn_idx;
    int32_t prev_insn_idx;
    size_t log_pos;
};

struct vlog {
    char *buf;
    size_t len, cap;
    int level;
    bool oom;
};

/* Per-instruction facts from the structural passes. */
struct vinsn_aux {
    uint16_t live_regs_before; /* bit per register r0..r9 */
    bool prune_point;
    bool jmp_point;
    bool seen;
    bool nospec;             /* a speculative path stops here */
    uint32_t alu_state, alu_limit; /* pointer ALU masking (alu.c) */
    uint8_t cfg_state;
    bool ctx_access;         /* a load/store through a ctx pointer (mem.c) */
    bool calls_callback;     /* a helper call that runs a callback (cfg.c) */
};

struct venv {
    const struct bpf_insn *insns;
    uint32_t len;
    const struct verifier_opts *opts;
    struct verifier_result *res;

    /* privileges, as the kernel derives them */
    bool bpf_capable;        /* CAP_BPF: loops, subprograms, precision tracking */
    bool allow_ptr_leaks;    /* CAP_PERFMON */
    bool allow_uninit_stack;
    bool bypass_spec_v1;
    bool bypass_spec_v4;
    uint32_t insn_limit;     /* processed-insn limit */
    bool explore_alu_limits; /* masked pointer ALU seen: prune scalars exactly */

    struct vinsn_aux *aux;
    struct vsubprog subprogs[V_MAX_SUBPROGS + 1];
    uint32_t n_subprogs;

    /* the walk */
    struct vstate cur;
    uint32_t insn_idx;
    int32_t prev_insn_idx;
    uint32_t id_gen;
    uint32_t insns_processed;
    struct vpending *stack;
    uint32_t stack_len, stack_cap;
    uint32_t peak_states;
    uint32_t total_states;
    uint32_t jmps_processed, prev_jmps_processed, prev_insns_processed;
    struct vsaved **explored;  /* saved states per insn (prune.c) */
    uint32_t explored_cnt;
    struct vsaved *graveyard;  /* evicted states still referenced */
    uint32_t graveyard_cnt;    /* counted in peak_states, as the kernel's free list */

    /* log bookkeeping (the kernel's prev_log_pos, prev_insn_print_pos) */
    struct vlog log;
    size_t prev_log_pos;
    size_t prev_insn_print_pos;
    uint32_t scratched_regs;  /* bit per register of the current frame */
    uint64_t scratched_slots; /* bit per stack slot */

    int error_pc;
    int32_t cur_hist;         /* history entry of the insn being checked, -1: none */
};

/* ------------------------------------------------------------------ log */

void vlog_init(struct vlog *l, int level);
void vlog_free(struct vlog *l);
void verbose(struct venv *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vlog_reset(struct vlog *l, size_t pos);
/* The kernel's print_verifier_state (print_all: every register and slot;
 * otherwise only the scratched ones) and print_insn_state. */
void v_print_state(struct venv *env, const struct vstate *st, uint32_t frameno, bool print_all);
void v_print_insn_state(struct venv *env, const struct vstate *st, uint32_t frameno);
void v_print_insn(struct venv *env, uint32_t idx);
/* A register's text as the log prints it ("scalar(umin=3)", "fp-8", "7"). */
void v_reg_str(const struct venv *env, const struct vreg *r, char *buf, size_t n);
const char *v_type_str(uint32_t type);
/* " smin=A smax=B" (the finite ones) or " unknown scalar value": how the
 * return-range errors describe R0 */
void v_r0_bounds_str(const struct vreg *r, char *what, size_t n);
/* An error: fills result.error (first call per verification only), logs it. */
int v_err(struct venv *env, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void v_mark_reg_scratched(struct venv *env, uint32_t regno);
void v_mark_slot_scratched(struct venv *env, uint32_t spi);
void v_mark_all_scratched(struct venv *env);
void v_clear_scratched(struct venv *env);
bool v_state_scratched(const struct venv *env);

/* ---------------------------------------------------------------- scalar */

void v_reg_bounds_sync(struct vreg *r);
void v_update_reg_bounds(struct vreg *r);
void v_update_reg32_bounds(struct vreg *r);
void v_mark_reg64_unbounded(struct vreg *r);
void v_mark_reg32_known(struct vreg *r, uint64_t imm);
void v_mark_reg_known(struct vreg *r, uint64_t imm);
void v_mark_reg_unbounded(struct vreg *r);
void v_mark_reg32_unbounded(struct vreg *r);
void v_zext_32_to_64(struct vreg *r);
void v_coerce_reg_to_size(struct vreg *r, int size);
void v_coerce_reg_to_size_sx(struct vreg *r, int size);
void v_coerce_subreg_to_size_sx(struct vreg *r, int size);
void v_scalar_byte_swap(struct vreg *r, const struct bpf_insn *insn);
bool v_reg_is_const(const struct vreg *r, bool is32);
uint64_t v_reg_const(const struct vreg *r, bool is32);
/* ALU on two scalars (dst op= src), `insn` gives op and width. Returns 0, or
 * 1 when the result is unknown (dst marked unknown by the caller). */
void v_scalar_alu(struct venv *env, const struct bpf_insn *insn, struct vreg *dst,
                  const struct vreg *src);
/* The kernel's is_branch_taken: 1 taken, 0 not taken, -1 unknown. */
int v_branch_taken(const struct vreg *a, const struct vreg *b, uint8_t opcode, bool is32);
/* Refine both operands for the branch outcome: opcode holds for (a, b). */
int v_reg_set_min_max(struct vreg *a, struct vreg *b, uint8_t opcode, bool is32);
uint8_t v_flip_opcode(uint8_t op);
uint8_t v_rev_opcode(uint8_t op);

/* ----------------------------------------------------------------- state */

struct vframe *v_frame_new(void);
int v_state_copy(struct vstate *dst, const struct vstate *src);
void v_state_free(struct vstate *st);
void v_mark_reg_not_init(struct vreg *r);
void v_mark_reg_unknown(struct venv *env, struct vreg *r);
void v_mark_reg_known_zero(struct vreg *r);
void v_mark_reg_const_zero(struct venv *env, struct vreg *r);
void v_init_frame(struct venv *env, struct vframe *f, int32_t callsite, uint32_t frameno,
                  uint32_t subprogno);
bool v_is_pointer(const struct vreg *r);
bool v_reg_is_pkt_pointer(const struct vreg *r);
bool v_reg_is_pkt_pointer_any(const struct vreg *r);
static inline struct vframe *v_cur_frame(struct venv *env)
{
    return env->cur.frame[env->cur.curframe];
}
static inline struct vreg *v_cur_regs(struct venv *env)
{
    return v_cur_frame(env)->regs;
}
int v_grow_stack(struct venv *env, struct vframe *f, int size);

/* ------------------------------------------------------------------- cfg */

int v_check_insns_early(struct venv *env);
int v_add_subprogs(struct venv *env);
int v_check_subprogs(struct venv *env);
int v_check_cfg(struct venv *env);
int v_check_max_stack_depth(struct venv *env);
int v_compute_live_regs(struct venv *env);
uint32_t v_find_subprog(const struct venv *env, uint32_t insn);

/* ------------------------------------------------------------------- mem */

/* check_mem_access: insn memory access through regno at off, size bytes.
 * t: 0 read, 1 write; value_regno: the register loaded or stored (-1: an
 * immediate store / no register). */
enum { V_READ = 0, V_WRITE = 1 };
/* A pointer register must be unmodified (fixed and variable offset 0). */
int v_check_ptr_off_reg(struct venv *env, const struct vreg *r, uint32_t regno);
int v_check_mem_access(struct venv *env, uint32_t insn_idx, uint32_t regno, int off, int bpf_size,
                       int t, int value_regno, bool strict_align, bool is_ldsx);
/* sock.c: a load of size bytes at off through socket pointer regno. */
int v_check_sock_access(struct venv *env, uint32_t regno, int off, int size);
int v_check_ctx_access(struct venv *env, uint32_t insn_idx, int off, int size, int t,
                       uint32_t *reg_type, bool *narrow);
/* verifier/ctx_sock.c: the rules of sock_ops, sk_msg and sk_skb (whose
 * shared __sk_buff part stays in ctx.c): 1 valid, 0 invalid, or a negative
 * errno with the error logged (a load bpfemu does not model). */
int v_ctx_sock_ops(struct venv *env, int off, int size, int t, uint32_t *type, bool *narrow);
int v_ctx_sk_msg(struct venv *env, int off, int size, int t, uint32_t *type);
bool v_sk_skb_pre(int off, int t, uint32_t *type);
/* check_stack_range_initialized for a helper argument: write (the helper
 * writes: bytes become data), raw (it fills them all: they need not be
 * initialised before; a constant size and an uninit-memory argument). */
int v_check_stack_range(struct venv *env, uint32_t regno, int off, int access_size,
                        bool zero_size_allowed, bool write, bool raw);
int v_check_helper_mem_access(struct venv *env, uint32_t regno, int access_size, bool write,
                              bool zero_size_allowed);
/* BPF_STX | BPF_ATOMIC: read-modify-write, load-acquire, store-release. */
int v_check_atomic(struct venv *env, const struct bpf_insn *insn);

/* ------------------------------------------------------------------ calls */

struct helper_proto;
const struct helper_proto *v_helper_proto(int32_t id, struct helper_proto *buf);
int v_check_helper_call(struct venv *env, const struct bpf_insn *insn);
int v_check_func_call(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx);
/* check_map_func_compatibility (map_func.c): map map_idx (-1: none) may be
 * passed to helper func_id. */
int v_check_map_func_compat(struct venv *env, int32_t map_idx, int32_t func_id,
                            const char *func_name);
int v_prepare_func_exit(struct venv *env, uint32_t *insn_idx);

/* -------------------------------------------------------------- callbacks */

/* bpf_loop / for_each_map_elem after their arguments were checked: a state
 * that enters the callback is pushed (unless bpf_loop's iterations are
 * used up); the current path goes on after the call (0 more iterations). */
int v_callback_call(struct venv *env, int32_t func_id, int32_t map_idx);
/* At a callback's exit: R0 within the callback's return range. */
int v_callback_check_ret(struct venv *env, const struct vframe *callee);
/* Back at the calling insn (*callsite*): widen imprecise scalars that
 * changed since the previous visit, so that iterations converge. */
int v_callback_widen(struct venv *env, uint32_t callsite);
/* At a callback-calling insn, a saved state still being explored: does
 * it contain cur, comparing every scalar by range (the kernel's
 * RANGE_WITHIN)? Then the iterations converged. */
bool v_callback_converged(struct venv *env, const struct vstate *old, const struct vstate *cur,
                          uint32_t insn_idx);

/* ------------------------------------------------------------------ prune */

int v_is_state_visited(struct venv *env, uint32_t insn_idx);
/* states_equal: old contains cur (exact: they are the same). */
bool v_states_equal(const struct venv *env, const struct vstate *old, const struct vstate *cur,
                    uint32_t insn_idx, bool exact);
void v_update_branch_counts(struct venv *env, struct vstate *st);
void v_free_explored(struct venv *env);

/* ------------------------------------------------------------- stack_live */

/* Slot spi of frame f (one of the current state's) is read: the
 * checkpoints above that still hold the value read are marked. */
void v_mark_stack_read(struct venv *env, const struct vframe *f, uint32_t spi);
void v_mark_stack_written(struct vframe *f, uint32_t spi);
/* After a prune: the slots old's paths read are read by the current path. */
void v_propagate_stack_liveness(struct venv *env, const struct vstate *old);
void v_clear_stack_liveness(struct vstate *st);
/* Every slot of st (or of every checkpoint above the current state) read:
 * where marks cannot be trusted to be final. */
void v_mark_all_stack_read(struct vstate *st);
void v_mark_chain_all_stack_read(struct venv *env);

/* -------------------------------------------------------------- precision */

/* Record the current insn in the current state's history (once per insn:
 * a second call adds its flags and links to the same entry). */
int v_push_hist(struct venv *env, uint16_t flags, const struct vlinked_ent *linked,
                unsigned n_linked);
static inline uint16_t v_hist_stack_flags(uint32_t frameno, uint32_t spi)
{
    return (uint16_t)(V_HIST_STACK | (spi & 63) << 3 | (frameno & 7));
}
/* mark_chain_precision: the value of scalar register regno of the current
 * frame matters for safety; it and everything it was computed from become
 * precise in the parent checkpoints. */
int v_mark_chain_precision(struct venv *env, int regno);
/* The same for spilled scalar slot spi of frame frameno. */
int v_mark_slot_precision(struct venv *env, uint32_t frameno, uint32_t spi);
/* After a prune: what old needed precise, the current path needs too. */
int v_propagate_precision(struct venv *env, const struct vstate *old);
void v_mark_all_scalars_imprecise(struct vstate *st);
/* Every scalar of every checkpoint above the current state precise. */
void v_mark_chain_all_precise(struct venv *env);

/* ------------------------------------------------------------------- exec */

/* Flags in a scalar's id for a linked "rX = rY + K" (K in off): made by a
 * 64-bit or a 32-bit add (BPF_ADD_CONST64/32; 32-bit links since the 6.18
 * stable backport of "bpf: Support negative offsets, BPF_SUB, and alu32
 * for linked register tracking"). */
#define V_ADD_CONST64 (1u << 31)
#define V_ADD_CONST32 (1u << 30)
#define V_ADD_CONST (V_ADD_CONST64 | V_ADD_CONST32)

int v_check_reg_arg(struct venv *env, uint32_t regno, bool src);
int v_check_reg_dst(struct venv *env, uint32_t regno);
/* A pointer where pointers may not leak (!allow_ptr_leaks). */
bool v_is_pointer_value(const struct venv *env, const struct vreg *r);
int v_check_alu_op(struct venv *env, const struct bpf_insn *insn);
int v_check_cond_jmp(struct venv *env, const struct bpf_insn *insn);
int v_check_map_access(struct venv *env, uint32_t regno, int off, int size, bool zero_size_allowed,
                       bool quiet);
int v_do_check(struct venv *env);
int v_push_stack(struct venv *env, uint32_t insn_idx, int32_t prev_insn_idx, bool speculative,
                 struct vstate **out);
const struct verifier_map *v_map(const struct venv *env, uint32_t idx);

#endif

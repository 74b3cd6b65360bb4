/* tools/gen.h - a seeded, structured generator of eBPF programs that the
 * kernel's verifier accepts often: not random bytes but programs built from
 * the patterns real programs use, over a model of what each register holds.
 *
 * The model tracks, per register and stack byte, what the kernel's verifier
 * will know there: uninitialised, a scalar (with an unsigned interval that
 * over-approximates its runtime values), the context, packet / packet-end
 * pointers with the range proven by comparisons against data_end, stack
 * pointers, map values (after a null check) and map pointers; spilled
 * registers in stack slots. Blocks are emitted only where the model says
 * they are safe:
 *   - ALU over scalars (64- and 32-bit, every operator, immediates and
 *     registers; cpu v4 sign extensions, sdiv/smod, bswap),
 *   - context field reads and writes allowed for the program type,
 *   - packet accesses guarded by data_end comparisons (every comparison
 *     form, constant and bounded variable offsets),
 *   - map lookups with null checks (and constant-key array lookups without
 *     one, which 6.18 accepts), updates, deletes, queue/stack push/pop,
 *     ring buffer reserve/submit, accesses to values at constant and
 *     bounded variable offsets, atomics,
 *   - bounded loops (root), bpf2bpf subprogram calls with scalar, context
 *     and stack-pointer arguments, helper calls whose arguments are built
 *     from the helper's prototype (helper_proto's argument kinds),
 *   - spills and fills, stack reads and writes, scalar branches,
 *     LD_ABS/LD_IND for skb programs.
 * Every program is then, with probability mutate_pct, mutated at one of the
 * sites recorded while generating, to probe the verifier's edges: a packet
 * bound shortened or its comparison flipped or dropped, a null check dropped
 * or inverted, an access widened or moved past its limit, a mask widened or
 * dropped, a loop made unbounded or long, an initialisation dropped, a
 * helper size made zero or too large, a stack offset misaligned or out of
 * the frame, or (rarely) a random field of a random instruction changed.
 *
 * A program is a pure function of (seed, options): gen_program(seed, o)
 * always builds the same program, so a finding is replayed from its seed. */
#ifndef BPFEMU_TOOLS_GEN_H
#define BPFEMU_TOOLS_GEN_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/vm.h"

#define GEN_MAX_MAPS 4

struct gen_opts {
    uint32_t prog_type;     /* 0: chosen from the seed (xdp, tc, socket filter) */
    int priv;               /* KBPF_PRIV_* / VERIFIER_PRIV_* */
    uint32_t max_insns;     /* soft cap on the length (0: 160) */
    int mutate_pct;         /* % of programs mutated (-1: the default, 30) */
    /* only helpers, ctx fields and memory whose values the kernel's test run
     * and bpfemu's agree on (no prandom, clocks, uninitialised stack...):
     * for the runtime modes, where results are compared */
    bool deterministic;
};

struct gen_map {
    uint32_t type, key_size, value_size, max_entries, flags;
    uint32_t inner; /* map-in-map: 1 + the index of the inner map's shape; else 0 */
    const uint8_t *frozen; /* an object's .rodata contents (verifier_map.frozen), or NULL */
};

struct gen_program {
    uint64_t seed;
    uint32_t prog_type;
    int priv;
    struct vm_prog *prog;               /* the code (lddw map[idx:i]) */
    struct gen_map maps[GEN_MAX_MAPS];
    uint32_t n_maps;
    char mutation[160];                 /* what was mutated, or "" */
    char shape[160];                    /* blocks emitted, for reports */
};

/* Build the program of `seed`. 0, or -ENOMEM. */
int gen_program(uint64_t seed, const struct gen_opts *o, struct gen_program *out);
void gen_program_free(struct gen_program *p);
/* A copy of p with a new code array (for minimisation). */
int gen_program_copy(const struct gen_program *p, struct gen_program *out);

/* Delete slots [start, start+count) of p's code, fixing every jump, call
 * and function-pointer offset that crosses them (targets inside the range
 * move to the instruction after it). -EINVAL when the range splits a lddw,
 * covers every instruction, or an offset stops fitting. */
int gen_delete(struct gen_program *p, uint32_t start, uint32_t count);

/* Short names: "xdp", "tc", "socket". */
const char *gen_prog_type_name(uint32_t prog_type);
/* Parse "xdp" / "tc" / "sched_cls" / "socket" / "socket_filter"; 0 if unknown. */
uint32_t gen_prog_type_parse(const char *name);
/* "hash", "array", ... (map lines of the suite format). */
const char *gen_map_type_name(uint32_t type);
bool gen_map_type_parse(const char *name, uint32_t *type);

/* Write p as a verifier-suite program (tests/verifier/NAME.s: '#' header with
 * prog_type, priv, expect, error, map lines; kernel-syntax assembly).
 * `comment` (may be NULL, may hold several lines) heads the file; expect
 * is "accept" or "reject" (NULL: none), error the kernel's error line. */
void gen_write_suite(FILE *f, const struct gen_program *p, const char *comment,
                     const char *expect, const char *error);
/* Write DIR/STEM.s (gen_write_suite) and DIR/STEM.bin (raw bytecode). */
int gen_save(const struct gen_program *p, const char *dir, const char *stem, const char *comment,
             const char *expect, const char *error);

/* Read a suite-format file (or plain assembly / raw bytecode with no
 * header) into a gen_program: prog_type, priv and maps from the header
 * lines; 0 or -errno with a message. A prog_type line overrides
 * default_type; with neither, -EINVAL. */
int gen_load_file(const char *path, uint32_t default_type, struct gen_program *out, char *err,
                  size_t errlen);

#endif

/* verifier/verifier.h - the verifier subsystem's one header for other
 * directories: the static verifier that decides, before a program runs,
 * what the Linux 6.18 verifier decides, with the kernel's error text and a
 * kernel-format log (see docs/verifier.md for what is implemented).
 *
 * verifier_check() mirrors BPF_PROG_LOAD: it returns 0 when the program is
 * accepted, and when it is rejected the negative errno the kernel returns
 * (-EACCES, -EINVAL, -E2BIG, -EPERM, ...) with result.error holding the
 * kernel's error line. Other failures (-ENOMEM) say so in result.error with
 * result.accepted false and result.error_pc -1. */
#ifndef BPFEMU_VERIFIER_H
#define BPFEMU_VERIFIER_H

#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's limits. */
#define VERIFIER_COMPLEXITY_LIMIT 1000000u /* BPF_COMPLEXITY_LIMIT_INSNS */
#define VERIFIER_UNPRIV_INSN_LIMIT 4096u   /* BPF_MAXINSNS */
#define VERIFIER_JMP_SEQ_LIMIT 8192u       /* BPF_COMPLEXITY_LIMIT_JMP_SEQ */

/* Who loads the program (the kernel's capability regimes). */
enum verifier_priv {
    VERIFIER_PRIV_ROOT = 0,  /* CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON */
    VERIFIER_PRIV_BPF,       /* CAP_BPF (+ CAP_NET_ADMIN) without CAP_PERFMON */
    VERIFIER_PRIV_UNPRIV,    /* no capability (unprivileged_bpf_disabled=0) */
};

/* A map the program references: lddw with src_reg BPF_PSEUDO_MAP_IDX (or
 * _IDX_VALUE) and imm i refers to maps[i]. BPF_PSEUDO_MAP_FD (_VALUE) imms
 * are read as indexes too: user space has no map fds. */
struct verifier_map {
    uint32_t type;        /* enum bpf_map_type */
    uint32_t key_size, value_size, max_entries, flags;
    /* map-in-map (ARRAY_OF_MAPS, HASH_OF_MAPS): 1 + the index in maps[] of
     * the inner maps' shape; 0 for other maps */
    uint32_t inner;
    /* NULL, or the value_size bytes of a frozen read-only array (the
     * kernel's bpf_map_is_rdonly: BPF_F_RDONLY_PROG and frozen, as libbpf
     * makes .rodata): loads at a constant offset give known constants.
     * Only valid while these bytes are what the program will read. */
    const uint8_t *frozen;
};

struct verifier_opts {
    uint32_t prog_type;             /* enum bpf_prog_type */
    uint32_t expected_attach_type;  /* enum bpf_attach_type */
    enum verifier_priv priv;
    /* 0: the kernel's: VERIFIER_UNPRIV_INSN_LIMIT program slots for
     * unprivileged loads (longer programs: -E2BIG, empty log), else
     * VERIFIER_COMPLEXITY_LIMIT processed instructions. A value replaces
     * the processed-instruction limit (and, unprivileged, the length). */
    uint32_t insn_limit;
    int log_level;                  /* 0, 1, 2 (BPF_LOG_LEVEL1/2); 4 adds stats */
    const struct verifier_map *maps;
    uint32_t n_maps;
    /* NULL, or a VM_MAX_HELPER_ID-bit map (bit id of byte id / 8) of helpers
     * the target kernel withholds from this program type beyond the
     * upstream rules (kernel builds differ: tools/kbpf.h probes the running
     * kernel); calls to them are refused as the kernel refuses them. */
    const uint8_t *withheld_helpers;
    /* the kernel's nr_cpu_ids: bpf_get_smp_processor_id() returns less
     * (do_refine_retval_range); 0: unknown, not refined */
    uint32_t nr_cpus;
    /* the program's license is not GPL-compatible (license_is_gpl_compatible):
     * GPL-only helpers are refused; false (zeroed options): GPL */
    bool non_gpl;
};

struct verifier_result {
    bool accepted;
    int error_pc;                   /* instruction of the error, or -1 */
    char error[256];                /* the kernel's error line (first line) */
    /* the closing line's counts */
    uint32_t insns_processed;
    uint32_t max_states_per_insn;
    uint32_t total_states;
    uint32_t peak_states;
    uint32_t mark_read;             /* always 0, as in 6.18 */
    /* the log when opts.log_level > 0 (malloc'd, NUL-terminated) */
    char *log;
    size_t log_len;
    /* accepted: one byte per instruction slot, 1 where a load or store
     * accesses the context (the kernel's convert_ctx_accesses rewrites
     * exactly these; a trusted run answers them by the program type's
     * accessors and every other access is plain memory). malloc'd. */
    uint8_t *ctx_insns;
};

/* Verify `prog`. See the top of this file for the return value. `r` is
 * always filled; release it with verifier_result_free. */
int verifier_check(const struct vm_prog *prog, const struct verifier_opts *o,
                   struct verifier_result *r);
void verifier_result_free(struct verifier_result *r);

/* The maps of a loaded ELF object as the verifier sees them: maps[i] is
 * obj->maps[i] (the loader's lddw imms index them), map-in-map with its
 * inner shape. *out is malloc'd (free it). 0 or -ENOMEM. */
int verifier_maps_of_object(const struct vm_object *obj, struct verifier_map **out, uint32_t *n);

/* Name of a privilege regime ("root", "bpf", "unpriv") and back (-1). */
const char *verifier_priv_name(enum verifier_priv p);
int verifier_priv_parse(const char *name);

#endif

/* tools/kdiff.h - one program, two implementations: the running kernel
 * (BPF_PROG_LOAD, BPF_PROG_TEST_RUN) and bpfemu (verifier_check,
 * helper_test_run), fed the same inputs and compared: verifier verdicts,
 * then retval, data_out, ctx_out and every map's contents after each run.
 * Used by `bpfemu kdiff` and by the fuzzer's runtime modes.
 *
 * A program comes from an ELF object (the kernel side loads it with libbpf,
 * tools/kobj.c; bpfemu with its own loader) or is raw (a generated program,
 * bytecode or assembly: both sides create the maps it declares and resolve
 * its `map[idx:N]` references to them). */
#ifndef BPFEMU_TOOLS_KDIFF_H
#define BPFEMU_TOOLS_KDIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "helpers/helpers.h"
#include "tools/gen.h"

/* ------------------------------------------------------------- verdicts */

struct kd_verdict {
    bool known;           /* false: not decided (the side is not available) */
    bool accepted;
    int err;              /* errno of a reject */
    char error[256];      /* the first line of the verifier's error */
    long processed;       /* "processed N insns" (-1 unknown) */
    char *log;            /* the whole log (malloc'd) or NULL */
};
void kd_verdict_free(struct kd_verdict *v);

/* Helpers the running kernel withholds, per program type: probed once per
 * type (kbpf_probe_withheld_helpers, one load per helper) and kept here, so
 * bpfemu's verifier decides calls as this kernel build does. */
#define KD_WITHHELD_TYPES 8
struct kd_withheld {
    uint32_t n;
    uint32_t prog_type[KD_WITHHELD_TYPES];
    uint32_t attach_type[KD_WITHHELD_TYPES];
    uint8_t bits[KD_WITHHELD_TYPES][VM_MAX_HELPER_ID / 8];
};
/* The map for (prog_type, attach_type), probed on first use with the
 * process's privileges at that time (probe before dropping them); NULL
 * when it cannot be probed (then only the upstream rules apply). */
const uint8_t *kd_withheld(struct kd_withheld *w, uint32_t prog_type, uint32_t attach_type);

/* bpfemu's verifier on p (verifier_check, when the verifier is built in:
 * v->known false otherwise). log_level as the kernel's. withheld: NULL or
 * kd_withheld's answer for the program's type. */
void kd_emu_verify(const struct vm_prog *prog, uint32_t prog_type, uint32_t attach_type, int priv,
                   const struct gen_map *maps, uint32_t n_maps, int log_level,
                   const uint8_t *withheld, struct kd_verdict *v);
/* True when bpfemu's verifier is built in. */
bool kd_have_verifier(void);

/* --------------------------------------------------------------- inputs */

struct kd_input {
    const uint8_t *data;
    size_t len;
    const uint8_t *ctx;   /* ctx_in, or NULL */
    size_t ctx_len;
    uint64_t ts_ns;       /* capture timestamp (pacing) */
};

struct kd_result {
    int rc;               /* 0, or -errno: the input was refused, or (bpfemu) a fault */
    char err[256];
    uint32_t retval;
    uint8_t *data;
    uint32_t data_len;
    uint8_t *ctx;
    uint32_t ctx_len;
};
void kd_result_free(struct kd_result *r);

/* Map contents: per map, sorted "KEYHEX VALUEHEX" lines (per-CPU maps: the
 * pinned CPU's value, one CPU for bpfemu; QUEUE/STACK: "- VALUEHEX" in pop
 * order; ring buffers: "rec HEX" per record submitted since the last dump).
 * Prog arrays and perf event arrays are not dumped. */
struct kd_map {
    char name[64];
    uint32_t type, key_size, value_size;
    char **lines;
    size_t n;
};
struct kd_maps {
    struct kd_map *m;
    size_t n;
};
void kd_maps_free(struct kd_maps *d);

/* --------------------------------------------------------- kernel side */

struct kd_kmap {
    char name[64];
    int fd;
    uint32_t type, key_size, value_size, max_entries, flags;
    bool readonly;        /* frozen (.rodata): not written, still compared */
    void *ring;           /* RINGBUF consumer (kbpf mmap) */
};

struct kd_kernel {
    int prog_fd;
    uint32_t prog_type;
    struct kd_kmap *maps;
    uint32_t n_maps;
    void *obj;            /* the libbpf object (tools/kobj.c), or NULL */
    void (*obj_close)(void *obj);
    bool own_fds;         /* raw: the map fds are ours to close */
};

/* Create p's maps and load p (log_level 1 unless 0). Fills v with the
 * verdict; on accept *out is the loaded program. 0, or -errno when the
 * maps cannot be created (v not filled). */
int kd_kernel_load_raw(const struct gen_program *p, int log_level, struct kd_kernel **out,
                       struct kd_verdict *v, char *err, size_t errlen);
void kd_kernel_destroy(struct kd_kernel *k);
/* A time limit for kd_kernel_load_raw's loads (0: none; then v->known is
 * false when it is exceeded). */
void kd_set_load_timeout(unsigned ms);
/* BPF_PROG_TEST_RUN of in. */
void kd_kernel_run(struct kd_kernel *k, const struct kd_input *in, struct kd_result *r);
void kd_kernel_dump(struct kd_kernel *k, struct kd_maps *out);
struct kd_kmap *kd_kernel_map(struct kd_kernel *k, const char *name);
/* Pin this process to its lowest allowed CPU (per-CPU values and
 * bpf_get_smp_processor_id are then that CPU's); returns the CPU. */
int kd_pin_cpu(void);
/* The same, on the n-th allowed CPU (modulo their number): parallel workers. */
int kd_pin_cpu_nth(unsigned n);

/* ------------------------------------------------------------ bpfemu side */

struct kd_emu {
    struct vm_object *obj;
    struct helper_env *env;
    struct helper_prog *prog;
    uint64_t clock_base, ts0, now_ns;  /* --pace: ktime from capture timestamps */
    bool pace;
    size_t runs;
};

/* A synthetic object holding p (its maps, one program with relocations). */
int kd_emu_from_raw(const struct gen_program *p, const struct helper_env_opts *eo,
                    struct kd_emu **out, char *err, size_t errlen);
/* An object file; section: a function or section name (NULL: the only program). */
int kd_emu_from_obj(const char *path, const char *section, const struct helper_env_opts *eo,
                    struct kd_emu **out, char *err, size_t errlen);
void kd_emu_destroy(struct kd_emu *e);
/* Use the JIT for every program of the environment (jit/jit.h): 0,
 * -ENOTSUP without a JIT (message in err). */
int kd_emu_enable_jit(struct kd_emu *e, char *err, size_t errlen);
void kd_emu_run(struct kd_emu *e, const struct kd_input *in, struct kd_result *r);
void kd_emu_dump(struct kd_emu *e, struct kd_maps *out);
/* ktime from capture timestamps (the kernel side sleeps to them). */
int kd_emu_pace(struct kd_emu *e);

/* --------------------------------------------------------- initial maps */

/* Apply a --map-in JSON document to both sides (bpfemu: map_json_load;
 * the kernel: the same keys and values by bpf(BPF_MAP_UPDATE_ELEM)). */
int kd_apply_map_json(struct kd_emu *e, struct kd_kernel *k, const char *text, size_t len,
                      char *err, size_t errlen);
/* Random entries (from seed) written to both sides' plain maps; k may be
 * NULL. */
void kd_seed_maps(struct kd_emu *e, struct kd_kernel *k, uint64_t seed);

/* ----------------------------------------------------------- comparison */

struct kd_diff {
    char what[128];       /* "retval", "data_out", "ctx_out", "map stats", "verdict" ... */
    char where[160];      /* "byte 14", "key 01000000", ... */
    char kernel[640];
    char emu[640];
};

/* 0 when equal, 1 with d filled at the first difference. `ignore` masks
 * map bytes: an array of {map name, first byte, last byte} rules. */
struct kd_ignore {
    char map[64];
    int first, last;
};
int kd_compare_results(const struct kd_result *k, const struct kd_result *e, struct kd_diff *d);
int kd_compare_maps(const struct kd_maps *k, const struct kd_maps *e, const struct kd_ignore *ign,
                    size_t n_ign, struct kd_diff *d);

/* The program type ctx_out offsets are named after in messages. */
void kd_set_prog_type(uint32_t prog_type);

/* Lowercase hex of n bytes into a malloc'd string. */
char *kd_hex(const void *p, size_t n);

/* A standard test packet (Ethernet, IPv4, UDP, 64 bytes). */
extern const uint8_t kd_default_packet[64];

/* Random packets for fuzzing: from seed, mostly Ethernet + IPv4/IPv6 +
 * TCP/UDP with random fields, sometimes raw bytes; 14..len_max bytes.
 * Writes into buf (len_max bytes), returns the length. */
size_t kd_random_packet(uint64_t seed, uint8_t *buf, size_t len_max);

#endif

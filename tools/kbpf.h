/* tools/kbpf.h - the running kernel as an oracle, through the raw bpf(2)
 * system call: map creation and access, BPF_PROG_LOAD with a verifier log,
 * BPF_PROG_TEST_RUN, and the three privilege regimes of the verifier
 * (root; CAP_BPF without CAP_PERFMON; unprivileged).
 *
 * Raw bpf(2) rather than libbpf: generated and raw programs need nothing
 * libbpf adds, the calls are cheap enough for a fuzzing loop, and bpfemu
 * gains no link dependency. ELF objects go through libbpf (tools/kobj.h),
 * which does what the kernel needs for them (BTF, func_info, global data).
 *
 * Every call returns 0 (or an fd) on success and a negative errno on
 * failure; nothing exits. */
#ifndef BPFEMU_TOOLS_KBPF_H
#define BPFEMU_TOOLS_KBPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Privilege regimes (the same numbers as verifier.h's enum verifier_priv). */
enum kbpf_priv {
    KBPF_PRIV_ROOT = 0,   /* as started (root: CAP_SYS_ADMIN) */
    KBPF_PRIV_BPF = 1,    /* CAP_BPF + CAP_NET_ADMIN only: no CAP_PERFMON */
    KBPF_PRIV_UNPRIV = 2, /* no capability; needs kernel.unprivileged_bpf_disabled=0 */
};
const char *kbpf_priv_name(int priv);
int kbpf_priv_parse(const char *name); /* -1 if unknown */

/* NULL when bpf() works here (a socket filter loads), else why not, in
 * words ("bpf(BPF_PROG_LOAD) not permitted: Operation not permitted (needs
 * root or CAP_BPF)"). The answer is cached. */
const char *kbpf_unavailable(void);

/* Drop this process's capabilities to `priv` for good (capset). 0 or
 * -errno. KBPF_PRIV_ROOT does nothing. */
int kbpf_drop_privileges(int priv);
/* kernel.unprivileged_bpf_disabled: the value (>= 0) or -errno; set writes
 * it (root only). */
int kbpf_unpriv_sysctl_get(void);
int kbpf_unpriv_sysctl_set(int value);

/* ------------------------------------------------------------------ maps */

int kbpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                    uint32_t flags, const char *name);
int kbpf_map_lookup(int fd, const void *key, void *value);
int kbpf_map_update(int fd, const void *key, const void *value, uint64_t flags);
int kbpf_map_delete(int fd, const void *key);
int kbpf_map_next_key(int fd, const void *key, void *next_key);
int kbpf_map_lookup_and_delete(int fd, const void *key, void *value);
int kbpf_map_freeze(int fd);
/* Number of possible CPUs (/sys/devices/system/cpu/possible), for the
 * size of per-CPU values (ncpus x round_up(value_size, 8)). */
unsigned kbpf_possible_cpus(void);

/* -------------------------------------------------------------- programs */

struct kbpf_load {
    uint32_t prog_type;
    uint32_t expected_attach_type;
    uint32_t prog_flags;
    const struct bpf_insn *insns;
    uint32_t insn_cnt;
    /* lddw with src_reg BPF_PSEUDO_MAP_IDX(_VALUE) and imm i use fd_array[i] */
    const int *fd_array;
    const char *license;      /* NULL: "GPL" */
    const char *name;         /* NULL: none */
    uint32_t log_level;       /* 0, 1, 2 (| 4 stats) */
    char *log_buf;            /* log_size bytes, NUL-terminated on return */
    uint32_t log_size;
};

/* BTF func_info for a raw program with callbacks (tools/kbpf_btf.c): the
 * kernel verifies a BPF_PSEUDO_FUNC ld_imm64 only with it. btf_fd is -1
 * when the program needs none; else close it after the load. */
#define KBPF_MAX_FUNCS 256
struct kbpf_func_btf {
    int btf_fd;
    struct bpf_func_info info[KBPF_MAX_FUNCS];
    uint32_t n_info;
};
int kbpf_func_btf(const struct bpf_insn *insns, uint32_t n, struct kbpf_func_btf *out);

/* BPF_PROG_LOAD. Returns the program fd (accepted) or -errno (rejected, or
 * not permitted). A program with callbacks gets kbpf_func_btf's BTF. When the log did not fit (ENOSPC hides the verdict), the
 * load is repeated without a log for the verdict; the log keeps its tail. */
int kbpf_prog_load(const struct kbpf_load *l);

/* kbpf_prog_load with a time limit: the kernel's verifier stops when a
 * signal is pending (SIGALRM from a timer here): -ETIMEDOUT then. Some
 * programs keep the CAP_BPF-only verifier busy for minutes. */
int kbpf_prog_load_timed(const struct kbpf_load *l, unsigned ms);

/* The first line of the verifier's error in a log: the line after the last
 * instruction or state line, before "processed N insns". "" when the log
 * has none (an empty log: a load refused before verification). */
void kbpf_log_error(const char *log, char *out, size_t outlen);
/* The "processed N insns" count of a log, or -1. */
long kbpf_log_processed(const char *log);

struct kbpf_test_run {
    const void *data_in;
    uint32_t data_size_in;
    void *data_out;           /* may be NULL */
    uint32_t data_size_out;   /* in: capacity; out: the full size */
    const void *ctx_in;
    uint32_t ctx_size_in;
    void *ctx_out;
    uint32_t ctx_size_out;    /* in: capacity; out: size */
    uint32_t repeat;
    uint32_t retval;          /* out */
    uint32_t duration;        /* out, ns */
};
/* BPF_PROG_TEST_RUN. 0 or -errno (-EINVAL: the input is refused). */
int kbpf_prog_test_run(int prog_fd, struct kbpf_test_run *t);

/* Ring buffer maps, read from user space as libbpf's ring_buffer does
 * (mmap of the consumer and producer pages). */
struct kbpf_ringbuf;
int kbpf_ringbuf_open(int map_fd, uint32_t max_entries, struct kbpf_ringbuf **out);
/* fn(ctx, record, len) per submitted record, in order; returns the count. */
int kbpf_ringbuf_consume(struct kbpf_ringbuf *rb, int (*fn)(void *ctx, const void *data, size_t len),
                         void *ctx);
void kbpf_ringbuf_close(struct kbpf_ringbuf *rb);

/* Helpers the running kernel withholds from a program type: a load of
 * `call id` fails with "program of this type cannot use helper" or
 * "invalid func". Kernel builds differ from upstream here (6.18.44-fc-v1300
 * withholds bpf_xdp_adjust_meta from XDP programs), so comparisons give
 * bpfemu's verifier the running kernel's answer (verifier_opts
 * .withheld_helpers). Sets bit id of `bits` (nbytes long; ids beyond are not
 * probed) for every withheld id in 1..__BPF_FUNC_MAX_ID-1 and clears the
 * others. One load per helper, as root (as started). 0 or -errno. */
int kbpf_probe_withheld_helpers(uint32_t prog_type, uint32_t expected_attach_type, uint8_t *bits,
                                size_t nbytes);


#endif

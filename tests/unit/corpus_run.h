/* tests/unit/corpus_run.h - running the corpus (../corpus/build) in bpfemu
 * the way tests/kernel/kernel_run.c runs it in the kernel: shared by
 * test_corpus.c (verdicts, bytes, maps) and test_corpus_kernel.c (the
 * differential test against BPF_PROG_TEST_RUN).
 *
 * Tests run with cwd = tests/, so the corpus is ../corpus/build/ (override
 * with $CORPUS_BUILD). One corpus_ctx is one object instantiated from its
 * initial maps (build/pcaps/<object>.maps.json); packets run in order on it,
 * map state carrying over, as kernel-run does. */
#ifndef BPFEMU_TESTS_CORPUS_RUN_H
#define BPFEMU_TESTS_CORPUS_RUN_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "helpers/helpers.h"
#include "tests/unit/corpus_pcap.h"

/* A line of ../corpus/MANIFEST. */
struct corpus_entry {
    char object[64], prog[64], capture[64], opts[64];
};

/* The corpus build directory ("../corpus/build" unless $CORPUS_BUILD). */
const char *corpus_dir(void);
/* Every MANIFEST entry (static storage); the count in *n. NULL (and
 * *n = 0) when MANIFEST cannot be read. */
const struct corpus_entry *corpus_manifest(size_t *n);
const struct corpus_entry *corpus_manifest_find(const char *object);
/* The EXPECTED.md table line for (object, capture): "1=19 2=11", or NULL. */
const char *corpus_expected_counts(const char *object, const char *capture);


struct corpus_ctx {
    struct vm_object *obj;
    struct helper_env *env;
    struct helper_prog *prog;
    const struct vm_obj_prog *info;
    /* bpf_ktime_get_ns from the pcap timestamps (kernel-run -p): packet i
     * sees clock_base + (ts_i - ts_0) */
    bool pcap_clock;
    uint64_t clock_base, ts0, now_ns;
    size_t runs;
};

/* Load ../corpus/build/<object>.o, create its environment (one CPU), apply
 * pcaps/<object>.maps.json and pick `prog` (function or section name).
 * 0, or -1 with a message in err. */
int corpus_open(struct corpus_ctx *c, const char *object, const char *prog, bool pcap_clock,
                char *err, size_t errlen);
void corpus_close(struct corpus_ctx *c);

/* One packet's BPF_PROG_TEST_RUN. */
struct corpus_result {
    int rc;                    /* helper_test_run's: 0 or -errno */
    char err[512];
    uint32_t retval;
    uint8_t *data;             /* data_out (malloc'd) */
    size_t len;
    bool has_skb;              /* ctx_out is a struct __sk_buff */
    struct __sk_buff skb;
    char *trace;               /* trace_printk output (malloc'd) or NULL */
    size_t trace_len;
};
void corpus_run_pkt(struct corpus_ctx *c, const struct corpus_pkt *p, struct corpus_result *r);
void corpus_result_free(struct corpus_result *r);

/* A packet's result as kernel-run prints it: "<i> <retval> <hex>" or
 * "<i> error <ERRNO-NAME>", then, with `dump`, "  ringbuf ..." (consuming
 * the records), "  skb ..." and "  map ..." lines. Appended to f. */
void corpus_print_result(struct corpus_ctx *c, size_t index, const struct corpus_result *r,
                         bool dump, FILE *f);
/* "  map NAME KEYHEX VALUEHEX" lines for every map, as kernel-run -m
 * prints them (maps and keys sorted, per-CPU maps: CPU 0's value, QUEUE and
 * STACK in pop order, map-in-map slots then their inner maps; PROG_ARRAY,
 * RINGBUF and PERF_EVENT_ARRAY skipped). */
void corpus_dump_maps(struct corpus_ctx *c, FILE *f);
/* "  ringbuf NAME HEX" per record submitted since the last call. */
void corpus_dump_ringbufs(struct corpus_ctx *c, FILE *f);

/* Map access for assertions (user view). 0 or -errno. For per-CPU maps
 * the value is CPU 0's. */
int corpus_map_get(struct corpus_ctx *c, const char *map, const void *key, void *value);
/* Number of elements next_key walks through. */
size_t corpus_map_count(struct corpus_ctx *c, const char *map);
/* A map's QUEUE/STACK contents in pop order (without changing them):
 * values written to out (at most max), count returned. */
size_t corpus_map_queue(struct corpus_ctx *c, const char *map, void *out, size_t max);
/* Ring buffer records, in order (consumed): each malloc'd, count returned. */
size_t corpus_ringbuf_records(struct corpus_ctx *c, const char *map, uint8_t ***recs,
                              size_t **lens);

/* Lowercase hex of n bytes (malloc'd). */
char *corpus_hex(const void *p, size_t n);
/* Bytes of a hex string (malloc'd), length in *n; NULL if not hex. */
uint8_t *corpus_unhex(const char *s, size_t *n);
/* The Internet checksum of n bytes folded (0 means "valid" for a header
 * that includes its checksum). */
uint16_t corpus_csum(const void *p, size_t n, uint32_t seed);
/* TCP/UDP checksum over the IPv4 pseudo header + segment; 0 when valid. */
uint16_t corpus_l4_csum_v4(const uint8_t *ip, const uint8_t *l4, size_t l4len);

#endif

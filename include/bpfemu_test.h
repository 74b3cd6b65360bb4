/* bpfemu_test.h - unit tests of BPF programs in a few lines, with any C
 * test framework (Criterion, cmocka, plain asserts): open an object, fill
 * maps with typed entries, build a packet from header fields, mock
 * helpers with fixed or sequenced values, run, and check the verdict, the
 * packet, maps, trace_printk output and helper calls. Part of libbpfemu;
 * `bpfemu test FILE.yaml` is the same machinery driven by test files.
 *
 *     char err[256];
 *     bpfemu_test *t = bpfemu_test_open("xdp_firewall.o", "xdp_firewall_prog", err, sizeof err);
 *     bpfemu_test_map_set(t, "blocklist_v4", "203.0.113.0/24", "rule_id=7");
 *     bpfemu_test_packet(t, "eth / ipv4(src=203.0.113.9) / tcp(dport=80)");
 *     assert(bpfemu_test_exec(t) == XDP_DROP);
 *     assert(bpfemu_test_map_expect(t, "blocklist_v4", "203.0.113.0/24", "hits=1") == 0);
 *     bpfemu_test_close(t);
 *
 * Every call that can fail returns 0 (or a value >= 0) or a negative errno,
 * and bpfemu_test_error(t) says what went wrong in one line; the _expect
 * calls return 1 when the program's result differs from the expectation,
 * with the difference (expected vs got, per field) in bpfemu_test_error.
 *
 * Text formats:
 *  - packets: layers separated by '/', fields in parentheses:
 *        eth(src=02:00:00:00:00:01, dst=...) / vlan(100) / ipv4(src=10.0.0.1,
 *        dst=10.0.0.2, ttl=64, options=...) / tcp(sport=1234, dport=80,
 *        flags=SYN|ACK) / payload("text") or payload(hex=0a0b)
 *    also arp, ipv6, udp, icmp, icmpv6, and truncate(N) to cut the frame.
 *    EtherTypes, protocol numbers, lengths and checksums are computed
 *    unless given.
 *  - map keys and values: "7" (an integer, or hex bytes "07 00 00 00"),
 *    "field=value, other.field=value" by the map's BTF types, an IPv4
 *    address for a 32-bit field, "203.0.113.0/24" for an LPM trie key.
 *    Per-CPU maps: set writes every CPU's copy, get/expect read the CPU
 *    the test runs on (bpfemu_test_set_cpu, default 0).
 *  - ctx: "ingress_ifindex=2, rx_queue_index=1" (struct xdp_md) or
 *    "mark=7, priority=2, cb[0]=1" (struct __sk_buff).
 */
#ifndef BPFEMU_TEST_H
#define BPFEMU_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpfemu.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bpfemu_test bpfemu_test;
typedef struct helper_cov bpfemu_cov; /* coverage counts */

/* Open an object and choose its program (function or section name; NULL:
 * the object's only program). opts may be NULL. */
bpfemu_test *bpfemu_test_open(const char *path, const char *prog, char *err, size_t errlen);
bpfemu_test *bpfemu_test_open_opts(const char *path, const char *prog,
                                   const struct bpfemu_obj_opts *opts, char *err, size_t errlen);
void bpfemu_test_close(bpfemu_test *t);
/* The message of the last call that failed or found a difference. */
const char *bpfemu_test_error(const bpfemu_test *t);
/* Run another program of the same object (maps are shared). */
int bpfemu_test_select(bpfemu_test *t, const char *prog);
/* The emulated CPU the program runs on (per-CPU maps). */
int bpfemu_test_set_cpu(bpfemu_test *t, uint32_t cpu);

/* ---------------------------------------------------------------- maps */
/* The map itself, for the bpfemu_map_* calls of bpfemu.h. */
bpfemu_map *bpfemu_test_map(bpfemu_test *t, const char *name);
/* key NULL or "": push a value (queue, stack). */
int bpfemu_test_map_set(bpfemu_test *t, const char *map, const char *key, const char *value);
int bpfemu_test_map_delete(bpfemu_test *t, const char *map, const char *key);
/* One integer field of a value ("hits"; NULL or "": the whole value of at
 * most 8 bytes). -ENOENT when the key is absent. */
int bpfemu_test_map_get(bpfemu_test *t, const char *map, const char *key, const char *field,
                        uint64_t *out);
/* 0: the entry holds these fields; 1: it differs (or is absent). */
int bpfemu_test_map_expect(bpfemu_test *t, const char *map, const char *key, const char *value);
/* Ring buffer / perf event array records submitted so far, in order,
 * consumed as a user-space reader would; or a queue's / stack's values
 * popped in the order the program would pop them. */
int bpfemu_test_map_records(bpfemu_test *t, const char *map,
                            int (*fn)(void *ctx, const void *data, size_t size), void *ctx);

/* ------------------------------------------------------------ the input */
int bpfemu_test_packet(bpfemu_test *t, const char *spec);
int bpfemu_test_packet_bytes(bpfemu_test *t, const void *data, size_t len);
/* ctx fields as text; NULL: no ctx_in (the default). For XDP, data_end is
 * the packet's length unless given. */
int bpfemu_test_ctx(bpfemu_test *t, const char *fields);
/* skb programs: the socket __sk_buff->sk points at (what bpf_get_socket_uid,
 * bpf_get_socket_cookie and bpf_sk_fullsock answer), as "key=value,...":
 * family (inet, inet6), type (stream, dgram, raw), protocol (tcp, udp),
 * state (established, listen, close...), src and dst (ADDR, ADDR:PORT,
 * [IPv6]:PORT, :PORT), uid, cookie, mark, priority, bound_dev_if,
 * rx_queue_mapping, none (no socket). Fields not given are those of the
 * kernel test run's socket: the packet's family and addresses, state
 * close, uid 0. NULL: that socket alone (the default). */
int bpfemu_test_socket(bpfemu_test *t, const char *spec);

/* ------------------------------------------------- events (tracing)
 * Kprobe, tracepoint and raw tracepoint programs run on a synthetic event
 * instead of a packet (docs/tracing.md). bpfemu_test_event starts an empty
 * one (no task given: the environment's identity; the clock steps); the
 * calls after it fill it in, and every run after it runs on it until the
 * next bpfemu_test_event. */
int bpfemu_test_event(bpfemu_test *t);
/* The task the probe fires in (bpf_get_current_pid_tgid, _uid_gid, _comm). */
int bpfemu_test_event_task(bpfemu_test *t, uint32_t pid, uint32_t tgid, uint32_t uid,
                           uint32_t gid, const char *comm);
/* kprobe: a struct pt_regs register by name: "di", "rdi", "parm1".."parm6",
 * "ret", "sp", "ip"... */
int bpfemu_test_event_reg(bpfemu_test *t, const char *reg, uint64_t value);
/* raw tracepoint: argument i (0..11). */
int bpfemu_test_event_arg(bpfemu_test *t, unsigned i, uint64_t value);
/* tracepoint: a field by name as text ("42", "-1", "bash" for a char[N]
 * or __data_loc field), laid out by the tracepoint's format file: the
 * one given with bpfemu_test_tracepoint_format, else tracefs's for the
 * program's section. */
int bpfemu_test_tracepoint_format(bpfemu_test *t, const char *path);
int bpfemu_test_event_field(bpfemu_test *t, const char *field, const char *value);
/* Memory bpf_probe_read_* may read (copied): user addresses below
 * 0x7ffffffff000, kernel ones from 0xffff800000000000. */
int bpfemu_test_event_memory(bpfemu_test *t, uint64_t addr, const void *data, size_t len);
/* bpf_ktime_get_ns of the event's runs. */
int bpfemu_test_event_time(bpfemu_test *t, uint64_t ns);

/* ---------------------------------------------------------------- mocks
 * Helpers by name ("ktime_get_ns" or "bpf_ktime_get_ns"). A mock stays
 * until replaced or removed; sequences are per helper (each call of that
 * helper takes the next value, the last one repeats), never an order of
 * calls across helpers. */
int bpfemu_test_mock(bpfemu_test *t, const char *helper, const uint64_t *values, size_t n);
/* Write `len` bytes where pointer argument `arg` (1..5) points (checked
 * like the helper's own writes), then return ret. */
int bpfemu_test_mock_out(bpfemu_test *t, const char *helper, uint64_t ret, unsigned arg,
                         const void *bytes, size_t len);
/* bpf_fib_lookup: return ret (BPF_FIB_LKUP_RET_*) and, on success, fill
 * the params with "ifindex=3, smac=02:.., dmac=02:.., mtu_result=1500"
 * (also ipv4_dst / ipv6_dst: the next hop, rt_metric, h_vlan_proto,
 * h_vlan_TCI). */
int bpfemu_test_mock_fib(bpfemu_test *t, int64_t ret, const char *fields);
/* Your own function; inside it bpfemu_run_user(run) returns user. */
int bpfemu_test_mock_fn(bpfemu_test *t, const char *helper, bpfemu_helper_fn fn, void *user);
int bpfemu_test_unmock(bpfemu_test *t, const char *helper);

/* ----------------------------------------------------------------- runs */
/* Run once (as BPF_PROG_TEST_RUN): the program's return value, or a
 * negative errno when the input was refused or the program faulted. */
int64_t bpfemu_test_exec(bpfemu_test *t);
/* Run `repeat` times on the same input (map state carries over). */
int64_t bpfemu_test_exec_n(bpfemu_test *t, uint32_t repeat);
/* "XDP_DROP", "TC_ACT_SHOT"... for a return value of this program; NULL if
 * the value has no name. And the other way round: a name (full, or
 * without the prefix, any case: "drop") or a number. */
const char *bpfemu_test_action_name(const bpfemu_test *t, uint32_t retval);
int bpfemu_test_action_parse(const bpfemu_test *t, const char *text, uint32_t *retval);

/* ------------------------------------------------------ after the run */
const uint8_t *bpfemu_test_data_out(const bpfemu_test *t, size_t *len);
/* 0: the output packet has these layers and fields (other layers may come
 * between them; a checksum may be expected as "valid"); 1: it does not. */
int bpfemu_test_packet_expect(bpfemu_test *t, const char *spec);
/* 0: the output packet is exactly these bytes; 1: it is not (the error is
 * a hex dump with the differing bytes marked, and the fields that differ). */
int bpfemu_test_packet_expect_bytes(bpfemu_test *t, const void *data, size_t len);
/* A ctx field after the run (skb: mark, priority, cb[i], ...). */
int bpfemu_test_ctx_out(bpfemu_test *t, const char *field, uint64_t *out);
/* trace_printk output of the last run, one line per call ("" if none). */
const char *bpfemu_test_trace(const bpfemu_test *t);
/* Helper calls of the last run: how many of `helper`, and all in order. */
size_t bpfemu_test_calls(const bpfemu_test *t, const char *helper);
const struct bpfemu_call *bpfemu_test_call_list(const bpfemu_test *t, size_t *count);
/* Instructions the last run executed. */
uint64_t bpfemu_test_insns(const bpfemu_test *t);

/* ------------------------------------------------------------ coverage
 * Which instructions and branches the runs executed, per C source line
 * (BTF line info), accumulated over any number of tests and objects. */
bpfemu_cov *bpfemu_cov_new(void);
void bpfemu_cov_free(bpfemu_cov *cov);
/* Count t's runs into cov (call before the first run; the counts are
 * added when t is closed). */
int bpfemu_test_coverage(bpfemu_test *t, bpfemu_cov *cov);
/* lcov tracefile (genhtml, coverage services). */
int bpfemu_cov_write_lcov(const bpfemu_cov *cov, const char *path, const char *test_name,
                          char *err, size_t errlen);
/* The sources annotated: hit count per line, "#####" for lines that never
 * ran, branches never taken; a summary per file. */
int bpfemu_cov_print(const bpfemu_cov *cov, FILE *f);

#ifdef __cplusplus
}
#endif
#endif

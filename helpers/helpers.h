/* helpers/helpers.h - the helpers subsystem's one header: emulated maps,
 * helpers and program-type contexts (xdp_md, __sk_buff), and the runtime
 * that ties a loaded object to them.
 *
 * Map types, flags and errno values are the kernel's (<linux/bpf.h>); a map
 * behaves as the kernel's map of that type does, seen from a BPF program
 * (the maps_elem_* calls, used by helpers) and from user space (the
 * maps_user_* calls, which mirror the bpf(2) map commands). */
#ifndef BPFEMU_HELPERS_H
#define BPFEMU_HELPERS_H

#include "vm/vm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------------ maps */

struct maps_map;

struct maps_attr {
    uint32_t type;        /* enum bpf_map_type */
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;
    uint32_t map_flags;   /* BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ... */
    uint32_t ncpus;       /* emulated CPUs for per-CPU maps (0 means 1) */
    char name[64];
    /* map-in-map: the inner maps' shape (type, sizes) */
    const struct maps_attr *inner;
    /* the value holds a struct bpf_spin_lock (from BTF): BPF_F_LOCK updates
     * need one (-EINVAL otherwise, as map_update_elem checks) */
    bool has_spin_lock;
};

/* Create a map; the attributes are checked as BPF_MAP_CREATE checks them
 * (-EINVAL with a message naming the bad field). Values start zeroed. */
int maps_create(const struct maps_attr *attr, struct maps_map **out, char *err, size_t errlen);
void maps_destroy(struct maps_map *m);
const struct maps_attr *maps_get_attr(const struct maps_map *m);

/* Program view (what helpers call). `cpu` picks the per-CPU copy. Lookup
 * returns a pointer into value memory the program may read and write (for
 * map-in-map: the inner struct maps_map *), or NULL. Return values are the
 * kernel helpers' (0 or a negative errno). */
void *maps_elem_lookup(struct maps_map *m, const void *key, uint32_t cpu);
/* A BPF_MAP_TYPE_ARRAY's value memory: element k (k < max_entries) is at
 * values + k * stride and never moves. false for other types. */
bool maps_array_layout(const struct maps_map *m, uintptr_t *values, uint32_t *max_entries,
                       uint32_t *stride);
long maps_elem_update(struct maps_map *m, const void *key, const void *value, uint64_t flags,
                      uint32_t cpu);
long maps_elem_delete(struct maps_map *m, const void *key);
long maps_elem_push(struct maps_map *m, const void *value, uint64_t flags); /* queue, stack */
long maps_elem_pop(struct maps_map *m, void *value);
long maps_elem_peek(struct maps_map *m, void *value);

/* User view, as bpf(2): per-CPU values are ncpus × round_up(value_size, 8)
 * bytes; BPF_ANY / BPF_NOEXIST / BPF_EXIST; -ENOENT, -EEXIST, -E2BIG, ...
 * next_key with key == NULL gives the first key; iteration order is stable
 * while the map is not modified. For prog arrays the value is a program
 * handle index (see maps_prog_array_*), for map-in-map an inner map. */
int maps_user_lookup(struct maps_map *m, const void *key, void *value);
int maps_user_update(struct maps_map *m, const void *key, const void *value, uint64_t flags);
int maps_user_delete(struct maps_map *m, const void *key);
int maps_user_next_key(struct maps_map *m, const void *key, void *next_key);
int maps_user_lookup_and_delete(struct maps_map *m, const void *key, void *value);

/* Prog arrays hold opaque program pointers (the runtime's); map-in-map
 * holds inner maps (which must match attr->inner). */
int maps_prog_array_set(struct maps_map *m, uint32_t index, void *prog);
void *maps_prog_array_get(const struct maps_map *m, uint32_t index);
int maps_inner_set(struct maps_map *m, const void *key, struct maps_map *inner);

/* Ring buffer: reserve/submit/discard/output as the bpf_ringbuf_* helpers
 * (flags BPF_RB_*); records are read in order with maps_ringbuf_consume. */
void *maps_ringbuf_reserve(struct maps_map *m, uint64_t size, uint64_t flags);
void maps_ringbuf_submit(struct maps_map *m, void *data, uint64_t flags);
void maps_ringbuf_discard(struct maps_map *m, void *data, uint64_t flags);
long maps_ringbuf_output(struct maps_map *m, const void *data, uint64_t size, uint64_t flags);
typedef int (*maps_record_fn)(void *ctx, const void *data, size_t size);
int maps_ringbuf_consume(struct maps_map *m, maps_record_fn fn, void *ctx);

/* Perf event array: records written by bpf_perf_event_output, per index
 * (BPF_F_CURRENT_CPU resolved by the caller), read in order. */
long maps_perf_output(struct maps_map *m, uint32_t index, const void *data, uint64_t size);
int maps_perf_consume(struct maps_map *m, maps_record_fn fn, void *ctx);

/* Socket maps (SOCKMAP, SOCKHASH: helpers/maps_sock.c). Values are the
 * socket world's sockets, opaque here, with their cookie. Update as the
 * kernel's sock_map_update_common / sock_hash_update_common (flags, -E2BIG,
 * -EEXIST, -ENOENT); get the socket of a key (NULL: none); remove a socket
 * from every slot (a closed socket; returns how many); count the entries.
 * User-space updates give an fd: the resolver turns it into a socket
 * (0, or -EBADF / -EOPNOTSUPP as sock_map_update_elem_sys). */
typedef int (*maps_sock_resolve_fn)(void *ctx, uint32_t fd, void **sock, uint64_t *cookie);
long maps_sock_update(struct maps_map *m, const void *key, void *sock, uint64_t cookie,
                      uint64_t flags);
void *maps_sock_get(struct maps_map *m, const void *key);
unsigned maps_sock_remove(struct maps_map *m, const void *sock);
bool maps_sock_contains(struct maps_map *m, const void *sock);
uint32_t maps_sock_count(struct maps_map *m);
void maps_sock_set_resolver(struct maps_map *m, maps_sock_resolve_fn fn, void *ctx);

/* The memory a program may reach through this map's values, for checked
 * mode (array: one region with the value size as element; hash: its
 * element pool; ringbuf: its data area). Returns the count written. */
unsigned maps_regions(const struct maps_map *m, struct vm_region *out, unsigned max);

/* The name of a map type ("hash", "lru_percpu_hash"), or NULL. */
const char *maps_type_name(uint32_t type);

/* --------------------------------------------------------------- helpers */

/* Argument and return kinds of a helper's prototype (the kernel's
 * bpf_func_proto, in our words): what the verifier checks and what checked
 * mode validates at call time. */
enum helper_arg {
    HELPER_ARG_NONE = 0,
    HELPER_ARG_ANYTHING,       /* any scalar */
    HELPER_ARG_MAP,            /* const struct bpf_map * */
    HELPER_ARG_MAP_KEY,        /* pointer to key_size readable bytes */
    HELPER_ARG_MAP_VALUE,      /* pointer to value_size readable bytes */
    HELPER_ARG_MAP_VALUE_OUT,  /* pointer to value_size writable bytes */
    HELPER_ARG_CTX,            /* the program's context */
    HELPER_ARG_MEM,            /* readable memory, size in the next argument */
    HELPER_ARG_MEM_OR_NULL,
    HELPER_ARG_MEM_OUT,        /* writable memory, size in the next argument */
    HELPER_ARG_SIZE,           /* size of the previous memory argument */
    HELPER_ARG_SIZE_OR_ZERO,
    HELPER_ARG_RINGBUF_MEM,    /* a record from bpf_ringbuf_reserve */
    HELPER_ARG_FUNC,           /* a callback (subprogram) */
    HELPER_ARG_STACK_OR_NULL,
    HELPER_ARG_SPIN_LOCK,
    HELPER_ARG_CONST_STR,
    HELPER_ARG_PTR_TO_LONG,    /* writable 8 bytes */
    HELPER_ARG_SOCK_COMMON,    /* a socket pointer (skb->sk, bpf_sk_fullsock's) */
};
enum helper_ret {
    HELPER_RET_INTEGER,
    HELPER_RET_VOID,
    HELPER_RET_MAP_VALUE_OR_NULL,
    HELPER_RET_MEM_OR_NULL,    /* ringbuf_reserve: size from arg 2 */
    HELPER_RET_SOCKET_OR_NULL, /* struct bpf_sock * (bpf_sk_fullsock) */
    HELPER_RET_TCP_SOCK_OR_NULL, /* struct bpf_tcp_sock * (bpf_tcp_sock) */
};

struct helper_proto {
    int32_t id;                /* BPF_FUNC_* */
    vm_helper_fn fn;
    enum helper_ret ret;
    enum helper_arg args[5];
    uint64_t prog_types;       /* bit per enum bpf_prog_type; 0 = every type */
    bool gpl_only;
};

/* The prototype of helper `id`, or NULL when bpfemu does not implement it. */
const struct helper_proto *helper_proto(int32_t id);

/* --------------------------------------------------------------- runtime */

struct helper_env;
struct helper_prog;

struct helper_env_opts {
    uint32_t ncpus;            /* emulated CPUs (per-CPU maps); 0 means 1 */
    uint64_t clock_ns;         /* ktime_get_ns at the first run (default 1 s) */
    uint64_t clock_step_ns;    /* how far the clock moves per run (default 1000) */
    uint64_t prng_seed;        /* get_prandom_u32's seed (default 1) */
    uint64_t budget;           /* checked-mode instruction budget, 0 = default */
    uint32_t default_prog_type;/* for sections that name no type (0: the
                                  type the object's other programs share) */
    bool task_given;           /* else pid = tgid = 4242, uid = gid = 0, "bpfemu" */
    uint32_t pid, tgid, uid, gid;
    char comm[16];
    unsigned jit;              /* jit/jit.h flags: run every program JIT-compiled
                                  (0: the interpreter) */
};
/* The program type a program runs as (its section's, or inferred). */
uint32_t helper_prog_type(const struct helper_prog *prog);
/* The program's VM (for coverage: vm_coverage_enable / vm_coverage_hits;
 * slot indexes match helper_prog_info(prog)->prog and its line info). */
struct vm *helper_prog_vm(struct helper_prog *prog);
/* Turn coverage on for every program of the environment. */
int helper_env_coverage_enable(struct helper_env *env);

/* Instantiate an object: create its maps (global data initialised,
 * prog arrays and map-in-map filled), resolve each program's map
 * references to the maps, and check that every helper it calls exists
 * (an error names the program, the instruction and the helper). */
int helper_env_create(const struct vm_object *obj, const struct helper_env_opts *opts,
                      struct helper_env **out, char *err, size_t errlen);
void helper_env_destroy(struct helper_env *env);
/* Run every program JIT-compiled with jit/jit.h `jit` flags from now on
 * (0: back to the interpreter), as helper_env_opts.jit does at creation. */
int helper_env_set_jit(struct helper_env *env, unsigned jit, char *err, size_t errlen);
struct helper_prog *helper_env_prog(struct helper_env *env, const char *name);
struct maps_map *helper_env_map(struct helper_env *env, const char *name);
uint32_t helper_env_map_count(const struct helper_env *env);
const struct vm_object *helper_env_object(const struct helper_env *env);
struct maps_map *helper_env_map_at(struct helper_env *env, uint32_t i, const char **name);
const struct vm_obj_prog *helper_prog_info(const struct helper_prog *prog);

/* Verification (helpers/verify.c): every program of the environment
 * through bpfemu's verifier (verifier/verifier.h) as one BPF_PROG_LOAD
 * each, with the object's maps and the program's type. An accepted
 * program runs trusted from then on (no checks, no budget: VM_MODE_TRUSTED
 * with the verifier's ctx marks, as the kernel runs what it verified); a
 * rejected one keeps running checked. priv: enum verifier_priv. Returns 0
 * (the verdicts are in helper_prog_verdict) or -ENOMEM. */
struct helper_verdict {
    bool verified;             /* helper_env_verify ran on it */
    bool accepted;
    int err;                   /* the load's negative errno when rejected */
    int error_pc;              /* -1 when none */
    char error[256];           /* the verifier's error line */
    uint32_t insns_processed;
    uint32_t max_ctx_offset;   /* accepted: the end of the furthest ctx byte accessed */
};
int helper_env_verify(struct helper_env *env, int priv, char *err, size_t errlen);
const struct helper_verdict *helper_prog_verdict(const struct helper_prog *prog);

/* Replace helper `id` for every program of the environment (mocking): the
 * replacement gets the same arguments; helper_run_user() gives its
 * `user` pointer back. */
int helper_env_override(struct helper_env *env, int32_t id, vm_helper_fn fn, void *user);
void *helper_run_user(struct vm_run *run);

/* Record every helper call of later runs (id, r1..r5, r0), in order. */
struct helper_call_record {
    uint32_t helper_id;
    uint64_t args[5];
    uint64_t ret;
};
void helper_env_record_calls(struct helper_env *env, bool on);
const struct helper_call_record *helper_env_calls(const struct helper_env *env, size_t *count);
void helper_env_clear_calls(struct helper_env *env);

/* The socket an skb belongs to: what __sk_buff->sk points at (struct
 * bpf_sock), bpf_get_socket_uid / bpf_get_socket_cookie / bpf_sk_fullsock
 * answer, and cgroup_skb's family .. local_port. Addresses in network byte
 * order (IPv4 in the first 4 bytes), ports in host byte order. */
enum {
    HELPER_SOCK_NONE = 1u << 0, HELPER_SOCK_FAMILY = 1u << 1, HELPER_SOCK_TYPE = 1u << 2,
    HELPER_SOCK_PROTOCOL = 1u << 3, HELPER_SOCK_STATE = 1u << 4, HELPER_SOCK_DEV = 1u << 5,
    HELPER_SOCK_MARK = 1u << 6, HELPER_SOCK_PRIORITY = 1u << 7, HELPER_SOCK_SRC_IP = 1u << 8,
    HELPER_SOCK_DST_IP = 1u << 9, HELPER_SOCK_SRC_PORT = 1u << 10,
    HELPER_SOCK_DST_PORT = 1u << 11, HELPER_SOCK_RXQ = 1u << 12, HELPER_SOCK_UID = 1u << 13,
    HELPER_SOCK_COOKIE = 1u << 14, HELPER_SOCK_ALL = (1u << 15) - 1,
};
struct helper_socket {
    uint32_t given;            /* HELPER_SOCK_* bits: the fields set here; a test
                                  run takes the others from its dummy socket */
    bool none;                 /* no socket: skb->sk reads NULL, uid overflowuid */
    uint32_t family;           /* AF_INET, AF_INET6 */
    uint32_t type;             /* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW */
    uint32_t protocol;         /* IPPROTO_TCP, ... */
    uint32_t state;            /* TCP_ESTABLISHED (1) ... TCP_CLOSE (7) */
    uint32_t bound_dev_if, mark, priority;
    uint8_t src_ip[16], dst_ip[16];
    uint16_t src_port, dst_port;
    int32_t rx_queue_mapping;  /* -1: none recorded */
    uint32_t uid;
    uint64_t cookie;
};
/* The socket BPF_PROG_TEST_RUN gives an skb: a fresh socket (state
 * TCP_CLOSE, uid 0, no ports) with the family and addresses of the
 * packet's IP header (source as src_ip). cookie is bpfemu's (the
 * kernel's is a global counter). */
void helper_socket_test_run_default(struct helper_socket *s, uint32_t family,
                                    const uint8_t *saddr, const uint8_t *daddr);
/* Parse "key=value,..." (family, type, protocol, state, src, dst, uid,
 * cookie, mark, priority, bound_dev_if, rx_queue_mapping; src/dst as
 * ADDR[:PORT] or [IPv6]:PORT; "none") over *s. 0, or -EINVAL naming the
 * bad key in err. */
int helper_socket_parse(struct helper_socket *s, const char *spec, char *err, size_t errlen);
/* Copy the fields `over` gives onto *s. */
void helper_socket_overlay(struct helper_socket *s, const struct helper_socket *over);
/* One key of helper_socket_parse (for callers with their own syntax). */
int helper_socket_set_field(struct helper_socket *s, const char *key, const char *value,
                            char *err, size_t errlen);

/* Largest frame a packet-socket delivery takes (libpcap's largest snapshot). */
#define HELPER_PACKET_SOCKET_MAX 262144u

/* One BPF_PROG_TEST_RUN, with the kernel's rules for the program type. */
struct helper_test_run {
    /* in */
    const void *data_in;
    size_t data_size_in;
    const void *ctx_in;        /* struct xdp_md / __sk_buff, or NULL */
    size_t ctx_size_in;
    uint32_t repeat;           /* 0 means 1 */
    uint32_t cpu;
    /* socket filters only: deliver the frame as the kernel delivers it to a
     * packet socket (AF_PACKET, SOCK_RAW: tcpdump's): data from the MAC
     * header, skb->len the frame's length, any frame of 14 bytes or more
     * (up to HELPER_PACKET_SOCKET_MAX; no IP header rules). Without it a
     * socket filter sees the packet from L3, as BPF_PROG_TEST_RUN runs it. */
    bool packet_socket;
    /* skb program types: the socket skb->sk points at; NULL: the kernel
     * test run's (helper_socket_test_run_default) */
    const struct helper_socket *socket;
    /* out (data_out/ctx_out are malloc'd; the caller frees them) */
    uint32_t retval;
    uint64_t duration_ns;      /* per run */
    uint64_t total_ns;         /* all runs */
    uint8_t *data_out;
    size_t data_size_out;
    uint8_t *ctx_out;
    size_t ctx_size_out;
    char *trace;               /* trace_printk output, malloc'd, or NULL */
    size_t trace_len;
    uint64_t insns_executed;   /* last run */
};
/* 0, or a negative errno: -EINVAL for input the kernel rejects (message
 * says why), a fault of the program (message names the instruction). */
int helper_test_run(struct helper_prog *prog, struct helper_test_run *tr, char *err,
                    size_t errlen);
void helper_test_run_free(struct helper_test_run *tr);

/* ------------------------------------------------------------- tracing ----
 * Kprobe, tracepoint and raw tracepoint programs run on synthetic events
 * (helpers/trace_run.c, ctx_trace.c, trace_format.c, helper_probe.c). */

#define HELPER_TP_RECORD_MAX 8192u /* PERF_MAX_TRACE_SIZE: a tracepoint ctx's extent */
#define HELPER_RAW_TP_ARGS   12u   /* MAX_BPF_FUNC_ARGS: a raw tracepoint's u64 args */

/* The task an event fires in (bpf_get_current_pid_tgid / _uid_gid / _comm). */
struct helper_task {
    uint32_t pid, tgid, uid, gid;
    char comm[16];
    uint64_t ptr;              /* bpf_get_current_task (0: HELPER_TASK_PTR) */
    uint64_t cgroup_id;        /* bpf_get_current_cgroup_id (0: 1, the root cgroup's) */
};
/* bpf_get_current_task when no event gives one: a kernel address, so that
 * bpf_probe_read_kernel of it behaves as a read of (unmapped) task memory */
#define HELPER_TASK_PTR 0xffff888000100000ull
/* Memory that bpf_probe_read_* may read during an event: `len` bytes at
 * address `addr` (user memory below 0x7ffffffff000, kernel memory from
 * 0xffff800000000000). Regions must not overlap; everything else is
 * unmapped. */
struct helper_trace_mem {
    uint64_t addr;
    const uint8_t *data;
    size_t len;
};
struct helper_trace_event {
    const void *ctx;           /* pt_regs / the tracepoint record / u64 args */
    size_t ctx_size;           /* at most helper_trace_ctx_size; the rest reads 0 */
    const struct helper_task *task; /* NULL: the environment's (helper_env_opts) */
    uint64_t now_ns;           /* bpf_ktime_get_ns; 0: the environment's stepping clock */
    const struct helper_trace_mem *mem;
    size_t n_mem;
    uint32_t cpu;
    uint64_t cookie;           /* bpf_get_attach_cookie (the attachment's BPF cookie) */
};
bool helper_prog_type_is_trace(uint32_t prog_type);
/* "kprobe", "tracepoint", "raw tracepoint", or NULL for other types. */
const char *helper_trace_type_name(uint32_t prog_type);
/* The context region's size: 168 (pt_regs), 8192, 96. */
size_t helper_trace_ctx_size(uint32_t prog_type);
/* Run a tracing program on one event (tr->repeat times; the outputs of
 * struct helper_test_run: retval, trace, insns_executed). Ring buffer and
 * perf records stay in their maps. -EINVAL for a program of another type
 * or a bad event, a fault's errno otherwise (message in err). */
int helper_trace_run(struct helper_prog *prog, const struct helper_trace_event *ev,
                     struct helper_test_run *tr, char *err, size_t errlen);
/* The offset in x86-64 struct pt_regs of a register named as the kernel
 * (di), the uapi (rdi) or bpf_tracing.h (parm1..parm6, ret/rc, fp) name
 * it, or -1. */
int helper_kprobe_reg_offset(const char *name);

/* A tracepoint's format file (tracefs syntax). */
struct helper_tp_field {
    char name[64];
    char type[64];             /* "pid_t", "unsigned char", "__data_loc char[]" */
    uint32_t offset, size;
    bool is_signed, common;    /* common: the common_* header fields */
    bool array;                /* declared NAME[N] ("char comm[16]": type "char") */
};
struct helper_tp_format {
    char name[128];            /* the name: line */
    uint32_t id;
    struct helper_tp_field *fields;
    size_t n;
    uint32_t size;             /* the record's size: the end of the last field */
};
/* -EINVAL with "line N: why" (load: "PATH: line N: why"). */
int helper_tp_format_parse(const char *text, struct helper_tp_format *fmt, char *err,
                           size_t errlen);
int helper_tp_format_load(const char *path, struct helper_tp_format *fmt, char *err,
                          size_t errlen);
/* The host's format of tracepoint "CATEGORY/NAME" from tracefs
 * (/sys/kernel/tracing or /sys/kernel/debug/tracing); -ENOENT with a
 * message saying to give a format file when there is none. */
int helper_tp_format_host(const char *tp, struct helper_tp_format *fmt, char *err, size_t errlen);
const struct helper_tp_field *helper_tp_format_field(const struct helper_tp_format *fmt,
                                                     const char *name);
void helper_tp_format_free(struct helper_tp_format *fmt);
/* Set field `name` of a record (rec: HELPER_TP_RECORD_MAX bytes) from
 * text: a number that fits the field (negative ones too); for a char[N]
 * field a string; for a __data_loc field a string stored at *dyn (start it
 * at fmt->size; it moves past the string) and the field set to
 * length << 16 | offset, as __assign_str does. `quoted`: the text is a
 * string even if it reads as a number. -ENOENT for no such field, -EINVAL
 * otherwise ("NAME: why"). */
int helper_tp_record_set(const struct helper_tp_format *fmt, const char *name, const char *value,
                         bool quoted, uint8_t *rec, size_t *dyn, char *err, size_t errlen);

/* The network bpf_fib_lookup answers from (devices, routes, neighbours):
 * given by the user, borrowed by the environment (keep it alive). */
struct helper_net_dev {
    uint32_t ifindex;
    uint8_t mac[6];
    uint32_t mtu;              /* 0 means 1500 */
    bool forwarding;           /* net.ipv{4,6}.conf.<dev>.forwarding */
};
struct helper_net_route {
    uint8_t family;            /* AF_INET or AF_INET6 */
    uint8_t prefix_len;
    uint8_t type;              /* RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT */
    uint8_t dst[16];
    uint8_t gw[16];            /* next hop; all zero: directly connected */
    uint32_t ifindex;          /* egress device */
    uint32_t metric;
    uint32_t mtu;              /* route MTU; 0: the device's */
};
struct helper_net_neigh {
    uint8_t family;
    uint8_t addr[16];
    uint32_t ifindex;
    uint8_t mac[6];
};
struct helper_net {
    const struct helper_net_dev *devs;
    uint32_t n_devs;
    const struct helper_net_route *routes; /* longest prefix wins, then lowest metric */
    uint32_t n_routes;
    const struct helper_net_neigh *neighs;
    uint32_t n_neighs;
};
void helper_env_set_net(struct helper_env *env, const struct helper_net *net);
/* The device `ifindex` of env->net, or NULL (also when there is no table). */
const struct helper_net_dev *helper_net_dev(const struct helper_env *env, uint32_t ifindex);


/* Names of return values: "XDP_PASS", "TC_ACT_SHOT", ...; NULL if none. */
const char *helper_action_name(uint32_t prog_type, uint32_t retval);

/* --------------------------------------------------------- socket world
 * Emulated TCP sockets driven by scripted events, for sock_ops, sk_msg and
 * sk_skb programs (helpers/sock_world.c, sock_msg.c; docs/sockets.md). A
 * sock_ops program runs on every socket's callbacks (a cgroup attachment
 * covering every socket); an sk_msg verdict on sendmsg of sockets in the
 * map it is attached to; sk_skb parser/verdict on bytes arriving at sockets
 * in theirs. Bytes end in receive queues: TCP to the peer, or where the
 * verdicts redirect them. Event calls return 0, or a negative errno for a
 * bad event (unknown socket, name taken, send on a closed socket...) or a
 * program fault, with one line in err; outcomes the kernel reports to the
 * application (-EACCES from a dropped send, -ECONNREFUSED) are the
 * report's `result`, not errors. */
struct helper_sock_world;

struct helper_sock_addr {
    uint16_t family;           /* AF_INET or AF_INET6 */
    uint8_t addr[16];          /* network order; IPv4 in the first 4 bytes */
    uint16_t port;             /* host order */
};

enum helper_sock_attach {
    HELPER_SOCK_SOCKOPS,       /* cgroup sock_ops: no map */
    HELPER_SOCK_MSG_VERDICT,   /* BPF_SK_MSG_VERDICT on a sockmap/sockhash */
    HELPER_SOCK_SKB_VERDICT,   /* BPF_SK_SKB_STREAM_VERDICT / BPF_SK_SKB_VERDICT */
    HELPER_SOCK_SKB_PARSER,    /* BPF_SK_SKB_STREAM_PARSER */
};

/* One program run of an event. */
struct helper_sock_prog_run {
    const char *prog;
    const char *attach;        /* "sockops", "sk_msg", "sk_skb/stream_parser", ... */
    const char *socket;        /* the socket it ran for */
    int32_t op;                /* sock_ops: BPF_SOCK_OPS_*; -1 otherwise */
    uint32_t retval;
    uint32_t reply;            /* sock_ops: bpf_sock_ops.reply after the run */
    const char *result;        /* "SK_PASS", "redirect to envoy (ingress)", ... or NULL */
};
/* Where bytes went. to NULL: nowhere (dropped, corked, parser waiting). */
struct helper_sock_delivery {
    const char *from, *to;
    const char *how;           /* "tcp", "sk_msg redirect ingress", "sk_msg drop", ... */
    uint32_t len;
};
struct helper_sock_event_report {
    struct helper_sock_prog_run *runs;
    size_t n_runs;
    struct helper_sock_delivery *deliveries;
    size_t n_deliveries;
    long result;               /* send: sendmsg's return (bytes or -errno); connect:
                                  0 or -ECONNREFUSED; map update: 0 or -errno */
    const char *trace;         /* bpf_trace_printk lines of the event ("" if none) */
};

int helper_sock_world_create(struct helper_env *env, struct helper_sock_world **out, char *err,
                             size_t errlen);
void helper_sock_world_destroy(struct helper_sock_world *w);
/* Attach a program of the matching type (map: a sockmap or sockhash for
 * the msg/skb kinds, NULL for sock_ops). -EINVAL when the type or map
 * does not fit, -EEXIST when that slot is taken. */
int helper_sock_attach(struct helper_sock_world *w, enum helper_sock_attach kind,
                       struct helper_prog *prog, struct maps_map *map, char *err, size_t errlen);
int helper_sock_listen(struct helper_sock_world *w, const char *name,
                       const struct helper_sock_addr *addr, char *err, size_t errlen);
/* from: NULL for 127.0.0.1 (::1) and an ephemeral port; accept: the name of
 * the listener's new socket (NULL: "LISTENER.N"). */
int helper_sock_connect(struct helper_sock_world *w, const char *name,
                        const struct helper_sock_addr *from, const struct helper_sock_addr *to,
                        const char *accept, char *err, size_t errlen);
int helper_sock_send(struct helper_sock_world *w, const char *name, const void *data, size_t len,
                     char *err, size_t errlen);
int helper_sock_close(struct helper_sock_world *w, const char *name, char *err, size_t errlen);
/* recv: the application reads what has arrived (the result is how many
 * bytes); unread bytes make close() reset the connection. */
int helper_sock_recv(struct helper_sock_world *w, const char *name, char *err, size_t errlen);
/* bpf(BPF_MAP_UPDATE_ELEM) from user space with the socket's fd. */
int helper_sock_map_update(struct helper_sock_world *w, struct maps_map *m, const void *key,
                           const char *name, uint64_t flags, char *err, size_t errlen);
/* The last event's report (valid until the next event). */
const struct helper_sock_event_report *helper_sock_report(const struct helper_sock_world *w);
/* Every byte that arrived at a socket (read or not), its cookie and state
 * (BPF_TCP_*); -ENOENT. */
int helper_sock_received(const struct helper_sock_world *w, const char *name,
                         const uint8_t **data, size_t *len);
int helper_sock_info(const struct helper_sock_world *w, const char *name, uint64_t *cookie,
                     uint32_t *state);
size_t helper_sock_count(const struct helper_sock_world *w);
const char *helper_sock_name(const struct helper_sock_world *w, size_t i);
/* "ACTIVE_ESTABLISHED_CB" for BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB; NULL. */
const char *helper_sock_op_name(uint32_t op);

/* ------------------------------------------------------------- sessions */

/* A per-packet session: one program run on packet after packet with no
 * per-packet set-up beyond copying the bytes in (offline replay, packet
 * generators). It owns a vm_run whose regions (ctx, map pools) are set up
 * once, and a packet buffer with the kernel's headroom; each run resets the
 * packet pointers and the context, as BPF_PROG_TEST_RUN without ctx_in
 * would build them, and runs the program. Map state is the environment's
 * (shared by every session of it: maps are thread-safe); one session
 * belongs to one thread at a time ("one emulated CPU"). XDP and the skb
 * program types of helper_test_run (tc SCHED_CLS/SCHED_ACT, socket
 * filters, cgroup_skb, LWT), with their input rules: an XDP packet needs
 * 14 bytes, bytes past the 3520-byte linear part go to frags; an skb packet
 * takes 14 to 3712 bytes and an IPv4/IPv6 frame must hold its IP header.
 *
 * Ring buffer and perf event array records: after every run the session
 * consumes what the program submitted (as a live user-space consumer
 * would), so rings never fill up; with opts.events it keeps them in the
 * result first (this overrides the environment's ringbuf/perf helpers with
 * wrappers that call the originals). */
struct helper_session;

struct helper_session_opts {
    bool events;               /* keep each run's ringbuf/perf records in the result */
    bool count_helpers;        /* count helper calls by id (helper_session_helper_counts) */
    bool packet_socket;        /* socket filters: helper_test_run.packet_socket's delivery */
    /* skb programs: skb->sk's fields over the test run's socket, for every
     * packet (copied), or NULL */
    const struct helper_socket *socket;
};

/* Per-packet inputs. */
struct helper_pkt_meta {
    uint64_t now_ns;           /* bpf_ktime_get_ns of this run; 0: the env's stepping clock */
    uint32_t ingress_ifindex;  /* xdp_md.ingress_ifindex, skb->ifindex and
                                  skb->ingress_ifindex; 0: loopback (1), and
                                  ingress_ifindex 0 for skbs, as a test run */
    uint32_t rx_queue;         /* xdp_md.rx_queue_index, skb->queue_mapping */
    uint32_t cpu;              /* emulated CPU: per-CPU maps, get_smp_processor_id */
};

/* A ring buffer or perf event array record submitted during a run. */
struct helper_event {
    const char *map;           /* the map's name */
    bool perf;                 /* perf event array (index in perf_index) */
    uint32_t perf_index;
    const uint8_t *data;
    uint32_t len;
};

/* What a run did. Pointers stay valid until the next run of the session. */
struct helper_pkt_result {
    int rc;                    /* 0 ran; -EINVAL (or -E2BIG, -ENODEV) the input was refused
                                  as BPF_PROG_TEST_RUN refuses it; another -errno: the
                                  program faulted (checked mode) */
    bool ran;                  /* false: the input was refused before the program ran */
    const char *errmsg;        /* with rc != 0: one line */
    uint32_t retval;
    const uint8_t *data_out;   /* XDP: from data_meta, frags appended; skb: as test runs */
    size_t data_len;
    uint32_t redirect_ifindex; /* with XDP_REDIRECT / TC_ACT_REDIRECT: the target, */
    uint32_t redirect_map_type;/* 0 for bpf_redirect(ifindex); else the map's type: a
                                  DEVMAP(_HASH) target is the ifindex its slot holds,
                                  CPUMAP/XSKMAP the slot (CPU, queue) */
    uint64_t redirect_flags;
    uint64_t insns;            /* instructions executed */
    const char *trace;         /* bpf_trace_printk lines of this run ("" if none) */
    size_t trace_len;
    const struct helper_event *events; /* with opts.events */
    size_t n_events;
    uint32_t mark, priority;   /* skb programs: skb->mark, skb->priority after the run */
};

int helper_session_create(struct helper_prog *prog, const struct helper_session_opts *opts,
                          struct helper_session **out, char *err, size_t errlen);
void helper_session_destroy(struct helper_session *s);
/* Run the program once on `len` bytes. Returns res->rc. */
int helper_session_run(struct helper_session *s, const void *data, size_t len,
                       const struct helper_pkt_meta *meta, struct helper_pkt_result *res);
/* Helper calls so far by id (VM_MAX_HELPER_ID entries), with count_helpers. */
const uint64_t *helper_session_helper_counts(const struct helper_session *s);

/* ------------------------------------------------------- test support ----
 * What tests need (the C test API, include/bpfemu_test.h, and `bpfemu
 * test`): values written as text, packets built from header fields and
 * read back, typed map keys and values, coverage. */

/* helpers/textval.c: integers (decimal, 0x hex, 0b binary, '_' allowed),
 * MAC, IPv4 and IPv6 addresses, hex bytes ("0a 00 00 01", "0x0a000001",
 * "0a:00"); helper_parse_hex mallocs *out (-EINVAL on a bad digit). */
bool helper_parse_u64(const char *s, uint64_t *out);
bool helper_parse_i64(const char *s, int64_t *out);
/* Either: an unsigned number, or a negative one as its two's complement. */
bool helper_parse_int(const char *s, uint64_t *out);
bool helper_parse_mac(const char *s, uint8_t mac[6]);
bool helper_parse_ip4(const char *s, uint8_t ip[4]);
bool helper_parse_ip6(const char *s, uint8_t ip[16]);
int helper_parse_hex(const char *s, uint8_t **out, size_t *len);
void helper_fmt_ip4(const uint8_t ip[4], char *buf, size_t len);
void helper_fmt_ip6(const uint8_t ip[16], char *buf, size_t len);
void helper_fmt_mac(const uint8_t mac[6], char *buf, size_t len);

/* A growable string (zero-initialise; helper_sb_str is "" when empty or
 * after an allocation failure). */
struct helper_sb {
    char *buf;
    size_t len, cap;
    bool failed;
};
void helper_sb_printf(struct helper_sb *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void helper_sb_putn(struct helper_sb *sb, const char *s, size_t n);
const char *helper_sb_str(const struct helper_sb *sb);
void helper_sb_free(struct helper_sb *sb);

/* Packets from header fields (helpers/pktgen.c, pkt_fields.c): layers eth,
 * vlan, arp, ipv4, ipv6, tcp, udp, icmp, icmpv6, payload and truncate, each
 * with fields as text; as a string:
 *   "eth(src=02:00:00:00:00:01) / vlan(100) / ipv4(src=203.0.113.7, ttl=3)
 *    / tcp(dport=80, flags=SYN|ACK) / payload(\"GET /\")"
 * A field without a name sets the layer's main one (vlan: vid, payload:
 * text, truncate: len). EtherTypes, protocol numbers, lengths and
 * checksums follow the packet unless given. `line` (0: none) is where a
 * layer or field was written, for messages ("line N: ipv4.src: ..."). */
struct helper_pktspec_field {
    char *name;                /* NULL: the layer's main field */
    char *value;
    unsigned line;
};
struct helper_pktspec_layer {
    char *kind;
    struct helper_pktspec_field *f;
    size_t n;
    unsigned line;
};
struct helper_pktspec {
    struct helper_pktspec_layer *l;
    size_t n;
};
int helper_pktspec_parse(const char *text, struct helper_pktspec *s, char *err, size_t errlen);
int helper_pktspec_add_layer(struct helper_pktspec *s, const char *kind, unsigned line);
int helper_pktspec_add_field(struct helper_pktspec *s, const char *name, const char *value,
                             unsigned line);
void helper_pktspec_free(struct helper_pktspec *s);
/* Build (malloc'd *pkt). -EINVAL with "[line N: ]layer.field: why". */
int helper_pkt_build(const struct helper_pktspec *s, uint8_t **pkt, size_t *len, char *err,
                     size_t errlen);
int helper_pkt_build_text(const char *text, uint8_t **pkt, size_t *len, char *err, size_t errlen);
/* Does the packet have the spec's layers (in order, others may come
 * between) with the fields the spec gives? 0 yes, 1 no (one line per
 * difference appended to diff: "ipv4.ttl: expected 64, got 63"), or a
 * negative errno for a bad spec (message in err). A checksum field may be
 * given as "valid" or "invalid". */
int helper_pkt_match(const struct helper_pktspec *s, const uint8_t *pkt, size_t len,
                     struct helper_sb *diff, char *err, size_t errlen);
/* The decoded headers, one layer a line, each line starting with indent. */
void helper_pkt_describe(const uint8_t *pkt, size_t len, const char *indent, struct helper_sb *sb);
/* Two packets compared: a hex dump of the rows that differ (expected and
 * got, differing bytes marked), then the header fields that differ. */
void helper_pkt_diff(const uint8_t *exp, size_t elen, const uint8_t *got, size_t glen,
                     struct helper_sb *sb);

/* Map keys and values as text, typed by the object's BTF (helpers/typed.c).
 * A value is a list of fields: a path ("hits", "addr.s6_addr[3]", a
 * global-data section's variable) with its value, or the empty path for
 * the whole value. Integers (decimal, 0x, negative), enum names, true /
 * false, an IPv4 address in a 32-bit field (network order), strings for
 * char arrays; whole structs or values without BTF as an integer (little-
 * endian), an address of their size or hex bytes ("01 00 00 00"); fields
 * typed __be16/__be32/__be64 are big-endian. LPM trie keys also take CIDR
 * text ("203.0.113.0/24"). As text (the C API): "rule_id=7, flags=1" or
 * one whole value. */
struct helper_tfield {
    char *path;                /* "" for the whole value */
    char *value;
    unsigned line;             /* for messages, 0: none */
};
struct helper_tfields {
    struct helper_tfield *f;
    size_t n;
};
struct helper_tdesc {
    const struct vm_object *obj;
    uint32_t type_id;          /* 0: no BTF */
    uint32_t size;
    bool is_key, lpm_key;
};
int helper_tfields_parse(const char *text, struct helper_tfields *fs, char *err, size_t errlen);
int helper_tfields_add(struct helper_tfields *fs, const char *path, const char *value,
                       unsigned line);
void helper_tfields_free(struct helper_tfields *fs);
/* Write the fields into out (td->size bytes; bytes no field names are left
 * as they are). -EINVAL with "[line N: ]path: why". */
int helper_typed_encode(const struct helper_tdesc *td, const struct helper_tfields *fs,
                        uint8_t *out, char *err, size_t errlen);
/* Do the fields hold in `got`? 0 yes, 1 no (one line per differing leaf
 * appended to diff: "WHAT.hits: expected 2, got 1"), or a negative errno. */
int helper_typed_match(const struct helper_tdesc *td, const struct helper_tfields *fs,
                       const uint8_t *got, const char *what, struct helper_sb *diff, char *err,
                       size_t errlen);
/* An integer field (path "" or NULL: the whole value, at most 8 bytes). */
int helper_typed_get_u64(const struct helper_tdesc *td, const char *path, const uint8_t *v,
                         uint64_t *out, char *err, size_t errlen);
/* A whole key or value for messages: "{rule_id: 7, flags: 0, hits: 1}". */
void helper_typed_format(const struct helper_tdesc *td, const uint8_t *v, struct helper_sb *sb);

/* Coverage (helpers/coverage.c): per object and program, the counts of
 * vm_coverage_* mapped to source lines by BTF line info, accumulated over
 * environments (helper_env_coverage_enable before the runs, then
 * helper_cov_add_env; obj_path names the object and helps find relative
 * source paths). Output: an lcov tracefile (TN/SF/FN/FNDA/FNF/FNH/BRDA/
 * BRF/BRH/DA/LF/LH), or the sources annotated gcov-style ("#####" for
 * lines that never ran). A line's count is the largest count among its
 * instructions, summed over programs. */
struct helper_cov;
struct helper_cov_totals {
    size_t lines, lines_hit, branches, branches_hit, functions, functions_hit;
};
struct helper_cov *helper_cov_new(void);
void helper_cov_free(struct helper_cov *c);
int helper_cov_add_env(struct helper_cov *c, const char *obj_path, struct helper_env *env,
                       char *err, size_t errlen);
int helper_cov_write_lcov(const struct helper_cov *c, FILE *f, const char *test_name);
int helper_cov_print(const struct helper_cov *c, FILE *out);
void helper_cov_totals(const struct helper_cov *c, struct helper_cov_totals *t);
/* The count of `line` of `file` (as BTF names it, or its base name);
 * -ENOENT when no instruction maps to it. */
int helper_cov_line(const struct helper_cov *c, const char *file, uint32_t line, uint64_t *count);

/* The BTF id of struct `name` ("kill_event" or "struct kill_event") in the
 * object, or 0: ring buffer and perf records are typed by name. */
uint32_t helper_btf_struct_id(const struct vm_object *obj, const char *name);

/* The YAML test runner's way into a bpfemu_test (include/bpfemu_test.h,
 * helpers/testkit.c): the text calls, with fields already split. Return
 * values as bpfemu_test_*; messages in bpfemu_test_error. */
struct bpfemu_test;
int helper_tk_map_set(struct bpfemu_test *t, const char *map, const struct helper_tfields *key,
                      const struct helper_tfields *value);
/* 0 holds, 1 differs or absent (lines appended to diff), < 0 error. */
int helper_tk_map_expect(struct bpfemu_test *t, const char *map, const struct helper_tfields *key,
                         const struct helper_tfields *value, struct helper_sb *diff);
/* 1 present (its value formatted into found), 0 absent, < 0 error. */
int helper_tk_map_has(struct bpfemu_test *t, const char *map, const struct helper_tfields *key,
                      struct helper_sb *found);
int helper_tk_key_format(struct bpfemu_test *t, const char *map, const struct helper_tfields *key,
                         struct helper_sb *sb);
int helper_tk_ctx(struct bpfemu_test *t, const struct helper_tfields *fs);
/* skb->sk's fields for the next runs (NULL or none: the test run's dummy
 * socket); keys as helper_socket_parse. */
int helper_tk_socket(struct bpfemu_test *t, const struct helper_tfields *fs);
/* Tracing programs: the runs that follow run on this event (borrowed: it
 * must stay alive while it is set) instead of a packet; NULL: packets. */
int helper_tk_event(struct bpfemu_test *t, const struct helper_trace_event *ev);
/* The program under test (its type and section: helper_prog_info). */
struct helper_prog *helper_tk_prog(struct bpfemu_test *t);
/* A record of map `map` (ring buffer, queue, stack...) against fields, typed
 * by the map's value type when the sizes agree: as helper_typed_match. */
int helper_tk_record_match(struct bpfemu_test *t, const char *map, const struct helper_tfields *fs,
                           const uint8_t *rec, size_t len, const char *what,
                           struct helper_sb *diff);
/* The same, typed by the object's BTF struct `type` ("kill_event" or
 * "struct kill_event"; NULL: as helper_tk_record_match), whose size must be
 * the record's (perf records may carry up to 7 bytes of padding after it). */
int helper_tk_record_match_type(struct bpfemu_test *t, const char *map, const char *type,
                                const struct helper_tfields *fs, const uint8_t *rec, size_t len,
                                const char *what, struct helper_sb *diff);
/* 0 the output packet matches, 1 it does not (lines appended to diff). */
int helper_tk_packet_expect(struct bpfemu_test *t, const struct helper_pktspec *s,
                            struct helper_sb *diff);
/* The test's environment (its maps and programs), for socket tests. */
struct helper_env *helper_tk_env(struct bpfemu_test *t);

#endif

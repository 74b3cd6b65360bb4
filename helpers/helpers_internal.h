/* helpers/helpers_internal.h - shared by the files of helpers/: the
 * environment, the per-run call context helpers reach through run->user,
 * and the packet state of XDP and skb programs. Not for other directories. */
#ifndef BPFEMU_HELPERS_INTERNAL_H
#define BPFEMU_HELPERS_INTERNAL_H

#include "helpers/helpers.h"

#include <pthread.h>

#define HELPER_XDP_HEADROOM   256u  /* XDP_PACKET_HEADROOM */
#define HELPER_XDP_FRAME_SIZE 40u   /* sizeof(struct xdp_frame) on x86-64 */
#define HELPER_PAGE_SIZE      4096u
#define HELPER_SHINFO_SIZE    320u  /* SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) */
#define HELPER_ETH_HLEN       14u
#define HELPER_XDP_META_MAX   252u  /* aligned to 4, at most 255 */

struct helper_prog {
    struct helper_env *env;
    const struct vm_obj_prog *info;
    uint32_t prog_type;        /* info's, or inferred for untyped sections */
    struct vm *vm;
    struct vm_prog *code;      /* relocated instructions */
    struct helper_verdict verdict; /* helper_env_verify's (verdict.verified) */
};

struct helper_net;

/* eth_type_trans's pkt_type and protocol for an skb test run, for a device
 * with address `mac` and broadcast address `bcast` (loopback's is all
 * zero, not ff:..:ff) (helpers/test_run_skb.c). */
struct helper_skb;
void helper_eth_type_trans(struct helper_skb *s, const uint8_t *eth, size_t len,
                           const uint8_t *mac, const uint8_t *bcast);

/* The subsystem's error idiom: fill err (printf-style, when given) and
 * return rc (helpers/errmsg.c). */
int helper_err(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Read a whole file (at most 256 MiB) into a malloc'd buffer: 0, or a
 * negative errno with "PATH: why" in err (helpers/file_read.c). */
int helper_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);

struct helper_env {
    const struct vm_object *obj;
    const struct helper_net *net; /* bpf_fib_lookup's devices and routes, or NULL */
    struct helper_env_opts opts;
    struct maps_map **maps;    /* by map def index (NULL for inner templates) */
    struct vm_region *map_regions;
    uint32_t n_map_regions;
    struct helper_prog *progs;
    uint32_t n_progs;
    struct maps_attr *attrs;   /* per map def, inner templates included */
    vm_helper_fn overrides[VM_MAX_HELPER_ID];
    void *override_user;
    bool record;               /* helper_env_record_calls */
    struct helper_call_record *calls;
    size_t n_calls, cap_calls;
    pthread_mutex_t lock;      /* the PRNG across threads */
    uint64_t runs;             /* runs so far (atomic): run i sees clock_ns + i * step */
    uint64_t prng;
};

/* Packet state shared by XDP and skb contexts. buf holds headroom, the
 * packet and tailroom; the program sees [data_meta or data, data_end). */
struct helper_pkt {
    uint8_t *buf;
    size_t buf_len;
    uint8_t *hard_start;       /* == buf */
    uint8_t *data_meta;
    uint8_t *data;
    uint8_t *data_end;
    uint8_t *hard_end;         /* growth limit */
};

/* The skb fields a tc/socket program can see (struct __sk_buff). */
struct helper_skb {
    uint32_t len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci,
        vlan_proto, priority, ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid,
        napi_id, family, remote_ip4, local_ip4, remote_ip6[4], local_ip6[4], remote_port,
        local_port, wire_len, gso_segs, gso_size, tstamp_type;
    uint64_t tstamp, hwtstamp;
    uint32_t mac_header_len;   /* socket filters see data from L3 */
    bool hash_valid;
    /* sk_buff state behind the skb helpers (helpers/helper_skb.c) */
    uint32_t mac_header;       /* offsets from pkt.hard_start, as the kernel's */
    uint32_t network_header;
    uint32_t transport_header; /* HELPER_SKB_UNSET until set */
    uint32_t mac_len;
    uint32_t gso_type;         /* SKB_GSO_* bits (gso_size != 0: a GSO skb) */
    uint32_t csum;             /* CHECKSUM_COMPLETE sum */
    uint8_t ip_summed;         /* CHECKSUM_NONE/UNNECESSARY/COMPLETE/PARTIAL */
    uint8_t csum_level;
    bool l4_hash;              /* with hash_valid (sw_hash): the hash covers ports */
    bool encapsulation;        /* bpf_skb_adjust_room added an encapsulation */
    bool data_ptrs;            /* data_end/data_meta computed (else they read 0) */
};
#define HELPER_SKB_UNSET 0xffffffffu

struct helper_xdp_md_state {
    uint32_t ingress_ifindex, rx_queue_index, egress_ifindex;
};

/* What a run's helpers reach through run->user. */
struct helper_call_ctx {
    struct helper_env *env;
    struct helper_prog *prog;
    uint32_t prog_type;
    uint32_t cpu;
    uint64_t now_ns;           /* this run's clock */
    struct helper_pkt pkt;
    int pkt_region;            /* index in run->regions, -1 if none */
    struct helper_xdp_md_state xdp;
    struct helper_skb skb;
    uint8_t ctx_mem[256];      /* what r1 points at (answered by the accessor) */
    /* skb->sk: struct bpf_sock as the program reads it (a read-only
     * region), with what the socket helpers need beyond it */
    struct bpf_sock sk_view;
    struct bpf_tcp_sock tcp_view; /* bpf_tcp_sock's, for a TCP stream socket */
    bool sk_present;
    uint32_t sk_uid;
    uint64_t sk_cookie;
    /* skb runs fill the above on first use (helper_sock_ready): the socket
     * the caller gave, else the test run's; most programs never ask */
    bool sk_pending;
    const struct helper_socket *sk_given;
    uint8_t cb_key[512];       /* for_each_map_elem's key (a read-only region) */
    /* redirect target chosen by bpf_redirect / bpf_redirect_map */
    uint32_t redirect_ifindex;
    uint64_t redirect_flags;
    /* trace_printk output */
    char *trace;
    size_t trace_len, trace_cap;
    /* ringbuf records reserved and not yet submitted (for checked regions) */
    /* tracing events (helpers/trace_run.c): the task, else the env's, and
     * the memory probe reads see */
    const struct helper_task *task;
    const struct helper_trace_mem *mem;
    size_t n_mem;
    uint64_t cookie;
    const uint8_t *trace_ctx;  /* the event's context: kernel memory to probe reads */
    size_t trace_ctx_len;
};

static inline struct helper_call_ctx *helper_cc(struct vm_run *run)
{
    return (struct helper_call_ctx *)run->user;
}

/* vm_run.on_call hook that appends to env->calls (under env->lock). */
void helper_record_call(struct vm_run *run, uint32_t id, const uint64_t args[5], uint64_t ret);

/* Make run->regions[pkt_region] follow the packet after head/tail moves. */
void helper_pkt_sync_region(struct vm_run *run);

/* A map argument: the pointer the program passed must be one of the
 * environment's maps (checked mode); NULL after a fault. */
struct maps_map *helper_arg_map(struct vm_run *run, uint64_t ptr);
/* A memory argument: fault unless [ptr, ptr+len) is accessible. */
bool helper_arg_mem(struct vm_run *run, uint64_t ptr, uint64_t len, bool write, const char *what);

/* Clock and PRNG (deterministic unless set). */
uint64_t helper_env_next_prandom(struct helper_env *env);

/* Append to the run's trace_printk buffer. */
void helper_trace_append(struct helper_call_ctx *cc, const char *s, size_t n);

/* Context accessors (vm_ctx_access_fn) per program type. */
int helper_ctx_xdp_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                          unsigned size, bool write, uint64_t *value, const char **why);
int helper_ctx_skb_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                          unsigned size, bool write, uint64_t *value, const char **why);
/* The fields whose value is a host variable (vm_ctx_direct_fn, for the JIT). */
bool helper_ctx_xdp_direct(struct vm_run *run, const struct vm_region *r, uint32_t off,
                           unsigned size, const void **ptr, unsigned *width);
bool helper_ctx_skb_direct(struct vm_run *run, const struct vm_region *r, uint32_t off,
                           unsigned size, const void **ptr, unsigned *width);
/* The same fields for trusted code (vm_set_ctx_layout): at most 8 entries. */
unsigned helper_ctx_xdp_layout(struct vm_ctx_field *out);
unsigned helper_ctx_skb_layout(struct vm_ctx_field *out);
/* How far past a tracepoint record ctx + a __data_loc offset reaches: the
 * run maps that much after the record, so nothing else lives there. */
#define HELPER_TRACE_DATA_LOC_REACH 0x10000u
/* kprobe / tracepoint / raw tracepoint contexts (helpers/ctx_trace.c) */
int helper_ctx_trace_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                            unsigned size, bool write, uint64_t *value, const char **why);
bool helper_ctx_trace_direct(struct vm_run *run, const struct vm_region *r, uint32_t off,
                             unsigned size, const void **ptr, unsigned *width);
/* BPF_PROG_TEST_RUN of raw tracepoints (helpers/trace_run.c). */
int helper_test_run_raw_tp(struct helper_prog *prog, struct helper_test_run *tr, char *err,
                           size_t errlen);
static inline vm_ctx_direct_fn helper_ctx_direct_for(vm_ctx_access_fn access)
{
    return access == helper_ctx_xdp_access   ? helper_ctx_xdp_direct
           : access == helper_ctx_skb_access ? helper_ctx_skb_direct
                                             : NULL;
}

/* skb->sk for a run (helpers/sock_skb.c): fill cc's socket view from
 * `sock`, and cgroup_skb's family .. local_port with it; register the view
 * as a read-only region of `run` (after vm_run_init). */
void helper_sock_set(struct helper_call_ctx *cc, const struct helper_socket *sock);
/* bpf_get_socket_cookie of a socket-world run (helpers/helper_sock.c): the
 * cookie of the socket it runs for; faults unless ctx is the context. */
uint64_t helper_sock_event_cookie(struct vm_run *run, uint64_t ctx);
/* The same with `given` (borrowed: it must live through the run), or the
 * test run's dummy socket built from the family and addresses cc->skb
 * holds when given is NULL; done by helper_sock_ready, on the first use. */
void helper_sock_for_skb(struct helper_call_ctx *cc, const struct helper_socket *given);
void helper_sock_fill(struct helper_call_ctx *cc);
static inline void helper_sock_ready(struct helper_call_ctx *cc)
{
    if (cc->sk_pending)
        helper_sock_fill(cc);
}
int helper_sock_add_region(struct helper_call_ctx *cc, struct vm_run *run);

/* ld_abs / ld_ind of socket filters and tc programs (vm_ld_pkt_fn,
 * helpers/skb_ld_abs.c). */
int64_t helper_skb_ld_pkt(struct vm_run *run, uint64_t ctx, int32_t off, unsigned size);

/* The skb family's prototypes (helpers/helper_table_skb.c), or NULL. */
const struct helper_proto *helper_proto_skb(int32_t id);
/* BPF_PROG_TEST_RUN for skb program types (helpers/test_run_skb.c). */
int helper_test_run_skb(struct helper_prog *prog, struct helper_test_run *tr, char *err,
                        size_t errlen);
/* Shared by the test-run files: set up regions, run `repeat` times. */
int helper_run_loop(struct helper_prog *prog, struct helper_call_ctx *cc, struct vm_run *run,
                    struct helper_test_run *tr, vm_ctx_access_fn accessor, size_t ctx_size,
                    char *err, size_t errlen);

/* The emulated network namespace bpf_fib_lookup answers from (and the
 * devices an skb test run may name in __sk_buff.ifindex). Addresses are in
 * network byte order. Without one (env->net == NULL) every well-formed
 * lookup returns BPF_FIB_LKUP_RET_NOT_FWDED and any ifindex is accepted as
 * a device with an all-zero MAC address (as loopback has). The table is
 * borrowed: it must outlive the environment. (helpers/helper_skb.c) */
/* Internet checksum pieces (helpers/helper_csum.c). */
uint32_t helper_csum_partial(const uint8_t *p, size_t len, uint32_t sum);
uint16_t helper_csum_fold(uint32_t sum);

#endif

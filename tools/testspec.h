/* tools/testspec.h - the test files of `bpfemu test` (YAML), checked and
 * turned into cases. What depends on the object (map keys and values,
 * action names) keeps its YAML node and is converted when the case runs;
 * everything else is checked here, with "line N: ..." errors.
 *
 *   object: ../build/xdp_firewall.o     # relative to the test file
 *   program: xdp_firewall_prog          # function or section (default: the only one)
 *   maps: {...}                         # initial contents for every test
 *   mocks: {...}                        # helper mocks for every test
 *   tests:
 *     - name: blocked source is dropped
 *       maps: {blocklist_v4: {"203.0.113.0/24": {rule_id: 7}}}
 *       packet: [eth: {}, ipv4: {src: 203.0.113.9}, tcp: {dport: 80}]
 *       expect: {action: XDP_DROP, maps: {blocklist_v4: {"203.0.113.0/24": {hits: 1}}}}
 *
 * A test with `sockets:` (and `attach:` in it or at the top) runs scripted
 * socket events instead of packets: tools/testspec_sock.h.
 *
 * docs in tools/cmd_test.c's --help and README.md. */
#ifndef BPFEMU_TOOLS_TESTSPEC_H
#define BPFEMU_TOOLS_TESTSPEC_H

#include "helpers/helpers.h"
#include "tools/yaml.h"

struct ts_sock;

/* A map's entries, to set or to expect. */
struct ts_entry {
    const struct ynode *key;   /* NULL: key_str */
    const char *key_str;       /* "0" (global data), or NULL with key NULL (queue/stack) */
    const struct ynode *value; /* the value (or fields of it), or NULL */
    const struct ynode *values;/* per-CPU values, one per CPU, or NULL */
    bool absent;               /* expected: no such key */
    unsigned line;
};

struct ts_map {
    char *name;
    unsigned line;
    struct ts_entry *e;
    size_t n;
    const struct ynode *records; /* records expected (ring buffer, perf, queue, stack:
                                  hex or fields), or NULL */
    long count;                /* records expected, -1: not checked */
    char *record_type;         /* type: the records' BTF struct (ring buffers and perf
                                  arrays have no value type), or NULL */
};

enum ts_mock_kind { TS_MOCK_VALUES, TS_MOCK_OUT, TS_MOCK_FIB };

struct ts_mock {
    char *helper;
    unsigned line;
    enum ts_mock_kind kind;
    uint64_t *vals;
    size_t n;
    uint64_t ret;
    unsigned arg;
    uint8_t *bytes;
    size_t len;
    char *fib;                 /* "ifindex=3, smac=..." */
};

struct ts_call {
    char *helper;
    unsigned line;
    long count, min, max;      /* -1: not checked */
    const struct ynode *args;  /* list: some call had these r1.. (null: any) */
};

struct ts_trace {
    char *text;
    unsigned line;
};

enum ts_packet_kind { TS_PKT_NONE, TS_PKT_BYTES, TS_PKT_FIELDS, TS_PKT_UNCHANGED };

struct ts_packet {
    enum ts_packet_kind kind;
    uint8_t *bytes;            /* TS_PKT_BYTES (also when written as fields) */
    size_t len;
    struct helper_pktspec spec;/* TS_PKT_FIELDS (expect.packet_fields) */
    unsigned line;
};

struct ts_expect {
    bool present;
    const struct ynode *action;
    char *error;               /* the run must fail with a message containing this */
    unsigned error_line;
    struct ts_packet packet;
    long packet_len;           /* -1: not checked */
    unsigned packet_len_line;
    struct ts_map *maps;
    size_t n_maps;
    struct ts_trace *trace;    /* exact lines */
    size_t n_trace;
    bool has_trace;
    unsigned trace_line;
    struct ts_trace *contains; /* substrings of the trace */
    size_t n_contains;
    struct ts_call *calls;
    size_t n_calls;
    struct helper_tfields ctx; /* ctx fields after the run */
    unsigned line;
};

/* A synthetic event for a tracing program (tools/testspec_event.c). */
struct ts_event_kv {
    char *name, *value;
    unsigned line;
    bool quoted;
};
struct ts_event_mem {
    uint64_t addr;
    uint8_t *bytes;
    size_t len;
    unsigned line;
};
struct ts_event {
    unsigned line;
    bool has_task;
    struct helper_task task;
    struct ts_event_kv *fields;  /* tracepoint fields by name */
    size_t n_fields;
    unsigned fields_line;
    struct ts_event_kv *regs;    /* kprobe registers by name */
    size_t n_regs;
    unsigned regs_line;
    uint64_t args[HELPER_RAW_TP_ARGS]; /* raw tracepoint */
    size_t n_args;
    bool has_args;
    unsigned args_line;
    struct ts_event_mem *mem;
    size_t n_mem;
    uint64_t now_ns;             /* 0: the environment's clock */
    uint32_t cpu;
    uint64_t cookie;             /* bpf_get_attach_cookie */
};
#define TS_EVENT_MAX_MEM 64u
/* An event laid out for one program: the context bytes and the
 * helper_trace_event pointing at them (and at the ts_event's memory and
 * task, which must outlive it). */
struct ts_event_built {
    uint8_t ctx[HELPER_TP_RECORD_MAX];
    size_t ctx_size;
    struct helper_trace_mem mem[TS_EVENT_MAX_MEM];
    struct helper_trace_event ev;
};
/* Parse an `event:` mapping; -EINVAL with "line N: event...: why". */
int ts_event_parse(const struct ynode *n, struct ts_event *ev, char *err, size_t errlen);
void ts_event_free(struct ts_event *ev);
/* Lay the event out for a program of type prog_type in section `section`
 * (a tracepoint's fields by its format: the file tp_format, else the
 * host's tracefs format of the section's tracepoint). -EINVAL with
 * "line N: ..." naming the field, register or missing format. */
int ts_event_build(const struct ts_event *ev, uint32_t prog_type, const char *section,
                   const char *tp_format, struct ts_event_built *b, char *err, size_t errlen);

struct ts_step {
    char *name;                /* or NULL */
    struct ts_packet packet;   /* TS_PKT_NONE: the previous step's */
    struct ts_event *event;    /* or NULL: tracing programs run on events, not packets */
    struct helper_tfields ctx; /* with has_ctx; else the previous step's */
    bool has_ctx;
    struct helper_tfields socket; /* with has_socket; else the previous step's */
    bool has_socket;
    uint32_t repeat;
    struct ts_expect expect;
    unsigned line;
};

struct ts_case {
    char *name;
    unsigned line;
    char *object, *program;
    uint32_t ncpus, cpu;
    struct ts_map *maps;       /* after the file's */
    size_t n_maps;
    struct ts_mock *mocks;     /* after the file's: the case's win */
    size_t n_mocks;
    struct ts_step *steps;
    size_t n_steps;
    char *skip;                /* reason to skip, or NULL */
    char *tp_format;           /* tracepoint_format: (the case's, else the file's), or NULL */
    struct ts_sock *sock;      /* a socket test (sockets: and attach:,
                                  tools/testspec_sock.h), or NULL */
};

struct ts_file {
    char *path;
    char *suite;               /* the file's name without directories and .yaml */
    struct ynode *root;
    struct ts_map *maps;
    size_t n_maps;
    struct ts_mock *mocks;
    size_t n_mocks;
    struct ts_case *cases;
    size_t n_cases;
    const struct ynode *sock_attach; /* attach: of socket tests, or NULL */
};

/* Load and check a test file; -EINVAL with "line N: what" in err. */
int ts_load(const char *path, struct ts_file *f, char *err, size_t errlen);
/* "line N: " and the message into err; returns -EINVAL (the parsers' errors). */
int ts_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ts_free(struct ts_file *f);
/* A YAML value as typed fields: a scalar is the whole value, a mapping
 * gives fields by path (nested mappings "a.b", lists "a[0]"). */
int ts_fields(const struct ynode *n, struct helper_tfields *out, char *err, size_t errlen);

#endif

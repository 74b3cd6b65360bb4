/* helpers/testkit_int.h - private to helpers/testkit*.c: the state behind
 * a bpfemu_test handle (include/bpfemu_test.h), and the calls the YAML
 * test runner shares with it (declared in helpers.h as helper_tk_*). */
#ifndef BPFEMU_HELPERS_TESTKIT_INT_H
#define BPFEMU_HELPERS_TESTKIT_INT_H

#include "bpfemu_test.h"
#include "helpers/helpers.h"

/* Helper ids value mocks can replace (all of <linux/bpf.h>'s so far). */
#define TK_MOCK_IDS 256u

enum tk_mock_kind { TK_MOCK_NONE, TK_MOCK_VALUES, TK_MOCK_OUT, TK_MOCK_FIB, TK_MOCK_FN };

struct tk_mock {
    enum tk_mock_kind kind;
    uint64_t *vals;            /* TK_MOCK_VALUES: in call order, the last repeats */
    size_t n, next;
    uint64_t ret;              /* TK_MOCK_OUT, TK_MOCK_FIB */
    unsigned arg;              /* TK_MOCK_OUT: 1..5 */
    uint8_t *out;              /* TK_MOCK_OUT bytes; TK_MOCK_FIB: a struct bpf_fib_lookup */
    size_t out_len;
    uint8_t *out_mask;         /* TK_MOCK_FIB: which bytes to write */
    bpfemu_helper_fn fn;       /* TK_MOCK_FN */
    void *user;
};

struct bpfemu_test {
    char *path;                /* the object, as realpath gives it */
    struct vm_object *obj;
    struct helper_env *env;
    struct helper_prog *prog;
    uint32_t ncpus, cpu;
    char err[4096];
    uint8_t *pkt;
    size_t pkt_len;
    union {
        struct xdp_md xdp;
        struct __sk_buff skb;
        uint8_t bytes[sizeof(struct __sk_buff)];
    } ctx;
    bool has_ctx, ctx_data_end_given;
    struct helper_socket socket; /* skb->sk's fields (socket.given: which) */
    const struct helper_trace_event *event; /* tracing programs: the next run's (borrowed) */
    struct tk_event *cev;      /* the C API's event (helpers/testkit_event.c), or NULL */
    struct helper_test_run tr; /* the last run */
    bool ran;
    struct tk_mock mocks[TK_MOCK_IDS];
    struct helper_cov *cov;
};

/* A map of the test's object with its key and value types. */
struct tk_map {
    const struct vm_map_def *def;
    struct maps_map *map;
    const struct maps_attr *attr;
    struct helper_tdesc key, value;
    bool percpu;
    uint32_t stride;           /* per-CPU value stride */
    size_t vlen;               /* bytes of a user-space value (all CPUs) */
};

int tk_fail(bpfemu_test *t, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The C API's event: built as it is filled in; freed with the test. */
void tk_event_free(bpfemu_test *t);
const struct helper_trace_event *tk_event_of(bpfemu_test *t);
void tk_event_set_cpu(bpfemu_test *t, uint32_t cpu);
int tk_map(bpfemu_test *t, const char *name, struct tk_map *m);
int tk_encode(bpfemu_test *t, const struct helper_tdesc *td, const struct helper_tfields *fs,
              uint8_t *out, const char *what);
int tk_lookup(bpfemu_test *t, const char *name, const struct helper_tfields *key,
              struct tk_map *m, uint8_t **k, uint8_t **v, uint8_t **mine);
void tk_mocks_free(bpfemu_test *t);

#endif

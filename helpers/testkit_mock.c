/* helpers/testkit_mock.c - helper mocks of include/bpfemu_test.h: fixed or
 * per-helper sequenced return values, bytes written through a pointer
 * argument, bpf_fib_lookup results, or the user's own function.
 *
 * A replacement helper gets r1..r5 and the run, not its own id, so each
 * mockable id has a small trampoline that passes it on; the test handle
 * is the environment's override user (helper_run_user). */
#include "helpers/testkit_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static uint64_t dispatch(uint32_t id, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                         uint64_t r5, struct vm_run *run)
{
    bpfemu_test *t = helper_run_user(run);
    struct tk_mock *m = &t->mocks[id];
    uint64_t args[5] = {r1, r2, r3, r4, r5};
    switch (m->kind) {
    case TK_MOCK_VALUES: {
        uint64_t v = m->vals[m->next < m->n ? m->next : m->n - 1];
        if (m->next < m->n)
            m->next++;
        return v;
    }
    case TK_MOCK_OUT:
    case TK_MOCK_FIB: {
        uint64_t p = args[m->kind == TK_MOCK_FIB ? 1 : m->arg - 1];
        if (!vm_run_mem_ok(run, p, m->out_len, VM_REGION_WRITE)) {
            vm_run_fault(run, -EFAULT, "mocked %s: argument %u: %zu bytes at 0x%llx are not writable",
                         vm_helper_name((int32_t)id), m->kind == TK_MOCK_FIB ? 2 : m->arg,
                         m->out_len, (unsigned long long)p);
            return 0;
        }
        uint8_t *dst = (uint8_t *)(uintptr_t)p;
        for (size_t i = 0; i < m->out_len; i++)
            if (!m->out_mask || m->out_mask[i])
                dst[i] = m->out[i];
        return m->ret;
    }
    case TK_MOCK_FN: {
        void *saved = run->api_user;
        run->api_user = m->user;
        uint64_t r = m->fn(r1, r2, r3, r4, r5, run);
        run->api_user = saved;
        return r;
    }
    default:
        vm_run_fault(run, -ENOENT, "mock of helper #%u lost", id);
        return 0;
    }
}

#define TRAMP(hi, lo)                                                                      \
    static uint64_t tramp_##hi##lo(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,     \
                                   uint64_t r5, struct vm_run *run)                        \
    {                                                                                      \
        return dispatch(0x##hi##lo, r1, r2, r3, r4, r5, run);                             \
    }
#define TRAMP16(hi)                                                                        \
    TRAMP(hi, 0) TRAMP(hi, 1) TRAMP(hi, 2) TRAMP(hi, 3) TRAMP(hi, 4) TRAMP(hi, 5)          \
    TRAMP(hi, 6) TRAMP(hi, 7) TRAMP(hi, 8) TRAMP(hi, 9) TRAMP(hi, a) TRAMP(hi, b)          \
    TRAMP(hi, c) TRAMP(hi, d) TRAMP(hi, e) TRAMP(hi, f)
TRAMP16(0) TRAMP16(1) TRAMP16(2) TRAMP16(3) TRAMP16(4) TRAMP16(5) TRAMP16(6) TRAMP16(7)
TRAMP16(8) TRAMP16(9) TRAMP16(a) TRAMP16(b) TRAMP16(c) TRAMP16(d) TRAMP16(e) TRAMP16(f)
#undef TRAMP
#undef TRAMP16

#define T(hi, lo) tramp_##hi##lo,
#define T16(hi)                                                                            \
    T(hi, 0) T(hi, 1) T(hi, 2) T(hi, 3) T(hi, 4) T(hi, 5) T(hi, 6) T(hi, 7) T(hi, 8)       \
    T(hi, 9) T(hi, a) T(hi, b) T(hi, c) T(hi, d) T(hi, e) T(hi, f)
static const vm_helper_fn tramps[TK_MOCK_IDS] = {
    T16(0) T16(1) T16(2) T16(3) T16(4) T16(5) T16(6) T16(7)
    T16(8) T16(9) T16(a) T16(b) T16(c) T16(d) T16(e) T16(f)
};
#undef T
#undef T16

static void clear(struct tk_mock *m)
{
    free(m->vals);
    free(m->out);
    free(m->out_mask);
    memset(m, 0, sizeof(*m));
}

void tk_mocks_free(bpfemu_test *t)
{
    for (unsigned i = 0; i < TK_MOCK_IDS; i++)
        clear(&t->mocks[i]);
}

static int helper_of(bpfemu_test *t, const char *name, uint32_t *id)
{
    int32_t v = name ? vm_helper_id(name) : -1;
    if (v < 0)
        return tk_fail(t, -ENOENT, "no helper named '%s'", name ? name : "(null)");
    if ((uint32_t)v >= TK_MOCK_IDS)
        return tk_fail(t, -ENOTSUP, "helper %s (#%d) cannot be mocked (ids below %u can)", name,
                       v, TK_MOCK_IDS);
    *id = (uint32_t)v;
    return 0;
}

static int install(bpfemu_test *t, uint32_t id, struct tk_mock *m)
{
    int rc = helper_env_override(t->env, (int32_t)id, tramps[id], t);
    if (rc) {
        clear(m);
        return tk_fail(t, rc, "cannot mock helper #%u", id);
    }
    clear(&t->mocks[id]);
    t->mocks[id] = *m;
    return 0;
}

int bpfemu_test_mock(bpfemu_test *t, const char *helper, const uint64_t *values, size_t n)
{
    uint32_t id;
    int rc = helper_of(t, helper, &id);
    if (rc)
        return rc;
    if (!n)
        return tk_fail(t, -EINVAL, "mock of %s: no values", helper);
    struct tk_mock m = {.kind = TK_MOCK_VALUES, .n = n, .vals = malloc(n * sizeof(uint64_t))};
    if (!m.vals)
        return tk_fail(t, -ENOMEM, "out of memory");
    memcpy(m.vals, values, n * sizeof(uint64_t));
    return install(t, id, &m);
}

int bpfemu_test_mock_out(bpfemu_test *t, const char *helper, uint64_t ret, unsigned arg,
                         const void *bytes, size_t len)
{
    uint32_t id;
    int rc = helper_of(t, helper, &id);
    if (rc)
        return rc;
    if (arg < 1 || arg > 5)
        return tk_fail(t, -EINVAL, "mock of %s: argument %u (1 to 5)", helper, arg);
    struct tk_mock m = {.kind = TK_MOCK_OUT, .ret = ret, .arg = arg, .out_len = len,
                        .out = malloc(len ? len : 1)};
    if (!m.out)
        return tk_fail(t, -ENOMEM, "out of memory");
    if (len)
        memcpy(m.out, bytes, len);
    return install(t, id, &m);
}

int bpfemu_test_mock_fn(bpfemu_test *t, const char *helper, bpfemu_helper_fn fn, void *user)
{
    uint32_t id;
    int rc = helper_of(t, helper, &id);
    if (rc)
        return rc;
    if (!fn)
        return bpfemu_test_unmock(t, helper);
    struct tk_mock m = {.kind = TK_MOCK_FN, .fn = fn, .user = user};
    return install(t, id, &m);
}

int bpfemu_test_unmock(bpfemu_test *t, const char *helper)
{
    uint32_t id;
    int rc = helper_of(t, helper, &id);
    if (rc)
        return rc;
    clear(&t->mocks[id]);
    return helper_env_override(t->env, (int32_t)id, NULL, NULL);
}

/* bpf_fib_lookup's outputs by name. */
int bpfemu_test_mock_fib(bpfemu_test *t, int64_t ret, const char *fields)
{
    static const struct {
        const char *name;
        uint16_t off, size;
        enum { FIB_INT, FIB_BE, FIB_MAC, FIB_IP4, FIB_IP6 } kind;
    } tab[] = {
        {"ifindex", offsetof(struct bpf_fib_lookup, ifindex), 4, FIB_INT},
        {"mtu_result", offsetof(struct bpf_fib_lookup, mtu_result), 2, FIB_INT},
        {"rt_metric", offsetof(struct bpf_fib_lookup, rt_metric), 4, FIB_INT},
        {"h_vlan_proto", offsetof(struct bpf_fib_lookup, h_vlan_proto), 2, FIB_BE},
        {"h_vlan_TCI", offsetof(struct bpf_fib_lookup, h_vlan_TCI), 2, FIB_BE},
        {"smac", offsetof(struct bpf_fib_lookup, smac), 6, FIB_MAC},
        {"dmac", offsetof(struct bpf_fib_lookup, dmac), 6, FIB_MAC},
        {"ipv4_dst", offsetof(struct bpf_fib_lookup, ipv4_dst), 4, FIB_IP4},
        {"ipv6_dst", offsetof(struct bpf_fib_lookup, ipv6_dst), 16, FIB_IP6},
        {"ipv4_src", offsetof(struct bpf_fib_lookup, ipv4_src), 4, FIB_IP4},
        {"ipv6_src", offsetof(struct bpf_fib_lookup, ipv6_src), 16, FIB_IP6},
    };
    uint32_t id = BPF_FUNC_fib_lookup;
    struct helper_tfields fs = {0};
    char e[256];
    int rc = helper_tfields_parse(fields ? fields : "", &fs, e, sizeof e);
    if (rc)
        return tk_fail(t, rc, "mock of fib_lookup: %s", e);
    struct tk_mock m = {.kind = TK_MOCK_FIB, .ret = (uint64_t)ret,
                        .out_len = sizeof(struct bpf_fib_lookup),
                        .out = calloc(1, sizeof(struct bpf_fib_lookup)),
                        .out_mask = calloc(1, sizeof(struct bpf_fib_lookup))};
    if (!m.out || !m.out_mask) {
        clear(&m);
        helper_tfields_free(&fs);
        return tk_fail(t, -ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < fs.n && !rc; i++) {
        size_t k = 0;
        while (k < sizeof tab / sizeof tab[0] && strcmp(tab[k].name, fs.f[i].path))
            k++;
        if (k == sizeof tab / sizeof tab[0]) {
            rc = tk_fail(t, -EINVAL, "mock of fib_lookup: no output field '%s' (ifindex, smac, "
                         "dmac, mtu_result, rt_metric, h_vlan_proto, h_vlan_TCI, ipv4_dst, "
                         "ipv6_dst, ipv4_src, ipv6_src)", fs.f[i].path);
            break;
        }
        uint8_t *p = m.out + tab[k].off;
        uint64_t v;
        bool ok;
        switch (tab[k].kind) {
        case FIB_MAC: ok = helper_parse_mac(fs.f[i].value, p); break;
        case FIB_IP4: ok = helper_parse_ip4(fs.f[i].value, p); break;
        case FIB_IP6: ok = helper_parse_ip6(fs.f[i].value, p); break;
        default:
            ok = helper_parse_u64(fs.f[i].value, &v) && !(v >> (8 * tab[k].size));
            for (unsigned b = 0; ok && b < tab[k].size; b++)
                p[tab[k].kind == FIB_BE ? tab[k].size - 1 - b : b] = (uint8_t)(v >> (8 * b));
        }
        if (!ok)
            rc = tk_fail(t, -EINVAL, "mock of fib_lookup: %s: bad value '%s'", fs.f[i].path,
                         fs.f[i].value);
        memset(m.out_mask + tab[k].off, 1, tab[k].size);
    }
    helper_tfields_free(&fs);
    if (rc) {
        clear(&m);
        return rc;
    }
    return install(t, id, &m);
}

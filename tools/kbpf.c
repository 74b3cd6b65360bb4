/* tools/kbpf.c - see kbpf.h. */
#include "tools/kbpf.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *kbpf_priv_name(int priv)
{
    switch (priv) {
    case KBPF_PRIV_ROOT: return "root";
    case KBPF_PRIV_BPF: return "bpf";
    case KBPF_PRIV_UNPRIV: return "unpriv";
    }
    return "?";
}

int kbpf_priv_parse(const char *name)
{
    if (!strcmp(name, "root"))
        return KBPF_PRIV_ROOT;
    if (!strcmp(name, "bpf"))
        return KBPF_PRIV_BPF;
    if (!strcmp(name, "unpriv"))
        return KBPF_PRIV_UNPRIV;
    return -1;
}

static long sys_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
    return syscall(__NR_bpf, cmd, attr, size);
}

static int neg_errno(long rc)
{
    return rc < 0 ? -errno : (int)rc;
}

const char *kbpf_unavailable(void)
{
    static int state; /* 0 unknown, 1 available, 2 not */
    static char why[192];
    if (state == 1)
        return NULL;
    if (state == 2)
        return why;
    static const struct bpf_insn prog[2] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    struct kbpf_load l = {.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = prog, .insn_cnt = 2};
    int fd = kbpf_prog_load(&l);
    if (fd >= 0) {
        close(fd);
        state = 1;
        return NULL;
    }
    snprintf(why, sizeof why, "bpf(BPF_PROG_LOAD) is not permitted here: %s (needs root, or "
             "CAP_BPF with CAP_NET_ADMIN)", strerror(-fd));
    state = 2;
    return why;
}

int kbpf_drop_privileges(int priv)
{
    if (priv == KBPF_PRIV_ROOT)
        return 0;
    uint64_t keep = priv == KBPF_PRIV_BPF ? (1ull << CAP_BPF) | (1ull << CAP_NET_ADMIN) : 0;
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    d[0].effective = d[0].permitted = (uint32_t)keep;
    d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
    return neg_errno(syscall(SYS_capset, &h, d));
}

static const char unpriv_sysctl[] = "/proc/sys/kernel/unprivileged_bpf_disabled";

int kbpf_unpriv_sysctl_get(void)
{
    FILE *f = fopen(unpriv_sysctl, "r");
    if (!f)
        return -errno;
    int v = -EIO;
    if (fscanf(f, "%d", &v) != 1)
        v = -EIO;
    fclose(f);
    return v;
}

int kbpf_unpriv_sysctl_set(int value)
{
    FILE *f = fopen(unpriv_sysctl, "w");
    if (!f)
        return -errno;
    int rc = fprintf(f, "%d\n", value) > 0 ? 0 : -EIO;
    if (fclose(f) != 0 && !rc)
        rc = -errno;
    return rc;
}

/* ------------------------------------------------------------------ maps */

int kbpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                    uint32_t flags, const char *name)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key_size;
    a.value_size = value_size;
    a.max_entries = max_entries;
    a.map_flags = flags;
    if (name) {
        /* the kernel takes [A-Za-z0-9_.], at most 15 characters */
        size_t k = 0;
        for (const char *p = name; *p && k < sizeof a.map_name - 1; p++)
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '_' || *p == '.')
                a.map_name[k++] = *p;
    }
    return neg_errno(sys_bpf(BPF_MAP_CREATE, &a, sizeof a));
}

static int map_elem(int cmd, int fd, const void *key, const void *value, uint64_t flags)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)fd;
    a.key = (uintptr_t)key;
    a.value = (uintptr_t)value;
    a.flags = flags;
    return neg_errno(sys_bpf(cmd, &a, sizeof a));
}

int kbpf_map_lookup(int fd, const void *key, void *value)
{
    return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int kbpf_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
    return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int kbpf_map_delete(int fd, const void *key)
{
    return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int kbpf_map_lookup_and_delete(int fd, const void *key, void *value)
{
    return map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, 0);
}

int kbpf_map_next_key(int fd, const void *key, void *next_key)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)fd;
    a.key = (uintptr_t)key;
    a.next_key = (uintptr_t)next_key;
    return neg_errno(sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, sizeof a));
}

int kbpf_map_freeze(int fd)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (uint32_t)fd;
    return neg_errno(sys_bpf(BPF_MAP_FREEZE, &a, sizeof a));
}

unsigned kbpf_possible_cpus(void)
{
    static unsigned n;
    if (n)
        return n;
    FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
    char buf[256];
    unsigned total = 0;
    if (f && fgets(buf, sizeof buf, f)) {
        /* "0-3,5,7-8" */
        for (char *save = NULL, *t = strtok_r(buf, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save)) {
            unsigned a, b;
            int k = sscanf(t, "%u-%u", &a, &b);
            if (k == 2 && b >= a)
                total += b - a + 1;
            else if (k >= 1)
                total++;
        }
    }
    if (f)
        fclose(f);
    n = total ? total : 1;
    return n;
}

/* -------------------------------------------------------------- programs */

int kbpf_prog_load(const struct kbpf_load *l)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = l->prog_type;
    a.expected_attach_type = l->expected_attach_type;
    a.prog_flags = l->prog_flags;
    a.insns = (uintptr_t)l->insns;
    a.insn_cnt = l->insn_cnt;
    a.license = (uintptr_t)(l->license ? l->license : "GPL");
    if (l->fd_array)
        a.fd_array = (uintptr_t)l->fd_array;
    if (l->name)
        snprintf(a.prog_name, sizeof a.prog_name, "%s", l->name);
    if (l->log_level && l->log_buf && l->log_size) {
        a.log_level = l->log_level;
        a.log_buf = (uintptr_t)l->log_buf;
        a.log_size = l->log_size;
        l->log_buf[0] = 0;
    }
    /* callbacks need func_info (the kernel's "missing btf func_info") */
    struct kbpf_func_btf *fb = malloc(sizeof *fb);
    if (!fb)
        return -ENOMEM;
    /* no BTF (unprivileged: BPF_BTF_LOAD needs CAP_BPF): the load says why */
    if (kbpf_func_btf(l->insns, l->insn_cnt, fb))
        fb->btf_fd = -1;
    if (fb->btf_fd >= 0) {
        a.prog_btf_fd = (uint32_t)fb->btf_fd;
        a.func_info_rec_size = sizeof(struct bpf_func_info);
        a.func_info = (uintptr_t)fb->info;
        a.func_info_cnt = fb->n_info;
    }
    int fd = neg_errno(sys_bpf(BPF_PROG_LOAD, &a, sizeof a));
    if (fd == -ENOSPC && a.log_level) {
        /* the log did not fit: keep its tail, take the verdict from a load
         * without a log */
        l->log_buf[l->log_size - 1] = 0;
        a.log_level = 0;
        a.log_buf = 0;
        a.log_size = 0;
        fd = neg_errno(sys_bpf(BPF_PROG_LOAD, &a, sizeof a));
    }
    if (fb->btf_fd >= 0)
        close(fb->btf_fd);
    free(fb);
    if (l->log_buf && l->log_size)
        l->log_buf[l->log_size - 1] = 0;
    return fd;
}

static volatile sig_atomic_t kbpf_alarm;

static void on_alarm(int sig)
{
    (void)sig;
    kbpf_alarm = 1;
}

int kbpf_prog_load_timed(const struct kbpf_load *l, unsigned ms)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: the load returns */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    kbpf_alarm = 0;
    struct itimerval it = {.it_value = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000}};
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    int fd = kbpf_prog_load(l);
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
    if (fd < 0 && kbpf_alarm)
        return -ETIMEDOUT;
    return fd;
}

/* Lines of a path the verifier prints before its error. */
static bool is_trace_line(const char *l, size_t n)
{
    size_t i = 0;
    while (i < n && l[i] >= '0' && l[i] <= '9')
        i++;
    if (i > 0 && i < n && l[i] == ':')
        return true; /* "12: (bf) r1 = r6", "12: R1=ctx()" */
    if (n >= 5 && !strncmp(l, "from ", 5))
        return true; /* "from 4 to 7: ..." */
    static const char *const prefixes[] = {
        "caller:", "callee:", "returning from callee:", "to caller at ", " frame", " R",
        "mark_precise:", "last_idx ", "regs=", "parent ", "func#", "Live regs", "propagating ",
        "frame ", "(", "      ", "Func#", "Validating ", "arg#", "stack depth",
        "verification time", "Global function",
    };
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        size_t pl = strlen(prefixes[k]);
        if (n >= pl && !strncmp(l, prefixes[k], pl))
            return true;
    }
    return false;
}

void kbpf_log_error(const char *log, char *out, size_t outlen)
{
    out[0] = 0;
    if (!log || !*log)
        return;
    /* the last "processed N insns" line */
    const char *end = NULL;
    for (const char *p = log; p && *p;) {
        if (!strncmp(p, "processed ", 10))
            end = p;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : NULL;
    }
    if (!end)
        end = log + strlen(log);
    /* walk back over the error block: lines that are not trace lines */
    const char *first = NULL;
    const char *line_end = end;
    while (line_end > log) {
        const char *ls = line_end - 1; /* the '\n' ending the previous line */
        while (ls > log && ls[-1] != '\n')
            ls--;
        size_t n = (size_t)(line_end - 1 - ls);
        if (line_end[-1] != '\n')
            n = (size_t)(line_end - ls);
        if (n == 0 || is_trace_line(ls, n))
            break;
        first = ls;
        line_end = ls;
    }
    if (!first)
        return;
    size_t n = strcspn(first, "\n");
    snprintf(out, outlen, "%.*s", (int)n, first);
}

long kbpf_log_processed(const char *log)
{
    long v = -1;
    for (const char *p = log; p && *p;) {
        long x;
        if (!strncmp(p, "processed ", 10) && sscanf(p + 10, "%ld", &x) == 1)
            v = x;
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : NULL;
    }
    return v;
}

int kbpf_probe_withheld_helpers(uint32_t prog_type, uint32_t expected_attach_type, uint8_t *bits,
                                size_t nbytes)
{
    memset(bits, 0, nbytes);
    /* zero arguments: a helper that is offered fails later, on an argument
     * check, or loads; only an unoffered one fails at the call itself */
    const uint8_t mov = BPF_ALU64 | BPF_MOV | BPF_K;
    struct bpf_insn insns[] = {
        {.code = mov, .dst_reg = BPF_REG_1}, {.code = mov, .dst_reg = BPF_REG_2},
        {.code = mov, .dst_reg = BPF_REG_3}, {.code = mov, .dst_reg = BPF_REG_4},
        {.code = mov, .dst_reg = BPF_REG_5}, {.code = BPF_JMP | BPF_CALL},
        {.code = mov, .dst_reg = BPF_REG_0}, {.code = BPF_JMP | BPF_EXIT},
    };
    char log[4096];
    for (uint32_t id = 1; id < __BPF_FUNC_MAX_ID && id / 8 < nbytes; id++) {
        insns[5].imm = (int32_t)id;
        struct kbpf_load l = {.prog_type = prog_type,
                              .expected_attach_type = expected_attach_type,
                              .insns = insns,
                              .insn_cnt = sizeof insns / sizeof insns[0],
                              .log_level = 1,
                              .log_buf = log,
                              .log_size = sizeof log};
        int fd = kbpf_prog_load(&l);
        if (fd >= 0) {
            close(fd);
            continue;
        }
        if (fd == -EPERM)
            return fd;
        if (strstr(log, "cannot use helper") || strstr(log, "invalid func"))
            bits[id / 8] |= (uint8_t)(1u << (id % 8));
    }
    return 0;
}

int kbpf_prog_test_run(int prog_fd, struct kbpf_test_run *t)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.test.prog_fd = (uint32_t)prog_fd;
    a.test.data_in = (uintptr_t)t->data_in;
    a.test.data_size_in = t->data_size_in;
    a.test.data_out = (uintptr_t)t->data_out;
    a.test.data_size_out = t->data_out ? t->data_size_out : 0;
    a.test.ctx_in = (uintptr_t)t->ctx_in;
    a.test.ctx_size_in = t->ctx_in ? t->ctx_size_in : 0;
    a.test.ctx_out = (uintptr_t)t->ctx_out;
    a.test.ctx_size_out = t->ctx_out ? t->ctx_size_out : 0;
    a.test.repeat = t->repeat;
    int rc = neg_errno(sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof a));
    t->retval = a.test.retval;
    t->duration = a.test.duration;
    t->data_size_out = a.test.data_size_out;
    t->ctx_size_out = a.test.ctx_size_out;
    return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------- ring buffers */

struct kbpf_ringbuf {
    uint64_t *consumer;
    uint8_t *producer; /* producer page, then the data area mapped twice */
    size_t page, size;
};

int kbpf_ringbuf_open(int map_fd, uint32_t max_entries, struct kbpf_ringbuf **out)
{
    *out = NULL;
    struct kbpf_ringbuf *rb = calloc(1, sizeof(*rb));
    if (!rb)
        return -ENOMEM;
    rb->page = (size_t)sysconf(_SC_PAGESIZE);
    rb->size = max_entries;
    void *c = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
    if (c == MAP_FAILED) {
        int e = -errno;
        free(rb);
        return e;
    }
    void *p = mmap(NULL, rb->page + 2 * rb->size, PROT_READ, MAP_SHARED, map_fd, (off_t)rb->page);
    if (p == MAP_FAILED) {
        int e = -errno;
        munmap(c, rb->page);
        free(rb);
        return e;
    }
    rb->consumer = c;
    rb->producer = p;
    *out = rb;
    return 0;
}

int kbpf_ringbuf_consume(struct kbpf_ringbuf *rb, int (*fn)(void *ctx, const void *data, size_t len),
                         void *ctx)
{
    if (!rb)
        return 0;
    int n = 0;
    uint64_t cons = __atomic_load_n(rb->consumer, __ATOMIC_ACQUIRE);
    uint64_t prod = __atomic_load_n((uint64_t *)rb->producer, __ATOMIC_ACQUIRE);
    const uint8_t *data = rb->producer + rb->page;
    while (cons < prod) {
        const uint32_t *hdr = (const uint32_t *)(data + (cons & (rb->size - 1)));
        uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
        if (len & (1u << 31)) /* BPF_RINGBUF_BUSY_BIT */
            break;
        uint32_t clean = len & ~((1u << 31) | (1u << 30));
        if (!(len & (1u << 30))) { /* not BPF_RINGBUF_DISCARD_BIT */
            fn(ctx, (const uint8_t *)hdr + 8, clean);
            n++;
        }
        cons += (clean + 8 + 7) & ~7ull;
        __atomic_store_n(rb->consumer, cons, __ATOMIC_RELEASE);
    }
    return n;
}

void kbpf_ringbuf_close(struct kbpf_ringbuf *rb)
{
    if (!rb)
        return;
    munmap(rb->consumer, rb->page);
    munmap(rb->producer, rb->page + 2 * rb->size);
    free(rb);
}

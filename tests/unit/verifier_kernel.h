/* tests/unit/verifier_kernel.h - load a verifier-suite program into the
 * running kernel with a raw bpf(BPF_PROG_LOAD) and a log, under one of the
 * three privilege regimes. Header-only (static inline), for
 * test_verifier_kernel.c and tests/kernel/verifier_oracle.c.
 *
 * Regimes: root as is; "bpf" drops every capability but CAP_BPF and
 * CAP_NET_ADMIN (so no CAP_PERFMON, no CAP_SYS_ADMIN) in a forked child;
 * "unpriv" drops all of them and needs kernel.unprivileged_bpf_disabled=0:
 * only when the caller allows it (vkernel_allow_unpriv), the sysctl is set
 * to 0 for the one load and restored right after. */
#ifndef BPFEMU_TEST_VERIFIER_KERNEL_H
#define BPFEMU_TEST_VERIFIER_KERNEL_H

#include "tests/unit/verifier_suite.h"
#include "tools/kbpf.h"

#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define VKERNEL_LOG_SIZE (16u << 20)

struct vkernel_result {
    int verdict;      /* 1 accepted, 0 rejected */
    int err;          /* errno of a reject */
    char *log;        /* malloc'd; the caller frees */
};

static inline long vkernel_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
    return syscall(__NR_bpf, cmd, attr, size);
}

static inline int vkernel_map_create(const struct verifier_map *m, const int *fds)
{
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.map_type = m->type;
    a.key_size = m->key_size;
    a.value_size = m->value_size;
    a.max_entries = m->max_entries;
    a.map_flags = m->flags;
    if (m->inner)
        a.inner_map_fd = (uint32_t)fds[m->inner - 1];
    return (int)vkernel_bpf(BPF_MAP_CREATE, &a, sizeof(a));
}

/* 0: bpf() works here as root; otherwise a reason to skip. */
static inline const char *vkernel_unavailable(void)
{
    static const struct bpf_insn prog[2] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr a;
    memset(&a, 0, sizeof(a));
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    a.insns = (uintptr_t)prog;
    a.insn_cnt = 2;
    a.license = (uintptr_t) "GPL";
    int fd = (int)vkernel_bpf(BPF_PROG_LOAD, &a, sizeof(a));
    if (fd >= 0) {
        close(fd);
        return NULL;
    }
    static char why[128];
    snprintf(why, sizeof(why), "bpf(BPF_PROG_LOAD) not permitted here: %s", strerror(errno));
    return why;
}

static inline int vkernel_set_caps(uint64_t keep)
{
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof(d));
    d[0].effective = d[0].permitted = (uint32_t)keep;
    d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
    return (int)syscall(SYS_capset, &h, d);
}

static inline int vkernel_sysctl_unpriv(int set)
{
    const char *p = "/proc/sys/kernel/unprivileged_bpf_disabled";
    FILE *f = fopen(p, set >= 0 ? "w" : "r");
    if (!f)
        return -1;
    int v = -1;
    if (set >= 0)
        v = fprintf(f, "%d\n", set) > 0 ? set : -1;
    else if (fscanf(f, "%d", &v) != 1)
        v = -1;
    if (fclose(f))
        v = -1;
    return v;
}

/* Load case `c`. 0 with *res filled, or -1 with why (cannot run: map
 * creation failed, unpriv not allowed, fork failed). */
static inline int vkernel_load(const struct vsuite_case *c, int log_level, bool allow_unpriv,
                               struct vkernel_result *res, char *why, size_t whylen)
{
    memset(res, 0, sizeof(*res));
    int fds[VSUITE_MAX_MAPS];
    unsigned nfd = 0;
    int rc = -1, old_sysctl = -1;
    for (; nfd < c->n_maps; nfd++) {
        if (c->maps[nfd].inner > nfd) {
            snprintf(why, whylen, "map %u: its inner map must come first", nfd);
            goto out;
        }
        fds[nfd] = vkernel_map_create(&c->maps[nfd], fds);
        if (fds[nfd] < 0) {
            snprintf(why, whylen, "map %u: BPF_MAP_CREATE: %s", nfd, strerror(errno));
            goto out;
        }
    }
    if (c->priv == VERIFIER_PRIV_UNPRIV) {
        if (!allow_unpriv) {
            snprintf(why, whylen, "unprivileged load needs BPFEMU_KERNEL_UNPRIV=1 "
                                  "(flips kernel.unprivileged_bpf_disabled to 0 briefly)");
            goto out;
        }
        old_sysctl = vkernel_sysctl_unpriv(-1);
        if (old_sysctl != 0 && vkernel_sysctl_unpriv(0) != 0) {
            snprintf(why, whylen, "cannot set kernel.unprivileged_bpf_disabled=0");
            goto out;
        }
    }
    /* The child writes the verdict, errno and the log here. */
    size_t shm_len = VKERNEL_LOG_SIZE + 64;
    char *shm = mmap(NULL, shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm == MAP_FAILED) {
        snprintf(why, whylen, "mmap: %s", strerror(errno));
        goto out;
    }
    int *out = (int *)shm;
    char *log = shm + 64;
    out[0] = -1;
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        munmap(shm, shm_len);
        goto out;
    }
    if (pid == 0) {
        if (c->priv == VERIFIER_PRIV_BPF &&
            vkernel_set_caps((1ull << CAP_BPF) | (1ull << CAP_NET_ADMIN)))
            _exit(3);
        if (c->priv == VERIFIER_PRIV_UNPRIV && vkernel_set_caps(0))
            _exit(3);
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.prog_type = c->prog_type;
        a.expected_attach_type = c->attach_type;
        a.insns = (uintptr_t)c->prog->insns;
        a.insn_cnt = c->prog->len;
        a.license = (uintptr_t)c->license;
        a.log_level = (uint32_t)log_level;
        a.log_buf = (uintptr_t)log;
        a.log_size = VKERNEL_LOG_SIZE;
        if (nfd)
            a.fd_array = (uintptr_t)fds;
        /* callbacks need BTF func_info (tools/kbpf_btf.c); the child's
         * exit closes the BTF */
        struct kbpf_func_btf fb;
        if (kbpf_func_btf(c->prog->insns, c->prog->len, &fb) == 0 && fb.btf_fd >= 0) {
            a.prog_btf_fd = (uint32_t)fb.btf_fd;
            a.func_info_rec_size = sizeof(struct bpf_func_info);
            a.func_info = (uintptr_t)fb.info;
            a.func_info_cnt = fb.n_info;
        }
        int fd = (int)vkernel_bpf(BPF_PROG_LOAD, &a, sizeof(a));
        int e = fd < 0 ? errno : 0;
        if (fd < 0 && e == ENOSPC && log_level) {
            /* the log did not fit (and ENOSPC hides the verdict): keep
             * the log's tail, take the verdict from a load without log */
            a.log_level = 0;
            a.log_buf = 0;
            a.log_size = 0;
            fd = (int)vkernel_bpf(BPF_PROG_LOAD, &a, sizeof(a));
            e = fd < 0 ? errno : 0;
        }
        out[1] = e;
        out[0] = fd >= 0;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (old_sysctl > 0)
        vkernel_sysctl_unpriv(old_sysctl);
    old_sysctl = -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || out[0] < 0) {
        snprintf(why, whylen, "loader child failed (status %d): cannot drop capabilities?", st);
        munmap(shm, shm_len);
        goto out;
    }
    res->verdict = out[0];
    res->err = out[1];
    log[VKERNEL_LOG_SIZE - 1] = '\0';
    res->log = strdup(log);
    munmap(shm, shm_len);
    rc = 0;
out:
    if (old_sysctl > 0)
        vkernel_sysctl_unpriv(old_sysctl);
    for (unsigned i = 0; i < nfd; i++)
        close(fds[i]);
    return rc;
}

#endif

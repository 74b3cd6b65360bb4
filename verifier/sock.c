/* verifier/sock.c - loads through socket pointers (the kernel's
 * check_sock_access): which struct bpf_sock fields a sock_common pointer
 * (__sk_buff->sk), a full socket (bpf_sk_fullsock's) and a TCP socket
 * (bpf_tcp_sock's, struct bpf_tcp_sock) may read, at which
 * sizes (bpf_sock_common_is_valid_access, bpf_sock_is_valid_access in
 * net/core/filter.c). Stores are refused before this is asked. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stddef.h>

#define SOCK_IN(o, m) ((o) >= (int)offsetof(struct bpf_sock, m) && \
                       (o) < (int)(offsetof(struct bpf_sock, m) + sizeof(((struct bpf_sock *)0)->m)))

/* bpf_ctx_narrow_access_ok: 1, 2 or 4 bytes of a field of `field` bytes */
static bool narrow_ok(int size, int field)
{
    return size <= field && (size == 1 || size == 2 || size == 4 || size == 8);
}

static bool sock_valid(int off, int size)
{
    if (off < 0 || off >= (int)sizeof(struct bpf_sock) || off % size)
        return false;
    /* exact offsets for these (the kernel's case labels), any byte of the addresses */
    if (off == (int)offsetof(struct bpf_sock, state) ||
        off == (int)offsetof(struct bpf_sock, family) ||
        off == (int)offsetof(struct bpf_sock, type) ||
        off == (int)offsetof(struct bpf_sock, protocol) ||
        off == (int)offsetof(struct bpf_sock, src_port) ||
        off == (int)offsetof(struct bpf_sock, rx_queue_mapping) || SOCK_IN(off, src_ip4) ||
        SOCK_IN(off, src_ip6) || SOCK_IN(off, dst_ip4) || SOCK_IN(off, dst_ip6))
        return narrow_ok(size, 4);
    if (off == (int)offsetof(struct bpf_sock, dst_port))
        return narrow_ok(size, size == 4 ? 4 : 2);
    if (off == (int)offsetof(struct bpf_sock, dst_port) + 1)
        return size == 1;
    /* the 16 bits after dst_port are padding */
    if (off >= (int)offsetof(struct bpf_sock, dst_port) + 2 &&
        off < (int)offsetof(struct bpf_sock, dst_ip4))
        return false;
    return size == 4;
}

/* struct sock_common lacks type .. priority */
static bool sock_common_valid(int off, int size)
{
    if (off >= (int)offsetof(struct bpf_sock, type) &&
        off < (int)(offsetof(struct bpf_sock, priority) + sizeof(uint32_t)))
        return false;
    return sock_valid(off, size);
}

/* bpf_tcp_sock_is_valid_access: u32 fields up to icsk_retransmits, the two
 * byte counters u64 */
static bool tcp_sock_valid(int off, int size)
{
    int end = (int)(offsetof(struct bpf_tcp_sock, icsk_retransmits) + sizeof(uint32_t));
    if (off < 0 || off >= end || off % size)
        return false;
    if (off == (int)offsetof(struct bpf_tcp_sock, bytes_received) ||
        off == (int)offsetof(struct bpf_tcp_sock, bytes_acked))
        return size == 8;
    return size == 4;
}

int v_check_sock_access(struct venv *env, uint32_t regno, int off, int size)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    bool ok = r->type == PTR_TO_SOCKET     ? sock_valid(off, size)
              : r->type == PTR_TO_TCP_SOCK ? tcp_sock_valid(off, size)
                                           : sock_common_valid(off, size);
    /* the upper halves of the two u64 counters pass the kernel's access
     * check as u32 fields, then have no conversion: it fails the load */
    if (ok && r->type == PTR_TO_TCP_SOCK &&
        (off == (int)offsetof(struct bpf_tcp_sock, bytes_received) + 4 ||
         off == (int)offsetof(struct bpf_tcp_sock, bytes_acked) + 4))
        return v_err(env, -EFAULT, "verifier bug: error during ctx access conversion (0)\n");
    if (!ok)
        return v_err(env, -EACCES, "R%u invalid %s access off=%d size=%d\n", regno,
                     v_type_str(r->type), off, size);
    return 0;
}

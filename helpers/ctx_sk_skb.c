/* helpers/ctx_sk_skb.c - struct __sk_buff as sk_skb programs (stream
 * parser and verdict) see it (net/core/filter.c: sk_skb_is_valid_access,
 * then bpf_skb_is_valid_access; sk_skb_convert_ctx_access): the skb is the
 * received bytes, its socket the receiving one.
 *
 *  - no tc_classid, data_meta, tstamp, wire_len, hwtstamp, mark, flow_keys;
 *  - writes: tc_index and priority (4 bytes);
 *  - data / data_end: 4-byte loads giving pointers over the bytes;
 *  - the sock_common fields (family .. local_port) of the receiving
 *    socket; address fields are 4-byte loads, others may be narrow (the
 *    kernel's shift and mask of the loaded member);
 *  - len the bytes' length, protocol ETH_P_IP / ETH_P_IPV6 (network
 *    order), the rest 0 (no device, no VLAN, no hash); cb[] reads 0;
 *  - sk: the socket as struct bpf_sock. */
#include "helpers/sock_int.h"

#include <errno.h>
#include <stddef.h>

#define OFF(f) offsetof(struct __sk_buff, f)
#define END(f) (offsetof(struct __sk_buff, f) + sizeof(((struct __sk_buff *)0)->f))
#define IN(o, f) ((o) >= OFF(f) && (o) < END(f))

static int deny(const char **why, const char *msg)
{
    *why = msg;
    return -EACCES;
}

int helper_ctx_sk_skb_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                             unsigned size, bool write, uint64_t *value, const char **why)
{
    (void)r;
    struct sock_run *sr = sock_run_of(run);
    if (!sr)
        return deny(why, "not a socket run");
    if (off >= sizeof(struct __sk_buff) || off % size)
        return deny(why, off >= sizeof(struct __sk_buff) ? "outside struct __sk_buff"
                                                          : "misaligned");
    if (IN(off, tc_classid) || IN(off, data_meta) || IN(off, tstamp) || IN(off, wire_len) ||
        IN(off, hwtstamp) || IN(off, mark) || IN(off, flow_keys))
        return deny(why, "not accessible to sk_skb programs");
    if (off >= END(tstamp_type) && off < OFF(hwtstamp))
        return deny(why, "padding");
    if (off == OFF(tstamp_type))
        return deny(why, "tstamp_type is for tc programs");
    if (IN(off, sk)) {
        if (write || size != 8 || off != OFF(sk))
            return deny(why, "sk is a read-only pointer (8-byte load)");
        *value = (uintptr_t)&sr->cc.sk_view;
        return 0;
    }
    if (write) {
        if (size != 4 || !(IN(off, tc_index) || IN(off, priority)))
            return deny(why, "sk_skb programs write tc_index and priority only (4 bytes)");
        return 0; /* nothing downstream reads them */
    }
    if (IN(off, data) || IN(off, data_end)) {
        if (size != 4)
            return deny(why, "data and data_end are read with 4-byte loads");
        *value = (uintptr_t)(IN(off, data) ? sr->cc.pkt.data : sr->cc.pkt.data_end);
        return 0;
    }
    if (IN(off, cb)) {
        if (off + size > END(cb))
            return deny(why, "runs past cb[4]");
        *value = 0;
        return 0;
    }
    bool addr = off >= OFF(remote_ip4) && off < END(local_ip6);
    if (addr && size != 4)
        return deny(why, "address fields are read with 4-byte loads");
    if (size > 4)
        return deny(why, "fields are read with loads of at most 4 bytes");
    uint32_t base = off & ~3u;
    uint64_t v = 0;
    unsigned tsize = 4;
    if (base >= OFF(family) && base <= OFF(local_port)) {
        sock_addr_field(sr->sk, base - (uint32_t)OFF(family), &v);
        if (base == OFF(family) || base == OFF(remote_port) || base == OFF(local_port))
            tsize = 2;
    } else if (base == OFF(len)) {
        v = (uint64_t)(sr->cc.pkt.data_end - sr->cc.pkt.data);
    } else if (base == OFF(protocol)) {
        v = sr->sk->family == AF_INET6 ? 0xdd86 : 0x0008; /* htons(ETH_P_IPV6 / ETH_P_IP) */
        tsize = 2;
    }
    if (size < tsize) /* bpf_ctx_narrow_load_shift: little-endian */
        v = (v >> (((off - base) % tsize) * 8)) & ((1ull << (size * 8)) - 1);
    else if (size < 4 && off != base)
        v = tsize == 2 && size == 2 ? v : 0; /* the upper half of a 2-byte member */
    *value = v;
    return 0;
}

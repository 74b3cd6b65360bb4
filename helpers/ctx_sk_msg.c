/* helpers/ctx_sk_msg.c - struct sk_msg_md as sk_msg programs see it
 * (net/core/filter.c: sk_msg_is_valid_access, sk_msg_convert_ctx_access):
 * read-only; data and data_end 8-byte pointers over the message (the part
 * bpf_msg_pull_data chose), the sending socket's address fields, size
 * (the whole message), 4 bytes each; sk is the socket as struct bpf_sock
 * (helpers/sock_skb.c's view, filled by sock_run_prog). */
#include "helpers/sock_int.h"

#include <errno.h>
#include <stddef.h>

#define OFF(f) offsetof(struct sk_msg_md, f)

int helper_ctx_sk_msg_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                             unsigned size, bool write, uint64_t *value, const char **why)
{
    (void)r;
    struct sock_run *sr = sock_run_of(run);
    if (!sr) {
        *why = "not a socket run";
        return -EACCES;
    }
    if (write) {
        *why = "struct sk_msg_md is read-only";
        return -EACCES;
    }
    if (off % size) {
        *why = "misaligned";
        return -EACCES;
    }
    if (off == OFF(data) || off == OFF(data_end)) {
        if (size != 8) {
            *why = "data and data_end are read with 8-byte loads";
            return -EACCES;
        }
        *value = (uintptr_t)(off == OFF(data) ? sr->cc.pkt.data : sr->cc.pkt.data_end);
        return 0;
    }
    if (off == OFF(sk)) {
        if (size != 8) {
            *why = "sk is a pointer (8-byte load)";
            return -EACCES;
        }
        *value = (uintptr_t)&sr->cc.sk_view; /* a full socket, never NULL */
        return 0;
    }
    if (off >= OFF(family) && off < OFF(size) + 4) {
        if (size != 4) {
            *why = "sk_msg_md fields are read with 4-byte loads";
            return -EACCES;
        }
        if (off == OFF(size))
            *value = sr->msg_len;
        else
            sock_addr_field(sr->sk, off - (uint32_t)OFF(family), value);
        return 0;
    }
    *why = "outside struct sk_msg_md";
    return -EACCES;
}

/* vm/elf_sections.c - libbpf's section name -> program type table
 * (section_defs[] in tools/lib/bpf/libbpf.c of Linux 6.12), matched the way
 * libbpf's sec_def_matches() does: "name" exactly, "name+" exactly or as
 * "name/anything", "name/" as a prefix. The first entry that matches wins.
 * Names libbpf 1.x does not know ("xdp/foo", iproute2's "1/7") give no type:
 * the loader keeps such programs with prog_type 0 (BPF_PROG_TYPE_UNSPEC). */
#include "vm/vm.h"

#include <string.h>

/* Newer than Debian 12's uapi (6.1); the kernel's names and values. */
#ifndef BPF_PROG_TYPE_NETFILTER
#define BPF_PROG_TYPE_NETFILTER 32
#endif
#ifndef BPF_NETFILTER
#define BPF_NETFILTER 45
#endif
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#endif
#ifndef BPF_TCX_EGRESS
#define BPF_TCX_EGRESS 47
#endif
#ifndef BPF_TRACE_UPROBE_MULTI
#define BPF_TRACE_UPROBE_MULTI 48
#endif
#ifndef BPF_CGROUP_UNIX_CONNECT
#define BPF_CGROUP_UNIX_CONNECT 49
#endif
#ifndef BPF_CGROUP_UNIX_SENDMSG
#define BPF_CGROUP_UNIX_SENDMSG 50
#endif
#ifndef BPF_CGROUP_UNIX_RECVMSG
#define BPF_CGROUP_UNIX_RECVMSG 51
#endif
#ifndef BPF_CGROUP_UNIX_GETPEERNAME
#define BPF_CGROUP_UNIX_GETPEERNAME 52
#endif
#ifndef BPF_CGROUP_UNIX_GETSOCKNAME
#define BPF_CGROUP_UNIX_GETSOCKNAME 53
#endif
#ifndef BPF_NETKIT_PRIMARY
#define BPF_NETKIT_PRIMARY 54
#endif
#ifndef BPF_NETKIT_PEER
#define BPF_NETKIT_PEER 55
#endif
#ifndef BPF_TRACE_KPROBE_SESSION
#define BPF_TRACE_KPROBE_SESSION 56
#endif

#define SLEEP BPF_F_SLEEPABLE
#define FRAGS BPF_F_XDP_HAS_FRAGS

struct sec_def {
    const char *sec;         /* libbpf's spelling, with its '+' or '/' suffix */
    uint32_t prog_type;
    uint32_t attach;
    uint32_t flags;
};

#define P(t) BPF_PROG_TYPE_##t

static const struct sec_def sec_defs[] = {
    {"socket", P(SOCKET_FILTER), 0, 0},
    {"sk_reuseport/migrate", P(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0},
    {"sk_reuseport", P(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT, 0},
    {"kprobe+", P(KPROBE), 0, 0},
    {"uprobe+", P(KPROBE), 0, 0},
    {"uprobe.s+", P(KPROBE), 0, SLEEP},
    {"kretprobe+", P(KPROBE), 0, 0},
    {"uretprobe+", P(KPROBE), 0, 0},
    {"uretprobe.s+", P(KPROBE), 0, SLEEP},
    {"kprobe.multi+", P(KPROBE), BPF_TRACE_KPROBE_MULTI, 0},
    {"kretprobe.multi+", P(KPROBE), BPF_TRACE_KPROBE_MULTI, 0},
    {"kprobe.session+", P(KPROBE), BPF_TRACE_KPROBE_SESSION, 0},
    {"uprobe.multi+", P(KPROBE), BPF_TRACE_UPROBE_MULTI, 0},
    {"uretprobe.multi+", P(KPROBE), BPF_TRACE_UPROBE_MULTI, 0},
    {"uprobe.multi.s+", P(KPROBE), BPF_TRACE_UPROBE_MULTI, SLEEP},
    {"uretprobe.multi.s+", P(KPROBE), BPF_TRACE_UPROBE_MULTI, SLEEP},
    {"ksyscall+", P(KPROBE), 0, 0},
    {"kretsyscall+", P(KPROBE), 0, 0},
    {"usdt+", P(KPROBE), 0, 0},
    {"usdt.s+", P(KPROBE), 0, SLEEP},
    {"tc/ingress", P(SCHED_CLS), BPF_TCX_INGRESS, 0},
    {"tc/egress", P(SCHED_CLS), BPF_TCX_EGRESS, 0},
    {"tcx/ingress", P(SCHED_CLS), BPF_TCX_INGRESS, 0},
    {"tcx/egress", P(SCHED_CLS), BPF_TCX_EGRESS, 0},
    {"tc", P(SCHED_CLS), 0, 0},
    {"classifier", P(SCHED_CLS), 0, 0},
    {"action", P(SCHED_ACT), 0, 0},
    {"netkit/primary", P(SCHED_CLS), BPF_NETKIT_PRIMARY, 0},
    {"netkit/peer", P(SCHED_CLS), BPF_NETKIT_PEER, 0},
    {"tracepoint+", P(TRACEPOINT), 0, 0},
    {"tp+", P(TRACEPOINT), 0, 0},
    {"raw_tracepoint+", P(RAW_TRACEPOINT), 0, 0},
    {"raw_tp+", P(RAW_TRACEPOINT), 0, 0},
    {"raw_tracepoint.w+", P(RAW_TRACEPOINT_WRITABLE), 0, 0},
    {"raw_tp.w+", P(RAW_TRACEPOINT_WRITABLE), 0, 0},
    {"tp_btf+", P(TRACING), BPF_TRACE_RAW_TP, 0},
    {"fentry+", P(TRACING), BPF_TRACE_FENTRY, 0},
    {"fmod_ret+", P(TRACING), BPF_MODIFY_RETURN, 0},
    {"fexit+", P(TRACING), BPF_TRACE_FEXIT, 0},
    {"fentry.s+", P(TRACING), BPF_TRACE_FENTRY, SLEEP},
    {"fmod_ret.s+", P(TRACING), BPF_MODIFY_RETURN, SLEEP},
    {"fexit.s+", P(TRACING), BPF_TRACE_FEXIT, SLEEP},
    {"freplace+", P(EXT), 0, 0},
    {"lsm+", P(LSM), BPF_LSM_MAC, 0},
    {"lsm.s+", P(LSM), BPF_LSM_MAC, SLEEP},
    {"lsm_cgroup+", P(LSM), BPF_LSM_CGROUP, 0},
    {"iter+", P(TRACING), BPF_TRACE_ITER, 0},
    {"iter.s+", P(TRACING), BPF_TRACE_ITER, SLEEP},
    {"syscall", P(SYSCALL), 0, SLEEP},
    {"xdp.frags/devmap", P(XDP), BPF_XDP_DEVMAP, FRAGS},
    {"xdp/devmap", P(XDP), BPF_XDP_DEVMAP, 0},
    {"xdp.frags/cpumap", P(XDP), BPF_XDP_CPUMAP, FRAGS},
    {"xdp/cpumap", P(XDP), BPF_XDP_CPUMAP, 0},
    {"xdp.frags", P(XDP), BPF_XDP, FRAGS},
    {"xdp", P(XDP), BPF_XDP, 0},
    {"perf_event", P(PERF_EVENT), 0, 0},
    {"lwt_in", P(LWT_IN), 0, 0},
    {"lwt_out", P(LWT_OUT), 0, 0},
    {"lwt_xmit", P(LWT_XMIT), 0, 0},
    {"lwt_seg6local", P(LWT_SEG6LOCAL), 0, 0},
    {"sockops", P(SOCK_OPS), BPF_CGROUP_SOCK_OPS, 0},
    {"sk_skb/stream_parser", P(SK_SKB), BPF_SK_SKB_STREAM_PARSER, 0},
    {"sk_skb/stream_verdict", P(SK_SKB), BPF_SK_SKB_STREAM_VERDICT, 0},
    {"sk_skb/verdict", P(SK_SKB), BPF_SK_SKB_VERDICT, 0},
    {"sk_skb", P(SK_SKB), 0, 0},
    {"sk_msg", P(SK_MSG), BPF_SK_MSG_VERDICT, 0},
    {"lirc_mode2", P(LIRC_MODE2), BPF_LIRC_MODE2, 0},
    {"flow_dissector", P(FLOW_DISSECTOR), BPF_FLOW_DISSECTOR, 0},
    {"cgroup_skb/ingress", P(CGROUP_SKB), BPF_CGROUP_INET_INGRESS, 0},
    {"cgroup_skb/egress", P(CGROUP_SKB), BPF_CGROUP_INET_EGRESS, 0},
    {"cgroup/skb", P(CGROUP_SKB), 0, 0},
    {"cgroup/sock_create", P(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, 0},
    {"cgroup/sock_release", P(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_RELEASE, 0},
    {"cgroup/sock", P(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, 0},
    {"cgroup/post_bind4", P(CGROUP_SOCK), BPF_CGROUP_INET4_POST_BIND, 0},
    {"cgroup/post_bind6", P(CGROUP_SOCK), BPF_CGROUP_INET6_POST_BIND, 0},
    {"cgroup/bind4", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_BIND, 0},
    {"cgroup/bind6", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_BIND, 0},
    {"cgroup/connect4", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_CONNECT, 0},
    {"cgroup/connect6", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_CONNECT, 0},
    {"cgroup/connect_unix", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UNIX_CONNECT, 0},
    {"cgroup/sendmsg4", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_SENDMSG, 0},
    {"cgroup/sendmsg6", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_SENDMSG, 0},
    {"cgroup/sendmsg_unix", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UNIX_SENDMSG, 0},
    {"cgroup/recvmsg4", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_RECVMSG, 0},
    {"cgroup/recvmsg6", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_RECVMSG, 0},
    {"cgroup/recvmsg_unix", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UNIX_RECVMSG, 0},
    {"cgroup/getpeername4", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETPEERNAME, 0},
    {"cgroup/getpeername6", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETPEERNAME, 0},
    {"cgroup/getpeername_unix", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UNIX_GETPEERNAME, 0},
    {"cgroup/getsockname4", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETSOCKNAME, 0},
    {"cgroup/getsockname6", P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETSOCKNAME, 0},
    {"cgroup/getsockname_unix", P(CGROUP_SOCK_ADDR), BPF_CGROUP_UNIX_GETSOCKNAME, 0},
    {"cgroup/sysctl", P(CGROUP_SYSCTL), BPF_CGROUP_SYSCTL, 0},
    {"cgroup/getsockopt", P(CGROUP_SOCKOPT), BPF_CGROUP_GETSOCKOPT, 0},
    {"cgroup/setsockopt", P(CGROUP_SOCKOPT), BPF_CGROUP_SETSOCKOPT, 0},
    {"cgroup/dev", P(CGROUP_DEVICE), BPF_CGROUP_DEVICE, 0},
    {"struct_ops+", P(STRUCT_OPS), 0, 0},
    {"struct_ops.s+", P(STRUCT_OPS), 0, SLEEP},
    {"sk_lookup", P(SK_LOOKUP), BPF_SK_LOOKUP, 0},
    {"netfilter", BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, 0},
};

static bool sec_matches(const char *def, const char *name)
{
    size_t len = strlen(def);
    if (def[len - 1] == '/')
        return strncmp(name, def, len) == 0;
    if (def[len - 1] == '+') {
        len--;
        return strncmp(name, def, len) == 0 && (name[len] == '\0' || name[len] == '/');
    }
    return strcmp(name, def) == 0;
}

bool vm_section_prog_type(const char *section, uint32_t *prog_type, uint32_t *attach_type,
                          uint32_t *prog_flags)
{
    uint32_t t = BPF_PROG_TYPE_UNSPEC, a = 0, f = 0;
    bool found = false;
    if (section) {
        for (size_t i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++) {
            if (sec_matches(sec_defs[i].sec, section)) {
                t = sec_defs[i].prog_type;
                a = sec_defs[i].attach;
                f = sec_defs[i].flags;
                found = true;
                break;
            }
        }
    }
    if (prog_type)
        *prog_type = t;
    if (attach_type)
        *attach_type = a;
    if (prog_flags)
        *prog_flags = f;
    return found;
}

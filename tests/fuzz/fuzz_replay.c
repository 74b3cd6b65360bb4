/* libFuzzer target: `bpfemu replay`'s path (tools/replay.c, the capture
 * reader and writers of tools/replay_pcap.c, helpers/session.c) on corrupt
 * captures. The input is a capture file (pcap or pcapng, any link type),
 * read through pcap_fopen_offline on fmemopen, replayed through
 *  - a built-in XDP program that moves the packet's head and tail by
 *    amounts taken from its bytes, writes to it and returns every action
 *    (bpf_redirect included), with one worker and with two, and
 *    JIT-compiled, outputs written (pcapng, pcap, trace, events);
 *  - the corpus's xdp_events (ring buffer, trace_printk) and tc_rewrite
 *    (skb helpers) when corpus/build holds them (run from the repository
 *    root, or set BPFEMU_CORPUS).
 * Properties beyond "no crash, no UB, no leak": the counts add up (every
 * record read is replayed, refused or another shard's), an input error is
 * "packet N: ..." with N one past the records read, and a setup error has
 * a message.
 *
 *   make fuzz
 *   mkdir -p /tmp/fz-replay && cp corpus/build/pcaps/[a-z]*.pcap /tmp/fz-replay/
 *   build-fuzz/fuzz/fuzz_replay -max_len=65536 -max_total_time=600 /tmp/fz-replay
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jit/jit.h"
#include "tools/replay.c"
#include "tools/replay_pcap.c"

static const char fz_prog[] =
    "r6 = r1\n"
    "r2 = *(u32 *)(r6 +0)\n"
    "r3 = *(u32 *)(r6 +4)\n"
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 > r3 goto +26\n"
    "r7 = *(u8 *)(r2 +12)\n"
    "r8 = r7\n"
    "r8 &= 7\n"
    "r8 *= -4\n"
    "r1 = r6\n"
    "r2 = r8\n"
    "call bpf_xdp_adjust_head#44\n"
    "r8 = r7\n"
    "r8 >>= 4\n"
    "r8 -= 8\n"
    "r1 = r6\n"
    "r2 = r8\n"
    "call bpf_xdp_adjust_tail#65\n"
    "r2 = *(u32 *)(r6 +0)\n"
    "r3 = *(u32 *)(r6 +4)\n"
    "r4 = r2\n"
    "r4 += 14\n"
    "if r4 > r3 goto +10\n"
    "*(u8 *)(r2 +0) = r7\n"
    "r0 = r7\n"
    "r0 %= 5\n"
    "if r0 != 4 goto +7\n"
    "r1 = r7\n"
    "r2 = 0\n"
    "call bpf_redirect#23\n"
    "exit\n"
    "r0 = 2\n"
    "exit\n"
    "r0 = 2\n"
    "exit\n"
    "exit\n";

struct fz_target {
    struct vm_object *obj;     /* loaded objects (NULL for the built-in one) */
    struct helper_env *env;
    struct helper_prog *prog;
    uint32_t threads;
};

static struct fz_target targets[5];
static char pcap_out[256];     /* a classic pcap output (by its name) */
static size_t n_targets;
static struct vm_object builtin_obj;
static struct vm_obj_prog builtin_prog;

static void fz_die(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_replay: %s: %s\n", what, err);
    abort();
}

static void add_builtin(uint32_t threads, unsigned jit)
{
    char err[512];
    struct fz_target *t = &targets[n_targets++];
    struct helper_env_opts eo = {.ncpus = threads, .budget = 100000, .jit = jit};
    if (helper_env_create(&builtin_obj, &eo, &t->env, err, sizeof err))
        fz_die("built-in program", err);
    t->prog = helper_env_prog(t->env, "fz_xdp");
    t->threads = threads;
}

static void add_object(const char *dir, const char *name, const char *prog)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/%s.o", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    static uint8_t buf[1 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct fz_target *t = &targets[n_targets];
    if (vm_object_load_elf(buf, len, name, &t->obj, err, sizeof err))
        fz_die(path, err);
    struct helper_env_opts eo = {.ncpus = 1, .budget = 1000000};
    if (helper_env_create(t->obj, &eo, &t->env, err, sizeof err))
        fz_die(path, err);
    t->prog = helper_env_prog(t->env, prog);
    if (!t->prog)
        fz_die(path, "program missing");
    t->threads = 1;
    n_targets++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[512];
    static const char prog_name[] = "fz_xdp";
    if (vm_asm(fz_prog, sizeof fz_prog - 1, prog_name, &builtin_prog.prog, err, sizeof err))
        fz_die("built-in program", err);
    snprintf(builtin_prog.name, sizeof builtin_prog.name, "%s", prog_name);
    snprintf(builtin_prog.section, sizeof builtin_prog.section, "xdp");
    builtin_prog.prog_type = BPF_PROG_TYPE_XDP;
    snprintf(builtin_obj.name, sizeof builtin_obj.name, "fuzz");
    snprintf(builtin_obj.license, sizeof builtin_obj.license, "GPL");
    builtin_obj.progs = &builtin_prog;
    builtin_obj.n_progs = 1;
    const char *tmp = getenv("TMPDIR");
    snprintf(pcap_out, sizeof pcap_out, "%s/fuzz_replay-%d.pcap", tmp && *tmp ? tmp : "/tmp",
             (int)getpid());
    add_builtin(1, 0);
    add_builtin(2, 0);
#if defined(__x86_64__)
    add_builtin(1, JIT_CHECKED);
#endif
    const char *dir = getenv("BPFEMU_CORPUS");
    if (!dir || !*dir)
        dir = "corpus/build";
    add_object(dir, "xdp_events", "xdp_syn_events");
    add_object(dir, "tc_rewrite", "tc_dnat");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct replay_stats st;
    for (size_t i = 0; i < n_targets; i++) {
        struct fz_target *t = &targets[i];
        FILE *fp = fmemopen((void *)data, size ? size : 1, "rb");
        if (!fp)
            continue;
        if (!size) {
            fclose(fp);
            fp = fmemopen((void *)"", 1, "rb"); /* an empty stream */
            if (!fp)
                continue;
        }
        struct replay_opts o = {
            .pcap = "fuzz",
            .pcap_fp = fp,
            .out = "/dev/null",                  /* pcapng */
            .out_drop = pcap_out,                /* classic pcap */
            .threads = t->threads,
            .window = 256,
        };
        if (i % 2 == 0) {
            o.out_drop = NULL;
            o.out_pass = "/dev/null";
            o.trace = "/dev/null";
            o.events = "/dev/null";
        }
        if (i == 1) {
            o.shard_k = 1;
            o.shard_n = 2;
            o.limit = 1000;
        }
        char err[1024] = "";
        int rc = replay_run(t->env, t->prog, &o, &st, err, sizeof err);
        if (rc == REPLAY_ERR_SETUP) {
            if (!err[0])
                abort();
            continue;
        }
        if (st.packets > st.read || st.other_shards > st.read ||
            st.packets + st.other_shards > st.read || st.refused > st.read)
            abort();
        if (rc == REPLAY_ERR_INPUT) {
            unsigned long long n = 0;
            if (sscanf(err, "packet %llu: ", &n) != 1 || n != st.read + 1)
                abort();
        } else if (rc != REPLAY_OK) {
            abort();
        }
    }
    return 0;
}

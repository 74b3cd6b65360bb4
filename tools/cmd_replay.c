/* tools/cmd_replay.c - `bpfemu replay OBJ --pcap IN [...]`: every packet of
 * a capture through an XDP or tc program, map state carried from packet to
 * packet, the clock following the capture's timestamps (tools/replay.c
 * does the work; docs/replay.md is the user's guide). */
#include "jit/jit.h"
#include "verifier/verifier.h"
#include "tools/env_cli.h"
#include "tools/json.h"
#include "tools/map_json.h"
#include "tools/cov_cli.h"
#include "tools/cbpf_cli.h"
#include "tools/replay.h"
#include "tools/run_object.h"
#include "tools/tools.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char replay_help[] =
    "usage: bpfemu replay OBJ.o [--section S] --pcap IN [--out OUT.pcapng]\n"
    "                     [--out-pass F] [--out-drop F] [--out-tx F] [--out-redirect F]\n"
    "                     [--map-in JSON] [--map-out JSON] [--trace F] [--events F]\n"
    "                     [--threads N] [--shard K/N] [--ifindex N] [--rx-queue N]\n"
    "                     [--limit N] [--budget N] [--jit [--jit-harden]] [--json]\n"
    "                     [--coverage FILE.info] [--annotate] [--no-verify] [--priv P]\n"
    "                     [runtime options]\n"
    "       bpfemu replay --filter EXPR | --filter-file F  --pcap IN [--out-pass F]\n"
    "                     [--out-drop F] [--json] [...]\n"
    "\n"
    "Verify the XDP or tc program of OBJ.o as BPF_PROG_LOAD would (a rejected\n"
    "program is not run), then run every packet of the capture IN (pcap or\n"
    "pcapng, \"-\" = stdin) through it, in capture order, as BPF_PROG_TEST_RUN would\n"
    "run each one: map state carries over from packet to packet and\n"
    "bpf_ktime_get_ns follows the capture's timestamps (1 s at the first packet,\n"
    "then the time since it, never backwards). Ethernet captures replay as they\n"
    "are; Linux cooked (SLL, SLL2), raw IP and BSD loopback captures are\n"
    "converted to Ethernet (a note on stderr says how). The capture is streamed:\n"
    "memory stays flat however large it is.\n"
    "\n"
    "At the end a summary: packets, bytes, packets per action and per redirect\n"
    "target, packets not run (inputs the kernel's test run refuses: shorter than\n"
    "14 bytes, an skb IP frame shorter than its header, ...), program faults,\n"
    "helper calls, packets/s and ns/packet (read + run + write). Packets are\n"
    "numbered from 1 in capture order, as Wireshark numbers frames.\n"
    "\n"
    "options:\n"
    "  --filter EXPR    instead of OBJ.o: a pcap filter expression (tcpdump's\n"
    "                   syntax), compiled by libpcap, converted to an eBPF socket\n"
    "                   filter as the kernel converts classic BPF, verified and run\n"
    "                   on every frame as a packet socket (tcpdump's) runs it; the\n"
    "                   summary counts passed and dropped packets (docs/cbpf.md)\n"
    "  --filter-file F  the same for a classic program as text (tcpdump -ddd / -dd)\n"
    "  --section S      the program: a section or function name (needed when the\n"
    "                   object has several)\n"
    "  --pcap IN        the capture to replay\n"
    "  --out F          every packet as the program left it; pcapng with the\n"
    "                   verdict in each packet's EPB verdict option (as xdpdump\n"
    "                   writes it: Wireshark's frame.verdict.ebpf_xdp / _tc) and\n"
    "                   the action in its comment. A name ending in .pcap gives\n"
    "                   classic pcap (no verdicts)\n"
    "  --out-pass F, --out-drop F, --out-tx F, --out-redirect F\n"
    "                   the packets of one kind of action (XDP_ABORTED and\n"
    "                   TC_ACT_STOLEN/QUEUED/TRAP count as drops); pcap or pcapng\n"
    "                   by the name, as --out\n"
    "  --map-in JSON    initial map entries (bpfemu run --map-in's format)\n"
    "  --map-out JSON   every map after the replay (\"-\" = stdout); per-CPU maps\n"
    "                   list one value per worker (CPU)\n"
    "  --trace F        bpf_trace_printk output, \"PACKET: line\"\n"
    "  --events F       ring buffer and perf event records, \"PACKET ringbuf MAP\n"
    "                   HEX\" or \"PACKET perf MAP INDEX HEX\". Records are consumed\n"
    "                   after every packet (as by a live reader), with or without\n"
    "                   this option\n"
    "  --socket SPEC    skb programs: the socket every packet's skb->sk is, as\n"
    "                   run --socket takes it (src=10.0.0.53:53,uid=1000,...)\n"
    "  --threads N      N workers, each an emulated CPU (per-CPU maps,\n"
    "                   bpf_get_smp_processor_id); packets go to workers by a\n"
    "                   symmetric 5-tuple hash, so each flow stays on one worker\n"
    "                   in capture order, as with RSS. Outputs stay in capture\n"
    "                   order. Default 1\n"
    "  --shard K/N      replay only the flows whose hash modulo N is K (0 <= K <\n"
    "                   N): N machines replaying shards 0..N-1 together replay\n"
    "                   the capture (see docs/replay.md)\n"
    "  --ifindex N      the ingress device (xdp_md.ingress_ifindex, skb->ifindex);\n"
    "                   default loopback (1), as a test run\n"
    "  --rx-queue N     xdp_md.rx_queue_index / skb->queue_mapping (default 0)\n"
    "  --limit N        stop after the first N packets of the capture\n"
    "  --budget N       instructions one packet's run may execute (default\n"
    "                   100000000)\n"
    "  --jit            run the program compiled by the x86-64 JIT (checked native\n"
    "                   code: the interpreter's results, faster)\n"
    "  --jit-harden     with --jit: blind the program's constants\n"
    "  --json           print the summary as one JSON object\n"
    VERIFY_CLI_HELP
    "  --coverage F     record which instructions and branches of the object ran\n"
    "                   over the whole capture and write an lcov tracefile\n"
    "                   (genhtml F -o DIR makes HTML of it); counts come from the\n"
    "                   interpreter, in one worker (not with --threads or --jit)\n"
    "  --annotate       print the object's C sources with each line's count\n"
    "                   (gcov style, ##### for lines that never ran)\n"
    "  --help           this text\n"
    "\n"
    "runtime options (as bpfemu run's; the clock follows the capture, so\n"
    "--clock-step-ns does not apply; --cpus defaults to the workers' CPUs and\n"
    "--cpu N makes the workers CPUs N, N+1, ...):\n"
    ENV_CLI_HELP
    "\n"
    "A progress bar with rate and ETA is drawn on stderr when it is a terminal\n"
    "and the replay takes more than a second.\n"
    "\n"
    "Exit status: 0 ok, 1 the program faulted on some packet (the first fault is\n"
    "reported), 2 bad usage or input: a capture that cannot be read, or breaks\n"
    "off (\"packet N: ...\" after the summary of what was replayed).\n";

enum {
    OPT_HELP = 1, OPT_SECTION, OPT_PCAP, OPT_OUT, OPT_OUT_PASS, OPT_OUT_DROP, OPT_OUT_TX,
    OPT_OUT_REDIRECT, OPT_MAP_IN, OPT_MAP_OUT, OPT_TRACE, OPT_EVENTS, OPT_THREADS, OPT_SHARD, OPT_SOCKET,
    OPT_IFINDEX, OPT_RXQ, OPT_LIMIT, OPT_BUDGET, OPT_JSON, OPT_WINDOW, OPT_JIT, OPT_JIT_HARDEN,
    OPT_INTERP, OPT_COVERAGE, OPT_ANNOTATE, OPT_NO_VERIFY, OPT_PRIV, OPT_FILTER, OPT_FILTER_FILE,
};

#define MAX_THREADS 256u

/* An unsigned integer option that may be 0. */
static bool parse_u32(const char *opt, const char *val, uint32_t *out)
{
    uint64_t v = 0;
    if (strcmp(val, "0") == 0 || cli_parse_positive(val, UINT32_MAX, &v)) {
        *out = (uint32_t)v;
        return true;
    }
    cli_error(opt, "invalid value '%s' (expected an integer from 0 to %u)", val, UINT32_MAX);
    return false;
}

static bool parse_shard(const char *val, uint32_t *k, uint32_t *n)
{
    const char *slash = strchr(val, '/');
    char kb[16];
    uint64_t kv = 0, nv = 0;
    if (slash && (size_t)(slash - val) < sizeof kb) {
        memcpy(kb, val, (size_t)(slash - val));
        kb[slash - val] = 0;
        bool kok = strcmp(kb, "0") == 0 || cli_parse_positive(kb, UINT32_MAX, &kv);
        if (kok && cli_parse_positive(slash + 1, UINT32_MAX, &nv) && kv < nv) {
            *k = (uint32_t)kv;
            *n = (uint32_t)nv;
            return true;
        }
    }
    cli_error("--shard", "invalid value '%s' (expected K/N with 0 <= K < N)", val);
    return false;
}

static void print_note(void *ctx, const char *msg) { cli_error((const char *)ctx, "note: %s", msg); }

/* Socket filters keep (retval > 0) or drop each packet: the two counts. */
static void pass_drop(const struct replay_stats *st, uint32_t prog_type, uint64_t *pass,
                      uint64_t *drop)
{
    *pass = *drop = 0;
    for (uint32_t i = 0; i < st->n_actions; i++) {
        if (replay_classify(prog_type, st->actions[i].retval) == REPLAY_PASS)
            *pass += st->actions[i].n;
        else
            *drop += st->actions[i].n;
    }
}

/* obj: the object's path, or (filter) the filter's label */
static void summary_text(const struct replay_stats *st, const struct vm_obj_prog *info,
                         const char *obj, const char *pcap, const char *engine, const char *error,
                         bool filter)
{
    printf("replay: %s (%s) from %s, capture %s, %u thread%s, %s\n", info->name, info->section,
           filter ? obj : cli_basename(obj), cli_basename(pcap), st->threads,
           st->threads == 1 ? "" : "s", engine);
    printf("  packets %" PRIu64 " (%" PRIu64 " bytes), snapped %" PRIu64 ", not run %" PRIu64
           ", faults %" PRIu64, st->packets, st->bytes, st->snapped, st->refused, st->faults);
    if (st->other_shards)
        printf(", other shards %" PRIu64, st->other_shards);
    printf("\n");
    if (info->prog_type == BPF_PROG_TYPE_SOCKET_FILTER) {
        uint64_t pass, drop;
        pass_drop(st, info->prog_type, &pass, &drop);
        printf("  passed %" PRIu64 ", dropped %" PRIu64 "\n", pass, drop);
    }
    char buf[64];
    for (uint32_t i = 0; i < st->n_actions; i++)
        printf("  %-20s %" PRIu64 "\n",
               replay_action_name(info->prog_type, st->actions[i].retval, buf, sizeof buf),
               st->actions[i].n);
    if (st->n_redirects) {
        printf("  redirect targets:\n");
        for (uint32_t i = 0; i < st->n_redirects; i++)
            printf("    %-18s %" PRIu64 "\n", replay_redirect_name(&st->redirects[i], buf, sizeof buf),
                   st->redirects[i].n);
        if (st->redirects_other)
            printf("    %-18s %" PRIu64 "\n", "(others)", st->redirects_other);
    }
    if (st->refused)
        printf("  first not run: packet %" PRIu64 ": %s\n", st->first_refused_pkt, st->first_refused);
    bool any = false;
    for (uint32_t k = 0; k < VM_MAX_HELPER_ID; k++)
        if (st->helper_calls[k]) {
            if (!any)
                printf("  helper calls:\n");
            any = true;
            const char *n = vm_helper_name((int32_t)k);
            printf("    %-30s %" PRIu64 "\n", n ? n : "unknown", st->helper_calls[k]);
        }
    double secs = (double)st->elapsed_ns / 1e9;
    printf("  %.3f s: %.0f packets/s, %.1f ns/packet, %.1f insns/packet\n", secs,
           secs > 0 ? (double)st->packets / secs : 0.0,
           st->packets ? (double)st->elapsed_ns / (double)st->packets : 0.0,
           st->packets ? (double)st->insns / (double)st->packets : 0.0);
    if (error)
        printf("  stopped: %s\n", error);
}

static void summary_json(const struct replay_stats *st, const struct vm_obj_prog *info,
                         const char *obj, const char *pcap, const char *engine, const char *error,
                         const char *filter)
{
    char buf[64];
    printf("{\"object\": ");
    if (filter) {
        printf("null, \"filter\": ");
        json_print_str(stdout, filter);
    } else {
        json_print_str(stdout, obj);
    }
    printf(", \"program\": ");
    json_print_str(stdout, info->name);
    printf(", \"section\": ");
    json_print_str(stdout, info->section);
    printf(", \"capture\": ");
    json_print_str(stdout, pcap);
    printf(", \"engine\": \"%s\"", engine);
    printf(", \"threads\": %u, \"records\": %" PRIu64 ", \"packets\": %" PRIu64
           ", \"bytes\": %" PRIu64 ", \"snapped\": %" PRIu64 ", \"other_shards\": %" PRIu64
           ", \"not_run\": %" PRIu64 ", \"faults\": %" PRIu64 ", \"actions\": {",
           st->threads, st->read, st->packets, st->bytes, st->snapped, st->other_shards,
           st->refused, st->faults);
    for (uint32_t i = 0; i < st->n_actions; i++) {
        printf("%s", i ? ", " : "");
        json_print_str(stdout, replay_action_name(info->prog_type, st->actions[i].retval, buf, sizeof buf));
        printf(": %" PRIu64, st->actions[i].n);
    }
    printf("}");
    if (info->prog_type == BPF_PROG_TYPE_SOCKET_FILTER) {
        uint64_t pass, drop;
        pass_drop(st, info->prog_type, &pass, &drop);
        printf(", \"passed\": %" PRIu64 ", \"dropped\": %" PRIu64, pass, drop);
    }
    printf(", \"retvals\": {");
    for (uint32_t i = 0; i < st->n_actions; i++)
        printf("%s\"%u\": %" PRIu64, i ? ", " : "", st->actions[i].retval, st->actions[i].n);
    printf("}, \"redirects\": {");
    for (uint32_t i = 0; i < st->n_redirects; i++) {
        printf("%s", i ? ", " : "");
        json_print_str(stdout, replay_redirect_name(&st->redirects[i], buf, sizeof buf));
        printf(": %" PRIu64, st->redirects[i].n);
    }
    printf("}, \"helper_calls\": {");
    bool first = true;
    for (uint32_t k = 0; k < VM_MAX_HELPER_ID; k++)
        if (st->helper_calls[k]) {
            const char *n = vm_helper_name((int32_t)k);
            printf("%s", first ? "" : ", ");
            first = false;
            if (n)
                json_print_str(stdout, n);
            else
                printf("\"#%u\"", k);
            printf(": %" PRIu64, st->helper_calls[k]);
        }
    double secs = (double)st->elapsed_ns / 1e9;
    printf("}, \"insns\": %" PRIu64 ", \"elapsed_ns\": %" PRIu64
           ", \"packets_per_s\": %.1f, \"ns_per_packet\": %.1f",
           st->insns, st->elapsed_ns, secs > 0 ? (double)st->packets / secs : 0.0,
           st->packets ? (double)st->elapsed_ns / (double)st->packets : 0.0);
    printf(", \"first_not_run\": ");
    if (st->refused) {
        snprintf(buf, sizeof buf, "packet %" PRIu64 ": ", st->first_refused_pkt);
        char msg[512];
        snprintf(msg, sizeof msg, "%s%s", buf, st->first_refused);
        json_print_str(stdout, msg);
    } else {
        printf("null");
    }
    printf(", \"first_fault\": ");
    if (st->faults) {
        char msg[512];
        snprintf(msg, sizeof msg, "packet %" PRIu64 ": %s", st->first_fault_pkt, st->first_fault);
        json_print_str(stdout, msg);
    } else {
        printf("null");
    }
    printf(", \"note\": ");
    if (st->note[0])
        json_print_str(stdout, st->note);
    else
        printf("null");
    printf(", \"error\": ");
    if (error)
        json_print_str(stdout, error);
    else
        printf("null");
    printf("}\n");
}

int cmd_replay(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},          {"-h", false, OPT_HELP},
        {"--section", true, OPT_SECTION},     {"--pcap", true, OPT_PCAP},
        {"--out", true, OPT_OUT},             {"--out-pass", true, OPT_OUT_PASS},
        {"--out-drop", true, OPT_OUT_DROP},   {"--out-tx", true, OPT_OUT_TX},
        {"--out-redirect", true, OPT_OUT_REDIRECT},
        {"--map-in", true, OPT_MAP_IN},       {"--map-out", true, OPT_MAP_OUT},
        {"--trace", true, OPT_TRACE},         {"--events", true, OPT_EVENTS},
        {"--threads", true, OPT_THREADS},     {"--shard", true, OPT_SHARD},
        {"--socket", true, OPT_SOCKET},
        {"--ifindex", true, OPT_IFINDEX},     {"--rx-queue", true, OPT_RXQ},
        {"--limit", true, OPT_LIMIT},         {"--budget", true, OPT_BUDGET},
        {"--json", false, OPT_JSON},          {"--window", true, OPT_WINDOW},
        {"--jit", false, OPT_JIT},            {"--jit-harden", false, OPT_JIT_HARDEN},
        {"--interp", false, OPT_INTERP},      {"--coverage", true, OPT_COVERAGE},
        {"--annotate", false, OPT_ANNOTATE},  {"--no-verify", false, OPT_NO_VERIFY},
        {"--priv", true, OPT_PRIV},           {"--filter", true, OPT_FILTER},
        {"--filter-file", true, OPT_FILTER_FILE}, ENV_CLI_OPTION_TABLE,
        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    struct replay_opts o = {0};
    struct helper_socket socket = {0};
    const char *file = NULL, *section = NULL, *map_in = NULL, *map_out = NULL, *val;
    uint64_t threads = 1, budget = 0, v;
    bool json = false, jit = false, harden = false, bad = false, annotate = false;
    bool no_verify = false;
    int priv = 0;
    const char *coverage = NULL, *filter = NULL, *filter_file = NULL;
    struct env_cli envo = {0};
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            env_cli_free(&envo);
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(replay_help, stdout);
            env_cli_free(&envo);
            return CLI_EXIT_OK;
        case OPT_JIT: jit = true; break;
        case OPT_INTERP: jit = false; break;
        case OPT_JIT_HARDEN: harden = true; break;
        case CLI_OPT_POSITIONAL:
            if (file) {
                cli_error(NULL, "replay: unexpected argument '%s' (the capture goes after --pcap)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            file = val;
            break;
        case OPT_SECTION: section = val; break;
        case OPT_FILTER: filter = val; break;
        case OPT_FILTER_FILE: filter_file = val; break;
        case OPT_PCAP: o.pcap = val; break;
        case OPT_OUT: o.out = val; break;
        case OPT_OUT_PASS: o.out_pass = val; break;
        case OPT_OUT_DROP: o.out_drop = val; break;
        case OPT_OUT_TX: o.out_tx = val; break;
        case OPT_OUT_REDIRECT: o.out_redirect = val; break;
        case OPT_MAP_IN: map_in = val; break;
        case OPT_MAP_OUT: map_out = val; break;
        case OPT_TRACE: o.trace = val; break;
        case OPT_SOCKET: {
            char e[256];
            if (helper_socket_parse(&socket, val, e, sizeof e)) {
                cli_error("--socket", "%s", strncmp(e, "socket: ", 8) ? e : e + 8);
                return CLI_EXIT_BAD_INPUT;
            }
            o.socket = &socket;
            break;
        }
        case OPT_EVENTS: o.events = val; break;
        case OPT_JSON: json = true; break;
        case OPT_COVERAGE: coverage = val; break;
        case OPT_ANNOTATE: annotate = true; break;
        case OPT_NO_VERIFY: no_verify = true; break;
        case OPT_PRIV:
            if ((priv = verifier_priv_parse(val)) < 0) {
                cli_error("--priv", "unknown regime '%s' (root, bpf, unpriv)", val);
                bad = true;
            }
            break;
        case OPT_THREADS:
            if (!cli_parse_positive(val, MAX_THREADS, &threads)) {
                cli_error("--threads", "invalid value '%s' (expected an integer from 1 to %u)", val,
                          MAX_THREADS);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_SHARD:
            if (!parse_shard(val, &o.shard_k, &o.shard_n))
                return CLI_EXIT_BAD_INPUT;
            break;
        case OPT_IFINDEX:
            if (!parse_u32("--ifindex", val, &o.ifindex))
                return CLI_EXIT_BAD_INPUT;
            break;
        case OPT_RXQ:
            if (!parse_u32("--rx-queue", val, &o.rx_queue))
                return CLI_EXIT_BAD_INPUT;
            break;
        case OPT_LIMIT:
            if (!cli_parse_count_opt("--limit", val, &o.limit))
                return CLI_EXIT_BAD_INPUT;
            break;
        case OPT_BUDGET:
            if (!cli_parse_count_opt("--budget", val, &budget))
                return CLI_EXIT_BAD_INPUT;
            break;
        case OPT_WINDOW:
            if (!cli_parse_positive(val, 1u << 20, &v)) {
                cli_error("--window", "invalid value '%s' (expected an integer from 1 to %u)", val,
                          1u << 20);
                return CLI_EXIT_BAD_INPUT;
            }
            o.window = (uint32_t)v;
            break;
        default:
            if (id == ENV_OPT_CLOCK_STEP) {
                cli_error("--clock-step-ns", "replay's clock follows the capture's timestamps");
                bad = true;
            } else {
                env_cli_option(&envo, id, val, &bad);
            }
            break;
        }
        if (bad) {
            env_cli_free(&envo);
            return CLI_EXIT_BAD_INPUT;
        }
    }
    if (harden && !jit) {
        cli_error("--jit-harden", "needs --jit");
        env_cli_free(&envo);
        return CLI_EXIT_BAD_INPUT;
    }
    /* the interpreter counts, one run at a time: counts stay exact */
    if ((coverage || annotate) && (jit || threads > 1)) {
        cli_error(coverage ? "--coverage" : "--annotate", "counts in the interpreter, in one "
                  "worker: drop %s", jit ? "--jit" : "--threads");
        env_cli_free(&envo);
        return CLI_EXIT_BAD_INPUT;
    }
    bool is_filter = filter || filter_file;
    if (is_filter && (file || (filter && filter_file) || section || map_in || map_out ||
                      coverage || annotate)) {
        cli_error(NULL, "replay: %s", file || (filter && filter_file)
                  ? "give one program: OBJ.o, --filter EXPR or --filter-file F"
                  : "--filter has no object: no --section, --map-in/out, --coverage or --annotate");
        env_cli_free(&envo);
        return CLI_EXIT_BAD_INPUT;
    }
    if ((!file && !is_filter) || !o.pcap) {
        cli_error(NULL, "replay: missing %s (see bpfemu replay --help)",
                  file || is_filter ? "--pcap IN" : "OBJ");
        env_cli_free(&envo);
        return CLI_EXIT_BAD_INPUT;
    }
    o.threads = (uint32_t)threads;
    o.first_cpu = envo.cpu;
    uint32_t ncpus = envo.opts.ncpus ? envo.opts.ncpus : o.first_cpu + o.threads;
    if (o.first_cpu + o.threads > ncpus) {
        cli_error("--cpus", "%u CPUs, but the workers are CPUs %u to %u", ncpus, o.first_cpu,
                  o.first_cpu + o.threads - 1);
        env_cli_free(&envo);
        return CLI_EXIT_BAD_INPUT;
    }
    if (o.clock_ns == 0)
        o.clock_ns = envo.opts.clock_ns;
    o.progress = isatty(STDERR_FILENO);
    o.note = print_note;
    o.note_ctx = (void *)o.pcap;

    char err[1024];
    struct vm_object *obj = NULL;
    struct helper_env *env = NULL;
    uint8_t *mapin = NULL;
    size_t mapin_len = 0;
    struct replay_stats *st = NULL;
    int rc = CLI_EXIT_BAD_INPUT;
    struct cbpf_loaded cl = {0};
    if (map_in && cli_read_file(map_in, &mapin, &mapin_len) != 0)
        goto out;
    if (is_filter) {
        if ((rc = cbpf_load("--filter", filter, filter_file, false, &cl)))
            goto out;
        file = cl.label; /* names the filter in messages */
    } else if ((rc = object_open(file, &obj, err, sizeof err))) {
        goto out;
    }
    rc = CLI_EXIT_BAD_INPUT;
    struct helper_env_opts eo = envo.opts;
    eo.ncpus = ncpus;
    eo.budget = budget;
    /* unverified programs: checked native code (jit/jit.h) */
    eo.jit = jit ? JIT_CHECKED | (harden ? JIT_HARDEN : 0) : 0;
    struct helper_prog *prog = NULL;
    if (is_filter) {
        /* the converted filter as a one-program object; freed below as one */
        struct raw_env re;
        if (raw_env_create(cl.prog, BPF_PROG_TYPE_SOCKET_FILTER, "cbpf", "socket", &eo, &re, err,
                           sizeof err)) {
            cli_error(file, "%s", err);
            goto out;
        }
        obj = re.obj;
        env = re.env;
        prog = re.prog;
        o.packet_socket = true;
    } else if (helper_env_create(obj, &eo, &env, err, sizeof err)) {
        cli_error(file, "%s", err);
        goto out;
    }
    if (env_cli_apply(&envo, env))
        goto out;
    if (mapin && map_json_load((const char *)mapin, mapin_len, env, ncpus, err, sizeof err)) {
        cli_error(map_in, "%s", err);
        goto out;
    }
    if (!prog && !(prog = object_pick_prog(file, env, obj, section)))
        goto out;
    /* converted classic filters that an eBPF verifier refuses (unreachable
     * code) run checked, as in run --cbpf */
    if (!no_verify && object_verify(file, env, prog, priv, !is_filter))
        goto out;
    if ((coverage || annotate) && cov_cli_enable(env))
        goto out;
    const struct vm_obj_prog *info = helper_prog_info(prog);
    st = malloc(sizeof(*st));
    if (!st) {
        cli_error(NULL, "out of memory");
        goto out;
    }
    int xrc = replay_run(env, prog, &o, st, err, sizeof err);
    if (xrc == REPLAY_ERR_SETUP) {
        /* nothing ran: the message names the file (or the program) */
        cli_error(strncmp(err, "program '", 9) == 0 ? file : NULL, "%s", err);
        goto out;
    }
    const char *stopped = xrc == REPLAY_ERR_INPUT ? err : NULL;
    const char *engine = jit ? "jit" : "interpreter";
    char shown[sizeof cl.label];
    snprintf(shown, sizeof shown, filter ? "filter '%s'" : "%s", filter ? filter : file);
    if (json)
        summary_json(st, info, file, o.pcap, engine, stopped,
                     is_filter ? (filter ? filter : filter_file) : NULL);
    else
        summary_text(st, info, is_filter ? shown : file, o.pcap, engine, stopped, is_filter);
    fflush(stdout);
    rc = CLI_EXIT_OK;
    if (xrc == REPLAY_ERR_INPUT) {
        cli_error(o.pcap, "%s (%" PRIu64 " packets replayed before it)", err, st->packets);
        rc = CLI_EXIT_BAD_INPUT;
    } else if (xrc == REPLAY_ERR_OUTPUT) {
        cli_error(NULL, "%s", err);
        rc = CLI_EXIT_BAD_INPUT;
    }
    if (st->faults) {
        cli_error(file, "packet %" PRIu64 ": %s (%" PRIu64 " packet%s faulted)", st->first_fault_pkt,
                  st->first_fault, st->faults, st->faults == 1 ? "" : "s");
        if (rc == CLI_EXIT_OK)
            rc = CLI_EXIT_RUN_FAILED;
    }
    /* after the summary, to stderr with --json (stdout is the JSON) */
    if ((coverage || annotate) &&
        cov_cli_write(env, file, coverage, annotate, json ? stderr : stdout))
        rc = CLI_EXIT_BAD_INPUT;
    if (map_out) {
        FILE *f = strcmp(map_out, "-") ? fopen(map_out, "w") : stdout;
        if (!f) {
            cli_error(map_out, "%s", strerror(errno));
            rc = CLI_EXIT_BAD_INPUT;
        } else {
            map_json_dump(f, env, ncpus);
            if ((f != stdout && fclose(f) != 0) || (f == stdout && fflush(f) != 0)) {
                cli_error(map_out, "%s", strerror(errno));
                rc = CLI_EXIT_BAD_INPUT;
            }
        }
    }
out:
    free(st);
    helper_env_destroy(env);
    env_cli_free(&envo);
    vm_object_free(obj);
    cbpf_loaded_free(&cl);
    free(mapin);
    return rc;
}

/* tools/cmd_run.c - `bpfemu run FILE [...]`: run a program, print r0. */
#include "tools/cbpf_cli.h"
#include "tools/run_object.h"
#include "tools/tools.h"

#include "jit/jit.h"
#include "verifier/verifier.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char run_help[] =
    "usage: bpfemu run FILE [--mem HEX-FILE | --data FILE] [--data-out FILE]\n"
    "                  [--repeat N] [--budget N] [--interp | --jit [--jit-harden]] [--json]\n"
    "       bpfemu run OBJ.o [--section S] [--data PACKET | --pcap CAP [--packet N]]\n"
    "                  [--data-out FILE]\n"
    "                  [--ctx-in FILE] [--ctx-out FILE] [--map-in JSON] [--map-out JSON]\n"
    "                  [--repeat N] [--interp | --jit [--jit-harden]] [--json]\n"
    "                  [--no-verify] [--priv root|bpf|unpriv]\n"
    "       bpfemu run OBJ.o [--section S] --events FILE [--tracepoint-format F]\n"
    "                  [--record-type MAP=STRUCT]... [--json] [--no-verify]\n"
    "       bpfemu run OBJ.o --sockets SCRIPT [--json] [--no-verify] [--priv P]\n"
    "       bpfemu run --cbpf EXPR | --cbpf-file F  [--data PACKET | --pcap CAP [--packet N]]\n"
    "                  [--repeat N] [--interp | --jit] [--json] [--no-verify]\n"
    "\n"
    "Run FILE (raw bytecode or assembly text, \"-\" = stdin) in the checked\n"
    "interpreter and print r0 as 0x%016llx on its own line.\n"
    "\n"
    "r1 points to a private writable copy of the input data (a region named\n"
    "\"data\") and r2 holds its length; without data r1 = r2 = 0.\n"
    "\n"
    "An ELF object (clang -target bpf) is first verified, as BPF_PROG_LOAD\n"
    "would (bpfemu verify shows the log); a rejected program is not run. Then it\n"
    "is run as BPF_PROG_TEST_RUN runs it: its\n"
    "maps are created (global data initialised), --data is the packet, and the\n"
    "result is the program's retval with its action name (XDP_PASS, TC_ACT_SHOT),\n"
    "the duration per run and the trace_printk output. Map state is kept across\n"
    "--repeat runs, as in the kernel. --json prints {\"program\", \"retval\",\n"
    "\"action\", \"duration_ns\", \"insns_executed\", \"data_out\" (hex), \"trace\",\n"
    "\"error\"}.\n"
    "\n"
    "options:\n"
    "  --section S      the program to run: a section or function name (needed\n"
    "                   when the object has several; see bpfemu disasm --list)\n"
    "  --pcap CAP       take the packet from a pcap/pcapng capture ...\n"
    "  --packet N       ... its packet N, counted from 0 (default 0)\n"
    "  --ctx-in FILE    the context (struct xdp_md / __sk_buff) as raw bytes\n"
    "  --ctx-out FILE   write the context after the run\n"
    "  --socket SPEC    skb programs: the socket __sk_buff->sk points at, as\n"
    "                   key=value,...: family (inet, inet6), type (stream, dgram),\n"
    "                   protocol (tcp, udp), state (established, listen, ...), src\n"
    "                   and dst (ADDR[:PORT], [IPv6]:PORT), uid, cookie, mark,\n"
    "                   priority, bound_dev_if, rx_queue_mapping; or none. Fields\n"
    "                   not given are the test run's socket's (the packet's\n"
    "                   family and addresses, state close, uid 0)\n"
    "  --map-in JSON    initial map entries ({\"maps\": [{\"name\", \"entries\":\n"
    "                   [{\"key\": \"hex\", \"value\": \"hex\"}]}]}, as --map-out writes)\n"
    "  --map-out JSON   write every map's contents after the run (\"-\" = stdout)\n"
    "  --events FILE    kprobe, tracepoint and raw tracepoint programs: run on each\n"
    "                   synthetic event of FILE (YAML: a list of events, or\n"
    "                   {tracepoint_format: F, events: [...]}; an event is as\n"
    "                   `event:` in test files, docs/tracing.md), on the same maps;\n"
    "                   per event print the retval, every ring buffer / perf event\n"
    "                   array record (hex) and trace_printk line (--json: one\n"
    "                   object a line: event, line, program, retval, records\n"
    "                   [{map, hex}], trace, error)\n"
    "  --tracepoint-format F  the tracepoint's format file (tracefs syntax); default:\n"
    "                   the file's tracepoint_format, else tracefs's for the section\n"
    "  --record-type MAP=STRUCT  print MAP's records as the object's BTF struct\n"
    "                   (JSON) instead of hex (repeatable)\n"
    "  --sockets SCRIPT run scripted socket events (a YAML file with attach: and\n"
    "                   sockets:, docs/sockets.md) on the object's sock_ops, sk_msg\n"
    "                   and sk_skb programs: per event the programs run (op, return\n"
    "                   value, verdict) and where each message went, then what each\n"
    "                   socket received; --json: one object per event and line\n"
    "                   {\"event\", \"line\", \"socket\", \"result\", \"runs\",\n"
    "                   \"deliveries\", \"trace\"}\n"
    "  --cbpf EXPR      instead of FILE: a pcap filter expression (tcpdump's\n"
    "                   syntax, 'tcp port 80'), compiled by libpcap for Ethernet,\n"
    "                   checked and converted to eBPF as the kernel converts\n"
    "                   socket filters, verified, and run on the packet as a\n"
    "                   packet socket (tcpdump's) runs it: prints \"retval: N\n"
    "                   (accept N bytes)\" or \"retval: 0 (drop)\" (docs/cbpf.md)\n"
    "  --cbpf-file F    the same for a classic program as text (tcpdump -ddd or\n"
    "                   -dd output)\n"
    VERIFY_CLI_HELP
    ENV_CLI_HELP
    "  --mem HEX-FILE   input data as whitespace-separated hex bytes (\"00 1f\")\n"
    "  --data FILE      input data: the file's bytes\n"
    "  --data-out FILE  write the data buffer as the program left it (also\n"
    "                   after a failed run)\n"
    "  --repeat N       run N times on the same run state (default 1); the data\n"
    "                   is not reset between runs\n"
    "  --budget N       stop a run once it has executed N instructions (checked at\n"
    "                   jumps and calls; default 100000000)\n"
    "  --interp         use the interpreter (the default)\n"
    "  --jit            run the program compiled by the x86-64 JIT (checked native\n"
    "                   code: same results, faults and budget as the interpreter)\n"
    "  --jit-harden     with --jit: blind the program's constants (as the kernel's\n"
    "                   bpf_jit_harden)\n"
    "  --json           print {\"r0\", \"ns_per_run\", \"insns_executed\", \"error\"}\n"
    "                   (r0 and ns_per_run are null, error a string, when the\n"
    "                   run failed; the error line is also on stderr)\n"
    "  --help           this text\n"
    "\n"
    "Exit status: 0 ok, 1 the run failed (fault, budget exhausted), 2 bad\n"
    "input or usage.\n";

enum {
    OPT_HELP = 1, OPT_MEM, OPT_DATA, OPT_DATA_OUT, OPT_REPEAT, OPT_BUDGET, OPT_INTERP,
    OPT_JIT, OPT_JSON, OPT_SECTION, OPT_CTX_IN, OPT_CTX_OUT, OPT_MAP_IN, OPT_MAP_OUT,
    OPT_PCAP, OPT_PACKET, OPT_JIT_HARDEN, OPT_NO_VERIFY, OPT_PRIV, OPT_CBPF, OPT_CBPF_FILE,
    OPT_SOCKET, OPT_EVENTS, OPT_TP_FORMAT, OPT_RECORD_TYPE, OPT_SOCKETS,
};

/* Write s as a JSON string. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

int cmd_run(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},       {"-h", false, OPT_HELP},
        {"--mem", true, OPT_MEM},          {"--data", true, OPT_DATA},
        {"--data-out", true, OPT_DATA_OUT}, {"--repeat", true, OPT_REPEAT},
        {"--budget", true, OPT_BUDGET},    {"--interp", false, OPT_INTERP},
        {"--jit", false, OPT_JIT},         {"--json", false, OPT_JSON},
        {"--section", true, OPT_SECTION},  {"--ctx-in", true, OPT_CTX_IN},
        {"--ctx-out", true, OPT_CTX_OUT},  {"--map-in", true, OPT_MAP_IN},
        {"--map-out", true, OPT_MAP_OUT},  {"--pcap", true, OPT_PCAP},
        {"--packet", true, OPT_PACKET},    {"--jit-harden", false, OPT_JIT_HARDEN},
        {"--no-verify", false, OPT_NO_VERIFY}, {"--priv", true, OPT_PRIV},
        {"--cbpf", true, OPT_CBPF},        {"--cbpf-file", true, OPT_CBPF_FILE},
        {"--socket", true, OPT_SOCKET},
        {"--events", true, OPT_EVENTS},    {"--tracepoint-format", true, OPT_TP_FORMAT},
        {"--record-type", true, OPT_RECORD_TYPE},
        {"--sockets", true, OPT_SOCKETS},
        ENV_CLI_OPTION_TABLE,
        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *file = NULL, *mem_file = NULL, *data_file = NULL, *data_out = NULL, *val;
    uint64_t repeat = 1, budget = VM_DEFAULT_BUDGET;
    bool jit = false, json = false, harden = false, no_verify = false;
    int priv = 0;
    struct helper_socket socket = {0};
    const char *section = NULL, *ctx_in = NULL, *ctx_out = NULL, *map_in = NULL, *map_out = NULL;
    const char *pcap = NULL, *cbpf_expr = NULL, *cbpf_file = NULL, *events = NULL;
    const char *sockets = NULL;
    const char *tp_format = NULL;
    const char *record_types[16];
    size_t n_record_types = 0;
    bool repeat_set = false;
    uint64_t packet = 0;
    bool packet_set = false, env_set = false;
    struct env_cli envo = {0};
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(run_help, stdout);
            return CLI_EXIT_OK;
        case OPT_MEM:
            mem_file = val;
            break;
        case OPT_DATA:
            data_file = val;
            break;
        case OPT_DATA_OUT:
            data_out = val;
            break;
        case OPT_REPEAT:
            if (!cli_parse_count_opt("--repeat", val, &repeat))
                return CLI_EXIT_BAD_INPUT;
            repeat_set = true;
            break;
        case OPT_BUDGET:
            if (!cli_parse_count_opt("--budget", val, &budget))
                return CLI_EXIT_BAD_INPUT;
            break;
        case OPT_INTERP:
            jit = false;
            break;
        case OPT_JIT:
            jit = true;
            break;
        case OPT_JIT_HARDEN:
            harden = true;
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_NO_VERIFY:
            no_verify = true;
            break;
        case OPT_PRIV:
            if ((priv = verifier_priv_parse(val)) < 0) {
                cli_error("--priv", "unknown regime '%s' (root, bpf, unpriv)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_SECTION:
            section = val;
            break;
        case OPT_CBPF:
            cbpf_expr = val;
            break;
        case OPT_EVENTS:
            events = val;
            break;
        case OPT_TP_FORMAT:
            tp_format = val;
            break;
        case OPT_RECORD_TYPE:
            if (n_record_types == sizeof record_types / sizeof record_types[0]) {
                cli_error("--record-type", "at most %zu", n_record_types);
                return CLI_EXIT_BAD_INPUT;
            }
            record_types[n_record_types++] = val;
            break;
        case OPT_CBPF_FILE:
            cbpf_file = val;
            break;
        case OPT_SOCKETS:
            sockets = val;
            break;
        case OPT_CTX_IN:
            ctx_in = val;
            break;
        case OPT_SOCKET: {
            char e[256];
            if (helper_socket_parse(&socket, val, e, sizeof e)) {
                cli_error("--socket", "%s", strncmp(e, "socket: ", 8) ? e : e + 8);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        }
        case OPT_CTX_OUT:
            ctx_out = val;
            break;
        case OPT_MAP_IN:
            map_in = val;
            break;
        case OPT_MAP_OUT:
            map_out = val;
            break;
        case OPT_PCAP:
            pcap = val;
            break;
        case OPT_PACKET:
            /* 0 is a valid packet index: parse as 1..max then shift */
            if (strcmp(val, "0") == 0)
                packet = 0;
            else if (!cli_parse_count_opt("--packet", val, &packet))
                return CLI_EXIT_BAD_INPUT;
            packet_set = true;
            break;
        default: {
            bool bad;
            if (env_cli_option(&envo, id, val, &bad)) {
                if (bad)
                    return CLI_EXIT_BAD_INPUT;
                env_set = true;
            }
            break;
        }
        case CLI_OPT_POSITIONAL:
            if (file) {
                cli_error("run", "unexpected argument '%s' (see bpfemu run --help)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            file = val;
            break;
        }
    }
    if (harden && !jit) {
        cli_error("--jit-harden", "needs --jit");
        return CLI_EXIT_BAD_INPUT;
    }
    /* unverified programs: checked native code (jit/jit.h) */
    unsigned jitflags = jit ? JIT_CHECKED | (harden ? JIT_HARDEN : 0) : 0;
    envo.opts.jit = jitflags;
    if (cbpf_expr || cbpf_file) {
        if (file || (cbpf_expr && cbpf_file)) {
            cli_error("run", "give one program: FILE, --cbpf EXPR or --cbpf-file F");
            return CLI_EXIT_BAD_INPUT;
        }
        if (mem_file || data_out || section || ctx_in || ctx_out || map_in || map_out ||
            env_set || socket.given) {
            cli_error("run", "--cbpf takes a packet (--data or --pcap), --repeat, --budget, "
                      "--jit, --json, --no-verify and --priv only");
            return CLI_EXIT_BAD_INPUT;
        }
        if ((pcap && data_file) || (!pcap && !data_file) || (packet_set && !pcap)) {
            cli_error("run", "--cbpf needs one packet: --data PACKET or --pcap CAP [--packet N]");
            return CLI_EXIT_BAD_INPUT;
        }
        struct run_cbpf_opts co = {.expr = cbpf_expr, .file = cbpf_file, .data_file = data_file,
                                   .pcap = pcap, .packet = packet, .repeat = repeat,
                                   .budget = budget, .jit = jitflags, .json = json,
                                   .no_verify = no_verify, .priv = priv};
        return run_cbpf(&co);
    }
    if (!file) {
        cli_error("run", "missing FILE (see bpfemu run --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    if ((tp_format || n_record_types) && !events) {
        cli_error(tp_format ? "--tracepoint-format" : "--record-type", "needs --events");
        return CLI_EXIT_BAD_INPUT;
    }
    if (events) {
        if (!cli_is_elf_file(file) || mem_file || data_file || pcap || packet_set || ctx_in ||
            ctx_out || data_out || map_in || map_out || repeat != 1 || jit || sockets ||
            socket.given) {
            cli_error("--events", "runs a tracing program of an object (OBJ.o) on events: "
                      "not with --mem, --data, --pcap, --ctx-in/out, --data-out, --map-in/out, "
                      "--repeat, --jit, --sockets or --socket");
            return CLI_EXIT_BAD_INPUT;
        }
        struct run_obj_opts o = {.file = file, .section = section, .env = &envo,
                                 .budget = budget, .json = json, .no_verify = no_verify,
                                 .priv = priv, .events = events, .tp_format = tp_format,
                                 .record_types = record_types,
                                 .n_record_types = n_record_types};
        return run_events(&o);
    }
    if (sockets && (events || socket.given)) {
        cli_error("--sockets", "not with --events or --socket");
        return CLI_EXIT_BAD_INPUT;
    }
    if (sockets && !cli_is_elf_file(file)) {
        cli_error("--sockets", "needs an ELF object with sock_ops, sk_msg or sk_skb programs");
        return CLI_EXIT_BAD_INPUT;
    }
    if (sockets) {
        if (mem_file || data_file || data_out || pcap || packet_set || section || ctx_in ||
            ctx_out || map_in || map_out || repeat_set || jit) {
            cli_error("--sockets", "the script says which programs run on what: it takes "
                      "--json, --no-verify, --priv and the runtime options only");
            return CLI_EXIT_BAD_INPUT;
        }
        return run_sockets(file, sockets, &envo, json, no_verify, priv);
    }
    if (cli_is_elf_file(file)) {
        if (mem_file) {
            cli_error("run", "--mem is for raw programs; give an object's packet with --data");
            return CLI_EXIT_BAD_INPUT;
        }
        if (pcap && data_file) {
            cli_error("run", "--pcap and --data are mutually exclusive");
            return CLI_EXIT_BAD_INPUT;
        }
        if (packet_set && !pcap) {
            cli_error("run", "--packet needs --pcap");
            return CLI_EXIT_BAD_INPUT;
        }
        struct run_obj_opts o = {.file = file, .section = section, .data_file = data_file,
                                 .data_out = data_out, .ctx_in = ctx_in, .ctx_out = ctx_out,
                                 .map_in = map_in, .map_out = map_out, .repeat = repeat,
                                 .pcap = pcap, .packet = packet, .env = &envo,
                                 .budget = budget, .json = json, .no_verify = no_verify,
                                 .priv = priv, .socket = socket.given ? &socket : NULL};
        return run_object(&o);
    }
    if (section || ctx_in || ctx_out || map_in || map_out || pcap || packet_set || env_set ||
        no_verify || priv > 0 || socket.given) {
        cli_error("run", "--section, --pcap, --ctx-in/out, --map-in/out, --socket, --no-verify, "
                  "--priv and the runtime options need an ELF object");
        return CLI_EXIT_BAD_INPUT;
    }
    if (mem_file && data_file) {
        cli_error("run", "--mem and --data are mutually exclusive");
        return CLI_EXIT_BAD_INPUT;
    }
    if (data_out && !mem_file && !data_file) {
        cli_error("run", "--data-out needs --mem or --data");
        return CLI_EXIT_BAD_INPUT;
    }

    int rc = CLI_EXIT_BAD_INPUT;
    struct vm_prog *prog = NULL;
    struct vm *vm = NULL;
    struct vm_run *run = NULL;
    uint8_t *data = NULL;
    size_t data_len = 0;

    /* Input data first: a bad --mem file is a usage problem whatever the
     * program is. */
    if (data_file) {
        if (cli_read_file(data_file, &data, &data_len) != 0)
            goto out;
    } else if (mem_file) {
        uint8_t *text;
        size_t text_len;
        char err[128];
        if (cli_read_file(mem_file, &text, &text_len) != 0)
            goto out;
        int prc = cli_parse_hex_bytes((const char *)text, text_len, &data, &data_len, err,
                                      sizeof(err));
        free(text);
        if (prc != 0) {
            cli_error(mem_file, "%s", err);
            goto out;
        }
    }

    if ((rc = load_program(file, &prog, NULL)) != 0)
        goto out;
    if ((rc = prepare_vm(file, prog, &vm)) != 0)
        goto out;
    vm_set_budget(vm, budget);
    if (jitflags && (rc = cli_enable_jit(file, vm, jitflags)) != 0)
        goto out;

    run = calloc(1, sizeof(*run));
    if (!run) {
        cli_error(file, "out of memory");
        rc = CLI_EXIT_BAD_INPUT;
        goto out;
    }
    vm_run_init(run, vm);
    if (data_len > 0) {
        if (vm_run_add_region(run, data, data_len, VM_REGION_RW, 0, "data") != 0) {
            cli_error(file, "cannot register the data region");
            rc = CLI_EXIT_BAD_INPUT;
            goto out;
        }
        run->args[0] = (uint64_t)(uintptr_t)data;
        run->args[1] = data_len;
    }

    int xrc = 0;
    uint64_t t0 = cli_now_ns();
    for (uint64_t i = 0; i < repeat; i++)
        if ((xrc = vm_run_exec(run)) != 0)
            break;
    uint64_t t1 = cli_now_ns();
    double ns_per_run = (double)(t1 - t0) / (double)repeat;

    if (json) {
        printf("{\"r0\": ");
        if (xrc)
            printf("null");
        else
            printf("\"0x%016" PRIx64 "\"", run->r0);
        if (xrc)
            printf(", \"ns_per_run\": null");
        else
            printf(", \"ns_per_run\": %.3f", ns_per_run);
        printf(", \"insns_executed\": %" PRIu64 ", \"error\": ", run->insns_executed);
        if (xrc)
            json_string(stdout, cli_run_errmsg(run, xrc));
        else
            printf("null");
        printf("}\n");
    } else if (!xrc) {
        printf("0x%016" PRIx64 "\n", run->r0);
    }
    fflush(stdout);
    if (xrc)
        cli_error(file, "%s", cli_run_errmsg(run, xrc));
    rc = xrc ? CLI_EXIT_RUN_FAILED : CLI_EXIT_OK;

    /* The buffer as the program left it, also after a failed run (useful
     * to see how far it got). */
    if (data_out && cli_write_file(data_out, data ? data : (uint8_t *)"", data_len) != 0 &&
        rc == CLI_EXIT_OK)
        rc = CLI_EXIT_BAD_INPUT;
out:
    free(run);
    if (vm)
        vm_destroy(vm);
    vm_prog_free(prog);
    free(data);
    return rc;
}

/* tests/unit/test_cli_cbpf.c - `bpfemu run --cbpf`, `replay --filter`,
 * `disasm --cbpf` (docs/cbpf.md), run as a program ($BPFEMU, cwd tests/),
 * in the style of test_cli.c: exact output and exit status. The verdicts
 * themselves are compared with libpcap's in test_cbpf.c. */
#include "tests/unit/cli_run.h"

#define MIXED "../corpus/build/pcaps/mixed.pcap"

static void setup(void)
{
    cli_setup("/tmp/bpfemu-cbpf-XXXXXX");
    cr_assert_eq(access(MIXED, R_OK), 0, "%s is missing: make -C corpus", MIXED);
}

TestSuite(cli_cbpf, .init = setup, .fini = cli_teardown, .timeout = 60);


/* stdout without the duration line (it varies) */
static const char *verdict_line(const char *out)
{
    static char b[256];
    snprintf(b, sizeof b, "%.*s", (int)strcspn(out, "\n"), out);
    return b;
}

Test(cli_cbpf, run_accept_and_drop)
{
    /* packet 2 of mixed.pcap is TCP to port 80, packet 0 is not */
    struct res r = RUN("run", "--cbpf", "tcp port 80", "--pcap", MIXED, "--packet", "2");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(verdict_line(r.out), "retval: 262144 (accept 262144 bytes)");
    cr_expect_str_eq(r.err, "");
    r = RUN("run", "--cbpf", "tcp port 80", "--pcap", MIXED, "--packet", "0");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(verdict_line(r.out), "retval: 0 (drop)");
    r = RUN("run", "--cbpf", "tcp port 80", "--pcap", MIXED, "--packet", "2", "--jit", "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "{\"filter\": \"tcp port 80\", \"retval\": 262144, \"verdict\": "
                      "\"accept\", \"duration_ns\": ", 77) == 0, "%s", r.out);
    cr_expect(strstr(r.out, "\"error\": null}\n") != NULL, "%s", r.out);
    /* the same filter as tcpdump -ddd text, and a packet file */
    cli_write("f.txt", "4\n40 0 0 12\n21 0 1 2048\n6 0 0 96\n6 0 0 0\n");
    static const unsigned char pkt[34] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45};
    FILE *f = fopen(cli_path("p.bin"), "wb");
    fwrite(pkt, 1, sizeof pkt, f);
    fclose(f);
    r = RUN("run", "--cbpf-file", cli_path("f.txt"), "--data", cli_path("p.bin"));
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(verdict_line(r.out), "retval: 96 (accept 96 bytes)");
}

Test(cli_cbpf, run_bad_input)
{
    struct res r = RUN("run", "--cbpf", "tcp port 8o", "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "");
    cr_expect_str_eq(r.err, "bpfemu: --cbpf 'tcp port 8o': unknown port '8o'\n");
    r = RUN("run", "--cbpf", "ip and (", "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: --cbpf 'ip and (': can't parse filter expression: "
                            "syntax error\n");
    cli_write("div.txt", "2\n148 0 0 0\n6 0 0 1\n");
    r = RUN("run", "--cbpf-file", cli_path("div.txt"), "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    char want[256];
    snprintf(want, sizeof want, "bpfemu: %s: insn 0 (mod #0): modulo by constant zero\n",
             cli_path("div.txt"));
    cr_expect_str_eq(r.err, want);
    cli_write("jmp.txt", "2\n21 0 7 1\n6 0 0 1\n");
    r = RUN("run", "--cbpf-file", cli_path("jmp.txt"), "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    snprintf(want, sizeof want, "bpfemu: %s: insn 0 (jeq #0x1 jt 1 jf 8): jump target 8 is past "
             "the last insn (1)\n", cli_path("jmp.txt"));
    cr_expect_str_eq(r.err, want);
    cli_write("short.txt", "3\n6 0 0 1\n");
    r = RUN("run", "--cbpf-file", cli_path("short.txt"), "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    snprintf(want, sizeof want, "bpfemu: %s: line 2: the count says 3 instructions, the text has "
             "4 numbers after it (12 expected)\n", cli_path("short.txt"));
    cr_expect_str_eq(r.err, want);
    r = RUN("run", "--cbpf", "ip");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: run: --cbpf needs one packet: --data PACKET or --pcap CAP "
                            "[--packet N]\n");
    r = RUN("run", "x.o", "--cbpf", "ip", "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: run: give one program: FILE, --cbpf EXPR or --cbpf-file F\n");
    r = RUN("run", "--cbpf", "ip", "--pcap", MIXED, "--packet", "100000");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "bpfemu: ") == r.err && strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
              "one line: %s", r.err);
}

Test(cli_cbpf, replay_counts)
{
    struct res r = RUN("replay", "--filter", "tcp port 80", "--pcap", MIXED, "--out-pass",
                       cli_path("pass.pcap"), "--out-drop", cli_path("drop.pcap"), "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"object\": null, \"filter\": \"tcp port 80\"") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"packets\": 297,") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"passed\": 50, \"dropped\": 247") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"not_run\": 0, \"faults\": 0") != NULL, "%s", r.out);
    /* the split captures hold the packets: 24-byte header + 16 per record + bytes */
    r = RUN("replay", "--filter", "ip6", "--pcap", cli_path("pass.pcap"));
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "from filter 'ip6', capture pass.pcap") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "  packets 50 ") != NULL, "%s", r.out);
    r = RUN("replay", "--filter", "tcp port 80", "--pcap", cli_path("drop.pcap"));
    cr_expect(strstr(r.out, "  passed 0, dropped 247\n") != NULL, "%s", r.out);
    r = RUN("replay", "--filter", "tcp port 8o", "--pcap", MIXED);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: --filter 'tcp port 8o': unknown port '8o'\n");
    r = RUN("replay", "--filter", "ip", "--pcap", MIXED, "--map-in", "m.json");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: replay: --filter has no object: no --section, --map-in/out, "
                            "--coverage or --annotate\n");
}

Test(cli_cbpf, disasm_both_forms)
{
    struct res r = RUN("disasm", "--cbpf", "ip6");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "classic BPF, 4 insns (tcpdump -d):\n"
                            "(000) ldh      [12]\n"
                            "(001) jeq      #0x86dd          jt 2\tjf 3\n"
                            "(002) ret      #262144\n"
                            "(003) ret      #0\n"
                            "\n"
                            "eBPF socket filter, 9 insns:\n"
                            "   0: (b4) w0 = 0\n"
                            "   1: (b4) w7 = 0\n"
                            "   2: (bf) r6 = r1\n"
                            "   3: (28) r0 = *(u16 *)skb[12]\n"
                            "   4: (55) if r0 != 0x86dd goto pc+2\n"
                            "   5: (b4) w0 = 262144\n"
                            "   6: (95) exit\n"
                            "   7: (b4) w0 = 0\n"
                            "   8: (95) exit\n");
    cr_expect_str_eq(r.err, "");
    r = RUN("disasm", "--cbpf", "bogus(");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "");
    cr_expect_str_eq(r.err, "bpfemu: --cbpf 'bogus(': can't parse filter expression: syntax error\n");
}

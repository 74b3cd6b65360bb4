/* tests/unit/test_cli.c - the `bpfemu` command line, run as a program.
 *
 * The binary is $BPFEMU (default ../build/bpfemu; tests run with cwd =
 * tests/). Each test runs it with fork/exec, stdin from a file, stdout and
 * stderr to files, and asserts the exact output and exit status. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------- harness ---- */

static char tmpdir[256];

static const char *bpfemu_bin(void)
{
    const char *b = getenv("BPFEMU");
    return b && *b ? b : "../build/bpfemu";
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/bpfemu-cli-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
    cr_assert_eq(access(bpfemu_bin(), X_OK), 0, "%s is not an executable (set BPFEMU)",
                 bpfemu_bin());
}

static void teardown(void)
{
    if (tmpdir[0])
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

/* Path of `name` inside the test's temp dir (static buffers, 8 in turn). */
static const char *tp(const char *name)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
    return b;
}

static void write_bytes(const char *name, const void *buf, size_t len)
{
    FILE *f = fopen(tp(name), "wb");
    cr_assert_not_null(f, "fopen %s: %s", tp(name), strerror(errno));
    cr_assert_eq(fwrite(buf, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *len = 0;
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

struct res {
    int status;   /* exit status, or 128+signal */
    char *out, *err;
    size_t out_len, err_len;
};

/* Run bpfemu with args (NULL-terminated), stdin = `in` (NULL: /dev/null). */
static struct res run_v(const char *in, const char *const *args)
{
    static int seq;
    char inp[512], outp[512], errp[512];
    int n = seq++;
    snprintf(inp, sizeof(inp), "%s/.stdin%d", tmpdir, n);
    snprintf(outp, sizeof(outp), "%s/.stdout%d", tmpdir, n);
    snprintf(errp, sizeof(errp), "%s/.stderr%d", tmpdir, n);
    FILE *f = fopen(inp, "wb");
    cr_assert_not_null(f);
    if (in)
        fputs(in, f);
    fclose(f);

    const char *argv[64];
    int argc = 0;
    argv[argc++] = bpfemu_bin();
    for (const char *const *a = args; *a; a++) {
        cr_assert_lt(argc, 62);
        argv[argc++] = *a;
    }
    argv[argc] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int i0 = open(inp, O_RDONLY);
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (i0 < 0 || o < 0 || e < 0)
            _exit(126);
        /* never outlive the test: a killed test must not leave a runaway child */
        alarm(30);
        dup2(i0, 0), dup2(o, 1), dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    struct res r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(outp, &r.out_len);
    r.err = slurp(errp, &r.err_len);
    cr_assert_not_null(r.out);
    cr_assert_not_null(r.err);
    return r;
}

#define RUN(in, ...) run_v((in), (const char *const[]){__VA_ARGS__, NULL})

static void res_free(struct res *r)
{
    free(r->out);
    free(r->err);
}

/* Assert status, stdout and stderr exactly. */
#define EXPECT(r, st, o, e)                                                                  \
    do {                                                                                     \
        cr_expect(strcmp((r).out, (o)) == 0, "stdout:\n got `%s`\n want `%s`", (r).out, (o));  \
        cr_expect(strcmp((r).err, (e)) == 0, "stderr:\n got `%s`\n want `%s`", (r).err, (e));  \
        cr_expect_eq((r).status, (st), "exit status %d, expected %d (stderr: %s)", (r).status, \
                     (st), (r).err);                                                         \
    } while (0)

static bool matches(const char *s, const char *re)
{
    regex_t rx;
    cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0, "bad regex %s", re);
    bool ok = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

/* Little-endian instruction slot. */
static void slot(uint8_t *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    p[0] = code;
    p[1] = (uint8_t)(dst | src << 4);
    p[2] = (uint8_t)off, p[3] = (uint8_t)((uint16_t)off >> 8);
    for (int i = 0; i < 4; i++)
        p[4 + i] = (uint8_t)((uint32_t)imm >> (8 * i));
}

/* --------------------------------------------------- top level, help ---- */

Test(cli, version)
{
    struct res r = RUN(NULL, "--version");
    EXPECT(r, 0, "bpfemu 0.1.0\n", "");
    res_free(&r);
}

Test(cli, help_lists_commands)
{
    struct res r = RUN(NULL, "--help");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "");
    const char *cmds[] = {"asm", "disasm", "run", "conformance", "plugin", "bench", "jit", "verify"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        char re[64];
        snprintf(re, sizeof(re), "\n  %s +[a-z]", cmds[i]);
        cr_expect(matches(r.out, re), "--help does not list %s:\n%s", cmds[i], r.out);
    }
    res_free(&r);
}

Test(cli, subcommand_help)
{
    const char *cmds[] = {"asm", "disasm", "run", "conformance", "plugin", "bench", "jit", "verify"};
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        struct res r = RUN(NULL, cmds[i], "--help");
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "usage: bpfemu %s ", cmds[i]);
        cr_expect_eq(r.status, 0, "%s --help", cmds[i]);
        cr_expect_str_eq(r.err, "");
        cr_expect(strncmp(r.out, prefix, strlen(prefix)) == 0, "%s --help: %s", cmds[i], r.out);
        res_free(&r);
        /* `bpfemu help CMD` is the same text */
        struct res h = RUN(NULL, "help", cmds[i]);
        cr_expect_eq(h.status, 0);
        cr_expect(strncmp(h.out, prefix, strlen(prefix)) == 0);
        res_free(&h);
    }
}

Test(cli, no_command)
{
    struct res r = RUN(NULL, "");
    EXPECT(r, 2, "", "bpfemu: unknown command '' (see bpfemu --help)\n");
    res_free(&r);
    const char *none[] = {NULL};
    r = run_v(NULL, none);
    EXPECT(r, 2, "", "bpfemu: missing command (see bpfemu --help)\n");
    res_free(&r);
}

Test(cli, unknown_command_and_option)
{
    struct res r = RUN(NULL, "frob");
    EXPECT(r, 2, "", "bpfemu: unknown command 'frob' (see bpfemu --help)\n");
    res_free(&r);
    r = RUN(NULL, "--frob");
    EXPECT(r, 2, "", "bpfemu: unknown option '--frob' (see bpfemu --help)\n");
    res_free(&r);
}

/* ------------------------------------------------------------ asm, run ---- */

static const uint8_t mov2_exit[16] = {0xb7, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};

Test(cli, asm_then_run)
{
    write_text("p.s", "mov %r0, 2\nexit\n");
    struct res r = RUN(NULL, "asm", tp("p.s"), "-o", tp("p.bin"));
    EXPECT(r, 0, "", "");
    res_free(&r);
    size_t len;
    char *bin = slurp(tp("p.bin"), &len);
    cr_assert_eq(len, 16);
    cr_expect_arr_eq(bin, mov2_exit, 16);
    free(bin);

    r = RUN(NULL, "run", tp("p.bin"));
    EXPECT(r, 0, "0x0000000000000002\n", "");
    res_free(&r);
    /* assembly text runs directly too, in either syntax */
    r = RUN(NULL, "run", tp("p.s"));
    EXPECT(r, 0, "0x0000000000000002\n", "");
    res_free(&r);
    write_text("k.s", "r0 = -1\nexit\n");
    r = RUN(NULL, "run", tp("k.s"));
    EXPECT(r, 0, "0xffffffffffffffff\n", "");
    res_free(&r);
}

Test(cli, asm_to_stdout)
{
    write_text("p.s", "mov %r0, 2\nexit\n");
    struct res r = RUN(NULL, "asm", tp("p.s"), "-o", "-");
    cr_expect_eq(r.status, 0);
    cr_assert_eq(r.out_len, 16);
    cr_expect_arr_eq(r.out, mov2_exit, 16);
    res_free(&r);
}

Test(cli, asm_errors)
{
    write_text("bad.s", "mov %r0, 2\nfrobnicate %r1\nexit\n");
    struct res r = RUN(NULL, "asm", tp("bad.s"), "-o", tp("bad.bin"));
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "");
    char prefix[600];
    snprintf(prefix, sizeof(prefix), "bpfemu: %s: line 2: ", tp("bad.s"));
    cr_expect(strncmp(r.err, prefix, strlen(prefix)) == 0, "stderr: %s", r.err);
    cr_expect(strchr(r.err, '\n') == r.err + r.err_len - 1, "one line: %s", r.err);
    cr_expect_neq(access(tp("bad.bin"), F_OK), 0, "no output on error");
    res_free(&r);

    r = RUN(NULL, "asm", tp("bad.s"));
    EXPECT(r, 2, "", "bpfemu: asm: missing -o OUT (see bpfemu asm --help)\n");
    res_free(&r);
    r = RUN(NULL, "asm", "-o", tp("x.bin"));
    EXPECT(r, 2, "", "bpfemu: asm: missing FILE (see bpfemu asm --help)\n");
    res_free(&r);
}

Test(cli, disasm)
{
    write_bytes("p.bin", mov2_exit, sizeof(mov2_exit));
    struct res r = RUN(NULL, "disasm", tp("p.bin"));
    EXPECT(r, 0, "   0: (b7) r0 = 2\n   1: (95) exit\n", "");
    res_free(&r);
    write_text("p.s", "mov %r0, 2\nexit\n");
    r = RUN(NULL, "disasm", tp("p.s"));
    EXPECT(r, 0, "   0: (b7) r0 = 2\n   1: (95) exit\n", "");
    res_free(&r);
}

/* A malformed ELF object gets the loader's one-line error in every
 * subcommand that takes a program. */
Test(cli, bad_elf_is_rejected_by_every_command)
{
    static const uint8_t elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    write_bytes("p.o", elf, sizeof(elf));
    char e[600];
    snprintf(e, sizeof(e),
             "bpfemu: %s: ELF type 0 is not a relocatable object (ET_REL): load the .o clang writes\n",
             tp("p.o"));
    const char *cmds[] = {"disasm", "run"};
    for (int i = 0; i < 2; i++) {
        struct res r = RUN(NULL, cmds[i], tp("p.o"));
        EXPECT(r, 2, "", e);
        res_free(&r);
    }
    struct res r = RUN(NULL, "bench", tp("p.o"), tp("p.o"), "100");
    EXPECT(r, 2, "", e);
    res_free(&r);
}

Test(cli, run_json)
{
    write_text("p.s", "mov %r0, 2\nexit\n");
    struct res r = RUN(NULL, "run", tp("p.s"), "--json", "--repeat", "10");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "");
    cr_expect(matches(r.out, "^\\{\"r0\": \"0x0000000000000002\", \"ns_per_run\": [0-9]+\\.[0-9]{3}, "
                             "\"insns_executed\": 2, \"error\": null\\}\n$"),
              "stdout: %s", r.out);
    res_free(&r);
}

Test(cli, run_json_error)
{
    write_text("p.s", "ldxw %r0, [%r1+16]\nexit\n");
    struct res r = RUN(NULL, "run", tp("p.s"), "--json");
    const char *msg = "insn 0 (r0 = *(u32 *)(r1 +16)): invalid read of 4 bytes at 0x10 (r1 +16): "
                      "not inside any memory the program may access";
    char out[512], err[1024];
    snprintf(out, sizeof(out),
             "{\"r0\": null, \"ns_per_run\": null, \"insns_executed\": 1, \"error\": \"%s\"}\n",
             msg);
    snprintf(err, sizeof(err), "bpfemu: %s: %s\n", tp("p.s"), msg);
    EXPECT(r, 1, out, err);
    res_free(&r);
}

/* r0 = data[0] + len; data[1] = 0xff */
static const char data_prog[] = "ldxb %r0, [%r1]\nstb [%r1+1], 0xff\nadd %r0, %r2\nexit\n";

Test(cli, run_data_and_data_out)
{
    write_text("p.s", data_prog);
    static const uint8_t in[3] = {5, 6, 7}, want[3] = {5, 0xff, 7};
    write_bytes("in.bin", in, 3);
    struct res r = RUN(NULL, "run", tp("p.s"), "--data", tp("in.bin"), "--data-out", tp("out.bin"));
    EXPECT(r, 0, "0x0000000000000008\n", "");
    res_free(&r);
    size_t len;
    char *out = slurp(tp("out.bin"), &len);
    cr_assert_eq(len, 3);
    cr_expect_arr_eq(out, want, 3);
    free(out);
    /* the input file is not modified */
    char *orig = slurp(tp("in.bin"), &len);
    cr_expect_arr_eq(orig, in, 3);
    free(orig);
}

Test(cli, run_mem_hex)
{
    write_text("p.s", data_prog);
    write_text("m.hex", "05 06\n07\n");
    struct res r = RUN(NULL, "run", tp("p.s"), "--mem", tp("m.hex"), "--data-out", "-");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.err, "");
    cr_assert_eq(r.out_len, 19 + 3);
    cr_expect_arr_eq(r.out, "0x0000000000000008\n\x05\xff\x07", 22);
    res_free(&r);

    write_text("bad.hex", "05 zz 07");
    r = RUN(NULL, "run", tp("p.s"), "--mem", tp("bad.hex"));
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: byte 1: 'zz' is not a hex byte\n", tp("bad.hex"));
    EXPECT(r, 2, "", e);
    res_free(&r);
}

Test(cli, run_no_data_r1_r2_zero)
{
    write_text("p.s", "mov %r0, %r1\nor %r0, %r2\nexit\n");
    struct res r = RUN(NULL, "run", tp("p.s"));
    EXPECT(r, 0, "0x0000000000000000\n", "");
    res_free(&r);
}

Test(cli, run_helper5)
{
    write_text("p.s", "call 5\nexit\n");
    struct res r = RUN(NULL, "run", tp("p.s"));
    EXPECT(r, 0, "0x000000003b9aca00\n", "");
    res_free(&r);
}

/* ------------------------------------------------------------ bad input ---- */

static void expect_err(const char *file_in_tmp, const char *cmd, const char *what, int status)
{
    char e[1024];
    snprintf(e, sizeof(e), "bpfemu: %s: %s\n", tp(file_in_tmp), what);
    struct res r = RUN(NULL, cmd, tp(file_in_tmp));
    EXPECT(r, status, "", e);
    res_free(&r);
}

Test(cli, missing_file)
{
    expect_err("nope.bin", "run", "No such file or directory", 2);
    expect_err("nope.bin", "disasm", "No such file or directory", 2);
    struct res r = RUN(NULL, "asm", tp("nope.s"), "-o", tp("x"));
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: No such file or directory\n", tp("nope.s"));
    EXPECT(r, 2, "", e);
    res_free(&r);
}

Test(cli, directory_as_file)
{
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: Is a directory\n", tmpdir);
    struct res r = RUN(NULL, "run", tmpdir);
    EXPECT(r, 2, "", e);
    res_free(&r);
}

Test(cli, empty_file)
{
    write_bytes("empty.bin", "", 0);
    expect_err("empty.bin", "run", "empty file", 2);
    expect_err("empty.bin", "disasm", "empty file", 2);
}

Test(cli, truncated_bytecode)
{
    uint8_t b[13];
    memcpy(b, mov2_exit, 13);
    write_bytes("t.bin", b, sizeof(b));
    expect_err("t.bin", "run", "13 bytes is not a multiple of 8 (truncated bytecode: 5 trailing bytes)",
               2);
}

Test(cli, unknown_opcode)
{
    uint8_t b[16];
    slot(b, 0xff, 0, 0, 0, 0);
    slot(b + 8, 0x95, 0, 0, 0, 0);
    write_bytes("u.bin", b, sizeof(b));
    expect_err("u.bin", "run", "insn 0: unknown opcode 0xff", 2);
}

Test(cli, jump_out_of_range)
{
    uint8_t b[16];
    slot(b, 0x05, 0, 0, 5, 0);
    slot(b + 8, 0x95, 0, 0, 0, 0);
    write_bytes("j.bin", b, sizeof(b));
    expect_err("j.bin", "run", "insn 0: jump out of range from insn 0 to 6", 2);
}

Test(cli, lddw_missing_second_half)
{
    uint8_t b[16];
    slot(b, 0xb7, 0, 0, 0, 0);
    slot(b + 8, 0x18, 0, 0, 0, 1);
    write_bytes("l.bin", b, sizeof(b));
    expect_err("l.bin", "run", "insn 1: lddw missing its second half", 2);
}

Test(cli, out_of_bounds_checked)
{
    write_text("o.s", "mov %r0, 0\nldxdw %r0, [%r1+8]\nexit\n");
    static const uint8_t in[4] = {1, 2, 3, 4};
    write_bytes("in.bin", in, 4);
    /* without data r1 = 0: the address is deterministic */
    expect_err("o.s", "run",
               "insn 1 (r0 = *(u64 *)(r1 +8)): invalid read of 8 bytes at 0x8 (r1 +8): "
               "not inside any memory the program may access",
               1);
    /* with 4 bytes of data: [r1+8, +8) is past the end */
    struct res r = RUN(NULL, "run", tp("o.s"), "--data", tp("in.bin"));
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.out, "");
    char re[600];
    snprintf(re, sizeof(re),
             "^bpfemu: %s: insn 1 \\(r0 = \\*\\(u64 \\*\\)\\(r1 \\+8\\)\\): invalid read of 8 bytes "
             "at 0x[0-9a-f]+ \\(r1 \\+8\\): [^\n]+\n$",
             tp("o.s"));
    cr_expect(matches(r.err, re), "stderr: %s", r.err);
    res_free(&r);
}

Test(cli, budget_exhausted)
{
    write_text("loop.s", "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit\n");
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: insn 2 (goto pc-2): instruction budget of 1000 exhausted\n",
             tp("loop.s"));
    struct res r = RUN(NULL, "run", tp("loop.s"), "--budget", "1000");
    EXPECT(r, 1, "", e);
    res_free(&r);
}

Test(cli, bad_flags)
{
    write_text("p.s", "mov %r0, 2\nexit\n");
    struct res r = RUN(NULL, "run", "--frobnicate", tp("p.s"));
    EXPECT(r, 2, "", "bpfemu: run: unknown option '--frobnicate' (see bpfemu run --help)\n");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), "--repeat");
    EXPECT(r, 2, "", "bpfemu: run: option '--repeat' needs a value\n");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), "--json=yes");
    EXPECT(r, 2, "", "bpfemu: run: option '--json' takes no value\n");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), tp("p.s"));
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: run: unexpected argument '%s' (see bpfemu run --help)\n",
             tp("p.s"));
    EXPECT(r, 2, "", e);
    res_free(&r);
    r = RUN(NULL, "run");
    EXPECT(r, 2, "", "bpfemu: run: missing FILE (see bpfemu run --help)\n");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), "--mem", tp("a"), "--data", tp("b"));
    EXPECT(r, 2, "", "bpfemu: run: --mem and --data are mutually exclusive\n");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), "--data-out", tp("b"));
    EXPECT(r, 2, "", "bpfemu: run: --data-out needs --mem or --data\n");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), "--jit");
    EXPECT(r, 0, "0x0000000000000002\n", "");
    res_free(&r);
    r = RUN(NULL, "run", tp("p.s"), "--jit-harden");
    EXPECT(r, 2, "", "bpfemu: --jit-harden: needs --jit\n");
    res_free(&r);
    /* --opt=value works like --opt value */
    r = RUN(NULL, "run", tp("p.s"), "--repeat=3", "--interp");
    EXPECT(r, 0, "0x0000000000000002\n", "");
    res_free(&r);
}

Test(cli, bad_repeat_values)
{
    write_text("p.s", "mov %r0, 2\nexit\n");
    const char *bad[] = {"0", "-1", "abc", "18446744073709551616", "", "1e3", " 5", "+5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char e[256];
        snprintf(e, sizeof(e),
                 "bpfemu: --repeat: invalid value '%s' (expected an integer from 1 to "
                 "18446744073709551615)\n",
                 bad[i]);
        struct res r = RUN(NULL, "run", tp("p.s"), "--repeat", bad[i]);
        EXPECT(r, 2, "", e);
        res_free(&r);
    }
    struct res r = RUN(NULL, "run", tp("p.s"), "--budget", "0");
    EXPECT(r, 2, "",
           "bpfemu: --budget: invalid value '0' (expected an integer from 1 to "
           "18446744073709551615)\n");
    res_free(&r);
    /* the largest value is accepted (and not run that long: the first run
     * exhausts a budget of 1 at the loop's back-edge) */
    write_text("loop.s", "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit\n");
    r = RUN(NULL, "run", tp("loop.s"), "--repeat", "18446744073709551615", "--budget", "1");
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: insn 2 (goto pc-2): instruction budget of 1 exhausted\n",
             tp("loop.s"));
    EXPECT(r, 1, "", e);
    res_free(&r);
}

Test(cli, binary_garbage_never_crashes)
{
    /* pseudo-random bytes in every size 1..64: a clean exit 1 or 2, one line */
    uint32_t x = 12345;
    for (size_t n = 1; n <= 64; n += 7) {
        uint8_t b[64];
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            b[i] = (uint8_t)(x >> 16);
        }
        write_bytes("g.bin", b, n);
        const char *cmds[] = {"run", "disasm"};
        for (int c = 0; c < 2; c++) {
            struct res r = RUN(NULL, cmds[c], tp("g.bin"));
            cr_expect(r.status <= 2, "%s on %zu bytes: status %d", cmds[c], n, r.status);
            if (r.status)
                cr_expect(r.err_len > 0 && strchr(r.err, '\n') == r.err + r.err_len - 1,
                          "one line: %s", r.err);
            res_free(&r);
        }
    }
}

/* ---------------------------------------------------------- conformance ---- */

Test(cli, conformance_dir)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/suite", tmpdir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    write_text("suite/pass.data",
               "# a comment -- not a header\n-- asm\nmov %r0, 0x2 # two\nexit\n-- result\n0x2\n");
    write_text("suite/fail.data", "-- asm\nmov %r0, 2\nexit\n-- result\n3\n");
    write_text("suite/mem.data",
               "-- asm\nldxh %r0, [%r1]\nadd %r0, %r2\nexit\n-- mem\n01 02\n03\n-- result\n0x204\n");
    write_text("suite/raw.data",
               "-- asm\nmov %r0, 1\nexit\n-- raw\n0x00000007000000b7\n149\n-- result\n7\n");
    write_text("suite/noresult.data", "-- asm\nexit\n");
    write_text("suite/notes.txt", "-- asm\nbogus\n");
    struct res r = RUN(NULL, "conformance", dir);
    EXPECT(r, 1,
           "FAIL: fail.data: expected 0x0000000000000003, got 0x0000000000000002\n"
           "SKIP: noresult.data: no result or error section\n"
           "3 passed, 1 failed, 1 skipped\n",
           "");
    res_free(&r);

    r = RUN(NULL, "conformance", "--verbose", tp("suite/pass.data"), tp("suite/mem.data"));
    EXPECT(r, 0, "PASS: pass.data\nPASS: mem.data\n2 passed, 0 failed\n", "");
    res_free(&r);
}

Test(cli, conformance_failures)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/suite", tmpdir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    write_text("suite/a_asm.data", "-- asm\nmov %r0, 2\nfrob\nexit\n-- result\n2\n");
    write_text("suite/b_fault.data", "-- asm\nldxw %r0, [%r1+4]\nexit\n-- result\n0\n");
    write_text("suite/c_err_ok.data", "-- asm\nldxw %r0, [%r1+4]\nexit\n-- error\n"
                                      "insn 0 (r0 = *(u32 *)(r1 +4)): invalid read of 4 bytes at "
                                      "0x4 (r1 +4): not inside any memory the program may access\n");
    write_text("suite/d_err_bad.data", "-- asm\nmov %r0, 2\nexit\n-- error\nboom\n");
    write_text("suite/e_badresult.data", "-- asm\nexit\n-- result\nzz\n");
    write_text("suite/f_unknown.data", "-- asm\nexit\n-- frob\n-- result\n1\n");
    write_text("suite/g_check.data", "-- asm\nja +3\nexit\n-- result\n1\n");
    struct res r = RUN(NULL, "conformance", dir);
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.err, "");
    cr_expect(matches(r.out, "^FAIL: a_asm.data: line 3: [^\n]+\n"), "%s", r.out);
    const char *rest =
        "FAIL: b_fault.data: insn 0 (r0 = *(u32 *)(r1 +4)): invalid read of 4 bytes at 0x4 "
        "(r1 +4): not inside any memory the program may access\n"
        "FAIL: d_err_bad.data: expected error \"boom\", got 0x0000000000000002\n"
        "FAIL: e_badresult.data: line 4: result: 'zz' is not a decimal 64-bit number\n"
        "SKIP: f_unknown.data: line 3: unknown section header '-- frob'\n"
        "FAIL: g_check.data: insn 0: jump out of range from insn 0 to 4\n"
        "1 passed, 5 failed, 1 skipped\n";
    const char *nl = strchr(r.out, '\n');
    cr_assert_not_null(nl);
    cr_expect_str_eq(nl + 1, rest);
    res_free(&r);
}

Test(cli, conformance_usage)
{
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: No such file or directory\n", tp("none"));
    struct res r = RUN(NULL, "conformance", tp("none"));
    EXPECT(r, 2, "", e);
    res_free(&r);
    snprintf(e, sizeof(e), "bpfemu: %s: no *.data files\n", tmpdir);
    r = RUN(NULL, "conformance", tmpdir);
    EXPECT(r, 2, "", e);
    res_free(&r);
    r = RUN(NULL, "conformance");
    EXPECT(r, 2, "", "bpfemu: conformance: missing DIR or FILE (see bpfemu conformance --help)\n");
    res_free(&r);
    r = RUN(NULL, "conformance", tmpdir, "--jit-harden");
    EXPECT(r, 2, "", "bpfemu: --jit-harden: needs --jit\n");
    res_free(&r);
}

/* --------------------------------------------------------------- plugin ---- */

/* ldxb r0,[r1]; add r0,r2; exit -- as the runner sends it */
static const char plugin_prog[] = "71  10  00  00  00  00  00  00  0f  20  00  00  00  00  00  00  "
                                  "95  00  00  00  00  00  00  00  \n";

Test(cli, plugin_protocol)
{
    struct res r = RUN(plugin_prog, "plugin", "05  06  07  ");
    EXPECT(r, 0, "0x0000000000000008\n", "");
    res_free(&r);
    /* options after MEM, split or as one argument; --debug ignored */
    r = RUN(plugin_prog, "plugin", "09  ", "--interpret --debug");
    EXPECT(r, 0, "0x000000000000000a\n", "");
    res_free(&r);
    /* program in --program; empty MEM argument */
    r = RUN(NULL, "plugin", "", "--program", "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00");
    EXPECT(r, 0, "0x000000000000002a\n", "");
    res_free(&r);
}

Test(cli, plugin_by_link_name)
{
    /* the official runner takes one executable: a link named bpfemu-plugin */
    char target[4096];
    cr_assert_not_null(realpath(bpfemu_bin(), target));
    cr_assert_eq(symlink(target, tp("bpfemu-plugin")), 0);
    const char *args[] = {"05  06  07  ", NULL};
    char *saved = getenv("BPFEMU") ? strdup(getenv("BPFEMU")) : NULL;
    setenv("BPFEMU", tp("bpfemu-plugin"), 1);
    struct res r = run_v(plugin_prog, args);
    if (saved)
        setenv("BPFEMU", saved, 1);
    else
        unsetenv("BPFEMU");
    free(saved);
    EXPECT(r, 0, "0x0000000000000008\n", "");
    res_free(&r);
}

Test(cli, plugin_failures)
{
    /* no MEM: r1 = 0, the load faults */
    const char *msg = "insn 0 (r0 = *(u8 *)(r1 +0)): invalid read of 1 byte at 0x0 (r1 +0): "
                      "not inside any memory the program may access";
    struct res r = RUN(plugin_prog, "plugin");
    char out[512], err[600];
    snprintf(out, sizeof(out), "%s\n", msg);
    snprintf(err, sizeof(err), "bpfemu: stdin: %s\n", msg);
    EXPECT(r, 1, out, err);
    res_free(&r);

    r = RUN("b7 00 zz\n", "plugin");
    EXPECT(r, 2, "byte 2: 'zz' is not a hex byte\n", "bpfemu: stdin: byte 2: 'zz' is not a hex byte\n");
    res_free(&r);
    r = RUN("\n", "plugin");
    EXPECT(r, 2, "program is empty\n", "bpfemu: stdin: program is empty\n");
    res_free(&r);
    r = RUN("ff 00 00 00 00 00 00 00\n", "plugin");
    EXPECT(r, 2, "insn 0: unknown opcode 0xff\n", "bpfemu: stdin: insn 0: unknown opcode 0xff\n");
    res_free(&r);
    r = RUN(plugin_prog, "plugin", "--elf");
    EXPECT(r, 1, "ELF objects are not supported yet\n",
           "bpfemu: --elf: ELF objects are not supported yet\n");
    res_free(&r);
    r = RUN(plugin_prog, "plugin", "00  ", "--jit");
    EXPECT(r, 0, "0x0000000000000001\n", "");
    res_free(&r);
    r = RUN(plugin_prog, "plugin", "--jit");
    EXPECT(r, 1, out, err);
    res_free(&r);
    r = RUN(plugin_prog, "plugin", "--frob");
    EXPECT(r, 2, "unknown option '--frob' (see bpfemu plugin --help)\n",
           "bpfemu: plugin: unknown option '--frob' (see bpfemu plugin --help)\n");
    res_free(&r);
}

/* ---------------------------------------------------------------- bench ---- */

static const char xdp_prog[] = "ldxw %r2, [%r1]\n"
                               "ldxw %r3, [%r1+4]\n"
                               "mov %r4, %r2\n"
                               "add %r4, 14\n"
                               "jgt %r4, %r3, drop\n"
                               "ldxb %r5, [%r2+12]\n"
                               "stb [%r2], 0\n"
                               "mov %r0, 2\n"
                               "exit\n"
                               "drop:\n"
                               "mov %r0, 1\n"
                               "exit\n";

Test(cli, bench)
{
    write_text("x.s", xdp_prog);
    struct res r = RUN(NULL, "asm", tp("x.s"), "-o", tp("x.bin"));
    EXPECT(r, 0, "", "");
    res_free(&r);
    uint8_t pkt[64];
    for (int i = 0; i < 64; i++)
        pkt[i] = (uint8_t)(i + 1);
    write_bytes("pkt.bin", pkt, sizeof(pkt));
    r = RUN(NULL, "bench", tp("x.bin"), tp("pkt.bin"), "1000");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_eq(r.err, "");
    cr_expect(matches(r.out, "^[0-9]+\\.[0-9]{3} 2\n$"), "stdout: %s", r.out);
    res_free(&r);
    r = RUN(NULL, "bench", tp("x.bin"), tp("pkt.bin"), "1000", "--jit");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_eq(r.err, "");
    cr_expect(matches(r.out, "^[0-9]+\\.[0-9]{3} 2\n$"), "stdout: %s", r.out);
    res_free(&r);
    /* too short for the bounds check: XDP_DROP */
    write_bytes("short.bin", pkt, 10);
    r = RUN(NULL, "bench", tp("x.bin"), tp("short.bin"), "100");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(matches(r.out, "^[0-9]+\\.[0-9]{3} 1\n$"), "stdout: %s", r.out);
    res_free(&r);
}

Test(cli, bench_errors)
{
    write_text("x.s", xdp_prog);
    uint8_t pkt[64] = {0};
    write_bytes("pkt.bin", pkt, sizeof(pkt));
    struct res r = RUN(NULL, "bench", tp("x.s"), tp("pkt.bin"), "0");
    EXPECT(r, 2, "",
           "bpfemu: REPEAT: invalid value '0' (expected an integer from 1 to "
           "18446744073709551615)\n");
    res_free(&r);
    r = RUN(NULL, "bench", tp("x.s"), tp("pkt.bin"), "0", "--jit");
    EXPECT(r, 2, "",
           "bpfemu: REPEAT: invalid value '0' (expected an integer from 1 to "
           "18446744073709551615)\n");
    res_free(&r);
    r = RUN(NULL, "bench", tp("x.s"), tp("pkt.bin"));
    EXPECT(r, 2, "", "bpfemu: bench: missing REPEAT (see bpfemu bench --help)\n");
    res_free(&r);
    /* the context is read-only: a write to it fails the run */
    write_text("w.s", "stw [%r1], 0\nmov %r0, 2\nexit\n");
    r = RUN(NULL, "bench", tp("w.s"), tp("pkt.bin"), "100");
    cr_expect_eq(r.status, 1);
    cr_expect_str_eq(r.out, "");
    char re[600];
    snprintf(re, sizeof(re), "^bpfemu: %s: insn 0 \\([^\n]*\\): invalid write of 4 bytes at 0x[0-9a-f]+ "
                             "\\(r1 \\+0\\): [^\n]+\n$", tp("w.s"));
    cr_expect(matches(r.err, re), "stderr: %s", r.err);
    res_free(&r);
    /* a helper we do not provide: not supported */
    write_text("h.s", "call 1\nexit\n");
    r = RUN(NULL, "bench", tp("h.s"), tp("pkt.bin"), "100");
    char e[600];
    snprintf(e, sizeof(e), "bpfemu: %s: insn 0: helper bpf_map_lookup_elem#1 is not supported\n",
             tp("h.s"));
    EXPECT(r, 2, "", e);
    res_free(&r);
}

/* The runtime options of `run OBJ`: task identity, clock, CPU and the
 * network bpf_fib_lookup answers from, seen by the program itself. */
Test(cli, run_object_runtime_options)
{
    const char *obj = "unit/cli/build/env.o";
    uint8_t pkt[60] = {0};
    write_bytes("pkt.bin", pkt, sizeof(pkt));
    struct res r = RUN(NULL, "run", obj, "--data", tp("pkt.bin"));
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "retval: 2 (XDP_PASS)\n") == r.out, "stdout: %s", r.out);
    cr_expect(strstr(r.out, "trace:\ntask 4242 4242 bpfemu\nids 0 0\nclock 1000000000 cpu 0\n"
                            "fib 4 ifindex 1 dmac 0\n"), "stdout: %s", r.out);
    res_free(&r);
    write_text("net.json",
               "{\"devices\": [{\"ifindex\": 1, \"mac\": \"02:00:00:00:00:01\"},\n"
               "             {\"ifindex\": 2, \"mac\": \"02:00:00:00:00:02\"}],\n"
               " \"routes\": [{\"dst\": \"10.0.1.0/24\", \"gw\": \"192.0.2.9\", \"ifindex\": 2}],\n"
               " \"neighbors\": [{\"addr\": \"192.0.2.9\", \"ifindex\": 2, \"mac\": \"02:00:00:00:00:09\"}]}\n");
    r = RUN(NULL, "run", obj, "--data", tp("pkt.bin"), "--pid", "7", "--tgid", "8", "--uid", "1000",
            "--gid", "100", "--comm", "nginx", "--clock-ns", "5", "--cpus", "4", "--cpu", "3",
            "--net", tp("net.json"));
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "trace:\ntask 7 8 nginx\nids 1000 100\nclock 5 cpu 3\n"
                            "fib 0 ifindex 2 dmac 9\n"), "stdout: %s", r.out);
    res_free(&r);
    /* bad values get one line each */
    write_text("bad.json", "{\"routes\": [{\"dst\": \"10.0.1.0/40\", \"ifindex\": 2}]}\n");
    r = RUN(NULL, "run", obj, "--data", tp("pkt.bin"), "--net", tp("bad.json"));
    char e[600];
    snprintf(e, sizeof e, "bpfemu: %s: line 1: prefix length too long for the address family\n",
             tp("bad.json"));
    EXPECT(r, 2, "", e);
    res_free(&r);
    r = RUN(NULL, "run", obj, "--data", tp("pkt.bin"), "--cpu", "4");
    EXPECT(r, 2, "", "bpfemu: --cpu: CPU 4 does not exist (--cpus 1)\n");
    res_free(&r);
    r = RUN(NULL, "run", obj, "--comm", "a-name-that-is-too-long");
    EXPECT(r, 2, "", "bpfemu: --comm: 'a-name-that-is-too-long' is longer than 15 characters\n");
    res_free(&r);
}

/* --map-out writes hex and, from the object's BTF, typed values. */
Test(cli, map_out_is_typed_from_btf)
{
    struct res r = RUN(NULL, "run", "../corpus/build/xdp_firewall.o", "--pcap",
                       "../corpus/build/pcaps/xdp_firewall.pcap", "--packet", "1", "--map-in",
                       "../corpus/build/pcaps/xdp_firewall.maps.json", "--map-out", "-");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "retval: 1 (XDP_DROP)\n") == r.out, "stdout: %s", r.out);
    cr_expect(strstr(r.out, "{\"key\": \"18000000cb007100\", \"value\": \"01000000000000000100000000000000\", "
                            "\"formatted\": {\"key\": {\"prefixlen\": 24, \"addr\": 7405771}, "
                            "\"value\": {\"rule_id\": 1, \"flags\": 0, \"hits\": 1}}}"),
              "stdout: %s", r.out);
    res_free(&r);
}

Test(cli, jit_dump)
{
    write_text("j.s", "mov %r0, 5\nadd %r0, 0x1234567\nexit\n");
    struct res r = RUN(NULL, "jit", tp("j.s"));
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(matches(r.out, "^[0-9]+ bytes of x86-64 code \\(checked\\) for 3 eBPF slots\n$"), "%s",
              r.out);
    res_free(&r);
    r = RUN(NULL, "jit", tp("j.s"), "--dump");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    /* each eBPF instruction, then the x86-64 code compiled from it */
    cr_expect(matches(r.out, "\n   1: r0 \\+= 19088743\n +[0-9a-f]+:  ([0-9a-f]{2} )+ +add rax, 0x1234567\n"),
              "%s", r.out);
    cr_expect(matches(r.out, "\n; code size: [0-9]+ bytes\n$"), "%s", r.out);
    res_free(&r);
    r = RUN(NULL, "jit", tp("j.s"), "--dump", "--trusted", "--att");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(matches(r.out, "addq +\\$0x1234567, %rax"), "%s", r.out);
    res_free(&r);
    char e[512];
    snprintf(e, sizeof e, "bpfemu: %s: --section needs an ELF object\n", tp("j.s"));
    r = RUN(NULL, "jit", tp("j.s"), "--section", "x");
    EXPECT(r, 2, "", e);
    res_free(&r);
}

/* ------------------------------------------------------------- verify */

Test(cli, verify_accepts_with_the_kernels_closing_line)
{
    struct res r = RUN(NULL, "verify", "../corpus/build/xdp_firewall.o");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(matches(r.out, "^processed [0-9]+ insns \\(limit 1000000\\) max_states_per_insn "
                             "[0-9]+ total_states [0-9]+ peak_states [0-9]+ mark_read 0\n"
                             "xdp_firewall_prog: accepted \\(xdp, [0-9]+ insns processed\\)\n$"),
              "%s", r.out);
    res_free(&r);
}

Test(cli, verify_rejects_with_the_kernels_error)
{
    write_text("oob.s", "r0 = *(u32 *)(r1 +0)\nr0 = *(u8 *)(r0 +0)\nexit\n");
    struct res r = RUN(NULL, "verify", tp("oob.s"), "--type", "xdp");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.out, "1: (71) r0 = *(u8 *)(r0 +0)\ninvalid access to packet, off=0 size=1, "
                            "R0(id=0,off=0,r=0)\nR0 offset is outside of the packet\n") != NULL,
              "%s", r.out);
    cr_expect(matches(r.out, "\noob.s: rejected \\(EACCES\\) at insn 1: invalid access to packet, "
                             "off=0 size=1, R0\\(id=0,off=0,r=0\\)\n$"),
              "%s", r.out);
    res_free(&r);

    r = RUN(NULL, "verify", tp("oob.s"), "--type", "xdp", "--json");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.out, "\"verdict\": \"reject\", \"errno\": \"EACCES\", \"error\": "
                            "\"invalid access to packet, off=0 size=1, R0(id=0,off=0,r=0)\", "
                            "\"pc\": 1, \"insns_processed\": 2,") != NULL,
              "%s", r.out);
    res_free(&r);
}

Test(cli, verify_bad_input)
{
    struct res r = RUN(NULL, "verify", "../corpus/build/xdp_firewall.o", "--log-level", "3");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: --log-level: expected 0, 1 or 2, not '3'\n");
    res_free(&r);
    r = RUN(NULL, "verify", "../corpus/build/xdp_firewall.o", "--section", "nope");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: ../corpus/build/xdp_firewall.o: no program or section named "
                            "'nope'\n");
    res_free(&r);
    r = RUN(NULL, "verify", tp("missing.o"));
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "missing.o: No such file or directory") != NULL, "%s", r.err);
    res_free(&r);
}

/* run and replay verify first: accepted programs run trusted, rejected ones
 * are refused unless --no-verify (cli/unchecked.bpf.c reads the packet
 * without a data_end check, which the kernel refuses too) */
Test(cli, run_refuses_what_the_verifier_rejects)
{
    struct res r = RUN(NULL, "run", "unit/cli/build/unchecked.o", "--pcap",
                       "../corpus/build/pcaps/mixed.pcap");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: unit/cli/build/unchecked.o: program 'unchecked' is rejected "
                            "by the verifier (EACCES at insn 1): invalid access to packet, off=0 "
                            "size=1, R1(id=0,off=0,r=0); --no-verify runs it unverified, "
                            "checked\n");
    res_free(&r);
    r = RUN(NULL, "run", "unit/cli/build/unchecked.o", "--pcap",
            "../corpus/build/pcaps/mixed.pcap", "--no-verify");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "retval: 2 (XDP_PASS)\n", 21) == 0, "%s", r.out);
    res_free(&r);
    r = RUN(NULL, "replay", "unit/cli/build/unchecked.o", "--pcap",
            "../corpus/build/pcaps/mixed.pcap");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "is rejected by the verifier") != NULL, "%s", r.err);
    res_free(&r);
    r = RUN(NULL, "replay", "unit/cli/build/unchecked.o", "--pcap",
            "../corpus/build/pcaps/mixed.pcap", "--no-verify");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "packets 297 ") != NULL, "%s", r.out);
    res_free(&r);
    r = RUN(NULL, "run", "../corpus/build/xdp_firewall.o", "--priv", "root2");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: --priv: unknown regime 'root2' (root, bpf, unpriv)\n");
    res_free(&r);
}

/* the same packets, verified (trusted) and --no-verify (checked): the same
 * verdicts, packet bytes and maps */
Test(cli, verified_and_checked_runs_agree)
{
    const char *outs[2] = {tp("v.pcapng"), tp("c.pcapng")};
    const char *maps[2] = {tp("v.json"), tp("c.json")};
    for (int i = 0; i < 2; i++) {
        struct res r = RUN(NULL, "replay", "../corpus/build/xdp_lb.o", "--pcap",
                           "../corpus/build/pcaps/mixed.pcap", "--map-in",
                           "../corpus/build/pcaps/xdp_lb.maps.json", "--out", outs[i],
                           "--map-out", maps[i], i ? "--no-verify" : "--json");
        cr_assert_eq(r.status, 0, "%s", r.err);
        res_free(&r);
    }
    size_t l0, l1;
    char *a = slurp(outs[0], &l0), *b = slurp(outs[1], &l1);
    cr_assert(a && b);
    cr_expect(l0 == l1 && !memcmp(a, b, l0), "the two replays' packets differ");
    free(a);
    free(b);
    a = slurp(maps[0], &l0);
    b = slurp(maps[1], &l1);
    cr_assert(a && b);
    cr_expect_str_eq(a, b);
    free(a);
    free(b);
}

/* --socket sets what skb->sk is for the corpus socket filter: a query to
 * the socket's port is kept (retval = its L3 length), another port drops;
 * bad descriptions and non-skb programs are one-line errors. */
Test(cli, run_socket)
{
    const char *obj = "../corpus/build/sock_filter.o", *cap = "../corpus/build/pcaps/xdp_dns_filter.pcap";
    /* packet 0: a 61-byte IPv4 query from port 20000 to port 53 */
    struct res r = RUN(NULL, "run", obj, "--pcap", cap, "--socket", "src=192.0.2.53:53,uid=1000",
                       "--map-out", "-");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "retval: 61\n") == r.out, "stdout: %s", r.out);
    cr_expect(strstr(r.out, "\"formatted\": {\"key\": 1000, \"value\": 1}"), "stdout: %s", r.out);
    res_free(&r);
    r = RUN(NULL, "run", obj, "--pcap", cap, "--socket", "src=:54");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "retval: 0\n") == r.out, "stdout: %s", r.out);
    res_free(&r);
    r = RUN(NULL, "run", obj, "--pcap", cap, "--socket", "uid=x");
    EXPECT(r, 2, "", "bpfemu: --socket: bad uid 'x'\n");
    res_free(&r);
    r = RUN(NULL, "run", obj, "--pcap", cap, "--socket", "family");
    EXPECT(r, 2, "", "bpfemu: --socket: 'family' is not key=value\n");
    res_free(&r);
    r = RUN(NULL, "run", "../corpus/build/xdp_counter.o", "--pcap", cap, "--socket", "uid=1");
    EXPECT(r, 2, "",
           "bpfemu: --socket: program 'xdp_prog1' is not an skb program (tc, socket filter, "
           "cgroup_skb, LWT): it has no skb->sk\n");
    res_free(&r);
}

/* Trusted code of a verified program loads ctx->data_end as the kernel's
 * rewrite does: one load from where the runtime keeps it (vm_set_ctx_layout),
 * no call into the accessor and no cache check. */
Test(cli, jit_trusted_ctx_load_is_one_instruction)
{
    struct res r = RUN(NULL, "jit", "../corpus/build/xdp_firewall.o", "--trusted", "--dump");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(matches(r.out, "\n   2: r2 = \\*\\(u32 \\*\\)\\(r6 \\+4\\)\n +[0-9a-f]+:  ([0-9a-f]{2} )+ +"
                             "mov rsi, qword ptr \\[rbx - 0x[0-9a-f]+\\]\n[;  ]"),
              "%s", r.out);
    res_free(&r);
}

/* replay --socket: every packet's skb->sk is the given socket: the DNS
 * server's filter bound to port 53 keeps 17 of the capture's queries (the
 * unbound test-run socket keeps 18: one goes to port 5353), for uid 1000 */
Test(cli, replay_socket)
{
    const char *obj = "../corpus/build/sock_filter.o", *cap = "../corpus/build/pcaps/xdp_dns_filter.pcap";
    struct res r = RUN(NULL, "replay", obj, "--pcap", cap, "--socket", "src=192.0.2.53:53,uid=1000",
                       "--map-out", "-");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "  passed 17, dropped 7\n"), "%s", r.out);
    cr_expect(strstr(r.out, "\"formatted\": {\"key\": 1000, \"value\": 17}"), "%s", r.out);
    res_free(&r);
    r = RUN(NULL, "replay", obj, "--pcap", cap);
    cr_expect(strstr(r.out, "  passed 18, dropped 6\n"), "%s", r.out);
    res_free(&r);
    r = RUN(NULL, "replay", obj, "--pcap", cap, "--socket", "state=bogus");
    EXPECT(r, 2, "", "bpfemu: --socket: bad state 'bogus'\n");
    res_free(&r);
}

/* tests/unit/test_cli_trace.c - tracing programs from the command line:
 * `bpfemu run OBJ --events FILE` (output, JSON, typed records) and the
 * bad inputs of events (event files, test files): one line on stderr
 * naming the file, line and key, exit 2 (a test file's event that only
 * the program can judge, e.g. an unknown tracepoint field: the test's
 * ERROR, exit 1). Runs the corpus objects (make -C corpus). */
#include "tests/unit/cli_run.h"

#define CORPUS "../corpus/build/"
#define KILL_FORMAT "../corpus/tracepoints/syscalls/sys_enter_kill.format"

static void setup(void)
{
    cli_setup("/tmp/bpfemu-trace-XXXXXX");
    cr_assert_eq(access(CORPUS "trace_kill.o", R_OK), 0, "make -C corpus first");
}

TestSuite(cli_trace, .init = setup, .fini = cli_teardown, .timeout = 60);


/* exit 2, nothing on stdout, one line on stderr containing `want` */
static void expect_bad(struct res r, const char *want, const char *what)
{
    cr_expect_eq(r.status, 2, "%s: status %d (%s)", what, r.status, r.err);
    cr_expect_str_eq(r.out, "", "%s", what);
    cr_expect(strstr(r.err, want) != NULL, "%s: expected '%s' in: %s", what, want, r.err);
    char *nl = strchr(r.err, '\n');
    cr_expect(nl && nl[1] == 0, "%s: one line expected: %s", what, r.err);
}

/* ------------------------------------------------------------ run --events */

Test(cli_trace, events_print_records_per_event)
{
    const char *ev = cli_write("kills.yaml",
                                "events:\n"
                                "  - {task: {pid: 1234, uid: 1000, comm: bash}, fields: {pid: 42, "
                                "sig: 9}, time_ns: 5000}\n"
                                "  - {task: {pid: 77, comm: systemd}, fields: {pid: 1, sig: 15}}\n");
    struct res r = RUN("run", CORPUS "trace_kill.o", "--events", ev, "--tracepoint-format",
                       KILL_FORMAT, "--record-type", "kill_events=kill_event");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out,
                     "event 0 (line 2): retval 0\n"
                     "  kill_events record 0: {\"tgid\": 1234, \"tid\": 1234, \"uid\": 1000, "
                     "\"target_pid\": 42, \"sig\": 9, \"pad\": 0, \"ts_ns\": 5000, \"comm\": "
                     "\"bash\"}\n"
                     "event 1 (line 3): retval 0\n"
                     "  kill_events record 0: {\"tgid\": 77, \"tid\": 77, \"uid\": 0, "
                     "\"target_pid\": 1, \"sig\": 15, \"pad\": 0, \"ts_ns\": 1000001000, "
                     "\"comm\": \"systemd\"}\n");
}

Test(cli_trace, events_json_one_object_per_event)
{
    char text[512];
    snprintf(text, sizeof text,
             "tracepoint_format: %s/../corpus/tracepoints/syscalls/sys_enter_kill.format\n"
             "events:\n  - {task: {pid: 5, comm: sh}, fields: {pid: 6, sig: 2}, time_ns: 1}\n",
             getcwd((char[256]){0}, 256));
    const char *ev = cli_write("k.yaml", text);
    struct res r = RUN("run", CORPUS "trace_kill.o", "--events", ev, "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out,
                     "{\"event\": 0, \"line\": 3, \"program\": \"trace_kill\", \"retval\": 0, "
                     "\"records\": [{\"map\": \"kill_events\", \"hex\": "
                     "\"05000000050000000000000006000000020000000000000001000000000000007368000000"
                     "0000000000000000000000\"}], \"trace\": [], \"error\": null}\n");
}

Test(cli_trace, events_kprobe_perf_records_and_raw_tp)
{
    const char *ev = cli_write("open.yaml",
                                "- {regs: {parm1: -100, parm2: 0x7fff0000}, memory: "
                                "{\"0x7fff0000\": \"/etc/hosts\"}}\n"
                                "- {regs: {parm2: 0x10}}\n");
    struct res r = RUN("run", CORPUS "kprobe_open.o", "--events", ev, "--json", "--record-type",
                       "open_events=open_event");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"dfd\": -100, \"name_len\": 11, \"pad\": 0, \"comm\": \"bpfemu\", "
                            "\"name\": \"/etc/hosts\"}") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"name_len\": -14") != NULL, "%s", r.out);
    const char *ev2 = cli_write("raw.yaml", "- {args: [0, 59]}\n- {args: [0, 9999]}\n");
    r = RUN("run", CORPUS "rawtp_syscalls.o", "--events", ev2);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "event 0 (line 1): retval 0\nevent 1 (line 2): retval 1\n");
}

/* ------------------------------------------------------------ bad input */

Test(cli_trace, bad_event_files_are_one_line_errors)
{
    static const struct {
        const char *obj, *text, *want;
    } cases[] = {
        {"trace_kill.o", "- {fields: {pid: 1, sig: [9}\n", "line 1: did not find expected"},
        {"trace_kill.o", "- {fields: {pid: 1, sigg: 9}}\n",
         "line 1: event.fields: unknown field 'sigg' of syscalls/sys_enter_kill (its fields: "
         "__syscall_nr, pid, sig)"},
        {"trace_kill.o", "- {fields: {pid: 1, sig: nine}}\n",
         "line 1: event.fields.sig: 'nine' is not a number"},
        {"kprobe_open.o", "- {regs: {rxx: 1}}\n", "line 1: event.regs: unknown register 'rxx'"},
        {"kprobe_open.o", "- {regs: {di: 1}, memory: {\"0x1000\": {hex: \"zz\"}}}\n",
         "line 1: event.memory.0x1000: 'zz' is not hex bytes"},
        {"kprobe_open.o", "- {regs: {di: 1}, memory: {nowhere: \"x\"}}\n",
         "line 1: event.memory: 'nowhere' is not an address"},
        {"kprobe_open.o", "- {memory: {\"0x1000\": \"abc\", \"0x1002\": \"x\"}}\n",
         "line 1: event.memory.0x1002 overlaps the memory given on line 1"},
        {"kprobe_open.o", "- {fields: {pid: 1}}\n",
         "line 1: event: a kprobe program takes regs:, not fields:"},
        {"rawtp_syscalls.o", "- {args: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}\n",
         "line 1: event.args: 13 arguments, a raw tracepoint has at most 12"},
        {"trace_kill.o", "- {task: {pid: 1, comm: a_name_longer_than_15}, fields: {}}\n",
         "event.task.comm: 'a_name_longer_than_15' is longer than 15 characters"},
        {"trace_kill.o", "- {flds: {}}\n", "line 1: event: unknown key 'flds'"},
        {"trace_kill.o", "{}\n", "line 1: no events"},
        {"rawtp_syscalls.o", "- {args: [0, 1], cpu: 3}\n",
         "line 1: event.cpu: CPU 3 does not exist (--cpus 1)"},
        {"xdp_counter.o", "- {args: [1]}\n", "runs on packets, not events: give it --data"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *ev = cli_write("bad.yaml", cases[i].text);
        char obj[128];
        snprintf(obj, sizeof obj, CORPUS "%s", cases[i].obj);
        struct res r = RUN("run", obj, "--events", ev, "--tracepoint-format", KILL_FORMAT);
        char what[32];
        snprintf(what, sizeof what, "case %zu", i);
        expect_bad(r, cases[i].want, what);
    }
}

Test(cli_trace, missing_or_bad_format_is_an_error)
{
    const char *ev = cli_write("e.yaml", "- {fields: {pid: 1, sig: 9}}\n");
    struct res r = RUN("run", CORPUS "trace_kill.o", "--events", ev, "--tracepoint-format",
                       cli_path("nothere.format"));
    expect_bad(r, "nothere.format: No such file or directory", "no such format file");
    const char *bad = cli_write("bad.format", "name: x\nformat:\n\tfield:int a;\toffset:x;\n");
    r = RUN("run", CORPUS "trace_kill.o", "--events", ev, "--tracepoint-format", bad);
    expect_bad(r, "bad.format: line 3: field a: expected 'offset:N; size:N;'", "bad format");
    /* without a format file: tracefs's, when this machine has it */
    if (access("/sys/kernel/tracing/events/syscalls/sys_enter_kill/format", R_OK) == 0 ||
        access("/sys/kernel/debug/tracing/events/syscalls/sys_enter_kill/format", R_OK) == 0) {
        printf("SKIP: tracefs has syscalls/sys_enter_kill here: the no-format error is not "
               "reachable\n");
        return;
    }
    r = RUN("run", CORPUS "trace_kill.o", "--events", ev);
    expect_bad(r, "tracepoint syscalls/sys_enter_kill: no format file", "no tracefs");
    cr_expect(strstr(r.err, "tracepoint_format: PATH") != NULL, "%s", r.err);
}

Test(cli_trace, events_option_misuse)
{
    const char *ev = cli_write("e.yaml", "- {args: [1]}\n");
    expect_bad(RUN("run", CORPUS "rawtp_syscalls.o", "--events", ev, "--repeat", "2"),
               "--events: runs a tracing program", "--repeat");
    expect_bad(RUN("run", CORPUS "rawtp_syscalls.o", "--tracepoint-format", "x"),
               "--tracepoint-format: needs --events", "format alone");
    expect_bad(RUN("run", CORPUS "rawtp_syscalls.o", "--events", ev, "--record-type", "nomap=x"),
               "--record-type: 'nomap=x': expected MAP=STRUCT", "record type");
}

/* -------------------------------------------------------- test files */

Test(cli_trace, test_file_event_errors)
{
    /* shape errors: the file is refused before anything runs (exit 2) */
    char text[1024];
    snprintf(text, sizeof text,
             "object: %s/../corpus/build/kprobe_open.o\ntests:\n"
             "  - name: a\n    event: {regs: {bogus: 1}}\n",
             getcwd((char[256]){0}, 256));
    struct res r = RUN("test", cli_write("t1.yaml", text));
    expect_bad(r, "t1.yaml: line 4: event.regs: unknown register 'bogus'", "bad register");
    snprintf(text, sizeof text,
             "object: %s/../corpus/build/kprobe_open.o\ntests:\n"
             "  - name: a\n    packet: eth\n    event: {regs: {di: 1}}\n",
             getcwd((char[256]){0}, 256));
    expect_bad(RUN("test", cli_write("t2.yaml", text)), "line 5: a packet or an event, not both",
               "packet and event");
    /* what needs the program: the test's ERROR naming the line */
    snprintf(text, sizeof text,
             "object: %s/../corpus/build/trace_kill.o\n"
             "tracepoint_format: %s/../corpus/tracepoints/syscalls/sys_enter_kill.format\n"
             "tests:\n  - name: a\n    event: {fields: {pid: 1, sigg: 9}}\n"
             "  - name: b\n    packet: eth / ipv4 / udp\n",
             getcwd((char[256]){0}, 256), getcwd((char[256]){0}, 256));
    r = RUN("test", cli_write("t3.yaml", text));
    cr_expect_eq(r.status, 1, "%s", r.out);
    cr_expect(strstr(r.out, "line 5: event.fields: unknown field 'sigg' of "
                            "syscalls/sys_enter_kill") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "program 'trace_kill' is a tracepoint program: it runs on events, "
                            "not packets") != NULL, "%s", r.out);
    /* an event for a packet program */
    snprintf(text, sizeof text,
             "object: %s/../corpus/build/xdp_counter.o\ntests:\n"
             "  - name: a\n    event: {args: [1]}\n",
             getcwd((char[256]){0}, 256));
    r = RUN("test", cli_write("t4.yaml", text));
    cr_expect_eq(r.status, 1, "%s", r.out);
    cr_expect(strstr(r.out, "line 4: event: section 'xdp' is not a kprobe, tracepoint or raw "
                            "tracepoint program") != NULL, "%s", r.out);
}

/* ------------------------------------------------- event layout (tools) */

#include "tools/testspec.h"

/* An event laid out by a format: numbers at their offsets and sizes
 * (negative ones in signed fields), strings in char arrays, the header's
 * common_type (the ID) and common_pid (the task's pid). */
Test(cli_trace, tracepoint_fields_are_laid_out_by_the_format)
{
    const char *fmt = cli_write("sched.format",
                                 "name: sched_process_exec\nID: 321\nformat:\n"
                                 "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
                                 "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
                                 "\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
                                 "\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
                                 "\tfield:u8 flag;\toffset:28;\tsize:1;\tsigned:0;\n");
    static const char text[] = "{task: {pid: 99}, fields: {comm: bash, pid: -5, flag: 255}}";
    char err[512];
    struct ynode *y = ytree_load(text, sizeof text - 1, err, sizeof err);
    cr_assert_not_null(y, "%s", err);
    struct ts_event ev;
    cr_assert_eq(ts_event_parse(y, &ev, err, sizeof err), 0, "%s", err);
    struct ts_event_built *b = malloc(sizeof *b);
    cr_assert_eq(ts_event_build(&ev, BPF_PROG_TYPE_TRACEPOINT, "tracepoint/sched/sched_process_exec",
                                fmt, b, err, sizeof err), 0, "%s", err);
    cr_expect_eq(b->ctx_size, 29);
    uint16_t type;
    int32_t cpid, pid;
    memcpy(&type, b->ctx, 2);
    memcpy(&cpid, b->ctx + 4, 4);
    memcpy(&pid, b->ctx + 24, 4);
    cr_expect_eq(type, 321);
    cr_expect_eq(cpid, 99);
    cr_expect_eq(pid, -5);
    cr_expect_str_eq((const char *)b->ctx + 8, "bash");
    cr_expect_eq(b->ctx[28], 255);
    cr_expect_eq(b->ev.task->pid, 99);
    cr_expect_eq(b->ev.task->tgid, 99, "tgid defaults to the pid");
    ts_event_free(&ev);
    ytree_free(y);

    static const struct {
        const char *text, *err;
    } bad[] = {
        {"{fields: {flag: 256}}", "event.fields.flag: 256 does not fit the field (u8, 1 bytes)"},
        {"{fields: {comm: a_string_of_17_ch}}", "'a_string_of_17_ch' is 17 bytes, the field (char) "
                                                "holds 16"},
        {"{fields: {pid: 0x100000000}}", "does not fit the field (pid_t, 4 bytes)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        y = ytree_load(bad[i].text, strlen(bad[i].text), err, sizeof err);
        cr_assert_not_null(y, "%s", err);
        cr_assert_eq(ts_event_parse(y, &ev, err, sizeof err), 0, "%s", err);
        cr_expect_eq(ts_event_build(&ev, BPF_PROG_TYPE_TRACEPOINT, "tp/sched/sched_process_exec",
                                    fmt, b, err, sizeof err), -EINVAL, "case %zu", i);
        cr_expect(strstr(err, bad[i].err) != NULL, "case %zu: %s", i, err);
        ts_event_free(&ev);
        ytree_free(y);
    }
    free(b);
}

/* A __data_loc field given as a string: after the fixed part, the field
 * (length << 16 | offset) as __assign_str writes it. */
Test(cli_trace, data_loc_strings_follow_the_record)
{
    char err[512];
    static const char text[] = "{fields: {filename: /bin/ls, pid: 3}}";
    struct ynode *y = ytree_load(text, sizeof text - 1, err, sizeof err);
    cr_assert_not_null(y, "%s", err);
    struct ts_event ev;
    cr_assert_eq(ts_event_parse(y, &ev, err, sizeof err), 0, "%s", err);
    struct ts_event_built *b = malloc(sizeof *b);
    cr_assert_eq(ts_event_build(&ev, BPF_PROG_TYPE_TRACEPOINT, "tp/sched/sched_process_exec",
                                "../corpus/tracepoints/sched/sched_process_exec.format", b, err,
                                sizeof err), 0, "%s", err);
    uint32_t loc;
    memcpy(&loc, b->ctx + 8, 4);
    cr_expect_eq(loc, 8u << 16 | 20u, "loc 0x%x", loc);
    cr_expect_str_eq((const char *)b->ctx + 20, "/bin/ls");
    cr_expect_eq(b->ctx_size, 28);
    ts_event_free(&ev);
    ytree_free(y);
    free(b);
}

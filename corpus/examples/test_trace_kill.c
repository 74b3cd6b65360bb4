/* corpus/examples/test_trace_kill.c - unit tests of trace_kill.bpf.c (a
 * tracepoint on syscalls/sys_enter_kill, "log every kill(2)") with the C
 * test API and Criterion: synthetic events, their ring buffer records and
 * the per-signal counts; no root, kernel or tracefs.
 *
 *   make -C corpus examples          # builds and runs it */
#include <criterion/criterion.h>
#include <string.h>

#include "bpfemu_test.h"

#ifndef TRACE_KILL_OBJ
#define TRACE_KILL_OBJ "build/trace_kill.o"
#endif
#define KILL_FORMAT "tracepoints/syscalls/sys_enter_kill.format"

/* the program's ring buffer record */
struct kill_event {
    uint32_t tgid, tid, uid;
    int32_t target_pid;
    uint32_t sig, pad;
    uint64_t ts_ns;
    char comm[16];
};

static bpfemu_test *t;

static void open_tracer(void)
{
    char err[256];
    t = bpfemu_test_open(TRACE_KILL_OBJ, NULL, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    cr_assert_eq(bpfemu_test_tracepoint_format(t, KILL_FORMAT), 0, "%s", bpfemu_test_error(t));
}

static void close_tracer(void) { bpfemu_test_close(t); }

TestSuite(trace_kill, .init = open_tracer, .fini = close_tracer);

/* kill(pid, sig) from a task */
static void kill_event(uint32_t pid, const char *target, const char *sig)
{
    cr_assert_eq(bpfemu_test_event(t), 0, "%s", bpfemu_test_error(t));
    cr_assert_eq(bpfemu_test_event_task(t, pid, pid, 1000, 1000, "bash"), 0, "%s",
                 bpfemu_test_error(t));
    cr_assert_eq(bpfemu_test_event_field(t, "pid", target), 0, "%s", bpfemu_test_error(t));
    cr_assert_eq(bpfemu_test_event_field(t, "sig", sig), 0, "%s", bpfemu_test_error(t));
}

static int grab(void *ctx, const void *data, size_t size)
{
    cr_assert_eq(size, sizeof(struct kill_event));
    memcpy(ctx, data, size);
    return 0;
}

Test(trace_kill, a_kill_becomes_a_record)
{
    kill_event(1234, "42", "9");
    cr_assert_eq(bpfemu_test_event_time(t, 5000), 0);
    cr_assert_eq(bpfemu_test_exec(t), 0, "%s", bpfemu_test_error(t));
    struct kill_event e;
    cr_assert_eq(bpfemu_test_map_records(t, "kill_events", grab, &e), 1, "%s",
                 bpfemu_test_error(t));
    cr_expect_eq(e.tgid, 1234);
    cr_expect_eq(e.uid, 1000);
    cr_expect_eq(e.target_pid, 42);
    cr_expect_eq(e.sig, 9);
    cr_expect_eq(e.ts_ns, 5000);
    cr_expect_str_eq(e.comm, "bash");
    cr_expect_eq(bpfemu_test_map_expect(t, "sig_counts", "9", "1"), 0, "%s", bpfemu_test_error(t));
}

Test(trace_kill, a_process_group_target_stays_negative)
{
    kill_event(7, "-100", "2");
    cr_assert_eq(bpfemu_test_exec(t), 0, "%s", bpfemu_test_error(t));
    struct kill_event e;
    cr_assert_eq(bpfemu_test_map_records(t, "kill_events", grab, &e), 1);
    cr_expect_eq(e.target_pid, -100);
}

Test(trace_kill, rodata_filter)
{
    cr_assert_eq(bpfemu_test_map_set(t, ".rodata", "0", "only_sig=9"), 0, "%s",
                 bpfemu_test_error(t));
    kill_event(1, "5", "15");
    cr_assert_eq(bpfemu_test_exec(t), 0, "%s", bpfemu_test_error(t));
    kill_event(1, "5", "9");
    cr_assert_eq(bpfemu_test_exec(t), 0, "%s", bpfemu_test_error(t));
    cr_expect_eq(bpfemu_test_map_expect(t, "sig_counts", "9", "1"), 0, "%s", bpfemu_test_error(t));
    cr_expect_eq(bpfemu_test_map_expect(t, "sig_counts", "15", "1"), 1, "SIGTERM was counted");
}

Test(trace_kill, bad_events_say_why)
{
    cr_assert_eq(bpfemu_test_event(t), 0);
    cr_expect_lt(bpfemu_test_event_field(t, "sigg", "9"), 0);
    cr_expect_str_eq(bpfemu_test_error(t),
                     "event field 'sigg': the tracepoint sys_enter_kill has no such field");
    cr_expect_lt(bpfemu_test_event_field(t, "sig", "nine"), 0);
    cr_expect_str_eq(bpfemu_test_error(t), "event field sig: 'nine' is not a number");
    cr_expect_lt(bpfemu_test_event_reg(t, "di", 1), 0);
    cr_expect_str_eq(bpfemu_test_error(t), "event register di: the program is not a kprobe");
    bpfemu_test *x;
    char err[256];
    x = bpfemu_test_open("build/xdp_counter.o", NULL, err, sizeof err);
    cr_assert_not_null(x, "%s", err);
    cr_expect_lt(bpfemu_test_event(x), 0, "an XDP program takes no events");
    bpfemu_test_close(x);
}

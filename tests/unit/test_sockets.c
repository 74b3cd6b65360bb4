/* tests/unit/test_sockets.c - socket maps and the socket world:
 *
 *  - sockmap / sockhash creation checks, flags and errnos (in process);
 *  - the socket world's API on corpus/build/sock_redir.o: the redirect
 *    lands on the peer's queue, the map empties as sockets close;
 *  - `bpfemu test` on tests/yaml/sock_helpers.yaml (the helpers' semantics),
 *    and a socket test with wrong expectations: its diff and event log;
 *  - `bpfemu run OBJ --sockets` text and JSON output, and bad scripts: one
 *    line naming the file, line and key, exit 2.
 * Runs with cwd = tests/ ($BPFEMU, default ../build/bpfemu). */
#include <criterion/criterion.h>

#include "tests/unit/cli_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/helpers.h"
#include "vm/vm.h"

/* ------------------------------------------------------------ socket maps */

static int mk(uint32_t type, uint32_t ks, uint32_t vs, uint32_t max, uint32_t flags,
              struct maps_map **m, char *err)
{
    struct maps_attr a = {.type = type, .key_size = ks, .value_size = vs, .max_entries = max,
                          .map_flags = flags};
    return maps_create(&a, m, err, 256);
}

Test(sock_maps, create_checks)
{
    struct maps_map *m = NULL;
    char err[256];
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKMAP, 8, 4, 4, 0, &m, err), -EINVAL);
    cr_expect_str_eq(err, "key_size 8: a sockmap's key is a u32 index (4)");
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKMAP, 4, 2, 4, 0, &m, err), -EINVAL);
    cr_expect_str_eq(err, "value_size 2: a socket map's value is a socket fd (4 or 8)");
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKHASH, 0, 4, 4, 0, &m, err), -EINVAL);
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKHASH, 513, 4, 4, 0, &m, err), -E2BIG);
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKHASH, 4, 4, 0, 0, &m, err), -EINVAL);
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKMAP, 4, 4, 4, BPF_F_NO_PREALLOC, &m, err), -EINVAL);
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKMAP, 4, 8, 4, BPF_F_RDONLY, &m, err), 0, "%s", err);
    maps_destroy(m);
    cr_expect_eq(mk(BPF_MAP_TYPE_SOCKHASH, 20, 4, 2, BPF_F_NUMA_NODE, &m, err), 0, "%s", err);
    maps_destroy(m);
}

/* Sockets are opaque to the maps: any two addresses will do. */
static int sock_a, sock_b, sock_c;

Test(sock_maps, sockmap_update_rules)
{
    struct maps_map *m;
    char err[256];
    cr_assert_eq(mk(BPF_MAP_TYPE_SOCKMAP, 4, 8, 2, 0, &m, err), 0);
    uint32_t k0 = 0, k1 = 1, k2 = 2;
    cr_expect_eq(maps_sock_update(m, &k2, &sock_a, 1, BPF_ANY), -E2BIG);
    cr_expect_eq(maps_sock_update(m, &k0, &sock_a, 1, BPF_EXIST), -ENOENT);
    cr_expect_eq(maps_sock_update(m, &k0, &sock_a, 1, 3), -EINVAL);
    cr_expect_eq(maps_sock_update(m, &k0, &sock_a, 1, BPF_NOEXIST), 0);
    cr_expect_eq(maps_sock_update(m, &k0, &sock_b, 2, BPF_NOEXIST), -EEXIST);
    cr_expect_eq(maps_sock_update(m, &k1, &sock_a, 1, BPF_ANY), 0);
    cr_expect_eq(maps_sock_get(m, &k1), &sock_a);
    cr_expect_eq(maps_sock_count(m), 2);
    uint64_t cookie = 0;
    cr_expect_eq(maps_user_lookup(m, &k0, &cookie), 0);
    cr_expect_eq(cookie, 1);
    /* closing the socket empties both slots */
    cr_expect_eq(maps_sock_remove(m, &sock_a), 2);
    cr_expect_eq(maps_user_lookup(m, &k0, &cookie), -ENOENT);
    cr_expect_eq(maps_user_delete(m, &k0), -EINVAL); /* an empty slot */
    /* user space gives fds: nothing resolves them here */
    uint64_t fd = 5;
    cr_expect_eq(maps_user_update(m, &k0, &fd, BPF_ANY), -EBADF);
    fd = 1ull << 31;
    cr_expect_eq(maps_user_update(m, &k0, &fd, BPF_ANY), -EINVAL);
    uint32_t next;
    cr_expect_eq(maps_user_next_key(m, NULL, &next), 0);
    cr_expect_eq(next, 0);
    cr_expect_eq(maps_user_next_key(m, &k1, &next), -ENOENT);
    maps_destroy(m);
}

Test(sock_maps, sockhash_update_rules)
{
    struct maps_map *m;
    char err[256];
    cr_assert_eq(mk(BPF_MAP_TYPE_SOCKHASH, 8, 4, 2, 0, &m, err), 0);
    uint64_t k1 = 11, k2 = 22, k3 = 33;
    cr_expect_eq(maps_sock_update(m, &k1, &sock_a, 1, BPF_EXIST), -ENOENT);
    cr_expect_eq(maps_sock_update(m, &k1, &sock_a, 1, BPF_ANY), 0);
    cr_expect_eq(maps_sock_update(m, &k2, &sock_b, 2, BPF_ANY), 0);
    cr_expect_eq(maps_sock_update(m, &k3, &sock_c, 3, BPF_ANY), -E2BIG); /* full */
    cr_expect_eq(maps_sock_update(m, &k2, &sock_c, 3, BPF_EXIST), 0);     /* replace */
    cr_expect_eq(maps_sock_get(m, &k2), &sock_c);
    uint32_t v;
    cr_expect_eq(maps_user_lookup(m, &k1, &v), -ENOSPC); /* 4-byte values: no cookie */
    cr_expect_eq(maps_user_delete(m, &k3), -ENOENT);
    uint64_t nk;
    cr_expect_eq(maps_user_next_key(m, NULL, &nk), 0);
    cr_expect_eq(nk, 11);
    cr_expect_eq(maps_user_next_key(m, &nk, &nk), 0);
    cr_expect_eq(nk, 22);
    cr_expect_eq(maps_user_next_key(m, &nk, &nk), -ENOENT);
    cr_expect_eq(maps_user_delete(m, &k1), 0);
    cr_expect_eq(maps_sock_count(m), 1);
    maps_destroy(m);
}

/* ---------------------------------------------------- the socket world */

static void open_obj(const char *path, struct vm_object **obj, struct helper_env **env)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: build the corpus (make -C corpus)", path);
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char err[512];
    cr_assert_eq(vm_object_load_elf(buf, n, "obj", obj, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_env_create(*obj, NULL, env, err, sizeof err), 0, "%s", err);
}

static struct helper_sock_addr ip4(const char *a, uint16_t port)
{
    struct helper_sock_addr s = {.family = AF_INET, .port = port};
    cr_assert(helper_parse_ip4(a, s.addr));
    return s;
}

Test(sock_world, redirect_to_the_peer_and_close)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("../corpus/build/sock_redir.o", &obj, &env);
    char err[512];
    cr_assert_eq(helper_env_verify(env, 0, err, sizeof err), 0, "%s", err);
    struct helper_sock_world *w;
    cr_assert_eq(helper_sock_world_create(env, &w, err, sizeof err), 0);
    struct maps_map *m = helper_env_map(env, "sock_ops_map");
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_SOCKOPS, helper_env_prog(env, "bpf_sockops"),
                                    NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_MSG_VERDICT,
                                    helper_env_prog(env, "bpf_redir"), m, err, sizeof err),
                 0, "%s", err);
    /* the sk_msg program is no sock_ops program */
    cr_expect_eq(helper_sock_attach(w, HELPER_SOCK_SOCKOPS, helper_env_prog(env, "bpf_redir"),
                                    NULL, err, sizeof err), -EINVAL);
    struct helper_sock_addr l = ip4("127.0.0.1", 15001), from = ip4("10.0.0.1", 40000);
    cr_assert_eq(helper_sock_listen(w, "envoy", &l, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_connect(w, "app", &from, &l, "conn", err, sizeof err), 0, "%s", err);
    cr_expect_eq(maps_sock_count(m), 2);
    cr_assert_eq(helper_sock_send(w, "app", "hi", 2, err, sizeof err), 0, "%s", err);
    const struct helper_sock_event_report *r = helper_sock_report(w);
    cr_expect_eq(r->result, 2);
    cr_assert_eq(r->n_deliveries, 1);
    cr_expect_str_eq(r->deliveries[0].to, "conn");
    cr_expect_str_eq(r->deliveries[0].how, "sk_msg redirect ingress");
    const uint8_t *d;
    size_t len;
    cr_assert_eq(helper_sock_received(w, "conn", &d, &len), 0);
    cr_expect(len == 2 && !memcmp(d, "hi", 2));
    uint64_t cookie;
    uint32_t state;
    cr_assert_eq(helper_sock_info(w, "conn", &cookie, &state), 0);
    cr_expect_eq(cookie, 3);
    cr_expect_eq(state, BPF_TCP_ESTABLISHED);
    cr_assert_eq(helper_sock_close(w, "app", err, sizeof err), 0);
    cr_expect_eq(maps_sock_count(m), 1);
    cr_expect_eq(helper_sock_send(w, "app", "x", 1, err, sizeof err), -ENOTCONN);
    cr_expect_str_eq(err, "send: socket 'app' is not connected (closed)");
    cr_expect_eq(helper_sock_send(w, "nobody", "x", 1, err, sizeof err), -ENOENT);
    helper_sock_world_destroy(w);
    /* the world took its sockets out of the maps it leaves behind */
    cr_expect_eq(maps_sock_count(m), 0);
    helper_env_destroy(env);
    vm_object_free(obj);
}

/* ------------------------------------------------------------- the CLI */

static void setup(void)
{
    cli_setup("/tmp/bpfemu-sock-XXXXXX");
}

TestSuite(sock_cli, .init = setup, .fini = cli_teardown);
TestSuite(sock_kernel, .init = setup, .fini = cli_teardown);

Test(sock_cli, helper_semantics_fixture_passes)
{
    struct res r = RUN("test", "yaml/sock_helpers.yaml");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "\n11 passed, 0 failed\n") != NULL, "%s", r.out);
}

Test(sock_cli, wrong_expectations_show_the_diff_and_the_events)
{
    char *abs = realpath("../corpus/build/sock_redir.o", NULL), text[2048];
    cr_assert_not_null(abs, "make -C corpus");
    snprintf(text, sizeof text,
             "object: %s\n"
             "attach: {sockops: bpf_sockops, sk_msg: {program: bpf_redir, map: sock_ops_map}}\n"
             "tests:\n"
             "  - name: wrong\n"
             "    sockets:\n"
             "      - listen: {socket: envoy, addr: 127.0.0.1:15001}\n"
             "      - connect: {socket: app, to: 127.0.0.1:15001, accept: conn}\n"
             "      - send: {socket: app, data: \"hi\"}\n"
             "        expect: {result: -EACCES, via: [tcp]}\n"
             "    expect:\n"
             "      received: {conn: \"ho\"}\n"
             "      maps: {sock_ops_map: {count: 1}}\n",
             abs);
    free(abs);
    const char *p = cli_write("test.yaml", text);
    struct res r = RUN("test", p);
    unlink(p);
    cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
    const char *want =
        "        event 3 (line 8) send app: result: expected -EACCES, got 2\n"
        "        event 3 (line 8) send app: via: expected [tcp], got [sk_msg redirect ingress]\n"
        "        received conn (line 11): expected \"ho\", got \"hi\"\n"
        "        map sock_ops_map (line 12): expected 1 entries, got 2\n"
        "        events:\n"
        "          event 1 (line 6): listen envoy on 127.0.0.1:15001\n"
        "            sockops bpf_sockops on envoy (op TCP_LISTEN_CB): returned 1\n"
        "          event 2 (line 7): connect app to 127.0.0.1:15001 (accepted as conn)\n"
        "            sockops bpf_sockops on app (op TCP_CONNECT_CB): returned 1\n"
        "            sockops bpf_sockops on app (op RWND_INIT): returned 1\n"
        "            sockops bpf_sockops on app (op TIMEOUT_INIT): returned 1\n"
        "            sockops bpf_sockops on app (op NEEDS_ECN): returned 1\n"
        "            sockops bpf_sockops on envoy's request (op RWND_INIT): returned 1\n"
        "            sockops bpf_sockops on envoy's request (op TIMEOUT_INIT): returned 1\n"
        "            sockops bpf_sockops on envoy's request (op NEEDS_ECN): returned 1\n"
        "            sockops bpf_sockops on app (op ACTIVE_ESTABLISHED_CB): returned 1\n"
        "            sockops bpf_sockops on conn (op PASSIVE_ESTABLISHED_CB): returned 1\n"
        "          event 3 (line 8): send app, 2 bytes: result 2\n"
        "            sk_msg bpf_redir on app: returned 1, redirect to conn (ingress)\n"
        "            2 bytes from app to conn: sk_msg redirect ingress\n"
        "0 passed, 1 failed\n";
    cr_expect(strstr(r.out, want) != NULL, "got:\n%s", r.out);
}

Test(sock_cli, run_prints_each_event)
{
    struct res r = RUN("run", "../corpus/build/sock_redir.o", "--sockets", "sockets/redirect.yaml");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out,
                     "event 1 (line 7): listen envoy on 127.0.0.1:15001\n"
                     "  sockops bpf_sockops on envoy (op TCP_LISTEN_CB): returned 1\n"
                     "event 2 (line 8): connect app to 127.0.0.1:15001 (accepted as envoy_conn)\n"
                     "  sockops bpf_sockops on app (op TCP_CONNECT_CB): returned 1\n"
                     "  sockops bpf_sockops on app (op RWND_INIT): returned 1\n"
                     "  sockops bpf_sockops on app (op TIMEOUT_INIT): returned 1\n"
                     "  sockops bpf_sockops on app (op NEEDS_ECN): returned 1\n"
                     "  sockops bpf_sockops on envoy's request (op RWND_INIT): returned 1\n"
                     "  sockops bpf_sockops on envoy's request (op TIMEOUT_INIT): returned 1\n"
                     "  sockops bpf_sockops on envoy's request (op NEEDS_ECN): returned 1\n"
                     "  sockops bpf_sockops on app (op ACTIVE_ESTABLISHED_CB): returned 1\n"
                     "  sockops bpf_sockops on envoy_conn (op PASSIVE_ESTABLISHED_CB): returned 1\n"
                     "event 3 (line 9): send app, 16 bytes: result 16\n"
                     "  sk_msg bpf_redir on app: returned 1, redirect to envoy_conn (ingress)\n"
                     "  16 bytes from app to envoy_conn: sk_msg redirect ingress\n"
                     "event 4 (line 10): send app, 7 bytes: result -EACCES\n"
                     "  sk_msg bpf_redir on app: returned 0, SK_DROP\n"
                     "  7 bytes from app: sk_msg drop\n"
                     "event 5 (line 11): close app\n"
                     "received envoy_conn: \"GET / HTTP/1.1\\r\\n\"\n");
    r = RUN("run", "../corpus/build/sock_redir.o", "--sockets", "sockets/redirect.yaml", "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "{\"event\": \"send\", \"line\": 9, \"socket\": \"app\", \"result\": 16, "
                            "\"runs\": [{\"program\": \"bpf_redir\", \"attach\": \"sk_msg\", "
                            "\"socket\": \"app\", \"retval\": 1, \"result\": \"redirect to "
                            "envoy_conn (ingress)\"}], \"deliveries\": [{\"from\": \"app\", \"to\": "
                            "\"envoy_conn\", \"how\": \"sk_msg redirect ingress\", \"len\": 16}], "
                            "\"trace\": \"\"}\n") != NULL,
              "%s", r.out);
    size_t lines = 0;
    for (const char *c = r.out; *c; c++)
        lines += *c == '\n';
    cr_expect_eq(lines, 5, "one JSON object per event: %s", r.out);
}

struct bad {
    const char *obj, *script, *err; /* err: after "bpfemu: SCRIPT: " */
};

Test(sock_cli, bad_scripts_get_one_line_and_exit_2)
{
    static const struct bad cases[] = {
        {"sock_redir", "sockets: [ {send: \n", "line 2: did not find expected node content"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - send: {socket: ghost, data: x}\n",
         "line 3: send.socket: unknown socket 'ghost' (sockets are defined by listen, connect and "
         "its accept)\n"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - listen: {socket: a, addr: 300.1.1.1:80}\n",
         "line 3: listen.addr: '300.1.1.1' is not an IPv4 or IPv6 address\n"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1}\n",
         "line 3: listen.addr: '1.1.1.1' needs a port (ADDRESS:PORT)\n"},
        {"sock_redir", "attach: {sockops: nope}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n",
         "line 1: attach.sockops: no program 'nope' in the object (programs: bpf_sockops, "
         "bpf_redir)\n"},
        {"sock_redir", "attach: {sk_msg: {program: bpf_redir, map: nomap}}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n",
         "line 1: attach.sk_msg: no map 'nomap' in the object\n"},
        {"sock_redir", "attach: {sk_msg: {program: bpf_sockops, map: sock_ops_map}}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n",
         "line 1: attach.sk_msg: program 'bpf_sockops' cannot be attached as sk_msg: it is not a "
         "sk_msg program\n"},
        {"xdp_counter", "attach: {sockops: xdp_prog1}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n",
         "line 1: attach.sockops: program 'xdp_prog1' cannot be attached as sockops: it is not a "
         "sock_ops program\n"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n  - close: {socket: a}\n  - send: {socket: a, data: x}\n",
         "line 5: send.socket: socket 'a' is closed\n"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - connect: {socket: c, to: 1.1.1.1:80}\n  - send: {socket: c, data: x}\n",
         "line 4: send: socket 'c' is not connected (closed)\n"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - shout: {socket: c}\n",
         "line 3: sockets: unknown event 'shout' (expected one of: listen, connect, send, recv, close, "
         "update; and expect)\n"},
        {"sock_redir", "sockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n",
         "line 2: sockets: the file or the test needs 'attach:' (which programs run on the "
         "sockets)\n"},
        {"sock_redir", "attach: {sockops: bpf_sockops}\nsockets:\n  - listen: {socket: a, addr: 1.1.1.1:80}\n  - update: {map: sock_ops_map, key: 1, socket: a}\n",
         "line 4: update.key: '1': expected a number or 20 hex bytes\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char obj[128];
        snprintf(obj, sizeof obj, "../corpus/build/%s.o", cases[i].obj);
        const char *p = cli_write("script.yaml", cases[i].script);
        struct res r = RUN("run", obj, "--sockets", p);
        char want[1024];
        snprintf(want, sizeof want, "bpfemu: %s: %s", p, cases[i].err);
        cr_expect_eq(r.status, 2, "case %zu: status %d: %s", i, r.status, r.err);
        cr_expect(!strncmp(r.err, want, strlen(want)), "case %zu:\n got `%s`\nwant `%s`", i,
                  r.err, want);
        cr_expect_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "case %zu: one line: %s", i,
                     r.err);
        unlink(p);
    }
    struct res r = RUN("run", "../corpus/build/sock_redir.o", "--sockets", "sockets/redirect.yaml",
                       "--data", "x");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: --sockets: the script says which programs run on what: it "
                            "takes --json, --no-verify, --priv and the runtime options only\n");
}

Test(sock_cli, bad_socket_test_files_exit_2)
{
    static const struct bad cases[] = {
        {NULL, "object: x.o\ntests:\n  - name: t\n    attach: {sockops: p}\n",
         "line 4: test 't': attach: goes with sockets:\n"},
        {NULL, "object: x.o\ntests:\n  - name: t\n    sockets:\n      - listen: {socket: a, addr: 1.1.1.1:1}\n",
         "line 5: sockets: the file or the test needs 'attach:' (which programs run on the "
         "sockets)\n"},
        {NULL, "object: x.o\nattach: {sockops: p}\ntests:\n  - name: t\n    packet: eth\n    sockets:\n      - listen: {socket: a, addr: 1.1.1.1:1}\n",
         "line 5: test 't': 'packet' is for packet tests, not socket tests\n"},
        {NULL, "object: x.o\nattach: {sockops: p}\ntests:\n  - name: t\n    sockets:\n      - listen: {socket: a, addr: 1.1.1.1:1}\n    expect: {action: XDP_PASS}\n",
         "line 7: expect (of a socket test): unknown key 'action' (expected one of: received, "
         "maps)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = cli_write("script.yaml", cases[i].script);
        struct res r = RUN("test", p);
        char want[1024];
        snprintf(want, sizeof want, "bpfemu: %s: %s", p, cases[i].err);
        cr_expect_eq(r.status, 2, "case %zu: status %d: %s", i, r.status, r.err);
        cr_expect_str_eq(r.err, want, "case %zu", i);
        unlink(p);
    }
}

/* ------------------------------------------------- kernel differential */

/* The kernel cannot BPF_PROG_TEST_RUN socket-level programs: the
 * differential is BPF_PROG_LOAD's verdict (and insns processed) against
 * bpfemu's verifier, for every program of the socket corpus objects and
 * the helper fixture (suite files: test_verifier_kernel.c). */
Test(sock_kernel, corpus_socket_programs_load_as_bpfemu_verifies, .timeout = 120)
{
    static const struct {
        const char *obj, *prog;
    } progs[] = {
        {"../corpus/build/sock_redir.o", "bpf_sockops"},
        {"../corpus/build/sock_redir.o", "bpf_redir"},
        {"../corpus/build/sk_skb_proxy.o", "proxy_parser"},
        {"../corpus/build/sk_skb_proxy.o", "proxy_verdict"},
        {"yaml/build/sock_helpers.o", "ops"},
        {"yaml/build/sock_helpers.o", "verdict"},
        {"yaml/build/sock_ops_log.o", "log_ops"},
    };
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        struct res r = RUN("kdiff", progs[i].obj, "--section", progs[i].prog);
        if (strstr(r.err, "not permitted")) {
            printf("SKIP: socket program load differential: %s", r.err);
            return;
        }
        cr_expect_eq(r.status, 0, "%s %s: %s%s", progs[i].obj, progs[i].prog, r.out, r.err);
        cr_expect(strstr(r.out, "identical verdicts (the kernel cannot test-run this program "
                                "type: nothing to run)\n") != NULL,
                  "%s %s: %s", progs[i].obj, progs[i].prog, r.out);
        cr_expect(strstr(r.out, "  kernel  accept,") != NULL, "%s", r.out);
    }
}

/* The true oracle: sock_redir.o in the real kernel, its sock_ops program
 * attached to a fresh cgroup v2 and its sk_msg program to the sockhash,
 * loopback TCP connections opened by a child process in that cgroup; then
 * the same events through bpfemu's socket world. Both must agree on what
 * each send returned, what each socket received, and whether the bytes
 * went through TCP (the sender's tcpi_bytes_sent grew) or were redirected
 * (it did not). Prints SKIP without bpf(), cgroup v2 or the port. */

#include "tools/kbpf.h"

#include <arpa/inet.h>
#include <linux/tcp.h> /* tcpi_bytes_sent: glibc's struct tcp_info lacks it */
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define CG_ROOT "/sys/fs/cgroup/unified"

/* What one side saw: per send its result (bytes or -errno) and whether
 * it went by TCP; per receiving socket its bytes. */
struct kside {
    long sent[4];
    int by_tcp[4];
    char recv[3][64];
};

static int sys_bpf(int cmd, union bpf_attr *a)
{
    return (int)syscall(__NR_bpf, cmd, a, sizeof(*a));
}

/* Load program i of obj into the kernel (its map references index
 * map_fds); the kernel's log on failure. */
static int load_prog(const struct vm_object *obj, uint32_t i, const int *map_fds)
{
    const struct vm_obj_prog *p = &obj->progs[i];
    static char log[65536];
    struct kbpf_load l = {.prog_type = p->prog_type,
                          .expected_attach_type = p->expected_attach_type,
                          .insns = p->prog->insns, .insn_cnt = p->prog->len,
                          .fd_array = map_fds, .license = obj->license,
                          .log_level = 1, .log_buf = log, .log_size = sizeof log};
    int fd = kbpf_prog_load(&l);
    cr_assert_geq(fd, 0, "%s: %s %s", p->name, strerror(-fd), log);
    return fd;
}

/* Attach a program for a real-kernel scenario (detach_all undoes it). */
static void attach_prog(int target_fd, int prog_fd, enum bpf_attach_type type, const char *what)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.target_fd = (uint32_t)target_fd;
    a.attach_bpf_fd = (uint32_t)prog_fd;
    a.attach_type = type;
    cr_assert_eq(sys_bpf(BPF_PROG_ATTACH, &a), 0, "%s: %s", what, strerror(errno));
}

/* Move the calling process (a scenario's child) into cgroup `cg`. */
static bool join_cgroup(const char *cg)
{
    char procs[300], me[32];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", cg);
    int pf = open(procs, O_WRONLY);
    snprintf(me, sizeof me, "%d\n", (int)getpid());
    bool ok = pf >= 0 && write(pf, me, strlen(me)) >= 0;
    if (pf >= 0)
        close(pf);
    return ok;
}

/* Undo a real-kernel scenario's attachments (bit 1: sock_ops on the
 * cgroup, bit 2: the sk_msg verdict on the map) and remove its cgroup. */
static void detach_all(unsigned attached, int cg_fd, int ops_fd, int map_fd, int msg_fd,
                       const char *cg)
{
    union bpf_attr a;
    if (attached & 1) {
        memset(&a, 0, sizeof a);
        a.target_fd = (uint32_t)cg_fd;
        a.attach_bpf_fd = (uint32_t)ops_fd;
        a.attach_type = BPF_CGROUP_SOCK_OPS;
        sys_bpf(BPF_PROG_DETACH, &a);
    }
    if (attached & 2) {
        memset(&a, 0, sizeof a);
        a.target_fd = (uint32_t)map_fd;
        a.attach_bpf_fd = (uint32_t)msg_fd;
        a.attach_type = BPF_SK_MSG_VERDICT;
        sys_bpf(BPF_PROG_DETACH, &a);
    }
    if (cg_fd >= 0)
        close(cg_fd);
    rmdir(cg);
}

static long tcp_bytes_sent(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
        return -1;
    return (long)ti.tcpi_bytes_sent;
}

static long send_one(int fd, const char *s, int *by_tcp)
{
    long before = tcp_bytes_sent(fd);
    long n = send(fd, s, strlen(s), 0);
    if (n < 0)
        n = -errno;
    usleep(20000);
    *by_tcp = tcp_bytes_sent(fd) > before;
    return n;
}

static void recv_all(int fd, char *out, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = recv(fd, out + n, cap - 1 - n, MSG_DONTWAIT)) > 0)
        n += (size_t)r;
    out[n] = 0;
}

static int listen_on(uint16_t port, uint16_t *got)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 4) ||
        getsockname(fd, (struct sockaddr *)&a, &al)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *got = ntohs(a.sin_port);
    return fd;
}

static int connect_to(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* The child, in the cgroup: the proxied connection (app -> envoy on
 * 15001) and a plain one (curl -> web on an ephemeral port). */
static int kernel_events(uint16_t *web_port, struct kside *k)
{
    uint16_t p;
    int envoy = listen_on(15001, &p), web = listen_on(0, web_port);
    if (envoy < 0 || web < 0)
        return 2;
    int app = connect_to(15001), curl = connect_to(*web_port);
    int conn = app >= 0 ? accept(envoy, NULL, NULL) : -1;
    int web_conn = curl >= 0 ? accept(web, NULL, NULL) : -1;
    if (conn < 0 || web_conn < 0)
        return 3;
    usleep(50000); /* the sockops callbacks have run */
    k->sent[0] = send_one(app, "GET / HTTP/1.1\r\n", &k->by_tcp[0]);
    k->sent[1] = send_one(app, "DENY me", &k->by_tcp[1]);
    k->sent[2] = send_one(conn, "HTTP/1.1 200 OK\r\n", &k->by_tcp[2]);
    k->sent[3] = send_one(curl, "plain", &k->by_tcp[3]);
    recv_all(conn, k->recv[0], sizeof k->recv[0]);
    recv_all(app, k->recv[1], sizeof k->recv[1]);
    recv_all(web_conn, k->recv[2], sizeof k->recv[2]);
    close(app), close(conn), close(curl), close(web_conn), close(envoy), close(web);
    return 0;
}

static void emu_events(uint16_t web_port, struct kside *e)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("../corpus/build/sock_redir.o", &obj, &env);
    char err[512];
    struct helper_sock_world *w;
    cr_assert_eq(helper_sock_world_create(env, &w, err, sizeof err), 0);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_SOCKOPS, helper_env_prog(env, "bpf_sockops"),
                                    NULL, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_MSG_VERDICT, helper_env_prog(env, "bpf_redir"),
                                    helper_env_map(env, "sock_ops_map"), err, sizeof err), 0);
    struct helper_sock_addr envoy = ip4("127.0.0.1", 15001), web = ip4("127.0.0.1", web_port);
    cr_assert_eq(helper_sock_listen(w, "envoy", &envoy, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_listen(w, "web", &web, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_connect(w, "app", NULL, &envoy, "conn", err, sizeof err), 0);
    cr_assert_eq(helper_sock_connect(w, "curl", NULL, &web, "web_conn", err, sizeof err), 0);
    static const struct {
        const char *sock, *data;
    } sends[] = {{"app", "GET / HTTP/1.1\r\n"}, {"app", "DENY me"},
                 {"conn", "HTTP/1.1 200 OK\r\n"}, {"curl", "plain"}};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(helper_sock_send(w, sends[i].sock, sends[i].data, strlen(sends[i].data), err,
                                      sizeof err), 0, "%s", err);
        const struct helper_sock_event_report *r = helper_sock_report(w);
        e->sent[i] = r->result;
        e->by_tcp[i] = r->n_deliveries && !strcmp(r->deliveries[0].how, "tcp");
    }
    static const char *const rx[] = {"conn", "app", "web_conn"};
    for (int i = 0; i < 3; i++) {
        const uint8_t *d;
        size_t len;
        cr_assert_eq(helper_sock_received(w, rx[i], &d, &len), 0);
        snprintf(e->recv[i], sizeof e->recv[i], "%.*s", (int)len, (const char *)d);
    }
    helper_sock_world_destroy(w);
    helper_env_destroy(env);
    vm_object_free(obj);
}

Test(sock_kernel, redirection_matches_the_kernel, .timeout = 60)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("../corpus/build/sock_redir.o", &obj, &env);
    const struct vm_map_def *md = &obj->maps[0];
    int map_fd = kbpf_map_create(md->type, md->key_size, md->value_size, md->max_entries,
                                 md->map_flags, "sock_ops_map");
    if (map_fd < 0) {
        printf("SKIP: socket kernel differential: cannot create a sockhash (%s)\n",
               strerror(-map_fd));
        helper_env_destroy(env);
        vm_object_free(obj);
        return;
    }
    int fds[2] = {-1, -1};
    for (uint32_t i = 0; i < obj->n_progs && i < 2; i++) {
        fds[i] = load_prog(obj, i, &map_fd);
    }
    int ops_fd = obj->progs[0].prog_type == BPF_PROG_TYPE_SOCK_OPS ? fds[0] : fds[1];
    int msg_fd = ops_fd == fds[0] ? fds[1] : fds[0];
    char cg[256];
    snprintf(cg, sizeof cg, CG_ROOT "/bpfemu-sock-%d", (int)getpid());
    int cg_fd = -1, attached = 0;
    struct kside k = {0}, e = {0};
    uint16_t web_port = 0;
    int child_rc = -1;
    if (mkdir(cg, 0755) || (cg_fd = open(cg, O_RDONLY | O_DIRECTORY)) < 0) {
        printf("SKIP: socket kernel differential: no cgroup v2 at " CG_ROOT " (%s)\n",
               strerror(errno));
        goto cleanup;
    }
    attach_prog(cg_fd, ops_fd, BPF_CGROUP_SOCK_OPS, "attach sockops");
    attached |= 1;
    attach_prog(map_fd, msg_fd, BPF_SK_MSG_VERDICT, "attach sk_msg");
    attached |= 2;
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (!join_cgroup(cg))
            _exit(4);
        alarm(20);
        int rc = kernel_events(&web_port, &k);
        if (write(pipefd[1], &web_port, sizeof web_port) < 0 || write(pipefd[1], &k, sizeof k) < 0)
            _exit(5);
        _exit(rc);
    }
    close(pipefd[1]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    child_rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    if (read(pipefd[0], &web_port, sizeof web_port) != sizeof web_port ||
        read(pipefd[0], &k, sizeof k) != sizeof k)
        child_rc = child_rc ? child_rc : 6;
    close(pipefd[0]);
    if (child_rc == 2) {
        printf("SKIP: socket kernel differential: port 15001 on 127.0.0.1 is taken\n");
        goto cleanup;
    }
    cr_expect_eq(child_rc, 0, "the kernel side failed (%d)", child_rc);
    if (child_rc)
        goto cleanup;
    emu_events(web_port, &e);
    static const char *const what[] = {"app GET", "app DENY", "conn reply", "curl plain"};
    for (int i = 0; i < 4; i++) {
        cr_expect_eq(e.sent[i], k.sent[i], "%s: send returned %ld in bpfemu, %ld in the kernel",
                     what[i], e.sent[i], k.sent[i]);
        if (k.sent[i] > 0)
            cr_expect_eq(e.by_tcp[i], k.by_tcp[i], "%s: by TCP in bpfemu %d, in the kernel %d",
                         what[i], e.by_tcp[i], k.by_tcp[i]);
    }
    static const char *const rx[] = {"conn", "app", "web_conn"};
    for (int i = 0; i < 3; i++)
        cr_expect_str_eq(e.recv[i], k.recv[i], "%s received: bpfemu \"%s\", kernel \"%s\"", rx[i],
                         e.recv[i], k.recv[i]);
    /* the scenario is the interesting one: redirected, dropped, by TCP */
    cr_expect(k.sent[0] == 16 && !k.by_tcp[0], "kernel: the app's message was not redirected");
    cr_expect_eq(k.sent[1], -EACCES);
    cr_expect(k.sent[3] == 5 && k.by_tcp[3]);
cleanup:
    detach_all(attached, cg_fd, ops_fd, map_fd, msg_fd, cg);
    close(fds[0]), close(fds[1]), close(map_fd);
    helper_env_destroy(env);
    vm_object_free(obj);
}

/* The helper fixture (tests/yaml/sock_helpers.bpf.c) in the kernel and in
 * bpfemu: apply_bytes, cork_bytes, pull_data, direct writes and drops,
 * send by send: sendmsg's result, what the accepted socket has received
 * so far, and the fixture's results[] (but the cookie, which differs). */

#define FX_SENDS 16
#define FX_RESULTS 16
struct fx_side {
    long sent[FX_SENDS];
    char recv[FX_SENDS][32];
    uint64_t results[FX_SENDS][FX_RESULTS];
};

/* the drop last: the verdict sticks, later sends fail without a run */
static const char *const fx_data[FX_SENDS] = {"Aabcdefgh", "A", "Dxx", "Uabcd", "Oabcd", "U",
                                              "Oa", "PQRSTUV", "PQ", "Wxyz", "C123", "456",
                                              "7", "K", "D", "x"};

static void fx_results(struct maps_map *m, int fd, uint64_t out[FX_RESULTS])
{
    for (uint32_t k = 0; k < FX_RESULTS; k++) {
        out[k] = 0;
        if (m)
            maps_user_lookup(m, &k, &out[k]);
        else
            kbpf_map_lookup(fd, &k, &out[k]);
    }
    out[1] = 0; /* the cookie: the kernel's count is global */
}

static int fx_kernel(int results_fd, struct fx_side *k)
{
    uint16_t port;
    int srv = listen_on(0, &port);
    int cli = srv >= 0 ? connect_to(port) : -1;
    int acc = cli >= 0 ? accept(srv, NULL, NULL) : -1;
    if (acc < 0)
        return 3;
    usleep(50000);
    size_t got = 0;
    for (int i = 0; i < FX_SENDS; i++) {
        int by_tcp;
        k->sent[i] = send_one(cli, fx_data[i], &by_tcp);
        char buf[32];
        recv_all(acc, buf, sizeof buf);
        snprintf(k->recv[i], sizeof k->recv[i], "%s", buf);
        got += strlen(buf);
        fx_results(NULL, results_fd, k->results[i]);
    }
    close(acc), close(cli), close(srv);
    return 0;
}

static void fx_emu(struct fx_side *e)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("yaml/build/sock_helpers.o", &obj, &env);
    char err[512];
    struct helper_sock_world *w;
    cr_assert_eq(helper_sock_world_create(env, &w, err, sizeof err), 0);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_SOCKOPS, helper_env_prog(env, "ops"), NULL, err,
                                    sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_MSG_VERDICT, helper_env_prog(env, "verdict"),
                                    helper_env_map(env, "socks"), err, sizeof err), 0, "%s", err);
    struct helper_sock_addr srv = ip4("127.0.0.1", 7000);
    cr_assert_eq(helper_sock_listen(w, "srv", &srv, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_connect(w, "cli", NULL, &srv, "acc", err, sizeof err), 0, "%s", err);
    size_t seen = 0;
    for (int i = 0; i < FX_SENDS; i++) {
        cr_assert_eq(helper_sock_send(w, "cli", fx_data[i], strlen(fx_data[i]), err, sizeof err),
                     0, "%s", err);
        e->sent[i] = helper_sock_report(w)->result;
        const uint8_t *d;
        size_t len;
        cr_assert_eq(helper_sock_received(w, "acc", &d, &len), 0);
        snprintf(e->recv[i], sizeof e->recv[i], "%.*s", (int)(len - seen), (const char *)d + seen);
        seen = len;
        fx_results(helper_env_map(env, "results"), -1, e->results[i]);
    }
    helper_sock_world_destroy(w);
    helper_env_destroy(env);
    vm_object_free(obj);
}

Test(sock_kernel, helper_semantics_match_the_kernel, .timeout = 60)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("yaml/build/sock_helpers.o", &obj, &env);
    int map_fds[4] = {-1, -1, -1, -1}, fds[2] = {-1, -1};
    cr_assert_leq(obj->n_maps, 4);
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        const struct vm_map_def *md = &obj->maps[i];
        map_fds[i] = kbpf_map_create(md->type, md->key_size, md->value_size, md->max_entries,
                                     md->map_flags, md->name);
        if (map_fds[i] < 0) {
            printf("SKIP: socket helper kernel differential: cannot create map %s (%s)\n",
                   md->name, strerror(-map_fds[i]));
            goto done;
        }
    }
    int socks = -1, results = -1;
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        if (!strcmp(obj->maps[i].name, "socks"))
            socks = map_fds[i];
        if (!strcmp(obj->maps[i].name, "results"))
            results = map_fds[i];
    }
    for (uint32_t i = 0; i < obj->n_progs && i < 2; i++) {
        fds[i] = load_prog(obj, i, map_fds);
    }
    int ops_fd = obj->progs[0].prog_type == BPF_PROG_TYPE_SOCK_OPS ? fds[0] : fds[1];
    int msg_fd = ops_fd == fds[0] ? fds[1] : fds[0];
    char cg[256];
    snprintf(cg, sizeof cg, CG_ROOT "/bpfemu-sockfx-%d", (int)getpid());
    int cg_fd = -1, attached = 0;
    if (mkdir(cg, 0755) || (cg_fd = open(cg, O_RDONLY | O_DIRECTORY)) < 0) {
        printf("SKIP: socket helper kernel differential: no cgroup v2 at " CG_ROOT " (%s)\n",
               strerror(errno));
        goto cleanup;
    }
    attach_prog(cg_fd, ops_fd, BPF_CGROUP_SOCK_OPS, "attach sockops");
    attached |= 1;
    attach_prog(socks, msg_fd, BPF_SK_MSG_VERDICT, "attach sk_msg");
    attached |= 2;
    static struct fx_side k, e;
    memset(&k, 0, sizeof k);
    memset(&e, 0, sizeof e);
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (!join_cgroup(cg))
            _exit(4);
        alarm(20);
        int rc = fx_kernel(results, &k);
        if (write(pipefd[1], &k, sizeof k) != sizeof k)
            _exit(5);
        _exit(rc);
    }
    close(pipefd[1]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    size_t n = 0;
    ssize_t r;
    while (n < sizeof k && (r = read(pipefd[0], (char *)&k + n, sizeof k - n)) > 0)
        n += (size_t)r;
    close(pipefd[0]);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n == sizeof k, "the kernel side failed");
    if (n != sizeof k)
        goto cleanup;
    fx_emu(&e);
    for (int i = 0; i < FX_SENDS; i++) {
        cr_expect_eq(e.sent[i], k.sent[i], "send %d \"%s\": bpfemu %ld, kernel %ld", i, fx_data[i],
                     e.sent[i], k.sent[i]);
        cr_expect_str_eq(e.recv[i], k.recv[i], "send %d \"%s\": received \"%s\" in bpfemu, \"%s\" "
                         "in the kernel", i, fx_data[i], e.recv[i], k.recv[i]);
        for (int j = 0; j < FX_RESULTS; j++)
            cr_expect_eq(e.results[i][j], k.results[i][j],
                         "after send %d \"%s\": results[%d] bpfemu %llu, kernel %llu", i,
                         fx_data[i], j, (unsigned long long)e.results[i][j],
                         (unsigned long long)k.results[i][j]);
    }
cleanup:
    detach_all(attached, cg_fd, ops_fd, socks, msg_fd, cg);
    close(fds[0]), close(fds[1]);
done:
    for (int i = 0; i < 4; i++)
        if (map_fds[i] >= 0)
            close(map_fds[i]);
    helper_env_destroy(env);
    vm_object_free(obj);
}

/* sk_skb_proxy.o in the kernel (parser and verdict attached to its
 * sockmap, sockets put in by fd) and in bpfemu: record by record, what the
 * backend has received, and the stats map. */

#define PX_SENDS 5
/* one record per arrival at most: with two in one, Linux 6.18 delivered
 * the first and no more (the parser sees the skb from its start; a known
 * difference, docs/sockets.md) */
static const char *const px_data[PX_SENDS] = {"\x05hello", "\x03" "a", "bc", "\x02XX", "\x01!"};

struct px_side {
    char recv[PX_SENDS][32];
    uint64_t stats[PX_SENDS][2];
    char front[32];
};

static void px_stats(struct maps_map *m, int fd, uint64_t out[2])
{
    for (uint32_t k = 0; k < 2; k++) {
        out[k] = 0;
        if (m)
            maps_user_lookup(m, &k, &out[k]);
        else
            kbpf_map_lookup(fd, &k, &out[k]);
    }
}

static void px_emu(struct px_side *e)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("../corpus/build/sk_skb_proxy.o", &obj, &env);
    char err[512];
    struct helper_sock_world *w;
    struct maps_map *pm = helper_env_map(env, "proxy_map");
    cr_assert_eq(helper_sock_world_create(env, &w, err, sizeof err), 0);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_SKB_PARSER, helper_env_prog(env, "proxy_parser"),
                                    pm, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_SKB_VERDICT,
                                    helper_env_prog(env, "proxy_verdict"), pm, err, sizeof err),
                 0, "%s", err);
    struct helper_sock_addr p = ip4("127.0.0.1", 9000), b = ip4("127.0.0.1", 9001);
    cr_assert_eq(helper_sock_listen(w, "proxy", &p, err, sizeof err), 0);
    cr_assert_eq(helper_sock_listen(w, "backend", &b, err, sizeof err), 0);
    cr_assert_eq(helper_sock_connect(w, "client", NULL, &p, "front", err, sizeof err), 0);
    cr_assert_eq(helper_sock_connect(w, "upstream", NULL, &b, "back", err, sizeof err), 0);
    uint32_t k0 = 0, k1 = 1;
    cr_assert_eq(helper_sock_map_update(w, pm, &k0, "front", BPF_ANY, err, sizeof err), 0);
    cr_assert_eq(helper_sock_report(w)->result, 0);
    cr_assert_eq(helper_sock_map_update(w, pm, &k1, "upstream", BPF_ANY, err, sizeof err), 0);
    cr_assert_eq(helper_sock_report(w)->result, 0);
    size_t seen = 0;
    for (int i = 0; i < PX_SENDS; i++) {
        cr_assert_eq(helper_sock_send(w, "client", px_data[i], strlen(px_data[i]), err, sizeof err),
                     0, "%s", err);
        const uint8_t *d;
        size_t len;
        cr_assert_eq(helper_sock_received(w, "back", &d, &len), 0);
        snprintf(e->recv[i], sizeof e->recv[i], "%.*s", (int)(len - seen), (const char *)d + seen);
        seen = len;
        px_stats(helper_env_map(env, "stats"), -1, e->stats[i]);
    }
    const uint8_t *d;
    size_t len;
    helper_sock_received(w, "front", &d, &len);
    snprintf(e->front, sizeof e->front, "%.*s", (int)len, (const char *)d);
    helper_sock_world_destroy(w);
    helper_env_destroy(env);
    vm_object_free(obj);
}

Test(sock_kernel, sk_skb_proxy_matches_the_kernel, .timeout = 60)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("../corpus/build/sk_skb_proxy.o", &obj, &env);
    int map_fds[2] = {-1, -1}, fds[2] = {-1, -1}, proxy = -1, stats = -1;
    int socks[6] = {-1, -1, -1, -1, -1, -1};
    int attached = 0;
    static struct px_side k, e;
    memset(&k, 0, sizeof k);
    memset(&e, 0, sizeof e);
    cr_assert_eq(obj->n_maps, 2);
    for (uint32_t i = 0; i < 2; i++) {
        const struct vm_map_def *md = &obj->maps[i];
        map_fds[i] = kbpf_map_create(md->type, md->key_size, md->value_size, md->max_entries,
                                     md->map_flags, md->name);
        if (map_fds[i] < 0) {
            printf("SKIP: sk_skb kernel differential: cannot create map %s (%s)\n", md->name,
                   strerror(-map_fds[i]));
            goto cleanup;
        }
        if (!strcmp(md->name, "proxy_map"))
            proxy = map_fds[i];
        else
            stats = map_fds[i];
    }
    for (uint32_t i = 0; i < obj->n_progs && i < 2; i++) {
        fds[i] = load_prog(obj, i, map_fds);
        attach_prog(proxy, fds[i], obj->progs[i].expected_attach_type, obj->progs[i].name);
        attached |= 1 << i;
    }
    uint16_t pport, bport;
    socks[0] = listen_on(0, &pport);
    socks[1] = listen_on(0, &bport);
    socks[2] = connect_to(pport);                  /* client */
    socks[3] = accept(socks[0], NULL, NULL);       /* front */
    socks[4] = connect_to(bport);                  /* upstream */
    socks[5] = accept(socks[1], NULL, NULL);       /* back */
    cr_assert(socks[2] >= 0 && socks[3] >= 0 && socks[4] >= 0 && socks[5] >= 0);
    uint32_t k0 = 0, k1 = 1, fd0 = (uint32_t)socks[3], fd1 = (uint32_t)socks[4];
    cr_assert_eq(kbpf_map_update(proxy, &k0, &fd0, BPF_ANY), 0, "%s", strerror(errno));
    cr_assert_eq(kbpf_map_update(proxy, &k1, &fd1, BPF_ANY), 0, "%s", strerror(errno));
    for (int i = 0; i < PX_SENDS; i++) {
        int by_tcp;
        cr_assert_eq(send_one(socks[2], px_data[i], &by_tcp), (long)strlen(px_data[i]));
        usleep(80000); /* the strparser works from a work queue */
        recv_all(socks[5], k.recv[i], sizeof k.recv[i]);
        px_stats(NULL, stats, k.stats[i]);
    }
    recv_all(socks[3], k.front, sizeof k.front);
    px_emu(&e);
    for (int i = 0; i < PX_SENDS; i++) {
        cr_expect_str_eq(e.recv[i], k.recv[i], "record %d: the backend received \"%s\" in bpfemu, "
                         "\"%s\" in the kernel", i, e.recv[i], k.recv[i]);
        for (int j = 0; j < 2; j++)
            cr_expect_eq(e.stats[i][j], k.stats[i][j], "after record %d: stats[%d] bpfemu %llu, "
                         "kernel %llu", i, j, (unsigned long long)e.stats[i][j],
                         (unsigned long long)k.stats[i][j]);
    }
    cr_expect_str_eq(e.front, k.front);
cleanup:
    for (int i = 0; i < 6; i++)
        if (socks[i] >= 0)
            close(socks[i]);
    for (uint32_t i = 0; i < 2; i++) {
        if (attached & (1 << i)) {
            union bpf_attr a;
            memset(&a, 0, sizeof a);
            a.target_fd = (uint32_t)proxy;
            a.attach_bpf_fd = (uint32_t)fds[i];
            a.attach_type = obj->progs[i].expected_attach_type;
            sys_bpf(BPF_PROG_DETACH, &a);
        }
        if (fds[i] >= 0)
            close(fds[i]);
        if (map_fds[i] >= 0)
            close(map_fds[i]);
    }
    helper_env_destroy(env);
    vm_object_free(obj);
}

/* Which sock_ops callbacks run, in which order, with which state and
 * is_fullsock, over listen / connect / send / close / close: the kernel's
 * sequence (tests/yaml/sock_ops_log.bpf.c logs them) against bpfemu's.
 * Ports become roles: the listening port is "srv", the rest "cli". */

struct ops_log {
    uint64_t n;
    uint64_t v[63];
};

static void ops_text(const struct ops_log *l, uint16_t srv_port, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (uint64_t i = 0; i < l->n && i < 63 && k < cap; i++) {
        uint64_t v = l->v[i];
        uint32_t op = v & 0xff, full = (v >> 8) & 0xff, state = (v >> 16) & 0xffff;
        uint16_t port = (uint16_t)(v >> 32);
        const char *on = helper_sock_op_name(op);
        k += (size_t)snprintf(out + k, cap - k, "%s%s/%s%s/st%u", i ? " " : "", on ? on : "?",
                              port == srv_port ? "srv" : "cli", full ? "" : "/req", state);
    }
}

static void ops_read(struct maps_map *m, int fd, struct ops_log *l)
{
    for (uint32_t k = 0; k < 64; k++) {
        uint64_t v = 0;
        if (m)
            maps_user_lookup(m, &k, &v);
        else
            kbpf_map_lookup(fd, &k, &v);
        if (k == 0)
            l->n = v;
        else
            l->v[k - 1] = v;
    }
}

/* read_first: the server reads what came before it closes (a FIN, not a
 * reset) */
static void ops_sequence(bool read_first)
{
    struct vm_object *obj;
    struct helper_env *env;
    open_obj("yaml/build/sock_ops_log.o", &obj, &env);
    const struct vm_map_def *md = &obj->maps[0];
    int map_fd = kbpf_map_create(md->type, md->key_size, md->value_size, md->max_entries,
                                 md->map_flags, md->name);
    int prog_fd = -1, cg_fd = -1, attached = 0;
    char cg[256];
    snprintf(cg, sizeof cg, CG_ROOT "/bpfemu-sockops-%d", (int)getpid());
    static struct ops_log k, e;
    memset(&k, 0, sizeof k);
    memset(&e, 0, sizeof e);
    uint16_t port = 0;
    if (map_fd < 0) {
        printf("SKIP: sock_ops kernel differential: cannot create a map (%s)\n", strerror(-map_fd));
        goto cleanup;
    }
    prog_fd = load_prog(obj, 0, &map_fd);
    if (mkdir(cg, 0755) || (cg_fd = open(cg, O_RDONLY | O_DIRECTORY)) < 0) {
        printf("SKIP: sock_ops kernel differential: no cgroup v2 at " CG_ROOT " (%s)\n",
               strerror(errno));
        goto cleanup;
    }
    attach_prog(cg_fd, prog_fd, BPF_CGROUP_SOCK_OPS, "attach");
    attached = 1;
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        if (!join_cgroup(cg))
            _exit(4);
        alarm(20);
        uint16_t p;
        int srv = listen_on(0, &p), cli = connect_to(p), acc = accept(srv, NULL, NULL);
        int by_tcp;
        send_one(cli, "x", &by_tcp);
        close(cli);
        usleep(50000);
        if (read_first) {
            char b[8];
            if (recv(acc, b, sizeof b, MSG_DONTWAIT) != 1)
                _exit(6);
        }
        close(acc);
        usleep(50000);
        close(srv);
        usleep(50000);
        if (write(pipefd[1], &p, sizeof p) != sizeof p)
            _exit(5);
        _exit(0);
    }
    close(pipefd[1]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert_eq(read(pipefd[0], &port, sizeof port), (ssize_t)sizeof port);
    close(pipefd[0]);
    ops_read(NULL, map_fd, &k);
    {
        char err[512];
        struct helper_sock_world *w;
        cr_assert_eq(helper_sock_world_create(env, &w, err, sizeof err), 0);
        cr_assert_eq(helper_sock_attach(w, HELPER_SOCK_SOCKOPS, helper_env_prog(env, "log_ops"),
                                        NULL, err, sizeof err), 0);
        struct helper_sock_addr s = ip4("127.0.0.1", port);
        cr_assert_eq(helper_sock_listen(w, "srv", &s, err, sizeof err), 0);
        cr_assert_eq(helper_sock_connect(w, "cli", NULL, &s, "acc", err, sizeof err), 0);
        cr_assert_eq(helper_sock_send(w, "cli", "x", 1, err, sizeof err), 0);
        cr_assert_eq(helper_sock_close(w, "cli", err, sizeof err), 0);
        if (read_first) {
            cr_assert_eq(helper_sock_recv(w, "acc", err, sizeof err), 0);
            cr_assert_eq(helper_sock_report(w)->result, 1);
        }
        cr_assert_eq(helper_sock_close(w, "acc", err, sizeof err), 0);
        cr_assert_eq(helper_sock_close(w, "srv", err, sizeof err), 0);
        ops_read(helper_env_map(env, "oplog"), -1, &e);
        helper_sock_world_destroy(w);
    }
    char kt[4096], et[4096];
    ops_text(&k, port, kt, sizeof kt);
    ops_text(&e, port, et, sizeof et);
    cr_expect_str_eq(et, kt, "%s: the kernel's sock_ops callbacks:\n%s\nbpfemu's:\n%s",
                     read_first ? "read, then close" : "close with unread data", kt, et);
cleanup:
    detach_all(attached, cg_fd, prog_fd, -1, -1, cg);
    if (prog_fd >= 0)
        close(prog_fd);
    if (map_fd >= 0)
        close(map_fd);
    helper_env_destroy(env);
    vm_object_free(obj);
}

Test(sock_kernel, ops_sequence_matches_the_kernel, .timeout = 60)
{
    ops_sequence(false);
    ops_sequence(true);
}

/* Verified programs run trusted (no checks, the verifier's ctx marks);
 * --no-verify runs them checked: the same scripts must give the same
 * events, and every program must be accepted (no note on stderr). */
Test(sock_cli, trusted_runs_match_checked_runs)
{
    static const struct {
        const char *obj, *script;
    } runs[] = {
        {"../corpus/build/sock_redir.o", "sockets/redirect.yaml"},
        {"../corpus/build/sk_skb_proxy.o", "sockets/proxy.yaml"},
        {"yaml/build/sock_helpers.o", "sockets/helpers.yaml"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct res t = RUN("run", runs[i].obj, "--sockets", runs[i].script);
        struct res c = RUN("run", runs[i].obj, "--sockets", runs[i].script, "--no-verify");
        cr_expect_eq(t.status, 0, "%s: %s", runs[i].script, t.err);
        cr_expect_str_eq(t.err, "", "%s: every program is accepted", runs[i].script);
        cr_expect_eq(c.status, 0, "%s: %s", runs[i].script, c.err);
        cr_expect_str_eq(t.out, c.out, "%s: trusted and checked runs differ", runs[i].script);
        cr_expect(strstr(t.out, "received ") != NULL, "%s: %s", runs[i].script, t.out);
    }
}

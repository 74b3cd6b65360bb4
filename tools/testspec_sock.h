/* tools/testspec_sock.h - scripted socket events (docs/sockets.md): the
 * `attach:` and `sockets:` keys of `bpfemu test` files and the script of
 * `bpfemu run OBJ --sockets FILE`, checked into a ts_sock (every error
 * "line N: key: what"), then run on the socket world of helpers/helpers.h.
 *
 *   attach:
 *     sockops: bpf_sockops
 *     sk_msg: {program: bpf_redir, map: sock_ops_map}
 *     sk_skb: {verdict: v, parser: p, map: m}
 *   sockets:
 *     - listen: {socket: envoy, addr: 127.0.0.1:15001}
 *     - connect: {socket: app, from: 10.0.0.1:40000, to: 127.0.0.1:15001, accept: conn}
 *     - send: {socket: app, data: "GET /"}        # or hex: "47 45 54"
 *       expect: {result: 5, via: [sk_msg redirect ingress], ran: [bpf_redir]}
 *     - update: {map: m, key: 0, socket: conn}  # bpf(BPF_MAP_UPDATE_ELEM) with its fd
 *     - recv: {socket: conn}                    # the application reads
 *     - close: {socket: app}
 *   expect:
 *     received: {conn: "GET /"}
 *     maps: {sock_ops_map: {count: 1}, stats: {0: 1}}   # a count, or entries
 */
#ifndef BPFEMU_TOOLS_TESTSPEC_SOCK_H
#define BPFEMU_TOOLS_TESTSPEC_SOCK_H

#include "helpers/helpers.h"
#include "tools/yaml.h"

#include <stdio.h>

struct ts_sock;

/* Check `attach` (may be NULL when `sockets` is NULL) and `sockets` (a
 * list) and `expect` (or NULL): 0, or -EINVAL with "line N: ..." in err. */
int ts_sock_parse(const struct ynode *attach, const struct ynode *sockets,
                  const struct ynode *expect, struct ts_sock **out, char *err, size_t errlen);
void ts_sock_free(struct ts_sock *s);
/* The first program the script attaches (to open the object with). */
const char *ts_sock_program(const struct ts_sock *s);

/* Run the script on a test's object (bpfemu_test: its maps set, its
 * mocks in place). 0 every expectation held, 1 some did not (the
 * differences, then the event log, appended to msg), -1 a setup or
 * script error (one line in msg). Map entries are checked typed, as in
 * packet tests. */
struct bpfemu_test;
int ts_sock_test(const struct ts_sock *s, struct bpfemu_test *t, struct helper_sb *msg);
/* `bpfemu run --sockets`: every event's report on out, as text or one
 * JSON object per line. 0, or -1 with one line in err (bad attach,
 * script error, program fault). */
int ts_sock_print(const struct ts_sock *s, struct helper_env *env, bool json, FILE *out,
                  char *err, size_t errlen);

#endif

/* tools/run_object.h - running ELF objects from the CLI. */
#ifndef BPFEMU_TOOLS_RUN_OBJECT_H
#define BPFEMU_TOOLS_RUN_OBJECT_H

#include "helpers/helpers.h"
#include "tools/env_cli.h"
#include "tools/tools.h"

struct run_obj_opts {
    const char *file, *section, *data_file, *data_out, *ctx_in, *ctx_out, *map_in, *map_out;
    const char *pcap;          /* take the packet from a capture ... */
    uint64_t packet;           /* ... this one, counted from 0 */
    uint64_t repeat, budget;
    struct env_cli *env;       /* runtime options (never NULL) */
    bool json;
    bool no_verify;            /* run unverified, checked */
    int priv;                  /* the verifier's regime (enum verifier_priv) */
    const struct helper_socket *socket; /* skb->sk's fields, or NULL */
    const char *events;        /* tracing programs: a file of events (run_events) */
    const char *tp_format;     /* a tracepoint's format file, for the events */
    const char *const *record_types; /* "MAP=STRUCT": how to print MAP's records */
    size_t n_record_types;
};

/* Load an object, printing "bpfemu: FILE: ..." on failure (returns exit status). */
int object_open(const char *file, struct vm_object **obj, char *err, size_t errlen);
int run_object(const struct run_obj_opts *o);
/* `bpfemu run OBJ --events FILE` (tools/run_events.c): exit status. */
int run_events(const struct run_obj_opts *o);
/* The program to run: --section (a section or function name), else the
 * object's only program; NULL with the message printed. */
struct helper_prog *object_pick_prog(const char *file, struct helper_env *env,
                                     const struct vm_object *obj, const char *section);
/* Verify env's programs (helper_env_verify): accepted ones run trusted.
 * `prog` rejected and must_accept: "FILE: program 'P' is rejected by the
 * verifier ..." and CLI_EXIT_BAD_INPUT; any other rejected program: a note
 * on stderr (it runs checked). 0 when prog may run. */
int object_verify(const char *file, struct helper_env *env, struct helper_prog *prog, int priv,
                  bool must_accept);
/* `bpfemu run OBJ --sockets SCRIPT` (tools/run_sockets.c): the socket
 * events of SCRIPT on the object's programs, each event's report on
 * stdout (text, or one JSON object per line). Returns the exit status. */
int run_sockets(const char *file, const char *script, struct env_cli *envo, bool json,
                bool no_verify, int priv);
/* The help lines of --no-verify and --priv. */
#define VERIFY_CLI_HELP                                                                 \
    "  --no-verify      run without verifying first: checked (every access and the\n"  \
    "                   instruction budget checked), for programs bpfemu's verifier\n" \
    "                   rejects; by default programs are verified as BPF_PROG_LOAD\n"  \
    "                   would and run trusted (no checks, as the kernel runs them)\n"  \
    "  --priv P         the verifier's regime: root (default), bpf, unpriv\n"
/* `bpfemu bench OBJ PACKET REPEAT`: the object's XDP program (section
 * "xdp", else its only program), maps zero-filled, timed as the bench
 * harness wants: prints "NS_PER_RUN RETVAL". `jit`: jit/jit.h flags (0:
 * the interpreter); `verify`: verify first and run trusted (object_verify). */
int bench_object(const char *file, const char *packet, uint64_t repeat, unsigned jit, bool verify);

#endif

/* tools/cbpf_cli.h - classic BPF on the command line (tools/cbpf_cli.c):
 * `--cbpf EXPR` (a pcap filter expression, compiled by libpcap) or
 * `--cbpf-file FILE` (tcpdump -ddd / -dd text), checked and converted to
 * an eBPF socket filter (vm_cbpf_convert), and run the way a packet
 * socket runs it. docs/cbpf.md. */
#ifndef BPFEMU_TOOLS_CBPF_CLI_H
#define BPFEMU_TOOLS_CBPF_CLI_H

#include "helpers/helpers.h"
#include "tools/tools.h"

#include <linux/filter.h>

struct cbpf_loaded {
    struct sock_filter *insns; /* the classic program */
    uint32_t len;
    struct vm_prog *prog;      /* converted */
    char label[160];           /* "--cbpf 'tcp port 80'" or the file, for messages */
};

/* The classic program of an expression (expr, given with option `opt`:
 * "--cbpf", "--filter") or a file of text (file), checked and converted.
 * Prints the one-line error ("bpfemu: --cbpf 'tcp
 * port 8o': syntax error", "bpfemu: F: insn 3 (div #0): division by
 * constant zero") and returns CLI_EXIT_BAD_INPUT; 0 on success. With
 * classic_only the program is checked but not converted (prog NULL). */
int cbpf_load(const char *opt, const char *expr, const char *file, bool classic_only,
              struct cbpf_loaded *out);
void cbpf_loaded_free(struct cbpf_loaded *c);

/* One raw program of a type as an environment (an object of one program,
 * no maps), named `name` in section `section`. */
struct raw_env {
    struct vm_object *obj;
    struct helper_env *env;
    struct helper_prog *prog;
};
int raw_env_create(const struct vm_prog *prog, uint32_t prog_type, const char *name,
                   const char *section, const struct helper_env_opts *eo, struct raw_env *out,
                   char *err, size_t errlen);
void raw_env_destroy(struct raw_env *e);

/* `bpfemu run --cbpf EXPR | --cbpf-file F` on one packet. */
struct run_cbpf_opts {
    const char *expr, *file;   /* one of them */
    const char *data_file;     /* the packet: a file ... */
    const char *pcap;          /* ... or packet `packet` of a capture */
    uint64_t packet;
    uint64_t repeat, budget;
    unsigned jit;              /* jit/jit.h flags, 0: the interpreter */
    bool json, no_verify;
    int priv;
};
int run_cbpf(const struct run_cbpf_opts *o);

/* "accept 262144 bytes" / "drop" (buf). */
const char *cbpf_verdict(uint32_t retval, char *buf, size_t len);

#endif

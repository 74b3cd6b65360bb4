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
};

/* Load an object, printing "bpfemu: FILE: ..." on failure (returns exit status). */
int object_open(const char *file, struct vm_object **obj, char *err, size_t errlen);
int run_object(const struct run_obj_opts *o);
/* `bpfemu bench OBJ PACKET REPEAT`: the object's XDP program (section
 * "xdp", else its only program), maps zero-filled, timed as the bench
 * harness wants: prints "NS_PER_RUN RETVAL". `jit`: jit/jit.h flags (0:
 * the interpreter). */
int bench_object(const char *file, const char *packet, uint64_t repeat, unsigned jit);

#endif

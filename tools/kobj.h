/* tools/kobj.h - ELF objects in the running kernel through libbpf (opened
 * at run time), for `bpfemu kdiff OBJ`. */
#ifndef BPFEMU_TOOLS_KOBJ_H
#define BPFEMU_TOOLS_KOBJ_H

#include "tools/kdiff.h"

/* NULL when libbpf can be used, else why not. */
const char *kobj_unavailable(void);

/* The kernel's verdict on one program of the object. */
struct kobj_prog_verdict {
    char name[64];
    bool known;            /* false: not loaded (a program before it failed) */
    bool accepted;
    int err;
    char error[256];
    long processed;
};

/* Open and load every program of the object with libbpf (log_level 1 by
 * default). *out is filled whenever the object was opened: k->prog_fd >= 0
 * when the load succeeded (maps listed, tail-call sections installed);
 * v is the verdict on `section`'s program (function or section name; NULL:
 * the first), verdicts (optional, malloc'd) every program's. 0, or -errno
 * with a message (libbpf missing, unreadable object, no such program,
 * bpf() not permitted). */
int kd_kernel_load_obj(const char *path, const char *section, uint32_t type_override,
                       int log_level, struct kd_kernel **out, struct kd_verdict *v,
                       struct kobj_prog_verdict **verdicts, size_t *n_verdicts, char *err,
                       size_t errlen);

#endif

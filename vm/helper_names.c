/* vm/helper_names.c - helper ids <-> names, generated from <linux/bpf.h>.
 *
 * The table comes from the kernel's own __BPF_FUNC_MAPPER list so that no
 * helper id is ever typed by hand. Linux 6.1's mapper calls FN(name); newer
 * headers' ___BPF_FUNC_MAPPER calls FN(name, id, ctx...) (their
 * __BPF_FUNC_MAPPER is a one-argument shim over it). Our FN macro takes its
 * arguments variadically and only uses the first one, and entries are placed
 * with designated initializers on the kernel's own enum (BPF_FUNC_name), so
 * the table is right with either header.
 */
#include "vm/vm.h"

#include <string.h>

/* Both headers put the commas between entries themselves, so an entry has
 * none. Padding the argument list gives VM_HNAME_ at least one variadic
 * argument (C11 requires one), whatever the header passes. */
#define VM_HNAME_(name, ...) [BPF_FUNC_##name] = "bpf_" #name
#define VM_HNAME(...) VM_HNAME_(__VA_ARGS__, 0)

static const char *const helper_names[__BPF_FUNC_MAX_ID] = {
    __BPF_FUNC_MAPPER(VM_HNAME)
};

#undef VM_HNAME
#undef VM_HNAME_

const char *vm_helper_name(int32_t id)
{
    if (id < 0 || id >= (int32_t)__BPF_FUNC_MAX_ID)
        return NULL;
    return helper_names[id];
}

int32_t vm_helper_id(const char *name)
{
    if (!name)
        return -1;
    /* Table entries all start with "bpf_"; compare without it. */
    if (strncmp(name, "bpf_", 4) == 0)
        name += 4;
    for (int32_t id = 0; id < (int32_t)__BPF_FUNC_MAX_ID; id++) {
        if (helper_names[id] && strcmp(helper_names[id] + 4, name) == 0)
            return id;
    }
    return -1;
}

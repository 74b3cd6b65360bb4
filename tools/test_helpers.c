/* tools/test_helpers.c - the helpers the CLI's own runs provide (run,
 * conformance, plugin).
 *
 * TEMPORARY: until the helpers/ runtime exists, this small table stands in
 * for it. Helper 5 is bpf_ktime_get_ns in the kernel; here it returns a fixed
 * clock value so runs are deterministic (bpf_conformance's
 * call_unwind_fail.data and callx.data call it and only need execution to
 * continue). When helpers/ lands, register its table instead. */
#include "tools/tools.h"

static uint64_t helper_ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                    uint64_t r5, struct vm_run *run)
{
    return TEST_HELPER_KTIME_NS;
}

static const struct {
    uint32_t id;
    const char *name;
    vm_helper_fn fn;
} test_helpers[] = {
    {5, "bpf_ktime_get_ns", helper_ktime_get_ns},
};

int test_helpers_register(struct vm *vm)
{
    for (size_t i = 0; i < sizeof(test_helpers) / sizeof(test_helpers[0]); i++)
        if (vm_register_helper(vm, test_helpers[i].id, test_helpers[i].name,
                               test_helpers[i].fn) != 0)
            return -1;
    return 0;
}

bool test_helpers_has(uint32_t id)
{
    for (size_t i = 0; i < sizeof(test_helpers) / sizeof(test_helpers[0]); i++)
        if (test_helpers[i].id == id)
            return true;
    return false;
}

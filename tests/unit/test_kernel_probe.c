/* tests/unit/test_kernel_probe.c - kernel builds differ in the helpers they
 * give a program type (6.18.44-fc-v1300 withholds bpf_xdp_adjust_meta from
 * XDP). The probe asks the running kernel; bpfemu's verifier, told the
 * answer (verifier_opts.withheld_helpers), refuses such calls as that
 * kernel does, and only then. */
#include <criterion/criterion.h>

#include "tools/kbpf.h"
#include "verifier/verifier.h"
#include "vm/vm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool bit(const uint8_t *bits, uint32_t id)
{
    return bits[id / 8] >> (id % 8) & 1;
}

Test(kernel_probe, helpers_withheld_by_the_running_kernel)
{
    const char *why = kbpf_unavailable();
    if (why) {
        printf("SKIP: kernel helper probe: %s\n", why);
        cr_skip_test("bpf() not available: %s", why);
    }
    uint8_t xdp[VM_MAX_HELPER_ID / 8], tc[VM_MAX_HELPER_ID / 8];
    cr_assert_eq(kbpf_probe_withheld_helpers(BPF_PROG_TYPE_XDP, 0, xdp, sizeof xdp), 0);
    cr_assert_eq(kbpf_probe_withheld_helpers(BPF_PROG_TYPE_SCHED_CLS, 0, tc, sizeof tc), 0);
    /* every kernel: map lookups for both, VLAN push for tc only, and no
     * helper id 0 */
    cr_expect(!bit(xdp, BPF_FUNC_map_lookup_elem));
    cr_expect(!bit(tc, BPF_FUNC_map_lookup_elem));
    cr_expect(bit(xdp, BPF_FUNC_skb_vlan_push));
    cr_expect(!bit(tc, BPF_FUNC_skb_vlan_push));
    cr_expect(!bit(xdp, 0));
    printf("kernel helper probe: bpf_xdp_adjust_meta is %s XDP programs here\n",
           bit(xdp, BPF_FUNC_xdp_adjust_meta) ? "withheld from" : "offered to");
}

static int verify_meta_call(const uint8_t *withheld, char *error, size_t n)
{
    static const char text[] = "r6 = r1\nr1 = r6\nr2 = -8\ncall 54\nr0 = 2\nexit\n";
    struct vm_prog *p;
    char err[VM_ERR_LEN];
    cr_assert_eq(vm_asm(text, strlen(text), "meta", &p, err, sizeof err), 0, "%s", err);
    struct verifier_opts o = {.prog_type = BPF_PROG_TYPE_XDP, .withheld_helpers = withheld};
    struct verifier_result r;
    int rc = verifier_check(p, &o, &r);
    snprintf(error, n, "%s", r.error);
    verifier_result_free(&r);
    vm_prog_free(p);
    return rc;
}

Test(kernel_probe, the_verifier_refuses_withheld_helpers)
{
    char error[256];
    /* upstream: offered */
    cr_expect_eq(verify_meta_call(NULL, error, sizeof error), 0, "%s", error);
    uint8_t bits[VM_MAX_HELPER_ID / 8] = {0};
    cr_expect_eq(verify_meta_call(bits, error, sizeof error), 0, "%s", error);
    /* a kernel that withholds it */
    bits[BPF_FUNC_xdp_adjust_meta / 8] |= 1u << (BPF_FUNC_xdp_adjust_meta % 8);
    cr_expect_eq(verify_meta_call(bits, error, sizeof error), -EINVAL);
    cr_expect_str_eq(error, "program of this type cannot use helper bpf_xdp_adjust_meta#54");
}

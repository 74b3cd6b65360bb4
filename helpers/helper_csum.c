/* helpers/helper_csum.c - Internet checksum arithmetic as the kernel does
 * it on x86-64 (csum_partial's 64-bit end-around-carry sum folded to 32
 * bits), and bpf_csum_diff as Linux 6.13+ computes it (folded to 16 bits). */
#include "helpers/helper_fns.h"

#include <errno.h>
#include <string.h>

static uint32_t add32_with_carry(uint32_t a, uint32_t b)
{
    uint32_t s = a + b;
    return s + (s < a);
}

/* csum_partial for a buffer: 8-byte little-endian words added with carry,
 * the tail zero-padded, then folded to 32 bits. */
uint32_t helper_csum_partial(const uint8_t *p, size_t len, uint32_t sum)
{
    uint64_t acc = sum;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        acc += w;
        acc += acc < w;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        acc += w;
        acc += acc < w;
    }
    return add32_with_carry((uint32_t)(acc >> 32), (uint32_t)acc);
}

/* csum_fold: 32 -> 16 bits, complemented (what goes into a header). */
uint16_t helper_csum_fold(uint32_t sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t from32to16(uint32_t sum)
{
    sum += (sum >> 16) | (sum << 16);
    return sum >> 16;
}

static uint32_t csum_sub(uint32_t a, uint32_t b) { return add32_with_carry(a, ~b); }

HELPER_FN(csum_diff)
{
    uint64_t from = r1, from_size = r2, to = r3, to_size = r4;
    uint32_t seed = (uint32_t)r5;
    /* 6.13+ checks no sizes: any length, the verifier bounds both by
     * their buffers, and csum_partial pads an odd tail with zeros */
    if ((from_size && !helper_arg_mem(run, from, from_size, false, "from")) ||
        (to_size && !helper_arg_mem(run, to, to_size, false, "to")))
        return 0;
    const uint8_t *f = (const uint8_t *)(uintptr_t)from, *t = (const uint8_t *)(uintptr_t)to;
    if (from_size && to_size)
        return from32to16(csum_sub(helper_csum_partial(t, to_size, seed),
                                   helper_csum_partial(f, from_size, 0)));
    if (to_size)
        return from32to16(helper_csum_partial(t, to_size, seed));
    if (from_size)
        return from32to16(~helper_csum_partial(f, from_size, ~seed));
    return from32to16(seed); /* 6.18 folds the bare seed too */
}

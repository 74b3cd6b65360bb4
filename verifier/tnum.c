/* verifier/tnum.c - tristate numbers: a (value; mask) pair where a bit set
 * in mask is unknown and the known bits are in value (value & mask == 0).
 * Same semantics as the kernel's kernel/bpf/tnum.c (6.18, with the
 * union-based multiplication), so that bounds and the log agree. */
#include "verifier/verifier_int.h"

#include <stdio.h>

#define TNUM(v, m) ((struct tnum){.value = (v), .mask = (m)})

struct tnum tnum_const(uint64_t v)
{
    return TNUM(v, 0);
}

struct tnum tnum_unknown(void)
{
    return TNUM(0, UINT64_MAX);
}

static unsigned fls64(uint64_t x)
{
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0;
}

/* The smallest tnum holding every value of [min, max]. */
struct tnum tnum_range(uint64_t min, uint64_t max)
{
    uint64_t chi = min ^ max;
    unsigned bits = fls64(chi);
    if (bits > 63)
        return tnum_unknown();
    uint64_t delta = (1ull << bits) - 1;
    return TNUM(min & ~delta, delta);
}

struct tnum tnum_lshift(struct tnum a, uint8_t shift)
{
    if (shift >= 64)
        return TNUM(0, 0);
    return TNUM(a.value << shift, a.mask << shift);
}

struct tnum tnum_rshift(struct tnum a, uint8_t shift)
{
    if (shift >= 64)
        return TNUM(0, 0);
    return TNUM(a.value >> shift, a.mask >> shift);
}

struct tnum tnum_arshift(struct tnum a, uint8_t min_shift, uint8_t insn_bitness)
{
    if (insn_bitness == 32)
        return TNUM((uint32_t)((int32_t)(uint32_t)a.value >> (min_shift & 31)),
                    (uint32_t)((int32_t)(uint32_t)a.mask >> (min_shift & 31)));
    return TNUM((uint64_t)((int64_t)a.value >> (min_shift & 63)),
                (uint64_t)((int64_t)a.mask >> (min_shift & 63)));
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
    uint64_t sm = a.mask + b.mask, sv = a.value + b.value;
    uint64_t sigma = sm + sv, chi = sigma ^ sv;
    uint64_t mu = chi | a.mask | b.mask;
    return TNUM(sv & ~mu, mu);
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
    uint64_t dv = a.value - b.value;
    uint64_t alpha = dv + a.mask, beta = dv - b.mask;
    uint64_t chi = alpha ^ beta;
    uint64_t mu = chi | a.mask | b.mask;
    return TNUM(dv & ~mu, mu);
}

struct tnum tnum_neg(struct tnum a)
{
    return tnum_sub(TNUM(0, 0), a);
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
    uint64_t alpha = a.value | a.mask, beta = b.value | b.mask;
    uint64_t v = a.value & b.value;
    return TNUM(v, alpha & beta & ~v);
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
    uint64_t v = a.value | b.value, mu = a.mask | b.mask;
    return TNUM(v, mu & ~v);
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
    uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;
    return TNUM(v & ~mu, mu);
}

/* Every bit where a and b disagree or either is unknown becomes unknown. */
static struct tnum tnum_union(struct tnum a, struct tnum b)
{
    uint64_t v = a.value & b.value;
    uint64_t mu = (a.value ^ b.value) | a.mask | b.mask;
    return TNUM(v & ~mu, mu);
}

/* Long multiplication over the bits of a: a known 1 adds b, an unknown bit
 * takes the union of adding and not adding it. */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
    struct tnum acc = TNUM(0, 0);
    while (a.value || a.mask) {
        if (a.value & 1)
            acc = tnum_add(acc, b);
        else if (a.mask & 1)
            acc = tnum_union(acc, tnum_add(acc, b));
        a = tnum_rshift(a, 1);
        b = tnum_lshift(b, 1);
    }
    return acc;
}

/* The bits known in either (a known 1 wins where they disagree). */
struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
    uint64_t v = a.value | b.value, mu = a.mask & b.mask;
    return TNUM(v & ~mu, mu);
}

struct tnum tnum_cast(struct tnum a, uint8_t size)
{
    if (size >= 8)
        return a;
    uint64_t m = (1ull << (size * 8)) - 1;
    a.value &= m;
    a.mask &= m;
    return a;
}

/* The smallest member of t greater than z (t.value when z is below every
 * member, the largest member when z is not below it). */
uint64_t tnum_step(struct tnum t, uint64_t z)
{
    uint64_t tmax = t.value | t.mask;
    if (z >= tmax)
        return tmax;
    if (z < t.value)
        return t.value;
    /* members are t.value + v for v a submask of t.mask, in the order of v:
     * the smallest submask v >= want */
    uint64_t want = z - t.value + 1, m = t.mask, v = want;
    if (want & ~m) {
        unsigned b = 63u - (unsigned)__builtin_clzll(want & ~m);
        uint64_t low = b == 63 ? UINT64_MAX : (1ull << (b + 1)) - 1;
        /* raise the part above bit b to the next submask, clear below */
        v = (((want & ~low) | low | ~m) + 1) & m;
    }
    return t.value + v;
}

bool tnum_is_const(struct tnum a)
{
    return !a.mask;
}

bool tnum_is_unknown(struct tnum a)
{
    return !~a.mask;
}

bool tnum_equals_const(struct tnum a, uint64_t b)
{
    return tnum_is_const(a) && a.value == b;
}

bool tnum_is_aligned(struct tnum a, uint64_t size)
{
    if (!size)
        return true;
    return !((a.value | a.mask) & (size - 1));
}

/* Is every value of b also a value of a? */
bool tnum_in(struct tnum a, struct tnum b)
{
    if (b.mask & ~a.mask)
        return false;
    b.value &= ~a.mask;
    return a.value == b.value;
}

struct tnum tnum_subreg(struct tnum a)
{
    return tnum_cast(a, 4);
}

struct tnum tnum_clear_subreg(struct tnum a)
{
    return tnum_lshift(tnum_rshift(a, 32), 32);
}

struct tnum tnum_with_subreg(struct tnum reg, struct tnum subreg)
{
    return tnum_or(tnum_clear_subreg(reg), tnum_subreg(subreg));
}

struct tnum tnum_const_subreg(struct tnum a, uint32_t value)
{
    return tnum_with_subreg(a, tnum_const(value));
}

bool tnum_subreg_is_const(struct tnum a)
{
    return !(tnum_subreg(a)).mask;
}

/* "(0x3; 0xff0)": the kernel prints %#llx, which its vsnprintf renders
 * as 0x0 for zero. */
int tnum_strn(char *str, size_t size, struct tnum a)
{
    return snprintf(str, size, "(0x%llx; 0x%llx)", (unsigned long long)a.value,
                    (unsigned long long)a.mask);
}

/* 64 chars of 0, 1 and x, most significant first. */
int tnum_sbin(char *str, size_t size, struct tnum a)
{
    for (size_t n = 64; n; n--) {
        if (n < size) {
            if (a.mask & 1)
                str[n - 1] = 'x';
            else if (a.value & 1)
                str[n - 1] = '1';
            else
                str[n - 1] = '0';
        }
        a.mask >>= 1;
        a.value >>= 1;
    }
    str[size - 1 < 64 ? size - 1 : 64] = '\0';
    return 64;
}

/* helpers/textval.c - values written as text in tests (the packet builder,
 * typed map keys and values, the YAML test runner): integers, MAC, IPv4
 * and IPv6 addresses, hex byte strings; and a growable text buffer. */
#include "helpers/helpers.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool helper_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    }
    if (!*p)
        return false;
    uint64_t v = 0;
    for (; *p; p++) {
        int d;
        if (*p == '_')
            continue;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return false;
        if (d >= base)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return true;
}

bool helper_parse_int(const char *s, uint64_t *out)
{
    int64_t i;
    if (helper_parse_u64(s, out))
        return true;
    if (!helper_parse_i64(s, &i))
        return false;
    *out = (uint64_t)i;
    return true;
}

bool helper_parse_i64(const char *s, int64_t *out)
{
    if (s && s[0] == '-') {
        uint64_t v;
        if (!helper_parse_u64(s + 1, &v) || v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = (int64_t)(0 - v);
        return true;
    }
    uint64_t v;
    if (!helper_parse_u64(s, &v))
        return false;
    *out = (int64_t)v;
    return true;
}

bool helper_parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &tail) != 6 &&
        sscanf(s, "%2x-%2x-%2x-%2x-%2x-%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &tail) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    /* sscanf's %x accepts signs and spaces: insist on hex digits */
    for (const char *p = s; *p; p++)
        if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '-')
            return false;
    return true;
}

bool helper_parse_ip4(const char *s, uint8_t ip[4])
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return false;
    memcpy(ip, &a, 4);
    return true;
}

bool helper_parse_ip6(const char *s, uint8_t ip[16])
{
    struct in6_addr a;
    if (inet_pton(AF_INET6, s, &a) != 1)
        return false;
    memcpy(ip, &a, 16);
    return true;
}

int helper_parse_hex(const char *s, uint8_t **out, size_t *len)
{
    size_t cap = strlen(s) / 2 + 1, n = 0;
    uint8_t *b = malloc(cap);
    if (!b)
        return -ENOMEM;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    int hi = -1;
    for (; *p; p++) {
        if (isspace((unsigned char)*p) || *p == ':' || *p == '_') {
            if (hi >= 0) /* a lone digit before a separator */
                goto bad;
            continue;
        }
        if (!isxdigit((unsigned char)*p))
            goto bad;
        int d = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);
        if (hi < 0) {
            hi = d;
        } else {
            b[n++] = (uint8_t)(hi << 4 | d);
            hi = -1;
        }
    }
    if (hi >= 0)
        goto bad;
    *out = b;
    *len = n;
    return 0;
bad:
    free(b);
    return -EINVAL;
}

void helper_fmt_ip4(const uint8_t ip[4], char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

void helper_fmt_ip6(const uint8_t ip[16], char *buf, size_t len)
{
    char tmp[INET6_ADDRSTRLEN];
    if (!inet_ntop(AF_INET6, ip, tmp, sizeof tmp))
        tmp[0] = 0;
    snprintf(buf, len, "%s", tmp);
}

void helper_fmt_mac(const uint8_t mac[6], char *buf, size_t len)
{
    snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
}

/* ------------------------------------------------------------- strbuf ---- */

void helper_sb_printf(struct helper_sb *sb, const char *fmt, ...)
{
    if (sb->failed)
        return;
    for (;;) {
        size_t room = sb->cap - sb->len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, sb->buf ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            sb->failed = true;
            return;
        }
        if (sb->buf && (size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        size_t cap = (sb->cap ? sb->cap * 2 : 256) + (size_t)n;
        char *g = realloc(sb->buf, cap);
        if (!g) {
            sb->failed = true;
            return;
        }
        sb->buf = g;
        sb->cap = cap;
    }
}

void helper_sb_putn(struct helper_sb *sb, const char *s, size_t n)
{
    if (sb->failed)
        return;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = (sb->cap ? sb->cap * 2 : 256) + n;
        char *g = realloc(sb->buf, cap);
        if (!g) {
            sb->failed = true;
            return;
        }
        sb->buf = g;
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}

const char *helper_sb_str(const struct helper_sb *sb) { return sb->buf && !sb->failed ? sb->buf : ""; }

void helper_sb_free(struct helper_sb *sb)
{
    free(sb->buf);
    memset(sb, 0, sizeof(*sb));
}

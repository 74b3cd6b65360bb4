/* helpers/trace_format.c - a tracepoint's record layout from its format
 * file, in tracefs's syntax (/sys/kernel/tracing/events/CAT/NAME/format):
 *
 *   name: sys_enter_kill
 *   ID: 185
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	...
 *   	field:pid_t pid;	offset:16;	size:8;	signed:0;
 *
 *   print fmt: "..."
 *
 * Only name, ID and the field lines matter to a program: a tracepoint
 * program's context is the record these lines describe. */
#include "helpers/helpers_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fmt_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* "key:NUMBER;" at *p (after blanks): the number, *p moved past the ';'. */
static bool attr_u32(const char **p, const char *key, uint32_t *out)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t kl = strlen(key);
    if (strncmp(s, key, kl) || s[kl] != ':')
        return false;
    s += kl + 1;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end != ';' || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    *p = end + 1;
    return true;
}

/* "field:TYPE NAME[N];" - the declaration split into type and name (an
 * array's name without its brackets; "__data_loc char[] name" keeps the
 * type as written). */
static bool split_decl(const char *decl, size_t len, struct helper_tp_field *f)
{
    while (len && isspace((unsigned char)decl[len - 1]))
        len--;
    size_t end = len;
    if (end && decl[end - 1] == ']') { /* name[N] */
        while (end && decl[end - 1] != '[')
            end--;
        if (!end)
            return false;
        end--;
        f->array = true;
    }
    size_t start = end;
    while (start && (isalnum((unsigned char)decl[start - 1]) || decl[start - 1] == '_'))
        start--;
    if (start == end || end - start >= sizeof f->name)
        return false;
    memcpy(f->name, decl + start, end - start);
    f->name[end - start] = 0;
    size_t tl = start;
    while (tl && isspace((unsigned char)decl[tl - 1]))
        tl--;
    if (!tl || tl >= sizeof f->type)
        return false;
    memcpy(f->type, decl, tl);
    f->type[tl] = 0;
    return true;
}

static int parse_field(const char *s, unsigned line, struct helper_tp_field *f, char *err,
                       size_t errlen)
{
    const char *semi = strchr(s, ';');
    if (!semi || !split_decl(s, (size_t)(semi - s), f))
        return fmt_err(err, errlen, "line %u: field: expected 'field:TYPE NAME;'", line);
    const char *p = semi + 1;
    uint32_t sign = 0;
    if (!attr_u32(&p, "offset", &f->offset) || !attr_u32(&p, "size", &f->size))
        return fmt_err(err, errlen, "line %u: field %s: expected 'offset:N; size:N;'", line,
                       f->name);
    if (attr_u32(&p, "signed", &sign) && sign > 1)
        return fmt_err(err, errlen, "line %u: field %s: signed is 0 or 1", line, f->name);
    f->is_signed = sign;
    f->common = !strncmp(f->name, "common_", 7);
    if (!f->size || f->offset > HELPER_TP_RECORD_MAX || f->size > HELPER_TP_RECORD_MAX - f->offset)
        return fmt_err(err, errlen, "line %u: field %s: offset %u size %u outside a %u-byte record",
                       line, f->name, f->offset, f->size, HELPER_TP_RECORD_MAX);
    return 0;
}

int helper_tp_format_parse(const char *text, struct helper_tp_format *fmt, char *err,
                           size_t errlen)
{
    memset(fmt, 0, sizeof *fmt);
    size_t cap = 0;
    unsigned line = 0;
    int rc = 0;
    for (const char *s = text; *s && !rc;) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char buf[512];
        line++;
        if (len >= sizeof buf) {
            rc = fmt_err(err, errlen, "line %u: line too long", line);
            break;
        }
        memcpy(buf, s, len);
        buf[len] = 0;
        s = nl ? nl + 1 : s + len;
        const char *b = buf;
        while (*b == ' ' || *b == '\t')
            b++;
        if (!strncmp(b, "name:", 5)) {
            b += 5;
            while (*b == ' ')
                b++;
            snprintf(fmt->name, sizeof fmt->name, "%s", b);
        } else if (!strncmp(b, "ID:", 3)) {
            fmt->id = (uint32_t)strtoul(b + 3, NULL, 10);
        } else if (!strncmp(b, "field:", 6)) {
            if (fmt->n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                struct helper_tp_field *g = realloc(fmt->fields, nc * sizeof *g);
                if (!g) {
                    rc = fmt_err(err, errlen, "out of memory");
                    break;
                }
                fmt->fields = g;
                cap = nc;
            }
            struct helper_tp_field *f = &fmt->fields[fmt->n];
            memset(f, 0, sizeof *f);
            if (!(rc = parse_field(b + 6, line, f, err, errlen))) {
                if (helper_tp_format_field(fmt, f->name))
                    rc = fmt_err(err, errlen, "line %u: field %s given twice", line, f->name);
                fmt->n++;
                if (f->offset + f->size > fmt->size)
                    fmt->size = f->offset + f->size;
            }
        } else if (*b && strncmp(b, "format:", 7) && strncmp(b, "print fmt:", 10)) {
            rc = fmt_err(err, errlen, "line %u: expected name:, ID:, format:, field: or print fmt:",
                         line);
        }
    }
    if (!rc && !fmt->n)
        rc = fmt_err(err, errlen, "no field: lines (not a tracepoint format file)");
    if (rc)
        helper_tp_format_free(fmt);
    return rc;
}

int helper_tp_format_load(const char *path, struct helper_tp_format *fmt, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    char e[256];
    memset(fmt, 0, sizeof *fmt);
    int rc = helper_read_file(path, &buf, &len, e, sizeof e);
    if (rc) {
        snprintf(err, errlen, "%s", e);
        return rc;
    }
    char *text = realloc(buf, len + 1);
    if (!text) {
        free(buf);
        return fmt_err(err, errlen, "%s: out of memory", path);
    }
    text[len] = 0;
    if (memchr(text, 0, len))
        rc = fmt_err(e, sizeof e, "binary data (not a tracepoint format file)");
    else
        rc = helper_tp_format_parse(text, fmt, e, sizeof e);
    free(text);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, e);
    return rc;
}

/* tracefs is at /sys/kernel/tracing, or under debugfs on older set-ups. */
int helper_tp_format_host(const char *tp, struct helper_tp_format *fmt, char *err, size_t errlen)
{
    static const char *const roots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
    memset(fmt, 0, sizeof *fmt);
    const char *slash = strchr(tp, '/');
    if (!slash || slash == tp || !slash[1] || strchr(slash + 1, '/') || strstr(tp, ".."))
        return fmt_err(err, errlen, "tracepoint '%s': expected CATEGORY/NAME", tp);
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/events/%s/format", roots[i], tp);
        if (access(path, R_OK) == 0)
            return helper_tp_format_load(path, fmt, err, errlen);
    }
    snprintf(err, errlen,
             "tracepoint %s: no format file (tracefs has no events/%s/format here, or it is not "
             "mounted): give one with tracepoint_format: PATH",
             tp, tp);
    return -ENOENT;
}

const struct helper_tp_field *helper_tp_format_field(const struct helper_tp_format *fmt,
                                                     const char *name)
{
    for (size_t i = 0; i < fmt->n; i++)
        if (!strcmp(fmt->fields[i].name, name))
            return &fmt->fields[i];
    return NULL;
}

/* A __data_loc string: the bytes and a NUL after the record's fixed part
 * (at *dyn), the field the u32 (length << 16 | offset) __assign_str writes. */
static int set_data_loc(const struct helper_tp_field *f, const char *value, uint8_t *rec,
                        size_t *dyn, char *err, size_t errlen)
{
    size_t len = strlen(value) + 1;
    if (f->size != 4 || *dyn + len > HELPER_TP_RECORD_MAX || len > 0xffff)
        return fmt_err(err, errlen, "%s: does not fit the record", f->name);
    memcpy(rec + *dyn, value, len);
    uint32_t loc = (uint32_t)len << 16 | (uint32_t)*dyn;
    memcpy(rec + f->offset, &loc, 4);
    *dyn += len;
    return 0;
}

int helper_tp_record_set(const struct helper_tp_format *fmt, const char *name, const char *value,
                         bool quoted, uint8_t *rec, size_t *dyn, char *err, size_t errlen)
{
    const struct helper_tp_field *f = helper_tp_format_field(fmt, name);
    if (!f) {
        snprintf(err, errlen, "%s: no such field", name);
        return -ENOENT;
    }
    uint64_t u;
    bool number = !quoted && helper_parse_int(value, &u);
    if (!strncmp(f->type, "__data_loc ", 11) && !number)
        return set_data_loc(f, value, rec, dyn, err, errlen);
    if (f->array && !number) { /* char comm[16]: the rest of the field stays 0 */
        size_t len = strlen(value);
        if (len > f->size)
            return fmt_err(err, errlen, "%s: '%s' is %zu bytes, the field (%s) holds %u", name,
                           value, len, f->type, f->size);
        memcpy(rec + f->offset, value, len);
        return 0;
    }
    if (!helper_parse_int(value, &u))
        return fmt_err(err, errlen, "%s: '%s' is not a number", name, value);
    if (f->size > 8)
        return fmt_err(err, errlen, "%s: a %u-byte field takes a string, not a number", name,
                       f->size);
    if (f->size < 8) {
        /* fits unsigned, or is a negative number sign-extended from the field */
        uint64_t hi = u >> (8 * f->size);
        bool neg_fits = hi == ~0ull >> (8 * f->size) && (u >> (8 * f->size - 1) & 1);
        if (hi && !neg_fits)
            return fmt_err(err, errlen, "%s: %s does not fit the field (%s, %u bytes)", name,
                           value, f->type, f->size);
    }
    memcpy(rec + f->offset, &u, f->size); /* little-endian host */
    return 0;
}

void helper_tp_format_free(struct helper_tp_format *fmt)
{
    free(fmt->fields);
    fmt->fields = NULL;
    fmt->n = 0;
}

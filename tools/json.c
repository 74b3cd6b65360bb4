/* tools/json.c - recursive-descent JSON reader (RFC 8259), depth-limited so
 * hostile input cannot exhaust the stack. */
#include "tools/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

struct parser {
    const char *s;
    size_t len, pos;
    unsigned line, col;
    char *err;
    size_t errlen;
    bool failed;
};

static void fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parser *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "line %u, column %u: %s", p->line, p->col, msg);
}

static int peek(struct parser *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

static void advance(struct parser *p)
{
    if (p->pos >= p->len)
        return;
    if (p->s[p->pos] == '\n') {
        p->line++;
        p->col = 1;
    } else {
        p->col++;
    }
    p->pos++;
}

static void skip_ws(struct parser *p)
{
    int c;
    while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        advance(p);
}

static struct json *new_node(struct parser *p, enum json_type t)
{
    struct json *j = calloc(1, sizeof(*j));
    if (!j)
        fail(p, "out of memory");
    else {
        j->type = t;
        j->line = p->line;
    }
    return j;
}

static bool append(struct json *j, struct json *item, char *key)
{
    struct json **items = realloc(j->items, (j->n + 1) * sizeof(*items));
    if (!items)
        return false;
    j->items = items;
    if (j->type == JSON_OBJECT) {
        char **keys = realloc(j->keys, (j->n + 1) * sizeof(*keys));
        if (!keys)
            return false;
        j->keys = keys;
        j->keys[j->n] = key;
    }
    j->items[j->n++] = item;
    return true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *parse_string(struct parser *p)
{
    size_t cap = 16, n = 0;
    char *out = malloc(cap);
    if (!out) {
        fail(p, "out of memory");
        return NULL;
    }
    advance(p); /* opening quote */
    for (;;) {
        int c = peek(p);
        if (c < 0) {
            fail(p, "unterminated string");
            break;
        }
        if (c < 0x20) {
            fail(p, "control character in string");
            break;
        }
        advance(p);
        if (c == '"') {
            out[n] = 0;
            return out;
        }
        unsigned cp = (unsigned)c;
        if (c == '\\') {
            int e = peek(p);
            advance(p);
            switch (e) {
            case '"': cp = '"'; break;
            case '\\': cp = '\\'; break;
            case '/': cp = '/'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u': {
                cp = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hexval(peek(p));
                    if (h < 0) {
                        fail(p, "bad \\u escape");
                        free(out);
                        return NULL;
                    }
                    cp = cp * 16 + (unsigned)h;
                    advance(p);
                }
                break;
            }
            default:
                fail(p, "bad escape in string");
                free(out);
                return NULL;
            }
        }
        /* encode cp as UTF-8 (surrogates kept as is: we only echo them) */
        char enc[4];
        size_t k = 0;
        if (cp < 0x80) enc[k++] = (char)cp;
        else if (cp < 0x800) { enc[k++] = (char)(0xc0 | cp >> 6); enc[k++] = (char)(0x80 | (cp & 0x3f)); }
        else { enc[k++] = (char)(0xe0 | cp >> 12); enc[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
               enc[k++] = (char)(0x80 | (cp & 0x3f)); }
        if (n + k + 1 > cap) {
            cap = cap * 2 + k;
            char *g = realloc(out, cap);
            if (!g) {
                fail(p, "out of memory");
                break;
            }
            out = g;
        }
        memcpy(out + n, enc, k);
        n += k;
    }
    free(out);
    return NULL;
}

static struct json *parse_value(struct parser *p, int depth);

static struct json *parse_container(struct parser *p, int depth, bool object)
{
    struct json *j = new_node(p, object ? JSON_OBJECT : JSON_ARRAY);
    if (!j)
        return NULL;
    advance(p);
    skip_ws(p);
    if (peek(p) == (object ? '}' : ']')) {
        advance(p);
        return j;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (object) {
            if (peek(p) != '"') {
                fail(p, "expected a string key");
                break;
            }
            if (!(key = parse_string(p)))
                break;
            skip_ws(p);
            if (peek(p) != ':') {
                fail(p, "expected ':' after key \"%s\"", key);
                free(key);
                break;
            }
            advance(p);
        }
        struct json *v = parse_value(p, depth + 1);
        if (!v || !append(j, v, key)) {
            if (v)
                fail(p, "out of memory");
            json_free(v);
            free(key);
            break;
        }
        skip_ws(p);
        int c = peek(p);
        if (c == ',') {
            advance(p);
            continue;
        }
        if (c == (object ? '}' : ']')) {
            advance(p);
            return j;
        }
        fail(p, "expected ',' or '%c'", object ? '}' : ']');
        break;
    }
    json_free(j);
    return NULL;
}

static struct json *parse_number(struct parser *p)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        advance(p);
    int digits = 0;
    while (peek(p) >= '0' && peek(p) <= '9') {
        advance(p);
        digits++;
    }
    if (!digits) {
        fail(p, "unexpected character");
        return NULL;
    }
    if (peek(p) == '.') {
        advance(p);
        while (peek(p) >= '0' && peek(p) <= '9')
            advance(p);
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        advance(p);
        if (peek(p) == '+' || peek(p) == '-')
            advance(p);
        while (peek(p) >= '0' && peek(p) <= '9')
            advance(p);
    }
    struct json *j = new_node(p, JSON_NUMBER);
    if (j && !(j->str = strndup(p->s + start, p->pos - start))) {
        fail(p, "out of memory");
        free(j);
        return NULL;
    }
    return j;
}

static struct json *parse_value(struct parser *p, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail(p, "nested more than %d levels", JSON_MAX_DEPTH);
        return NULL;
    }
    skip_ws(p);
    int c = peek(p);
    if (c == '{' || c == '[')
        return parse_container(p, depth, c == '{');
    if (c == '"') {
        struct json *j = new_node(p, JSON_STRING);
        if (j && !(j->str = parse_string(p))) {
            free(j);
            return NULL;
        }
        return j;
    }
    static const struct { const char *word; enum json_type t; bool b; } words[] = {
        {"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[i].word, n) == 0) {
            struct json *j = new_node(p, words[i].t);
            if (j)
                j->boolean = words[i].b;
            for (size_t k = 0; k < n; k++)
                advance(p);
            return j;
        }
    }
    if (c < 0) {
        fail(p, "unexpected end of input");
        return NULL;
    }
    return parse_number(p);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    struct parser p = {.s = text, .len = len, .line = 1, .col = 1, .err = err, .errlen = errlen};
    struct json *j = parse_value(&p, 0);
    if (j) {
        skip_ws(&p);
        if (p.pos != p.len) {
            fail(&p, "unexpected text after the value");
            json_free(j);
            j = NULL;
        }
    }
    return j;
}

void json_free(struct json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        json_free(j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->str);
    free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

bool json_u64(const struct json *j, uint64_t *out)
{
    if (!j || j->type != JSON_NUMBER || j->str[0] == '-' || strpbrk(j->str, ".eE"))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(j->str, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

void json_print_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

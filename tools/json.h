/* tools/json.h - a small JSON reader for the CLI's input files (--map-in,
 * test specs): parse into a tree, look members up, report errors with the
 * line and column. Numbers keep their text so 64-bit values stay exact. */
#ifndef BPFEMU_TOOLS_JSON_H
#define BPFEMU_TOOLS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    bool boolean;
    char *str;               /* string value, or the number's text */
    struct json **items;     /* array elements / object values */
    char **keys;             /* object keys */
    size_t n;
    unsigned line;           /* where the value starts, for messages */
};

/* Write s (NULL: "") as a JSON string: quotes, backslashes and control
 * characters escaped (\n as \n, others as \u00XX). */
void json_print_str(FILE *f, const char *s);

/* Parse text; NULL on error with "line L, column C: what" in err. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *j);
/* Member of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* A number as u64 / i64 (false if not an integer in range). */
bool json_u64(const struct json *j, uint64_t *out);

#endif

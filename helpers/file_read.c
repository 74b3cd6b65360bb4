/* helpers/file_read.c - a whole file into memory, for the C APIs that take
 * paths (object and test kit): one bounded read loop, one set of messages. */
#include "helpers/helpers_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int helper_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -errno;
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *g = cap < ((size_t)256 << 20) ? realloc(b, cap * 2) : NULL;
            if (!g) {
                free(b);
                b = NULL;
                break;
            }
            b = g;
            cap *= 2;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (!b || bad) {
        free(b);
        snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "too large or out of memory");
        return bad ? -EIO : -ENOMEM;
    }
    *buf = b;
    *len = n;
    return 0;
}

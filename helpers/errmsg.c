/* helpers/errmsg.c - helper_err, the one way helpers/ functions fill the
 * caller's error buffer and return their errno. */
#include "helpers/helpers_internal.h"

#include <stdarg.h>
#include <stdio.h>

int helper_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

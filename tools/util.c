/* tools/util.c - small helpers shared by the subcommands: error lines, whole
 * file I/O, strict number parsing, hex bytes, the clock, option parsing. */
#include "tools/tools.h"

#include <ctype.h>
#include <inttypes.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void cli_error(const char *what, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One line, whatever the message holds. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    if (what)
        fprintf(stderr, "bpfemu: %s: %s\n", what, msg);
    else
        fprintf(stderr, "bpfemu: %s\n", msg);
}

int cli_read_file_errno(const char *path, uint8_t **bufp, size_t *lenp)
{
    *bufp = NULL;
    *lenp = 0;
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return errno ? errno : EIO;
    size_t cap = 0, len = 0;
    int e = 0;
    uint8_t *buf = NULL;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((uint64_t)st.st_size > CLI_MAX_FILE_SIZE) {
            e = EFBIG;
            goto fail;
        }
        cap = (size_t)st.st_size + 1;
    }
    if (cap < 4096)
        cap = 4096;
    buf = malloc(cap);
    if (!buf) {
        e = ENOMEM;
        goto fail;
    }
    for (;;) {
        if (len > CLI_MAX_FILE_SIZE) {
            e = EFBIG;
            goto fail;
        }
        if (len + 1 >= cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                e = ENOMEM;
                goto fail;
            }
            buf = nb;
            cap *= 2;
        }
        size_t want = cap - 1 - len;
        if (want > CLI_MAX_FILE_SIZE + 1 - len)
            want = CLI_MAX_FILE_SIZE + 1 - len; /* one byte more tells "too large" */
        errno = 0;
        size_t n = fread(buf + len, 1, want, f);
        if (n == 0) {
            if (ferror(f)) {
                e = errno ? errno : EIO;
                goto fail;
            }
            break;
        }
        len += n;
    }
    if (!is_stdin)
        fclose(f);
    buf[len] = 0;
    *bufp = buf;
    *lenp = len;
    return 0;
fail:
    free(buf);
    if (!is_stdin)
        fclose(f);
    return e;
}

int cli_read_file(const char *path, uint8_t **bufp, size_t *lenp)
{
    int e = cli_read_file_errno(path, bufp, lenp);
    if (e) {
        cli_error(path, "%s", strerror(e));
        return -1;
    }
    return 0;
}

int cli_write_file(const char *path, const void *buf, size_t len)
{
    bool is_stdout = strcmp(path, "-") == 0;
    FILE *f = is_stdout ? stdout : fopen(path, "wb");
    if (!f) {
        cli_error(path, "%s", strerror(errno));
        return -1;
    }
    errno = 0;
    bool ok = fwrite(buf, 1, len, f) == len;
    int e = errno;
    if (is_stdout) {
        if (fflush(f) != 0 && ok) {
            ok = false;
            e = errno;
        }
    } else if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        cli_error(path, "%s", strerror(e ? e : EIO));
        return -1;
    }
    return 0;
}

const char *cli_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

bool cli_parse_positive(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v == 0)
        return false;
    *out = v;
    return true;
}

bool cli_parse_count_opt(const char *opt, const char *val, uint64_t *out)
{
    if (!cli_parse_positive(val, UINT64_MAX, out)) {
        cli_error(opt, "invalid value '%s' (expected an integer from 1 to %" PRIu64 ")", val,
                  UINT64_MAX);
        return false;
    }
    return true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cli_parse_hex_bytes(const char *text, size_t textlen, uint8_t **bufp, size_t *lenp,
                        char *err, size_t errlen)
{
    size_t i = 0, n = 0;
    while (i < textlen) {
        while (i < textlen && isspace((unsigned char)text[i]))
            i++;
        if (i >= textlen)
            break;
        size_t start = i;
        while (i < textlen && !isspace((unsigned char)text[i]))
            i++;
        const char *tok = text + start;
        size_t tl = i - start;
        const char *d = tok;
        size_t dl = tl;
        if (dl > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
            d += 2;
            dl -= 2;
        }
        int hi = dl >= 1 ? hexval((unsigned char)d[0]) : -1;
        int lo = dl == 2 ? hexval((unsigned char)d[1]) : 0;
        if (dl < 1 || dl > 2 || hi < 0 || lo < 0) {
            char shown[24];
            size_t k;
            for (k = 0; k < tl && k < 16; k++)
                shown[k] = isprint((unsigned char)tok[k]) ? tok[k] : '?';
            shown[k] = 0;
            snprintf(err, errlen, "byte %zu: '%s%s' is not a hex byte", n, shown,
                     tl > 16 ? "..." : "");
            return -1;
        }
        uint8_t v = (uint8_t)(dl == 2 ? hi << 4 | lo : hi);
        if ((*lenp & 4095) == 0) {
            uint8_t *nb = realloc(*bufp, *lenp + 4096);
            if (!nb) {
                snprintf(err, errlen, "%s", strerror(ENOMEM));
                return -1;
            }
            *bufp = nb;
        }
        (*bufp)[(*lenp)++] = v;
        n++;
    }
    return 0;
}

uint64_t cli_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------ option parsing ---- */

void cli_args_init(struct cli_args *a, int argc, char **argv)
{
    a->argc = argc;
    a->argv = argv;
    a->i = 1;
    a->only_positional = false;
    a->cmd = argc > 0 ? argv[0] : "bpfemu";
}

int cli_args_next(struct cli_args *a, const struct cli_opt *opts, const char **val)
{
    *val = NULL;
    if (a->i >= a->argc)
        return CLI_OPT_END;
    const char *arg = a->argv[a->i++];
    if (a->only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
        *val = arg;
        return CLI_OPT_POSITIONAL;
    }
    if (strcmp(arg, "--") == 0) {
        a->only_positional = true;
        return cli_args_next(a, opts, val);
    }
    const char *eq = strchr(arg, '=');
    size_t nl = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
    for (const struct cli_opt *o = opts; o->name; o++) {
        if (strlen(o->name) != nl || strncmp(o->name, arg, nl) != 0)
            continue;
        if (!o->has_arg) {
            if (arg[nl] == '=') {
                cli_error(a->cmd, "option '%s' takes no value", o->name);
                return CLI_OPT_ERROR;
            }
            return o->id;
        }
        if (arg[nl] == '=') {
            *val = arg + nl + 1;
            return o->id;
        }
        if (a->i >= a->argc) {
            cli_error(a->cmd, "option '%s' needs a value", o->name);
            return CLI_OPT_ERROR;
        }
        *val = a->argv[a->i++];
        return o->id;
    }
    cli_error(a->cmd, "unknown option '%s' (see bpfemu %s --help)", arg, a->cmd);
    return CLI_OPT_ERROR;
}

const char *cli_errno_name(int err)
{
    if (err < 0)
        err = -err;
    if (err == 524)
        return "ENOTSUPP";
    const char *n = strerrorname_np(err);
    if (n)
        return n;
    static _Thread_local char buf[16]; /* per thread: workers report in parallel */
    snprintf(buf, sizeof buf, "E%d", err);
    return buf;
}

bool cli_is_elf_file(const char *path)
{
    if (strcmp(path, "-") == 0)
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    uint8_t magic[4] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return vm_is_elf(magic, n);
}

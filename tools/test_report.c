/* tools/test_report.c - `bpfemu test` results: human, TAP, JUnit XML. */
#include "tools/test_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const status_word[] = {"PASS", "FAIL", "ERROR", "SKIP"};

static void indented(FILE *f, const char *text, const char *indent)
{
    const char *p = text;
    while (p && *p) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "%s%.*s\n", indent, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

void report_human(FILE *f, const struct test_result *r)
{
    fprintf(f, "  %-5s %s", status_word[r->status], r->name);
    if (r->status == TEST_SKIP)
        fprintf(f, " (%s)\n", r->message ? r->message : "skipped");
    else if (r->status == TEST_PASS)
        fprintf(f, "\n");
    else
        fprintf(f, "  (%s:%u)\n", r->file, r->line);
    if ((r->status == TEST_FAIL || r->status == TEST_ERROR) && r->message)
        indented(f, r->message, "        ");
}

void report_summary(FILE *f, const struct test_result *r, size_t n)
{
    size_t pass = 0, fail = 0, skip = 0;
    for (size_t i = 0; i < n; i++) {
        pass += r[i].status == TEST_PASS;
        fail += r[i].status == TEST_FAIL || r[i].status == TEST_ERROR;
        skip += r[i].status == TEST_SKIP;
    }
    if (skip)
        fprintf(f, "%zu skipped\n", skip);
    fprintf(f, "%zu passed, %zu failed\n", pass, fail);
}

/* -------------------------------------------------------------------- TAP */

void report_tap_plan(FILE *f, size_t n) { fprintf(f, "TAP version 13\n1..%zu\n", n); }

static void tap_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '#' || *s == '\\')
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
}

void report_tap(FILE *f, size_t number, const struct test_result *r)
{
    bool ok = r->status == TEST_PASS || r->status == TEST_SKIP;
    fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", number);
    tap_text(f, r->suite);
    fputs(": ", f);
    tap_text(f, r->name);
    if (r->status == TEST_SKIP) {
        fputs(" # SKIP ", f);
        tap_text(f, r->message ? r->message : "skipped");
    }
    fputc('\n', f);
    if (ok)
        return;
    /* the YAML diagnostic block of TAP 13 */
    fprintf(f, "  ---\n  severity: %s\n  at: \"%s:%u\"\n  message: |\n",
            r->status == TEST_ERROR ? "error" : "fail", r->file, r->line);
    indented(f, r->message ? r->message : "", "    ");
    fprintf(f, "  ...\n");
}

/* ------------------------------------------------------------------ JUnit */

static void xml_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            /* XML 1.0 has no place for other control characters */
            fputc(*p < 0x20 && *p != '\n' && *p != '\t' ? '?' : *p, f);
        }
    }
}

static void first_line(FILE *f, const char *s)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)strcspn(s ? s : "", "\n"), s ? s : "");
    xml_text(f, buf);
}

int report_junit(const char *path, const struct test_result *r, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -errno;
    size_t fail = 0, err = 0, skip = 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        fail += r[i].status == TEST_FAIL;
        err += r[i].status == TEST_ERROR;
        skip += r[i].status == TEST_SKIP;
        total += r[i].seconds;
    }
    char stamp[32] = "", host[256] = "localhost";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = 0;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"bpfemu test\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
               "skipped=\"%zu\" time=\"%.6f\">\n", n, fail, err, skip, total);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        size_t sf = 0, se = 0, ss = 0;
        double st = 0;
        while (j < n && !strcmp(r[j].file, r[i].file)) {
            sf += r[j].status == TEST_FAIL;
            se += r[j].status == TEST_ERROR;
            ss += r[j].status == TEST_SKIP;
            st += r[j].seconds;
            j++;
        }
        fputs("  <testsuite name=\"", f);
        xml_text(f, r[i].suite);
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                   "time=\"%.6f\" timestamp=\"%s\" hostname=\"", j - i, sf, se, ss, st, stamp);
        xml_text(f, host);
        fputs("\" file=\"", f);
        xml_text(f, r[i].file);
        fputs("\">\n", f);
        for (size_t k = i; k < j; k++) {
            fputs("    <testcase name=\"", f);
            xml_text(f, r[k].name);
            fputs("\" classname=\"", f);
            xml_text(f, r[k].suite);
            fprintf(f, "\" time=\"%.6f\" file=\"", r[k].seconds);
            xml_text(f, r[k].file);
            fprintf(f, "\" line=\"%u\"", r[k].line);
            if (r[k].status == TEST_PASS) {
                fputs("/>\n", f);
                continue;
            }
            fputs(">\n", f);
            if (r[k].status == TEST_SKIP) {
                fputs("      <skipped message=\"", f);
                first_line(f, r[k].message);
                fputs("\"/>\n", f);
            } else {
                const char *tag = r[k].status == TEST_FAIL ? "failure" : "error";
                fprintf(f, "      <%s message=\"", tag);
                first_line(f, r[k].message);
                fprintf(f, "\" type=\"%s\">", r[k].status == TEST_FAIL ? "AssertionError" : "Error");
                xml_text(f, r[k].message);
                fprintf(f, "</%s>\n", tag);
            }
            fputs("    </testcase>\n", f);
        }
        fputs("  </testsuite>\n", f);
        i = j;
    }
    fputs("</testsuites>\n", f);
    int rc = ferror(f) ? -EIO : 0;
    if (fclose(f) && !rc)
        rc = -errno;
    return rc;
}

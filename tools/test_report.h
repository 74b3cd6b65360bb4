/* tools/test_report.h - results of `bpfemu test` as people and CI read
 * them: a human listing ending in "N passed, N failed", JUnit XML, TAP. */
#ifndef BPFEMU_TOOLS_TEST_REPORT_H
#define BPFEMU_TOOLS_TEST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum test_status { TEST_PASS, TEST_FAIL, TEST_ERROR, TEST_SKIP };

struct test_result {
    const char *suite;         /* the test file's name (classname) */
    const char *file;          /* its path */
    const char *name;
    unsigned line;
    enum test_status status;
    char *message;             /* failures, errors (several lines) or the skip reason */
    double seconds;
};

/* Human: a line per test, failures with their messages indented. */
void report_human(FILE *f, const struct test_result *r);
/* The last line: "N passed, N failed" (skipped tests on a line before). */
void report_summary(FILE *f, const struct test_result *r, size_t n);
/* TAP version 13: the header and plan, then one entry per test. */
void report_tap_plan(FILE *f, size_t n);
void report_tap(FILE *f, size_t number, const struct test_result *r);
/* JUnit XML: <testsuites> with a <testsuite> per file. 0 or -errno. */
int report_junit(const char *path, const struct test_result *r, size_t n);

#endif

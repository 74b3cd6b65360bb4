/* tools/cov_cli.c - --coverage for commands that run on an environment. */
#include "tools/cov_cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tools.h"

void cov_cli_summary(FILE *f, const struct helper_cov *cov, const char *path)
{
    struct helper_cov_totals t;
    helper_cov_totals(cov, &t);
    fprintf(f, "coverage: lines %zu/%zu, branches %zu/%zu, functions %zu/%zu -> %s\n", t.lines_hit,
            t.lines, t.branches_hit, t.branches, t.functions_hit, t.functions, path);
}

int cov_cli_enable(struct helper_env *env)
{
    int rc = helper_env_coverage_enable(env);
    if (rc) {
        cli_error("--coverage", "%s", strerror(-rc));
        return CLI_EXIT_BAD_INPUT;
    }
    return 0;
}

int cov_cli_write(struct helper_env *env, const char *obj_path, const char *path, bool annotate,
                  FILE *summary)
{
    char err[512];
    struct helper_cov *cov = helper_cov_new();
    char *real = realpath(obj_path, NULL);
    int status = 0;
    FILE *f = NULL;
    if (!cov) {
        cli_error(NULL, "out of memory");
        status = CLI_EXIT_BAD_INPUT;
    } else if (helper_cov_add_env(cov, real ? real : obj_path, env, err, sizeof err)) {
        cli_error(obj_path, "coverage: %s", err);
        status = CLI_EXIT_BAD_INPUT;
    } else if (!path) {
        /* --annotate alone: no tracefile */
    } else if (!(f = fopen(path, "w"))) {
        cli_error(path, "%s", strerror(errno));
        status = CLI_EXIT_BAD_INPUT;
    } else {
        int rc = helper_cov_write_lcov(cov, f, "bpfemu");
        if (fclose(f) && !rc)
            rc = -errno;
        if (rc) {
            cli_error(path, "%s", strerror(-rc));
            status = CLI_EXIT_BAD_INPUT;
        }
    }
    if (!status) {
        if (annotate)
            helper_cov_print(cov, summary);
        if (path)
            cov_cli_summary(summary, cov, path);
    }
    helper_cov_free(cov);
    free(real);
    return status;
}

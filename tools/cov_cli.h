/* tools/cov_cli.h - `--coverage FILE` for the commands that run objects on
 * an environment (replay; `bpfemu test` goes through the C test API): turn
 * the counters on before the runs, then write the lcov tracefile and print
 * a summary (helpers/coverage.c does the mapping to source lines). */
#ifndef BPFEMU_TOOLS_COV_CLI_H
#define BPFEMU_TOOLS_COV_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "helpers/helpers.h"

/* Count every program of env from now on. 0, or CLI_EXIT_BAD_INPUT with
 * the message printed. */
int cov_cli_enable(struct helper_env *env);
/* Write the lcov tracefile `path` for the runs of env (object file
 * obj_path), path NULL: none; print "coverage: lines L/N, branches B/M, functions F/G ->
 * PATH" on `summary`, and with `annotate` the annotated sources too.
 * 0, or CLI_EXIT_BAD_INPUT with the message printed. */
int cov_cli_write(struct helper_env *env, const char *obj_path, const char *path, bool annotate,
                  FILE *summary);
/* "coverage: lines L/N, branches B/M, functions F/G -> PATH" */
void cov_cli_summary(FILE *f, const struct helper_cov *cov, const char *path);

#endif

/* tests/unit/cli_run.h - running the bpfemu command from a test ($BPFEMU,
 * else ../build/bpfemu; cwd tests/): a temporary directory per test,
 * paths in it, and RUN(args...) capturing the exit status, stdout and
 * stderr. The suite names the directory's prefix:
 *   TestSuite(x, .init = cli_setup_X, .fini = cli_teardown, ...) with
 *   static void cli_setup_X(void) { cli_setup("/tmp/bpfemu-X-XXXXXX"); } */
#ifndef BPFEMU_TESTS_CLI_RUN_H
#define BPFEMU_TESTS_CLI_RUN_H

#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char cli_dir[64];

static inline void cli_setup(const char *templ)
{
    snprintf(cli_dir, sizeof cli_dir, "%s", templ);
    cr_assert_not_null(mkdtemp(cli_dir), "mkdtemp: %s", strerror(errno));
}

static inline void cli_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cli_dir);
    cr_expect_eq(system(cmd), 0);
}

/* `name` inside the test's directory (8 buffers in turn) */
static inline const char *cli_path(const char *name)
{
    static char b[8][128];
    static int k;
    char *p = b[k++ % 8];
    snprintf(p, sizeof b[0], "%s/%s", cli_dir, name);
    return p;
}

/* write `text` to `name` in the test's directory; its path (8 buffers of
 * its own, in turn: cli_path's do not overwrite them) */
static inline const char *cli_write(const char *name, const char *text)
{
    static char b[8][128];
    static int k;
    char *p = b[k++ % 8];
    snprintf(p, sizeof b[0], "%s/%s", cli_dir, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "%s", p);
    fputs(text, f);
    fclose(f);
    return p;
}

static inline char *cli_slurp(const char *p)
{
    FILE *f = fopen(p, "rb");
    cr_assert_not_null(f, "%s", p);
    static char buf[2][65536];
    static int k;
    char *b = buf[k++ % 2];
    size_t n = fread(b, 1, sizeof buf[0] - 1, f);
    b[n] = 0;
    fclose(f);
    return b;
}

struct res {
    int status;
    char *out, *err;            /* the last two runs' output stay valid */
};

static inline struct res cli_run_v(const char *const *args)
{
    const char *bin = getenv("BPFEMU") && *getenv("BPFEMU") ? getenv("BPFEMU") : "../build/bpfemu";
    const char *argv[32];
    int argc = 0;
    argv[argc++] = bin;
    for (; *args && argc < 31; args++)
        argv[argc++] = *args;
    argv[argc] = NULL;
    char out[128], err[128];
    snprintf(out, sizeof out, "%s/.out", cli_dir);
    snprintf(err, sizeof err, "%s/.err", cli_dir);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0)
            _exit(126);
        alarm(30);
        dup2(o, 1), dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    struct res r = {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), cli_slurp(out),
                    cli_slurp(err)};
    return r;
}

#define RUN(...) cli_run_v((const char *const[]){__VA_ARGS__, NULL})

#endif

/* tools/env_cli.c - parse and apply the shared runtime options. */
#include "tools/env_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/net_json.h"

/* A value from 0 to max ("0" allowed, unlike cli_parse_positive). */
static bool parse_u64(const char *opt, const char *val, uint64_t max, uint64_t *out)
{
    if (strcmp(val, "0") == 0) {
        *out = 0;
        return true;
    }
    if (cli_parse_positive(val, max, out))
        return true;
    cli_error(opt, "invalid value '%s' (expected an integer from 0 to %" PRIu64 ")", val, max);
    return false;
}

bool env_cli_option(struct env_cli *e, int id, const char *val, bool *bad)
{
    uint64_t v = 0;
    *bad = false;
    switch (id) {
    case ENV_OPT_CPUS:
        if (!cli_parse_count_opt("--cpus", val, &v) || v > 1024) {
            if (v > 1024)
                cli_error("--cpus", "at most 1024 CPUs");
            *bad = true;
        }
        e->opts.ncpus = (uint32_t)v;
        return true;
    case ENV_OPT_CPU:
        *bad = !parse_u64("--cpu", val, 1023, &v);
        e->cpu = (uint32_t)v;
        return true;
    case ENV_OPT_CLOCK:
        *bad = !parse_u64("--clock-ns", val, UINT64_MAX, &v);
        e->opts.clock_ns = v;
        return true;
    case ENV_OPT_CLOCK_STEP:
        *bad = !parse_u64("--clock-step-ns", val, UINT64_MAX, &v);
        e->opts.clock_step_ns = v;
        return true;
    case ENV_OPT_SEED:
        *bad = !parse_u64("--prng-seed", val, UINT64_MAX, &v);
        e->opts.prng_seed = v;
        return true;
    case ENV_OPT_PID: case ENV_OPT_TGID: case ENV_OPT_UID: case ENV_OPT_GID: {
        static const char *const names[] = {"--pid", "--tgid", "--uid", "--gid"};
        *bad = !parse_u64(names[id - ENV_OPT_PID], val, UINT32_MAX, &v);
        if (!e->opts.task_given) { /* the others keep their defaults */
            e->opts.task_given = true;
            e->opts.pid = e->opts.tgid = 4242;
            snprintf(e->opts.comm, sizeof e->opts.comm, "bpfemu");
        }
        uint32_t *f[] = {&e->opts.pid, &e->opts.tgid, &e->opts.uid, &e->opts.gid};
        *f[id - ENV_OPT_PID] = (uint32_t)v;
        return true;
    }
    case ENV_OPT_COMM:
        if (strlen(val) >= sizeof e->opts.comm) {
            cli_error("--comm", "'%s' is longer than %zu characters", val, sizeof e->opts.comm - 1);
            *bad = true;
            return true;
        }
        if (!e->opts.task_given) {
            e->opts.task_given = true;
            e->opts.pid = e->opts.tgid = 4242;
        }
        snprintf(e->opts.comm, sizeof e->opts.comm, "%s", val);
        return true;
    case ENV_OPT_NET:
        e->net_file = val;
        return true;
    }
    return false;
}

int env_cli_apply(struct env_cli *e, struct helper_env *env)
{
    if (!e->net_file)
        return 0;
    uint8_t *text;
    size_t len;
    char err[256];
    if (cli_read_file(e->net_file, &text, &len) != 0)
        return CLI_EXIT_BAD_INPUT;
    int rc = net_json_load((const char *)text, len, &e->net, err, sizeof err);
    free(text);
    if (rc) {
        cli_error(e->net_file, "%s", err);
        return CLI_EXIT_BAD_INPUT;
    }
    e->net_loaded = true;
    helper_env_set_net(env, &e->net);
    return 0;
}

void env_cli_free(struct env_cli *e)
{
    if (e->net_loaded)
        net_json_free(&e->net);
    e->net_loaded = false;
}

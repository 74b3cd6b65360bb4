/* tools/env_cli.h - the runtime options every object-running subcommand
 * shares (run, and later replay/test): emulated CPUs, clock, PRNG seed,
 * task identity, the network for bpf_fib_lookup. */
#ifndef BPFEMU_TOOLS_ENV_CLI_H
#define BPFEMU_TOOLS_ENV_CLI_H

#include "helpers/helpers.h"
#include "tools/tools.h"

struct env_cli {
    struct helper_env_opts opts;
    uint32_t cpu;              /* the CPU the program runs on */
    const char *net_file;
    struct helper_net net;     /* loaded by env_cli_apply */
    bool net_loaded;
};

enum {
    ENV_OPT_CPUS = 1000, ENV_OPT_CPU, ENV_OPT_CLOCK, ENV_OPT_CLOCK_STEP, ENV_OPT_SEED,
    ENV_OPT_PID, ENV_OPT_TGID, ENV_OPT_UID, ENV_OPT_GID, ENV_OPT_COMM, ENV_OPT_NET,
};

#define ENV_CLI_OPTION_TABLE                                                         \
    {"--cpus", true, ENV_OPT_CPUS}, {"--cpu", true, ENV_OPT_CPU},                   \
    {"--clock-ns", true, ENV_OPT_CLOCK}, {"--clock-step-ns", true, ENV_OPT_CLOCK_STEP}, \
    {"--prng-seed", true, ENV_OPT_SEED}, {"--pid", true, ENV_OPT_PID},              \
    {"--tgid", true, ENV_OPT_TGID}, {"--uid", true, ENV_OPT_UID},                   \
    {"--gid", true, ENV_OPT_GID}, {"--comm", true, ENV_OPT_COMM},                   \
    {"--net", true, ENV_OPT_NET}

#define ENV_CLI_HELP                                                                    \
    "  --cpus N         emulated CPUs for per-CPU maps (default 1)\n"                    \
    "  --cpu N          the CPU the program runs on (default 0)\n"                       \
    "  --clock-ns N     bpf_ktime_get_ns at the first run (default 1000000000)\n"        \
    "  --clock-step-ns N  how far the clock moves per run (default 1000)\n"              \
    "  --prng-seed N    bpf_get_prandom_u32's seed (default 1)\n"                        \
    "  --pid N, --tgid N, --uid N, --gid N, --comm NAME\n"                               \
    "                   the current task (default 4242, 4242, 0, 0, bpfemu)\n"           \
    "  --net FILE       devices, routes and neighbours for bpf_fib_lookup (JSON;\n"      \
    "                   see tools/net_json.h)\n"

/* Handle option `id` (an ENV_OPT_*): true if it was one, with *bad set
 * when its value was invalid (the message printed). */
bool env_cli_option(struct env_cli *e, int id, const char *val, bool *bad);
/* Load --net and attach it to env; prints errors. 0 or CLI_EXIT_BAD_INPUT. */
int env_cli_apply(struct env_cli *e, struct helper_env *env);
void env_cli_free(struct env_cli *e);

#endif

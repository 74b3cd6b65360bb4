/* tools/cmd_bench.c - `bpfemu bench PROGRAM PACKET REPEAT [--jit]`: the
 * ../shared/bench harness's PROJECT_BIN interface (bench/README.md).
 *
 * The XDP context is built as the harness's own userspace engines do: one
 * MAP_32BIT mapping holds a struct xdp_md and, 256 bytes in, a writable copy
 * of the packet, so the program's 32-bit loads of ctx->data / data_end yield
 * usable pointers. ELF objects run through the runtime (helpers/) instead.
 * Exit status: 0 ok, 2 "not supported" (--jit, helpers we lack) or bad
 * usage, 1 a failed run. */
#include "tools/run_object.h"
#include "tools/tools.h"

#include "jit/jit.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BENCH_HEADROOM 256u
#define BENCH_MAX_WARMUP 100000ull

static const char bench_help[] =
    "usage: bpfemu bench PROGRAM PACKET REPEAT [--jit] [--no-verify]\n"
    "\n"
    "Run the XDP program PROGRAM (raw bytecode .bin, or an ELF .o whose maps are\n"
    "created zero-filled and whose ctx loads are answered as the kernel rewrites them)\n"
    "on a writable copy of PACKET (the whole file), REPEAT times after an\n"
    "untimed warm-up of REPEAT/10 runs (at most 100000), and print\n"
    "  NS_PER_RUN RETVAL\n"
    "(\"%.3f %u\": the timed loop's ns per run, the low 32 bits of r0).\n"
    "r1 points to a struct xdp_md whose data/data_end are 32-bit pointers to\n"
    "the packet (mapped below 4 GiB). An ELF .o is verified first (as bpfemu run\n"
    "does) and runs trusted, as the kernel runs what it verified; raw .bin\n"
    "programs, objects with --no-verify and programs the verifier rejects (a note\n"
    "on stderr) run checked. --jit: native code\n"
    "from the x86-64 JIT, compiled before timing.\n"
    "\n"
    "options:\n"
    "  --jit        run the program compiled by the x86-64 JIT\n"
    "  --no-verify  an object: do not verify, run it checked\n"
    "  --help       this text\n"
    "\n"
    "Exit status: 0 ok, 1 a run failed, 2 not supported or bad usage.\n";

enum { OPT_HELP = 1, OPT_JIT, OPT_INTERP, OPT_NO_VERIFY };

/* A program that calls a helper we do not provide cannot be benchmarked:
 * say so before running ("not supported", exit 2). */
static int check_helpers(const char *path, const struct vm_prog *prog)
{
    for (uint32_t i = 0; i < prog->len; i++) {
        const struct bpf_insn *in = &prog->insns[i];
        if (vm_insn_is_lddw(in)) {
            i++;
            continue;
        }
        if (in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 &&
            !test_helpers_has((uint32_t)in->imm)) {
            const char *n = vm_helper_name(in->imm);
            cli_error(path, "insn %u: helper %s#%d is not supported", i, n ? n : "", in->imm);
            return CLI_EXIT_BAD_INPUT;
        }
    }
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP}, {"-h", false, OPT_HELP},
        {"--jit", false, OPT_JIT},   {"--interp", false, OPT_INTERP},
        {"--no-verify", false, OPT_NO_VERIFY},
        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    const char *pos[3] = {NULL, NULL, NULL}, *val;
    int npos = 0, id;
    bool jit = false, no_verify = false;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_BAD_INPUT;
        case OPT_HELP:
            fputs(bench_help, stdout);
            return CLI_EXIT_OK;
        case OPT_JIT:
            jit = true;
            break;
        case OPT_INTERP:
            jit = false;
            break;
        case OPT_NO_VERIFY:
            no_verify = true;
            break;
        case CLI_OPT_POSITIONAL:
            if (npos == 3) {
                cli_error("bench", "unexpected argument '%s' (see bpfemu bench --help)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            pos[npos++] = val;
            break;
        }
    }
    if (npos < 3) {
        cli_error("bench", "missing %s (see bpfemu bench --help)",
                  npos == 0 ? "PROGRAM" : npos == 1 ? "PACKET" : "REPEAT");
        return CLI_EXIT_BAD_INPUT;
    }
    const char *prog_path = pos[0], *pkt_path = pos[1];
    uint64_t repeat;
    if (!cli_parse_count_opt("REPEAT", pos[2], &repeat))
        return CLI_EXIT_BAD_INPUT;

    if (cli_is_elf_file(prog_path))
        return bench_object(prog_path, pkt_path, repeat, jit ? JIT_CHECKED : 0, !no_verify);
    int rc = CLI_EXIT_BAD_INPUT;
    struct vm_prog *prog = NULL;
    struct vm *vm = NULL;
    struct vm_run *run = NULL;
    uint8_t *pkt = NULL;
    size_t pkt_len = 0;
    void *area = MAP_FAILED;
    size_t area_len = 0;

    if ((rc = load_program(prog_path, &prog, NULL)) != 0)
        goto out;
    if ((rc = prepare_vm(prog_path, prog, &vm)) != 0)
        goto out;
    if ((rc = check_helpers(prog_path, prog)) != 0)
        goto out;
    if (jit && (rc = cli_enable_jit(prog_path, vm, JIT_CHECKED)) != 0)
        goto out;
    rc = CLI_EXIT_BAD_INPUT;
    if (cli_read_file(pkt_path, &pkt, &pkt_len) != 0)
        goto out;
    if (pkt_len > UINT32_MAX / 2) {
        cli_error(pkt_path, "packet too large (%zu bytes)", pkt_len);
        goto out;
    }

    /* struct xdp_md, then headroom, then the packet; all below 4 GiB. */
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    area_len = (BENCH_HEADROOM + pkt_len + page - 1) / page * page;
    area = mmap(NULL, area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
                -1, 0);
    if (area == MAP_FAILED) {
        cli_error("mmap(MAP_32BIT)", "%s", strerror(errno));
        rc = CLI_EXIT_RUN_FAILED;
        goto out;
    }
    struct xdp_md *md = area;
    uint8_t *data = (uint8_t *)area + BENCH_HEADROOM;
    uint8_t *data_end = data + pkt_len;
    if ((uintptr_t)data_end > UINT32_MAX) {
        cli_error("mmap(MAP_32BIT)", "packet not below 4 GiB");
        rc = CLI_EXIT_RUN_FAILED;
        goto out;
    }
    if (pkt_len)
        memcpy(data, pkt, pkt_len);
    md->data = (uint32_t)(uintptr_t)data;
    md->data_end = (uint32_t)(uintptr_t)data_end;
    md->data_meta = md->data;
    md->ingress_ifindex = 1;

    run = calloc(1, sizeof(*run));
    if (!run) {
        cli_error(prog_path, "out of memory");
        goto out;
    }
    vm_run_init(run, vm);
    if (vm_run_add_region(run, md, sizeof(*md), VM_REGION_READ, 0, "ctx") != 0 ||
        (pkt_len && vm_run_add_region(run, data, pkt_len, VM_REGION_RW, 0, "packet") != 0)) {
        cli_error(prog_path, "cannot register the context regions");
        goto out;
    }
    run->args[0] = (uint64_t)(uintptr_t)md;

    uint64_t warmup = repeat / 10 < BENCH_MAX_WARMUP ? repeat / 10 : BENCH_MAX_WARMUP;
    int xrc = 0;
    for (uint64_t i = 0; i < warmup && !xrc; i++)
        xrc = vm_run_exec(run);
    uint64_t t0 = cli_now_ns();
    for (uint64_t i = 0; i < repeat && !xrc; i++)
        xrc = vm_run_exec(run);
    uint64_t t1 = cli_now_ns();
    if (xrc) {
        cli_error(prog_path, "%s", cli_run_errmsg(run, xrc));
        rc = CLI_EXIT_RUN_FAILED;
        goto out;
    }
    printf("%.3f %u\n", (double)(t1 - t0) / (double)repeat, (uint32_t)run->r0);
    fflush(stdout);
    rc = CLI_EXIT_OK;
out:
    free(run);
    if (area != MAP_FAILED)
        munmap(area, area_len);
    free(pkt);
    if (vm)
        vm_destroy(vm);
    vm_prog_free(prog);
    return rc;
}

/* tools/fuzz_out.c - a finding written out (the minimised program, its
 * packet and the maps before it), for `bpfemu fuzz --out`. */
#include "tools/fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/map_json.h"

/* The maps as they were before packet `at` (bpfemu's view), as --map-in JSON. */
static char *maps_before(const struct gen_program *p, uint32_t at)
{
    struct kd_emu *e;
    char err[256];
    struct helper_env_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.ncpus = 1;
    if (kd_emu_from_raw(p, &eo, &e, err, sizeof err))
        return NULL;
    kd_seed_maps(e, NULL, p->seed);
    uint8_t pkt[1600];
    for (uint32_t j = 0; j < at; j++) {
        size_t len;
        fuzz_packet(p->seed, j, pkt, &len);
        struct kd_input in = {pkt, len, NULL, 0, 0};
        struct kd_result r;
        kd_emu_run(e, &in, &r);
        kd_result_free(&r);
    }
    char *text = NULL;
    size_t tl = 0;
    FILE *f = open_memstream(&text, &tl);
    if (f) {
        map_json_dump(f, e->env, 1);
        fclose(f);
    }
    kd_emu_destroy(e);
    return text;
}

int fuzz_write_finding(const char *dir, const struct fuzz_finding *f, const char *mode_name,
                       const char *replay_args)
{
    mkdir(dir, 0755);
    char stem[96], path[4096];
    snprintf(stem, sizeof stem, "%s-%016llx", fuzz_kind_name(f->kind),
             (unsigned long long)fuzz_rule_hash(f->kind, f->rule));
    snprintf(path, sizeof path, "%s/%s.s", dir, stem);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return errno == EEXIST ? 0 : -errno;
    close(fd);
    char comment[3072];
    snprintf(comment, sizeof comment,
             "%s finding of bpfemu fuzz %s (rule: %s)\n"
             "%s\n"
             "minimised from %u to %u instructions; seed %#llx (the unminimised program:\n"
             "  bpfemu fuzz %s --replay %#llx %s)\n"
             "check: bpfemu kdiff %s.s%s%s",
             fuzz_kind_name(f->kind), mode_name, f->rule, f->detail, f->orig_len,
             f->prog.prog->len, (unsigned long long)f->seed, mode_name,
             (unsigned long long)f->seed, replay_args, stem,
             f->input ? " --data " : "", f->input ? stem : "");
    if (f->input) {
        size_t l = strlen(comment);
        snprintf(comment + l, sizeof comment - l, ".pkt --map-in %s.maps.json", stem);
    }
    bool k_acc = f->kind == FK_PRECISION || f->kind >= FK_RUNTIME_FAULT;
    const char *kerr = NULL;
    char kline[256] = "";
    const char *kl = strstr(f->detail, "kernel: reject ");
    if (kl) {
        const char *colon = strstr(kl + 15, ": ");
        if (colon)
            snprintf(kline, sizeof kline, "%.*s", (int)strcspn(colon + 2, "\n"), colon + 2);
        kerr = kline;
    }
    int rc = gen_save(&f->prog, dir, stem, comment, k_acc ? "accept" : "reject", kerr);
    if (rc)
        return rc;
    if (f->input) {
        snprintf(path, sizeof path, "%s/%s.pkt", dir, stem);
        FILE *pf = fopen(path, "wb");
        if (pf) {
            fwrite(f->input, 1, f->input_len, pf);
            fclose(pf);
        }
        /* maps before the packet */
        uint32_t at = 0;
        const char *pk = strstr(f->detail, "packet ");
        if (pk)
            at = (uint32_t)strtoul(pk + 7, NULL, 10);
        char *json = maps_before(&f->prog, at);
        snprintf(path, sizeof path, "%s/%s.maps.json", dir, stem);
        pf = fopen(path, "w");
        if (pf) {
            fputs(json ? json : "{\"maps\": []}\n", pf);
            fclose(pf);
        }
        free(json);
    }
    return 1;
}

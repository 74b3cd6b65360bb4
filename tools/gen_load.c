/* tools/gen_load.c - a program file (verifier-suite format, assembly or raw
 * bytecode) read into a gen_program, for `bpfemu kdiff FILE`. */
#include "tools/gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/kbpf.h"
#include "tools/tools.h"

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

static int parse_map(char *v, struct gen_map *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof(*m));
    char *save = NULL, *tok = strtok_r(v, " \t", &save);
    if (!tok || !gen_map_type_parse(tok, &m->type)) {
        snprintf(err, errlen, "unknown map type '%s'", tok ? tok : "");
        return -EINVAL;
    }
    while ((tok = strtok_r(NULL, " \t", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, errlen, "map attribute without '=': '%s'", tok);
            return -EINVAL;
        }
        *eq = 0;
        uint32_t val = (uint32_t)strtoul(eq + 1, NULL, 0);
        if (!strcmp(tok, "key"))
            m->key_size = val;
        else if (!strcmp(tok, "value"))
            m->value_size = val;
        else if (!strcmp(tok, "entries"))
            m->max_entries = val;
        else if (!strcmp(tok, "flags"))
            m->flags = val;
        else {
            snprintf(err, errlen, "unknown map attribute '%s'", tok);
            return -EINVAL;
        }
    }
    return 0;
}

int gen_load_file(const char *path, uint32_t default_type, struct gen_program *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof(*out));
    uint8_t *buf;
    size_t len;
    int e = cli_read_file_errno(path, &buf, &len);
    if (e) {
        snprintf(err, errlen, "%s", strerror(e));
        return -e;
    }
    int rc = 0;
    enum prog_format fmt = prog_detect_format(buf, len);
    out->prog_type = default_type;
    if (fmt == PROG_FORMAT_ELF) {
        snprintf(err, errlen, "an ELF object, not a program file");
        rc = -EINVAL;
    } else if (fmt == PROG_FORMAT_ASM) {
        char *copy = strdup((const char *)buf), *save = NULL;
        if (!copy) {
            free(buf);
            return -ENOMEM;
        }
        for (char *line = strtok_r(copy, "\n", &save); line && !rc;
             line = strtok_r(NULL, "\n", &save)) {
            if (line[0] != '#')
                continue;
            char *colon = strchr(line, ':');
            if (!colon)
                continue;
            *colon = 0;
            char *key = trim(line + 1), *v = trim(colon + 1);
            if (!strcmp(key, "prog_type")) {
                out->prog_type = gen_prog_type_parse(v);
                /* socket-level types: suite files only (nothing generates them) */
                if (!strcmp(v, "sock_ops"))
                    out->prog_type = BPF_PROG_TYPE_SOCK_OPS;
                else if (!strcmp(v, "sk_msg"))
                    out->prog_type = BPF_PROG_TYPE_SK_MSG;
                else if (!strcmp(v, "sk_skb"))
                    out->prog_type = BPF_PROG_TYPE_SK_SKB;
                if (!out->prog_type) {
                    snprintf(err, errlen, "unknown prog_type '%s'", v);
                    rc = -EINVAL;
                }
            } else if (!strcmp(key, "priv")) {
                out->priv = kbpf_priv_parse(v);
                if (out->priv < 0) {
                    snprintf(err, errlen, "unknown priv '%s'", v);
                    rc = -EINVAL;
                }
            } else if (!strcmp(key, "map")) {
                if (out->n_maps == GEN_MAX_MAPS) {
                    snprintf(err, errlen, "more than %d maps", GEN_MAX_MAPS);
                    rc = -EINVAL;
                } else {
                    rc = parse_map(v, &out->maps[out->n_maps++], err, errlen);
                }
            } else if (!strcmp(key, "seed")) {
                out->seed = strtoull(v, NULL, 0);
            }
        }
        free(copy);
        if (!rc) {
            char aerr[VM_ERR_LEN];
            rc = vm_asm((const char *)buf, len, cli_basename(path), &out->prog, aerr, sizeof aerr);
            if (rc)
                snprintf(err, errlen, "%s", aerr);
        }
    } else {
        rc = vm_prog_from_bytes(buf, len, cli_basename(path), &out->prog, err, errlen);
    }
    free(buf);
    if (!rc && !out->prog_type) {
        snprintf(err, errlen, "no program type: give --type xdp|tc|socket (or a '# prog_type:' "
                 "line)");
        rc = -EINVAL;
    }
    if (rc)
        gen_program_free(out);
    return rc;
}

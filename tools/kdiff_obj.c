/* tools/kdiff_obj.c - the parts of kdiff that read files: bpfemu's side of
 * an ELF object, and --map-in JSON applied to both sides (kept apart from
 * tools/kdiff.c so that the fuzz targets need no file or JSON code). */
#include "tools/kdiff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/json.h"
#include "tools/kbpf.h"
#include "tools/map_json.h"
#include "tools/tools.h"

static bool is_percpu(uint32_t t)
{
    return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
           t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

int kd_emu_from_obj(const char *path, const char *section, const struct helper_env_opts *eo,
                    struct kd_emu **out, char *err, size_t errlen)
{
    *out = NULL;
    uint8_t *buf;
    size_t len;
    int e0 = cli_read_file_errno(path, &buf, &len);
    if (e0) {
        snprintf(err, errlen, "%s", strerror(e0));
        return -e0;
    }
    struct kd_emu *e = calloc(1, sizeof(*e));
    if (!e) {
        free(buf);
        return -ENOMEM;
    }
    int rc = vm_object_load_elf(buf, len, cli_basename(path), &e->obj, err, errlen);
    free(buf);
    if (rc)
        goto fail;
    rc = helper_env_create(e->obj, eo, &e->env, err, errlen);
    if (rc)
        goto fail;
    if (section) {
        e->prog = helper_env_prog(e->env, section);
        if (!e->prog) {
            snprintf(err, errlen, "no program or section named '%s'", section);
            rc = -ENOENT;
            goto fail;
        }
    } else if (e->obj->n_progs == 1) {
        e->prog = helper_env_prog(e->env, e->obj->progs[0].name);
    } else {
        snprintf(err, errlen, "the object has %u programs: choose one with --section",
                 e->obj->n_progs);
        rc = -EINVAL;
        goto fail;
    }
    *out = e;
    return 0;
fail:
    kd_emu_destroy(e);
    return rc ? rc : -EINVAL;
}

/* Bytes of a JSON key or value: hex string or little-endian integer. */
static int json_bytes(const struct json *j, uint8_t *out, size_t size)
{
    uint64_t v;
    if (j && j->type == JSON_NUMBER) {
        if (!json_u64(j, &v))
            return -EINVAL;
        memset(out, 0, size);
        for (size_t i = 0; i < size && i < 8; i++)
            out[i] = (uint8_t)(v >> (8 * i));
        return 0;
    }
    if (!j || j->type != JSON_STRING)
        return -EINVAL;
    const char *s = j->str;
    if (!strncmp(s, "0x", 2))
        s += 2;
    if (strlen(s) != 2 * size)
        return -EINVAL;
    for (size_t i = 0; i < size; i++) {
        unsigned b;
        if (sscanf(s + 2 * i, "%2x", &b) != 1)
            return -EINVAL;
        out[i] = (uint8_t)b;
    }
    return 0;
}

int kd_apply_map_json(struct kd_emu *e, struct kd_kernel *k, const char *text, size_t len,
                      char *err, size_t errlen)
{
    int rc = map_json_load(text, len, e->env, 1, err, errlen);
    if (rc)
        return rc;
    if (!k)
        return 0;
    struct json *root = json_parse(text, len, err, errlen);
    if (!root)
        return -EINVAL;
    const struct json *maps = json_get(root, "maps");
    for (size_t i = 0; maps && maps->type == JSON_ARRAY && i < maps->n && !rc; i++) {
        const struct json *name = json_get(maps->items[i], "name");
        const struct json *entries = json_get(maps->items[i], "entries");
        if (!name || name->type != JSON_STRING || !entries || entries->type != JSON_ARRAY)
            continue;
        struct kd_kmap *km = kd_kernel_map(k, name->str);
        if (!km) {
            snprintf(err, errlen, "map '%s': not in the kernel's object", name->str);
            rc = -ENOENT;
            break;
        }
        unsigned ncpu = is_percpu(km->type) ? kbpf_possible_cpus() : 1;
        size_t stride = is_percpu(km->type) ? ((km->value_size + 7) & ~7u) : km->value_size;
        uint8_t *key = calloc(1, km->key_size + 1), *val = calloc(ncpu, stride + 8);
        if (!key || !val)
            abort();
        for (size_t n = 0; n < entries->n && !rc; n++) {
            const struct json *en = entries->items[n];
            const struct json *vj = json_get(en, "value");
            const struct json *vals = json_get(en, "values");
            if (!vj && vals && vals->type == JSON_ARRAY && vals->n)
                vj = vals->items[0];
            if (json_bytes(json_get(en, "key"), key, km->key_size) ||
                json_bytes(vj, val, km->value_size)) {
                snprintf(err, errlen, "map '%s': entry %zu: bad key or value", name->str, n);
                rc = -EINVAL;
                break;
            }
            for (unsigned c = 1; c < ncpu; c++)
                memcpy(val + c * stride, val, km->value_size);
            int u = kbpf_map_update(km->fd, key, val, BPF_ANY);
            if (u) {
                snprintf(err, errlen, "map '%s': entry %zu: kernel update: %s", name->str, n,
                         strerror(-u));
                rc = u;
            }
        }
        free(key);
        free(val);
    }
    json_free(root);
    return rc;
}

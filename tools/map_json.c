/* tools/map_json.c - map contents as JSON for --map-in / --map-out.
 *
 * {"maps": [{"name": "stats", "type": "percpu_array", "key_size": 4,
 *            "value_size": 8, "max_entries": 4,
 *            "entries": [{"key": "00000000", "value": "0100000000000000"}]}]}
 *
 * When the object's BTF describes the map's types, each entry also has a
 * "formatted" {"key": ..., "value": ...} with typed values (as bpftool -j
 * prints them); input reads only the hex forms.
 * Keys and values are hex strings of exactly key_size / value_size bytes
 * (a JSON integer is accepted on input: little-endian in that size);
 * per-CPU maps give "values": [one hex string per CPU]. Ring buffers and
 * perf event arrays list the records they hold as "records". */
#include "tools/map_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
    fputc('"', f);
}

static bool is_percpu(uint32_t type)
{
    return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
           type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool has_plain_entries(uint32_t type)
{
    switch (type) {
    case BPF_MAP_TYPE_PROG_ARRAY: case BPF_MAP_TYPE_RINGBUF: case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
    case BPF_MAP_TYPE_QUEUE: case BPF_MAP_TYPE_STACK: case BPF_MAP_TYPE_ARRAY_OF_MAPS:
    case BPF_MAP_TYPE_HASH_OF_MAPS:
        return false;
    }
    return true;
}

struct rec_ctx {
    FILE *f;
    bool first;
};

static int put_record(void *ctx, const void *data, size_t size)
{
    struct rec_ctx *rc = ctx;
    fputs(rc->first ? "" : ", ", rc->f);
    rc->first = false;
    put_hex(rc->f, data, size);
    return 0;
}

/* The BTF form of one key or value, or JSON null. */
static void put_typed(FILE *f, const struct vm_object *obj, uint32_t type_id, const void *data,
                      size_t size)
{
    char *json = NULL;
    if (type_id && vm_object_format(obj, type_id, data, size, &json) == 0)
        fputs(json, f);
    else
        fputs("null", f);
    free(json);
}

static void dump_entries(FILE *f, struct maps_map *m, const struct maps_attr *a, uint32_t ncpus,
                         const struct vm_object *obj, const struct vm_map_def *def)
{
    bool typed = def && (def->btf_key_type_id || def->btf_value_type_id);
    size_t stride = (a->value_size + 7) & ~(size_t)7;
    size_t vlen = is_percpu(a->type) ? stride * ncpus : a->value_size;
    uint8_t *key = calloc(1, a->key_size + 1), *next = calloc(1, a->key_size + 1);
    uint8_t *val = calloc(1, vlen + 1);
    bool first = true, have = false;
    fputs("\"entries\": [", f);
    while (key && next && val && maps_user_next_key(m, have ? key : NULL, next) == 0) {
        memcpy(key, next, a->key_size);
        have = true;
        if (maps_user_lookup(m, key, val) != 0)
            continue;
        fprintf(f, "%s\n      {\"key\": ", first ? "" : ",");
        first = false;
        put_hex(f, key, a->key_size);
        if (is_percpu(a->type)) {
            fputs(", \"values\": [", f);
            for (uint32_t c = 0; c < ncpus; c++) {
                fputs(c ? ", " : "", f);
                put_hex(f, val + c * stride, a->value_size);
            }
            fputc(']', f);
        } else {
            fputs(", \"value\": ", f);
            put_hex(f, val, a->value_size);
        }
        if (typed) {
            fputs(", \"formatted\": {\"key\": ", f);
            put_typed(f, obj, def->btf_key_type_id, key, a->key_size);
            if (is_percpu(a->type)) {
                fputs(", \"values\": [", f);
                for (uint32_t c = 0; c < ncpus; c++) {
                    fputs(c ? ", " : "", f);
                    put_typed(f, obj, def->btf_value_type_id, val + c * stride, a->value_size);
                }
                fputs("]}", f);
            } else {
                fputs(", \"value\": ", f);
                put_typed(f, obj, def->btf_value_type_id, val, a->value_size);
                fputc('}', f);
            }
        }
        fputc('}', f);
    }
    fputs(first ? "]" : "\n    ]", f);
    free(key);
    free(next);
    free(val);
}

void map_json_dump(FILE *f, struct helper_env *env, uint32_t ncpus)
{
    fputs("{\"maps\": [", f);
    bool first = true;
    for (uint32_t i = 0; i < helper_env_map_count(env); i++) {
        const char *name;
        struct maps_map *m = helper_env_map_at(env, i, &name);
        if (!m)
            continue;
        const struct maps_attr *a = maps_get_attr(m);
        const char *type = maps_type_name(a->type);
        fprintf(f, "%s\n  {\"name\": \"%s\", \"type\": \"%s\", \"key_size\": %u, \"value_size\": %u, "
                   "\"max_entries\": %u,\n    ",
                first ? "" : ",", name, type ? type : "unknown", a->key_size, a->value_size,
                a->max_entries);
        first = false;
        if (a->type == BPF_MAP_TYPE_RINGBUF || a->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
            struct rec_ctx rc = {f, true};
            fputs("\"records\": [", f);
            if (a->type == BPF_MAP_TYPE_RINGBUF)
                maps_ringbuf_consume(m, put_record, &rc);
            else
                maps_perf_consume(m, put_record, &rc);
            fputs("]}", f);
        } else if (has_plain_entries(a->type)) {
            const struct vm_object *obj = helper_env_object(env);
            dump_entries(f, m, a, ncpus, obj, i < obj->n_maps ? &obj->maps[i] : NULL);
            fputc('}', f);
        } else {
            fputs("\"entries\": []}", f);
        }
    }
    fputs(first ? "]}\n" : "\n]}\n", f);
}

/* Bytes of a key or value: a hex string of exactly `size` bytes, or an
 * integer stored little-endian in `size` bytes. */
static int json_bytes(const struct json *j, uint8_t *out, size_t size, char *err, size_t errlen,
                      const char *what)
{
    uint64_t v;
    if (j && j->type == JSON_NUMBER) {
        if (!json_u64(j, &v) || (size < 8 && v >> (8 * size))) {
            snprintf(err, errlen, "line %u: %s %s does not fit in %zu bytes", j->line, what, j->str,
                     size);
            return -EINVAL;
        }
        memset(out, 0, size);
        for (size_t i = 0; i < size && i < 8; i++)
            out[i] = (uint8_t)(v >> (8 * i));
        return 0;
    }
    if (!j || j->type != JSON_STRING) {
        snprintf(err, errlen, "line %u: %s must be a hex string or an integer", j ? j->line : 0,
                 what);
        return -EINVAL;
    }
    const char *s = j->str;
    if (!strncmp(s, "0x", 2))
        s += 2;
    size_t n = strlen(s);
    if (n != 2 * size) {
        snprintf(err, errlen, "line %u: %s \"%s\" is %zu hex digits, the map needs %zu (%zu bytes)",
                 j->line, what, j->str, n, 2 * size, size);
        return -EINVAL;
    }
    for (size_t i = 0; i < size; i++) {
        unsigned b;
        if (sscanf(s + 2 * i, "%2x", &b) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", s[2 * i + 1])) {
            snprintf(err, errlen, "line %u: %s \"%s\" is not hex", j->line, what, j->str);
            return -EINVAL;
        }
        out[i] = (uint8_t)b;
    }
    return 0;
}

static int load_entry(struct maps_map *m, const char *name, const struct json *e, uint32_t ncpus,
                      char *err, size_t errlen)
{
    const struct maps_attr *a = maps_get_attr(m);
    size_t stride = (a->value_size + 7) & ~(size_t)7;
    size_t vlen = is_percpu(a->type) ? stride * ncpus : a->value_size;
    uint8_t *key = calloc(1, a->key_size + 1), *val = calloc(1, vlen + 1);
    int rc = -ENOMEM;
    if (!key || !val)
        goto out;
    if ((rc = json_bytes(json_get(e, "key"), key, a->key_size, err, errlen, "key")))
        goto out;
    const struct json *values = json_get(e, "values");
    if (is_percpu(a->type) && values) {
        if (values->type != JSON_ARRAY || values->n != ncpus) {
            snprintf(err, errlen, "line %u: map '%s': \"values\" needs one value per CPU (%u)",
                     values->line, name, ncpus);
            rc = -EINVAL;
            goto out;
        }
        for (uint32_t c = 0; c < ncpus; c++)
            if ((rc = json_bytes(values->items[c], val + c * stride, a->value_size, err, errlen,
                                 "value")))
                goto out;
    } else {
        if ((rc = json_bytes(json_get(e, "value"), val, a->value_size, err, errlen, "value")))
            goto out;
        for (uint32_t c = 1; is_percpu(a->type) && c < ncpus; c++)
            memcpy(val + c * stride, val, a->value_size);
    }
    rc = maps_user_update(m, key, val, BPF_ANY);
    if (rc)
        snprintf(err, errlen, "line %u: map '%s': update failed: %s", e->line, name, strerror(-rc));
out:
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory");
    free(key);
    free(val);
    return rc;
}

int map_json_load(const char *text, size_t len, struct helper_env *env, uint32_t ncpus, char *err,
                  size_t errlen)
{
    struct json *root = json_parse(text, len, err, errlen);
    if (!root)
        return -EINVAL;
    int rc = 0;
    const struct json *maps = json_get(root, "maps");
    if (!maps || maps->type != JSON_ARRAY) {
        snprintf(err, errlen, "line %u: expected {\"maps\": [...]}", root->line);
        rc = -EINVAL;
    }
    for (size_t i = 0; !rc && i < maps->n; i++) {
        const struct json *mj = maps->items[i];
        const struct json *name = json_get(mj, "name");
        if (!name || name->type != JSON_STRING) {
            snprintf(err, errlen, "line %u: a map needs a \"name\"", mj->line);
            rc = -EINVAL;
            break;
        }
        struct maps_map *m = helper_env_map(env, name->str);
        if (!m) {
            snprintf(err, errlen, "line %u: the object has no map named '%s'", name->line, name->str);
            rc = -ENOENT;
            break;
        }
        const struct json *entries = json_get(mj, "entries");
        if (!entries)
            continue;
        if (entries->type != JSON_ARRAY) {
            snprintf(err, errlen, "line %u: \"entries\" must be an array", entries->line);
            rc = -EINVAL;
            break;
        }
        for (size_t k = 0; !rc && k < entries->n; k++)
            rc = load_entry(m, name->str, entries->items[k], ncpus, err, errlen);
    }
    json_free(root);
    return rc;
}

/* helpers/api_obj.c - the object part of include/bpfemu.h (objects, maps,
 * test runs, helper mocks and call recording) over vm/ and helpers/. */
#include "bpfemu.h"
#include "helpers/helpers_internal.h"
#include "jit/jit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bpfemu_obj {
    struct vm_object *obj;
    struct helper_env *env;
};

static void set_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

bpfemu_obj *bpfemu_obj_open_mem(const void *buf, size_t len, const char *name,
                                const struct bpfemu_obj_opts *opts, char *err, size_t errlen)
{
    bpfemu_obj *o = calloc(1, sizeof(*o));
    if (!o) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    struct helper_env_opts eo = {0};
    if (opts) {
        eo.ncpus = opts->ncpus;
        eo.clock_ns = opts->clock_ns;
        eo.clock_step_ns = opts->clock_step_ns;
        eo.prng_seed = opts->prng_seed;
    }
    if (vm_object_load_elf(buf, len, name, &o->obj, err, errlen) ||
        helper_env_create(o->obj, &eo, &o->env, err, errlen)) {
        bpfemu_obj_close(o);
        return NULL;
    }
    return o;
}

int bpfemu_obj_set_jit(bpfemu_obj *o, bool on, char *err, size_t errlen)
{
    return helper_env_set_jit(o->env, on ? JIT_CHECKED : 0, err, errlen);
}

bpfemu_obj *bpfemu_obj_open(const char *path, const struct bpfemu_obj_opts *opts, char *err,
                            size_t errlen)
{
    uint8_t *buf;
    size_t len;
    char msg[512];
    if (helper_read_file(path, &buf, &len, msg, sizeof msg)) {
        if (err && errlen)
            snprintf(err, errlen, "%s", msg);
        return NULL;
    }
    const char *base = strrchr(path, '/');
    bpfemu_obj *o = bpfemu_obj_open_mem(buf, len, base ? base + 1 : path, opts, err, errlen);
    free(buf);
    return o;
}

void bpfemu_obj_close(bpfemu_obj *o)
{
    if (!o)
        return;
    helper_env_destroy(o->env);
    vm_object_free(o->obj);
    free(o);
}

unsigned bpfemu_obj_prog_count(const bpfemu_obj *o) { return o->obj->n_progs; }

const char *bpfemu_obj_prog_name(const bpfemu_obj *o, unsigned i)
{
    return i < o->obj->n_progs ? o->obj->progs[i].name : NULL;
}

bpfemu_map *bpfemu_obj_map(bpfemu_obj *o, const char *name) { return helper_env_map(o->env, name); }

int bpfemu_map_info(const bpfemu_map *m, uint32_t *type, uint32_t *key_size, uint32_t *value_size,
                    uint32_t *max_entries)
{
    const struct maps_attr *a = maps_get_attr(m);
    if (type)
        *type = a->type;
    if (key_size)
        *key_size = a->key_size;
    if (value_size)
        *value_size = a->value_size;
    if (max_entries)
        *max_entries = a->max_entries;
    return 0;
}

int bpfemu_map_lookup(bpfemu_map *m, const void *key, void *value)
{
    return maps_user_lookup(m, key, value);
}

int bpfemu_map_update(bpfemu_map *m, const void *key, const void *value, uint64_t flags)
{
    return maps_user_update(m, key, value, flags);
}

int bpfemu_map_delete(bpfemu_map *m, const void *key) { return maps_user_delete(m, key); }

int bpfemu_map_next_key(bpfemu_map *m, const void *key, void *next_key)
{
    return maps_user_next_key(m, key, next_key);
}

int bpfemu_obj_test_run(bpfemu_obj *o, const char *prog, struct bpfemu_test_run *tr, char *err,
                        size_t errlen)
{
    struct helper_prog *p = prog ? helper_env_prog(o->env, prog)
                            : o->obj->n_progs == 1 ? helper_env_prog(o->env, o->obj->progs[0].name)
                                                   : NULL;
    if (!p) {
        if (err && errlen)
            snprintf(err, errlen, prog ? "no program or section named '%s'"
                                       : "the object has several programs: name one",
                     prog ? prog : "");
        return -ENOENT;
    }
    struct helper_test_run h = {
        .data_in = tr->data_in,
        .data_size_in = tr->data_size_in,
        .ctx_in = tr->ctx_in,
        .ctx_size_in = tr->ctx_size_in,
        .repeat = tr->repeat,
    };
    int rc = helper_test_run(p, &h, err, errlen);
    tr->retval = h.retval;
    tr->duration_ns = h.duration_ns;
    tr->data_out = h.data_out;
    tr->data_size_out = h.data_size_out;
    tr->ctx_out = h.ctx_out;
    tr->ctx_size_out = h.ctx_size_out;
    tr->trace = h.trace;
    tr->trace_len = h.trace_len;
    return rc;
}

void bpfemu_test_run_free(struct bpfemu_test_run *tr)
{
    free(tr->data_out);
    free(tr->ctx_out);
    free(tr->trace);
    tr->data_out = tr->ctx_out = NULL;
    tr->trace = NULL;
}

int bpfemu_obj_mock_helper(bpfemu_obj *o, int32_t id, bpfemu_helper_fn fn, void *user)
{
    return helper_env_override(o->env, id, fn, user);
}

void bpfemu_obj_record_calls(bpfemu_obj *o, bool on) { helper_env_record_calls(o->env, on); }

const struct bpfemu_call *bpfemu_obj_calls(const bpfemu_obj *o, size_t *count)
{
    /* the two structs have the same layout by construction */
    _Static_assert(sizeof(struct bpfemu_call) == sizeof(struct helper_call_record),
                   "bpfemu_call mirrors helper_call_record");
    return (const struct bpfemu_call *)helper_env_calls(o->env, count);
}

void bpfemu_obj_clear_calls(bpfemu_obj *o) { helper_env_clear_calls(o->env); }

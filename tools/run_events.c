/* tools/run_events.c - `bpfemu run OBJ --events FILE`: a tracing program
 * (kprobe, tracepoint, raw tracepoint) run on a file of synthetic events,
 * one after the other on the same maps, printing per event the return
 * value, the records every ring buffer and perf event array received and
 * the trace_printk lines. The file (YAML):
 *
 *   tracepoint_format: ../tracepoints/syscalls/sys_enter_kill.format
 *   events:
 *     - {task: {pid: 1234, comm: bash}, fields: {pid: 42, sig: 9}}
 *     - {fields: {pid: 43, sig: 15}, time_ns: 2000}
 *
 * or just the list. Each event is as `event:` in test files
 * (tools/testspec_event.c). */
#include "tools/run_object.h"
#include "tools/testspec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ev_file {
    struct ynode *root;
    struct ts_event *ev;
    size_t n;
    char *tp_format;           /* resolved against the file's directory */
};

static void ev_file_free(struct ev_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        ts_event_free(&f->ev[i]);
    free(f->ev);
    free(f->tp_format);
    ytree_free(f->root);
}

/* A path relative to the events file's directory. */
static char *relative_to(const char *file, const char *p)
{
    const char *slash = strrchr(file, '/');
    if (p[0] == '/' || !slash)
        return strdup(p);
    size_t n = (size_t)(slash - file) + strlen(p) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%.*s/%s", (int)(slash - file), file, p);
    return s;
}

static int ev_file_load(const char *path, struct ev_file *f)
{
    uint8_t *buf;
    size_t len;
    char err[768];
    memset(f, 0, sizeof *f);
    if (cli_read_file(path, &buf, &len))
        return -1;
    f->root = ytree_load((const char *)buf, len, err, sizeof err);
    free(buf);
    if (!f->root) {
        cli_error(path, "%s", err);
        return -1;
    }
    const struct ynode *list = f->root;
    if (f->root->type == Y_MAP) {
        for (size_t i = 0; i < f->root->n; i++) {
            const struct ynode *k = f->root->keys[i], *v = f->root->items[i];
            if (!strcmp(k->str, "events")) {
                list = v;
            } else if (!strcmp(k->str, "tracepoint_format") && v->type == Y_SCALAR) {
                if (!(f->tp_format = relative_to(path, v->str))) {
                    cli_error(path, "out of memory");
                    return -1;
                }
            } else {
                cli_error(path, "line %u: unknown key '%s' (events, tracepoint_format)", k->line,
                          k->str);
                return -1;
            }
        }
        if (list == f->root) {
            cli_error(path, "line %u: no events: give a list, or events: [...]", f->root->line);
            return -1;
        }
    }
    if (list->type != Y_SEQ || !list->n) {
        cli_error(path, "line %u: events: a non-empty list of events", list->line);
        return -1;
    }
    if (!(f->ev = calloc(list->n, sizeof *f->ev))) {
        cli_error(path, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < list->n; i++) {
        if (ts_event_parse(list->items[i], &f->ev[i], err, sizeof err)) {
            cli_error(path, "%s", err);
            return -1;
        }
        f->n++;
    }
    return 0;
}

/* The records a ring buffer / perf event array received, drained. */
struct rec_out {
    FILE *out;
    bool json, first;
    const char *map;
    unsigned n;
    const struct vm_object *obj;
    uint32_t type_id, type_size; /* --record-type of this map, or 0 */
};

/* The records of a map as a BTF struct (JSON), or NULL: hex. */
static char *record_json(const struct rec_out *r, const void *data, size_t size)
{
    char *json = NULL;
    /* perf records carry up to 7 bytes of padding after the struct */
    if (r->type_id && size >= r->type_size && size - r->type_size < 8 &&
        vm_object_format(r->obj, r->type_id, data, r->type_size, &json) == 0)
        return json;
    return NULL;
}

static int print_record(void *ctx, const void *data, size_t size)
{
    struct rec_out *r = ctx;
    const uint8_t *p = data;
    char *typed = record_json(r, data, size);
    if (r->json) {
        fprintf(r->out, "%s{\"map\": \"%s\", \"hex\": \"", r->first ? "" : ", ", r->map);
        for (size_t i = 0; i < size; i++)
            fprintf(r->out, "%02x", p[i]);
        fputc('"', r->out);
        if (typed)
            fprintf(r->out, ", \"value\": %s", typed);
        fputc('}', r->out);
    } else if (typed) {
        fprintf(r->out, "  %s record %u: %s\n", r->map, r->n, typed);
    } else {
        fprintf(r->out, "  %s record %u (%zu bytes):", r->map, r->n, size);
        for (size_t i = 0; i < size; i++)
            fprintf(r->out, "%s%02x", i % 16 ? " " : "\n    ", p[i]);
        fputc('\n', r->out);
    }
    free(typed);
    r->first = false;
    r->n++;
    return 0;
}

/* --record-type MAP=STRUCT for this map, or 0. */
static uint32_t record_type(const struct run_obj_opts *o, const struct vm_object *obj,
                            const char *map, uint32_t *size)
{
    for (size_t i = 0; i < o->n_record_types; i++) {
        const char *eq = strchr(o->record_types[i], '=');
        size_t n = eq ? (size_t)(eq - o->record_types[i]) : 0;
        if (eq && strlen(map) == n && !strncmp(map, o->record_types[i], n)) {
            uint32_t id = helper_btf_struct_id(obj, eq + 1);
            struct vm_btf_type bt;
            if (id && !vm_btf_type(obj, id, &bt)) {
                *size = bt.size;
                return id;
            }
        }
    }
    return 0;
}

static void drain_records(const struct run_obj_opts *o, struct helper_env *env, bool json)
{
    struct rec_out r = {.out = stdout, .json = json, .first = true,
                        .obj = helper_env_object(env)};
    if (json)
        fputs(", \"records\": [", stdout);
    for (uint32_t i = 0; i < helper_env_map_count(env); i++) {
        const char *name;
        struct maps_map *m = helper_env_map_at(env, i, &name);
        if (!m)
            continue;
        r.map = name;
        r.n = 0;
        r.type_id = record_type(o, r.obj, name, &r.type_size);
        uint32_t type = maps_get_attr(m)->type;
        if (type == BPF_MAP_TYPE_RINGBUF)
            maps_ringbuf_consume(m, print_record, &r);
        else if (type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
            maps_perf_consume(m, print_record, &r);
    }
    if (json)
        fputc(']', stdout);
}

static void print_trace(const char *trace, size_t len, bool json)
{
    if (json) {
        fputs(", \"trace\": [", stdout);
        bool first = true;
        for (size_t i = 0; i < len;) {
            const char *nl = memchr(trace + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (trace + i)) : len - i;
            fputs(first ? "\"" : ", \"", stdout);
            for (size_t k = 0; k < n; k++) {
                unsigned char c = (unsigned char)trace[i + k];
                if (c == '"' || c == '\\')
                    printf("\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                    printf("\\u%04x", c);
                else
                    putchar(c);
            }
            putchar('"');
            first = false;
            i += n + 1;
        }
        putchar(']');
        return;
    }
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(trace + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (trace + i)) : len - i;
        printf("  trace: %.*s\n", (int)n, trace + i);
        i += n + 1;
    }
}

/* The first n bytes of s in buf (NUL-terminated); returns buf. */
static const char *strndup_len(const char *s, size_t n, char *buf, size_t len)
{
    snprintf(buf, len, "%.*s", (int)n, s);
    return buf;
}

int run_events(const struct run_obj_opts *o)
{
    char err[768];
    struct vm_object *obj = NULL;
    struct helper_env *env = NULL;
    struct ev_file f;
    struct ts_event_built *b = malloc(sizeof *b);
    int rc = CLI_EXIT_BAD_INPUT;
    bool loaded = false;
    if (!b) {
        cli_error("run", "out of memory");
        return rc;
    }
    if (ev_file_load(o->events, &f)) {
        ev_file_free(&f);
        free(b);
        return rc;
    }
    loaded = true;
    const char *tp_format = o->tp_format ? o->tp_format : f.tp_format;
    if ((rc = object_open(o->file, &obj, err, sizeof err)))
        goto out;
    rc = CLI_EXIT_BAD_INPUT;
    struct helper_env_opts eo = o->env->opts;
    eo.budget = o->budget;
    if (helper_env_create(obj, &eo, &env, err, sizeof err)) {
        cli_error(o->file, "%s", err);
        goto out;
    }
    if (env_cli_apply(o->env, env))
        goto out;
    struct helper_prog *prog = object_pick_prog(o->file, env, obj, o->section);
    if (!prog)
        goto out;
    const struct vm_obj_prog *info = helper_prog_info(prog);
    if (!helper_prog_type_is_trace(helper_prog_type(prog))) {
        cli_error(o->file, "program '%s' (section %s) runs on packets, not events: give it "
                  "--data or --pcap", info->name, info->section);
        goto out;
    }
    for (size_t i = 0; i < o->n_record_types; i++) {
        const char *rt = o->record_types[i], *eq = strchr(rt, '=');
        if (!eq || eq == rt || !helper_btf_struct_id(obj, eq + 1)) {
            cli_error("--record-type", "'%s': expected MAP=STRUCT with a struct of the object's "
                      "BTF", rt);
            goto out;
        }
        if (!helper_env_map(env, strndup_len(rt, (size_t)(eq - rt), err, sizeof err))) {
            cli_error("--record-type", "'%s': the object has no map '%s'", rt, err);
            goto out;
        }
    }
    /* every event is checked before anything runs: a bad one is bad input */
    uint32_t ncpus = eo.ncpus ? eo.ncpus : 1;
    for (size_t i = 0; i < f.n; i++) {
        if (ts_event_build(&f.ev[i], helper_prog_type(prog), info->section, tp_format, b, err,
                           sizeof err)) {
            cli_error(o->events, "%s", err);
            goto out;
        }
        if (f.ev[i].cpu >= ncpus) {
            cli_error(o->events, "line %u: event.cpu: CPU %u does not exist (--cpus %u)",
                      f.ev[i].line, f.ev[i].cpu, ncpus);
            goto out;
        }
    }
    if (!o->no_verify && object_verify(o->file, env, prog, o->priv, true))
        goto out;
    rc = CLI_EXIT_OK;
    for (size_t i = 0; i < f.n; i++) {
        ts_event_build(&f.ev[i], helper_prog_type(prog), info->section, tp_format, b, err,
                       sizeof err);
        if (!b->ev.cpu)
            b->ev.cpu = o->env->cpu;
        struct helper_test_run tr = {.repeat = 1};
        int xrc = helper_trace_run(prog, &b->ev, &tr, err, sizeof err);
        if (o->json) {
            printf("{\"event\": %zu, \"line\": %u, \"program\": \"%s\"", i, f.ev[i].line,
                   info->name);
            if (xrc)
                printf(", \"retval\": null");
            else
                printf(", \"retval\": %" PRId32, (int32_t)tr.retval);
        } else if (xrc) {
            printf("event %zu (line %u): failed\n", i, f.ev[i].line);
        } else {
            printf("event %zu (line %u): retval %" PRId32 "\n", i, f.ev[i].line,
                   (int32_t)tr.retval);
        }
        drain_records(o, env, o->json);
        print_trace(tr.trace ? tr.trace : "", tr.trace_len, o->json);
        if (o->json) {
            fputs(", \"error\": ", stdout);
            if (xrc) {
                putchar('"');
                for (const char *p = err; *p; p++)
                    printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
                putchar('"');
            } else {
                fputs("null", stdout);
            }
            puts("}");
        } else if (xrc) {
            printf("  error: %s\n", err);
        }
        if (xrc) {
            cli_error(o->file, "event %zu (line %u): %s", i, f.ev[i].line, err);
            rc = CLI_EXIT_RUN_FAILED;
        }
        helper_test_run_free(&tr);
        if (xrc)
            break;
    }
out:
    if (loaded)
        ev_file_free(&f);
    free(b);
    helper_env_destroy(env);
    vm_object_free(obj);
    return rc;
}

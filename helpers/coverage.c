/* helpers/coverage.c - what the runs of programs executed, per C source
 * line: the interpreter counts executions and taken jumps per instruction
 * (vm_coverage_*), BTF line info maps instructions to lines. Counts are
 * kept per object and program, accumulated over any number of
 * environments, and written as an lcov tracefile or an annotated listing.
 *
 * A line's count is the largest count among the instructions attributed to
 * it, summed over programs (two programs that inline a line each count
 * their own executions of it). Each
 * conditional jump is a branch block of two branches: 0 taken, 1 not
 * taken ("-" when the jump never executed). Functions: each program's
 * entry and each subprogram, where the loader linked them (vm_obj_prog's
 * funcs), at the source line of their first instruction. */
#include "helpers/helpers_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cov_line {
    uint32_t insn, line, file;
};

struct cov_func {
    uint32_t insn;
    char *name;
};

struct cov_prog {
    char *obj, *name;
    uint32_t len;
    uint64_t *hits, *taken;
    uint8_t *cond;             /* a conditional jump at this slot */
    struct cov_line *lines;
    uint32_t n_lines;
    struct cov_func *funcs;
    uint32_t n_funcs;
};

struct cov_text {
    uint32_t line;
    char *text;
};

struct cov_file {
    char *name;                /* as BTF names it */
    char *path;                /* found on disk, or NULL */
    struct cov_text *texts;    /* source lines BTF carries (the fallback) */
    size_t n_texts;
};

struct helper_cov {
    struct cov_prog *progs;
    size_t n_progs;
    struct cov_file *files;
    size_t n_files;
};

struct helper_cov *helper_cov_new(void) { return calloc(1, sizeof(struct helper_cov)); }

void helper_cov_free(struct helper_cov *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_progs; i++) {
        struct cov_prog *p = &c->progs[i];
        free(p->obj);
        free(p->name);
        free(p->hits);
        free(p->taken);
        free(p->cond);
        free(p->lines);
        for (uint32_t k = 0; k < p->n_funcs; k++)
            free(p->funcs[k].name);
        free(p->funcs);
    }
    free(c->progs);
    for (size_t i = 0; i < c->n_files; i++) {
        free(c->files[i].name);
        free(c->files[i].path);
        for (size_t k = 0; k < c->files[i].n_texts; k++)
            free(c->files[i].texts[k].text);
        free(c->files[i].texts);
    }
    free(c->files);
    free(c);
}

/* A source file BTF names: absolute, or relative to where clang ran, which
 * is usually the object's directory or one of its parents. */
static char *find_source(const char *name, const char *obj_path)
{
    char buf[2 * PATH_MAX + 2], dir[PATH_MAX];
    if (name[0] == '/')
        return access(name, R_OK) == 0 ? strdup(name) : NULL;
    snprintf(dir, sizeof dir, "%s", obj_path ? obj_path : "");
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    for (int up = 0; up < 4; up++) {
        snprintf(buf, sizeof buf, "%s/%s", dir, name);
        if (access(buf, R_OK) == 0) {
            char *real = realpath(buf, NULL);
            return real ? real : strdup(buf);
        }
        size_t n = strlen(dir);
        if (n + 4 >= sizeof dir)
            break;
        memcpy(dir + n, "/..", 4);
    }
    if (access(name, R_OK) == 0) {
        char *real = realpath(name, NULL);
        return real ? real : strdup(name);
    }
    return NULL;
}

static int file_index(struct helper_cov *c, const char *name, const char *obj_path, uint32_t *out)
{
    for (size_t i = 0; i < c->n_files; i++)
        if (!strcmp(c->files[i].name, name)) {
            *out = (uint32_t)i;
            return 0;
        }
    struct cov_file *g = realloc(c->files, (c->n_files + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    c->files = g;
    struct cov_file *f = &c->files[c->n_files];
    memset(f, 0, sizeof(*f));
    f->name = strdup(name);
    if (!f->name)
        return -ENOMEM;
    f->path = find_source(name, obj_path);
    *out = (uint32_t)c->n_files++;
    return 0;
}

static int keep_text(struct cov_file *f, uint32_t line, const char *text)
{
    for (size_t i = 0; i < f->n_texts; i++)
        if (f->texts[i].line == line)
            return 0;
    struct cov_text *g = realloc(f->texts, (f->n_texts + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    f->texts = g;
    g[f->n_texts].line = line;
    g[f->n_texts].text = strdup(text ? text : "");
    if (!g[f->n_texts].text)
        return -ENOMEM;
    f->n_texts++;
    return 0;
}

static bool is_cond_jump(const struct bpf_insn *in)
{
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA && op != BPF_CALL &&
           op != BPF_EXIT;
}

static int new_prog(struct helper_cov *c, const char *obj_path, const struct vm_obj_prog *info,
                    struct cov_prog **out)
{
    struct cov_prog *g = realloc(c->progs, (c->n_progs + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    c->progs = g;
    struct cov_prog *p = &c->progs[c->n_progs];
    memset(p, 0, sizeof(*p));
    const struct vm_prog *code = info->prog;
    p->obj = strdup(obj_path ? obj_path : "");
    p->name = strdup(info->name);
    p->len = code->len;
    p->hits = calloc(code->len + 1u, sizeof(uint64_t));
    p->taken = calloc(code->len + 1u, sizeof(uint64_t));
    p->cond = calloc(code->len + 1u, 1);
    p->lines = calloc(info->n_lines + 1u, sizeof(*p->lines));
    p->funcs = calloc(info->n_funcs + 1u, sizeof(*p->funcs));
    c->n_progs++; /* freed by helper_cov_free from here on */
    if (!p->obj || !p->name || !p->hits || !p->taken || !p->cond || !p->lines || !p->funcs)
        return -ENOMEM;
    for (uint32_t i = 0; i < info->n_lines; i++) {
        const struct vm_line_info *li = &info->lines[i];
        uint32_t fi = UINT32_MAX;
        if (!li->file || !li->file[0] || !li->line) { /* compiler-made code: no line */
            p->lines[p->n_lines++] = (struct cov_line){li->insn, 0, UINT32_MAX};
            continue;
        }
        int rc = file_index(c, li->file, obj_path, &fi);
        if (rc || (rc = keep_text(&c->files[fi], li->line, li->text)))
            return rc;
        p->lines[p->n_lines++] = (struct cov_line){li->insn, li->line, fi};
    }
    for (uint32_t i = 0; i < code->len; i++) {
        const struct bpf_insn *in = &code->insns[i];
        p->cond[i] = is_cond_jump(in);
        if (vm_insn_is_lddw(in))
            i++;
    }
    /* functions: where the loader linked each one (the entry first) */
    int rc = 0;
    for (uint32_t k = 0; k < info->n_funcs && !rc; k++) {
        char *n = strdup(info->funcs[k].name);
        if (!n)
            rc = -ENOMEM;
        else
            p->funcs[p->n_funcs++] = (struct cov_func){info->funcs[k].insn, n};
    }
    *out = p;
    return rc;
}

int helper_cov_add_env(struct helper_cov *c, const char *obj_path, struct helper_env *env,
                       char *err, size_t errlen)
{
    const struct vm_object *obj = helper_env_object(env);
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        const struct vm_obj_prog *info = &obj->progs[i];
        struct helper_prog *hp = helper_env_prog(env, info->name);
        const struct vm *vm = hp ? helper_prog_vm(hp) : NULL;
        const uint64_t *hits = vm ? vm_coverage_hits(vm) : NULL;
        const uint64_t *taken = vm ? vm_coverage_taken(vm) : NULL;
        if (!hits || !taken)
            return helper_err(err, errlen, -EINVAL, "program '%s': coverage was not enabled",
                         info->name);
        struct cov_prog *p = NULL;
        for (size_t k = 0; k < c->n_progs && !p; k++)
            if (!strcmp(c->progs[k].obj, obj_path ? obj_path : "") &&
                !strcmp(c->progs[k].name, info->name))
                p = &c->progs[k];
        if (p && p->len != info->prog->len)
            return helper_err(err, errlen, -EINVAL,
                         "program '%s' of %s changed size between runs (%u, then %u instructions)",
                         info->name, obj_path, p->len, info->prog->len);
        if (!p) {
            int rc = new_prog(c, obj_path, info, &p);
            if (rc)
                return helper_err(err, errlen, rc, "out of memory");
        }
        for (uint32_t s = 0; s < p->len; s++) {
            p->hits[s] += hits[s];
            p->taken[s] += taken[s];
        }
    }
    return 0;
}

/* ----------------------------------------------------------- per file ---- */

struct fbranch {
    uint32_t line, block;
    uint64_t hits, taken;
};

struct ffunc {
    uint32_t line;
    const char *name;
    uint64_t hits;
};

struct fdata {
    uint32_t max_line;
    uint64_t *count;           /* per line */
    uint8_t *has;              /* the line has instructions */
    struct fbranch *br;
    size_t n_br;
    struct ffunc *fn;
    size_t n_fn;
};

static void fdata_free(struct fdata *d)
{
    free(d->count);
    free(d->has);
    free(d->br);
    free(d->fn);
}

static int cmp_br(const void *a, const void *b)
{
    const struct fbranch *x = a, *y = b;
    return x->line != y->line ? (x->line < y->line ? -1 : 1) : 0;
}

static int cmp_fn(const void *a, const void *b)
{
    const struct ffunc *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int collect(const struct helper_cov *c, uint32_t file, struct fdata *d)
{
    memset(d, 0, sizeof(*d));
    for (size_t i = 0; i < c->n_progs; i++)
        for (uint32_t k = 0; k < c->progs[i].n_lines; k++)
            if (c->progs[i].lines[k].file == file && c->progs[i].lines[k].line > d->max_line)
                d->max_line = c->progs[i].lines[k].line;
    d->count = calloc(d->max_line + 1u, sizeof(uint64_t));
    d->has = calloc(d->max_line + 1u, 1);
    if (!d->count || !d->has)
        return -ENOMEM;
    for (size_t i = 0; i < c->n_progs; i++) {
        const struct cov_prog *p = &c->progs[i];
        /* slot -> line; a line's count in this program is the largest
         * count among its instructions */
        uint64_t *pmax = calloc(d->max_line + 1u, sizeof(uint64_t));
        if (!pmax)
            return -ENOMEM;
        uint32_t li = 0;
        for (uint32_t s = 0; s < p->len; s++) {
            while (li + 1 < p->n_lines && p->lines[li + 1].insn <= s)
                li++;
            if (!p->n_lines || p->lines[li].insn > s || p->lines[li].file != file)
                continue;
            uint32_t line = p->lines[li].line;
            d->has[line] = 1;
            if (p->hits[s] > pmax[line])
                pmax[line] = p->hits[s];
            if (p->cond[s]) {
                struct fbranch *g = realloc(d->br, (d->n_br + 1) * sizeof(*g));
                if (!g) {
                    free(pmax);
                    return -ENOMEM;
                }
                d->br = g;
                g[d->n_br++] = (struct fbranch){line, 0, p->hits[s], p->taken[s]};
            }
        }
        for (uint32_t l = 0; l <= d->max_line; l++)
            d->count[l] += pmax[l];
        free(pmax);
        for (uint32_t k = 0; k < p->n_funcs; k++) {
            uint32_t s = p->funcs[k].insn, line = 0, lfile = UINT32_MAX;
            for (uint32_t j = 0; j < p->n_lines && p->lines[j].insn <= s; j++) {
                line = p->lines[j].line;
                lfile = p->lines[j].file;
            }
            if (!line || lfile != file)
                continue;
            struct ffunc *g = realloc(d->fn, (d->n_fn + 1) * sizeof(*g));
            if (!g)
                return -ENOMEM;
            d->fn = g;
            g[d->n_fn++] = (struct ffunc){line, p->funcs[k].name, p->hits[s]};
        }
    }
    if (d->n_br)
        qsort(d->br, d->n_br, sizeof(*d->br), cmp_br);
    /* block numbers: per line, in order */
    for (size_t i = 0; i < d->n_br; i++)
        d->br[i].block = (i > 0 && d->br[i - 1].line == d->br[i].line) ? d->br[i - 1].block + 1 : 0;
    if (d->n_fn)
        qsort(d->fn, d->n_fn, sizeof(*d->fn), cmp_fn);
    /* one function name once (the same subprogram linked into two programs) */
    size_t w = 0;
    for (size_t i = 0; i < d->n_fn; i++) {
        if (w && !strcmp(d->fn[w - 1].name, d->fn[i].name) && d->fn[w - 1].line == d->fn[i].line) {
            d->fn[w - 1].hits += d->fn[i].hits;
            continue;
        }
        d->fn[w++] = d->fn[i];
    }
    d->n_fn = w;
    return 0;
}

static int cmp_file(const void *a, const void *b, void *arg)
{
    const struct helper_cov *c = arg;
    const uint32_t *x = a, *y = b;
    return strcmp(c->files[*x].name, c->files[*y].name);
}

static uint32_t *sorted_files(const struct helper_cov *c)
{
    uint32_t *o = malloc((c->n_files + 1) * sizeof(*o));
    if (!o)
        return NULL;
    for (size_t i = 0; i < c->n_files; i++)
        o[i] = (uint32_t)i;
    if (c->n_files)
        qsort_r(o, c->n_files, sizeof(*o), cmp_file, (void *)c);
    return o;
}

void helper_cov_totals(const struct helper_cov *c, struct helper_cov_totals *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t f = 0; f < c->n_files; f++) {
        struct fdata d;
        if (collect(c, (uint32_t)f, &d) == 0) {
            for (uint32_t l = 1; l <= d.max_line; l++)
                if (d.has[l]) {
                    t->lines++;
                    t->lines_hit += d.count[l] > 0;
                }
            for (size_t i = 0; i < d.n_br; i++) {
                t->branches += 2;
                t->branches_hit += (d.br[i].taken > 0) + (d.br[i].hits - d.br[i].taken > 0);
            }
            for (size_t i = 0; i < d.n_fn; i++) {
                t->functions++;
                t->functions_hit += d.fn[i].hits > 0;
            }
        }
        fdata_free(&d);
    }
}

int helper_cov_line(const struct helper_cov *c, const char *file, uint32_t line, uint64_t *count)
{
    for (size_t f = 0; f < c->n_files; f++) {
        const char *n = c->files[f].name, *base = strrchr(n, '/');
        if (strcmp(n, file) && strcmp(base ? base + 1 : n, file))
            continue;
        struct fdata d;
        int rc = collect(c, (uint32_t)f, &d);
        if (rc == 0)
            rc = line <= d.max_line && d.has[line] ? 0 : -ENOENT;
        if (rc == 0)
            *count = d.count[line];
        fdata_free(&d);
        return rc;
    }
    return -ENOENT;
}

int helper_cov_write_lcov(const struct helper_cov *c, FILE *f, const char *test_name)
{
    uint32_t *order = sorted_files(c);
    if (!order)
        return -ENOMEM;
    char tn[128];
    size_t k = 0;
    for (const char *s = test_name ? test_name : ""; *s && k + 1 < sizeof tn; s++)
        tn[k++] = isalnum((unsigned char)*s) || *s == '_' ? *s : '_'; /* lcov: [A-Za-z0-9_] */
    tn[k] = 0;
    int rc = 0;
    for (size_t i = 0; i < c->n_files && !rc; i++) {
        const struct cov_file *cf = &c->files[order[i]];
        struct fdata d;
        if ((rc = collect(c, order[i], &d))) {
            fdata_free(&d);
            break;
        }
        fprintf(f, "TN:%s\nSF:%s\n", tn, cf->path ? cf->path : cf->name);
        size_t fnh = 0;
        for (size_t j = 0; j < d.n_fn; j++)
            fprintf(f, "FN:%u,%s\n", d.fn[j].line, d.fn[j].name);
        for (size_t j = 0; j < d.n_fn; j++) {
            fprintf(f, "FNDA:%llu,%s\n", (unsigned long long)d.fn[j].hits, d.fn[j].name);
            fnh += d.fn[j].hits > 0;
        }
        fprintf(f, "FNF:%zu\nFNH:%zu\n", d.n_fn, fnh);
        size_t brh = 0;
        for (size_t j = 0; j < d.n_br; j++) {
            const struct fbranch *b = &d.br[j];
            if (!b->hits) {
                fprintf(f, "BRDA:%u,%u,0,-\nBRDA:%u,%u,1,-\n", b->line, b->block, b->line, b->block);
                continue;
            }
            fprintf(f, "BRDA:%u,%u,0,%llu\nBRDA:%u,%u,1,%llu\n", b->line, b->block,
                    (unsigned long long)b->taken, b->line, b->block,
                    (unsigned long long)(b->hits - b->taken));
            brh += (b->taken > 0) + (b->hits - b->taken > 0);
        }
        fprintf(f, "BRF:%zu\nBRH:%zu\n", 2 * d.n_br, brh);
        size_t lf = 0, lh = 0;
        for (uint32_t l = 1; l <= d.max_line; l++)
            if (d.has[l]) {
                fprintf(f, "DA:%u,%llu\n", l, (unsigned long long)d.count[l]);
                lf++;
                lh += d.count[l] > 0;
            }
        fprintf(f, "LF:%zu\nLH:%zu\nend_of_record\n", lf, lh);
        fdata_free(&d);
    }
    free(order);
    return rc ? rc : ferror(f) ? -EIO : 0;
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 100.0; }

static void print_branches(FILE *out, const struct fdata *d, uint32_t line)
{
    for (size_t j = 0; j < d->n_br; j++) {
        const struct fbranch *b = &d->br[j];
        if (b->line != line || (b->hits && b->taken && b->hits - b->taken))
            continue;
        if (!b->hits)
            fprintf(out, "%9s  %5s  branch %u never executed\n", "", "", b->block);
        else
            fprintf(out, "%9s  %5s  branch %u: jumped %llu, fell through %llu\n", "", "", b->block,
                    (unsigned long long)b->taken, (unsigned long long)(b->hits - b->taken));
    }
}

int helper_cov_print(const struct helper_cov *c, FILE *out)
{
    uint32_t *order = sorted_files(c);
    if (!order)
        return -ENOMEM;
    for (size_t i = 0; i < c->n_files; i++) {
        const struct cov_file *cf = &c->files[order[i]];
        struct fdata d;
        if (collect(c, order[i], &d)) {
            fdata_free(&d);
            free(order);
            return -ENOMEM;
        }
        size_t lf = 0, lh = 0, bf = 2 * d.n_br, bh = 0, fh = 0;
        for (uint32_t l = 1; l <= d.max_line; l++)
            if (d.has[l]) {
                lf++;
                lh += d.count[l] > 0;
            }
        for (size_t j = 0; j < d.n_br; j++)
            bh += (d.br[j].taken > 0) + (d.br[j].hits - d.br[j].taken > 0);
        for (size_t j = 0; j < d.n_fn; j++)
            fh += d.fn[j].hits > 0;
        fprintf(out, "== %s\n   lines %zu/%zu (%.1f%%), branches %zu/%zu (%.1f%%), functions %zu/%zu\n",
                cf->path ? cf->path : cf->name, lh, lf, pct(lh, lf), bh, bf, pct(bh, bf), fh, d.n_fn);
        FILE *src = cf->path ? fopen(cf->path, "r") : NULL;
        char *line = NULL;
        size_t cap = 0;
        uint32_t no = 0;
        if (src) {
            while (getline(&line, &cap, src) >= 0) {
                no++;
                line[strcspn(line, "\n")] = 0;
                char cnt[24] = "-";
                if (no <= d.max_line && d.has[no]) {
                    if (d.count[no])
                        snprintf(cnt, sizeof cnt, "%llu", (unsigned long long)d.count[no]);
                    else
                        snprintf(cnt, sizeof cnt, "#####");
                }
                fprintf(out, "%9s: %5u: %s\n", cnt, no, line);
                if (no <= d.max_line && d.has[no])
                    print_branches(out, &d, no);
            }
            free(line);
            fclose(src);
        } else {
            fprintf(out, "   (source not found: the lines BTF carries)\n");
            for (uint32_t l = 1; l <= d.max_line; l++) {
                if (!d.has[l])
                    continue;
                const char *text = "";
                for (size_t k = 0; k < cf->n_texts; k++)
                    if (cf->texts[k].line == l)
                        text = cf->texts[k].text;
                char cnt[24] = "#####";
                if (d.count[l])
                    snprintf(cnt, sizeof cnt, "%llu", (unsigned long long)d.count[l]);
                fprintf(out, "%9s: %5u: %s\n", cnt, l, text);
                print_branches(out, &d, l);
            }
        }
        fdata_free(&d);
    }
    free(order);
    struct helper_cov_totals t;
    helper_cov_totals(c, &t);
    fprintf(out, "== total: lines %zu/%zu (%.1f%%), branches %zu/%zu (%.1f%%), functions %zu/%zu\n",
            t.lines_hit, t.lines, pct(t.lines_hit, t.lines), t.branches_hit, t.branches,
            pct(t.branches_hit, t.branches), t.functions_hit, t.functions);
    return ferror(out) ? -EIO : 0;
}

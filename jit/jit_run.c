/* jit/jit_run.c - the JIT as a VM engine: compiling both modes, entering
 * native code (vm_set_engine), and the C functions native code calls on
 * its cold paths. Those do what the checked interpreter does, through the
 * vm's engine interface (vm_engine_access, vm_engine_stop), so messages and
 * errors are the interpreter's own. */
#include "jit/jit_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct jit_cache) <= sizeof(((struct vm_run *)0)->engine_cache),
               "struct jit_cache must fit in vm_run.engine_cache");
_Static_assert(JF_SIZE % 16 == 8, "the native frame keeps rsp 16-byte aligned");
_Static_assert(JF_INLINE + 4 <= JF_SIZE, "the frame holds its fields");

/* ------------------------------------------------------------- engine ---- */

/* The interpreter allows any access of up to value_size bytes at element
 * starts of this pool: the first region that overlaps it holds all of it
 * as a read-write value pool of the same stride. */
static bool pool_registered(const struct vm_run *run, const struct vm_helper_inline *d)
{
    uint64_t lo = d->base, hi = lo + (uint64_t)d->max_entries * d->stride;
    for (uint32_t i = 0; i < run->n_regions; i++) {
        const struct vm_region *r = &run->regions[i];
        if (r->end <= lo || r->start >= hi)
            continue;
        uint64_t len = r->elem_len ? r->elem_len : r->elem_size;
        return !(r->flags & VM_REGION_CTX) && (r->flags & VM_REGION_RW) == VM_REGION_RW &&
               r->elem_size == d->stride && len >= d->value_size && r->start <= lo &&
               hi <= r->end && (lo - r->start) % r->elem_size == 0;
    }
    return false;
}

static __attribute__((noinline)) bool inline_ok(struct vm_run *run, const struct jit_image *img)
{
    if (run->on_call)
        return false;
    for (uint32_t i = 0; i < img->n_inlined; i++)
        if (*img->inlined[i].slot != img->inlined[i].fn)
            return false;
    struct jit_cache *jc = (struct jit_cache *)run->engine_cache;
    if (jc->pools_image == img->stamp)
        return true;
    for (uint32_t i = 0; i < img->n_inlined; i++)
        if (!pool_registered(run, &img->inlined[i].desc))
            return false;
    jc->pools_image = img->stamp; /* until the regions change */
    return true;
}

static int jit_engine(struct vm_run *run, void *code, enum vm_mode mode, uint64_t budget)
{
    const struct jit_prog *jp = code;
    const struct jit_image *img = jp->img[mode == VM_MODE_TRUSTED];
    uint32_t pc = run->entry_pc;
    /* a callback may enter anywhere; code exists only at block starts */
    if (!img || pc >= img->n_slots || img->entry_off[pc] < 0)
        return VM_ENGINE_DECLINE;
    uint64_t fp = run->entry_fp ? run->entry_fp : (uintptr_t)run->stack + sizeof(run->stack);
    /* inline helper calls stand for the helpers described at compile time,
     * without on_call: the table and on_call do not change during a run */
    uint64_t di = run->entry_depth | (uint64_t)(img->n_inlined && inline_ok(run, img)) << 32;
    jit_entry_fn entry = (jit_entry_fn)(uintptr_t)img->code;
    return entry(run, img->code + img->entry_off[pc], budget, fp, di);
}

static void free_prog(void *code) { jit_prog_free(code); }

int jit_prog_create(const struct vm *vm, unsigned flags, struct jit_prog **out, char *err,
                    size_t errlen)
{
    *out = NULL;
#if !defined(__x86_64__)
    (void)vm;
    (void)flags;
    if (err && errlen)
        snprintf(err, errlen, "jit: the JIT generates x86-64 code; this host is not x86-64");
    return -ENOTSUP;
#else
    if (!(flags & (JIT_CHECKED | JIT_TRUSTED)))
        flags |= JIT_CHECKED;
    struct jit_prog *jp = calloc(1, sizeof(*jp));
    if (!jp) {
        if (err && errlen)
            snprintf(err, errlen, "jit: out of memory");
        return -ENOMEM;
    }
    jp->vm = vm;
    jp->flags = flags;
    int rc = 0;
    if (flags & JIT_CHECKED)
        rc = jit_build_image(vm, true, flags, &jp->img[0], err, errlen);
    if (!rc && (flags & JIT_TRUSTED))
        rc = jit_build_image(vm, false, flags, &jp->img[1], err, errlen);
    if (rc) {
        jit_prog_free(jp);
        return rc;
    }
    *out = jp;
    return 0;
#endif
}

void jit_prog_free(struct jit_prog *jp)
{
    if (!jp)
        return;
    jit_free_image(jp->img[0]);
    jit_free_image(jp->img[1]);
    free(jp);
}

void jit_attach(struct vm *vm, struct jit_prog *jp) { vm_set_engine(vm, jit_engine, jp, free_prog); }

void jit_detach(struct vm *vm) { vm_set_engine(vm, NULL, NULL, NULL); }

int jit_compile(struct vm *vm, unsigned flags, char *err, size_t errlen)
{
    struct jit_prog *jp;
    int rc = jit_prog_create(vm, flags, &jp, err, errlen);
    if (!rc)
        jit_attach(vm, jp);
    return rc;
}

size_t jit_code_size(const struct jit_prog *jp, unsigned mode)
{
    const struct jit_image *img = jp->img[(mode & JIT_TRUSTED) && !(mode & JIT_CHECKED)];
    return img ? img->code_len : 0;
}

/* --------------------------------------------------- called from code ---- */

static void set_ent(struct jit_cache_ent *e, uint64_t lo, uint64_t span, uint64_t mask,
                    uint64_t elen)
{
    e->lo = lo;
    e->mask = mask;
    for (int i = 0; i < 4; i++) {
        uint64_t s = 1ull << i;
        e->lim[i] = span >= s ? span - s + 1 : 0;
        e->elim[i] = !mask ? UINT64_MAX : elen >= s ? elen - s + 1 : 0;
    }
}

/* After the interpreter's lookup allowed plain memory at addr: remember the
 * region (or the element of a value pool; the whole pool for sites that
 * check element bounds) in the site's entry. */
static void fill_cache(struct vm_run *run, uint32_t site, uint64_t addr)
{
    if (addr - (uintptr_t)run->stack < sizeof(run->stack) || run->hot_region >= run->n_regions)
        return;
    const struct vm_region *r = &run->regions[run->hot_region];
    if (addr < r->start || addr >= r->end || (r->flags & VM_REGION_CTX))
        return;
    const struct bpf_insn *in = &vm_get_prog(run->vm)->insns[JIT_SITE_PC(site)];
    bool write = BPF_CLASS(in->code) != BPF_LDX;
    /* stores and atomics share the write entries: only read-write regions */
    if (write ? (r->flags & VM_REGION_RW) != VM_REGION_RW : !(r->flags & VM_REGION_READ))
        return;
    struct jit_cache *jc = (struct jit_cache *)run->engine_cache;
    struct jit_cache_ent *e = write ? &jc->wr[JIT_SITE_SLOT(site) % JIT_NCACHE]
                                    : &jc->rd[JIT_SITE_SLOT(site) % JIT_NCACHE];
    if (!r->elem_size) {
        set_ent(e, r->start, r->end - r->start, 0, 0);
        return;
    }
    uint64_t es = r->elem_size, len = r->elem_len ? r->elem_len : es;
    if ((site & JIT_SITE_POOL) && !(es & (es - 1)) && !(r->start & (es - 1)))
        set_ent(e, r->start, r->end - r->start, es - 1, len);
    else
        set_ent(e, r->start + (addr - r->start) / es * es, len, 0, 0);
}

/* After a ctx accessor answered a load: if the field is a plain host value,
 * remember where (the site's ctx entry). */
static void fill_ctx(struct vm_run *run, uint32_t site, uint64_t addr)
{
    for (uint32_t i = 0; i < run->n_regions; i++) {
        const struct vm_region *r = &run->regions[i];
        if (!(r->flags & VM_REGION_CTX) || addr < r->start || addr >= r->end)
            continue;
        const void *ptr;
        unsigned width;
        if (r->ctx_direct && r->ctx_direct(run, r, (uint32_t)(addr - r->start), 4, &ptr, &width) &&
            (width == 4 || width == 8) && !((uintptr_t)ptr & 3)) {
            struct jit_ctx_ent *e = &((struct jit_cache *)run->engine_cache)->ctx[JIT_SITE_CTX(site) - 1];
            e->addr = addr;
            e->ptr = (uintptr_t)ptr | (width == 8);
        }
        return;
    }
}

struct jit_acc jit_rt_access(struct vm_run *run, uint32_t site, uint64_t addr, uint64_t value)
{
    uint64_t v = value;
    int rc = vm_engine_access(run, JIT_SITE_PC(site), addr, &v);
    if (rc == 0)
        fill_cache(run, site, addr);
    else if (rc == 1 && JIT_SITE_CTX(site))
        fill_ctx(run, site, addr);
    return (struct jit_acc){rc, v};
}

int jit_rt_fault(struct vm_run *run, uint32_t pc, uint32_t kind, uint64_t arg)
{
    switch (kind) {
    case JIT_F_UNKNOWN_HELPER:
        return vm_engine_stop(run, pc, -ENOENT, "call to unknown helper #%llu",
                              (unsigned long long)arg);
    case JIT_F_DEPTH:
        return vm_engine_stop(run, pc, -EOVERFLOW, "call depth exceeds %u frames",
                              VM_MAX_CALL_DEPTH);
    case JIT_F_BUDGET:
        return vm_engine_stop(run, pc, -E2BIG, "instruction budget of %llu exhausted",
                              (unsigned long long)vm_get_budget(run->vm));
    case JIT_F_KFUNC:
        return vm_engine_stop(run, pc, -ENOTSUP, "kfunc calls are not supported");
    case JIT_F_FELL_OFF:
    default:
        return vm_engine_stop(run, pc, -EFAULT,
                              "fell off the end of the program (last insn is not exit or a jump)");
    }
}

int jit_rt_stopped(struct vm_run *run, uint32_t pc)
{
    if (run->tail_call && !run->error)
        return 1; /* vm_run_exec starts the next program */
    return vm_engine_stop(run, pc, run->error ? run->error : -EFAULT, "%s", run->errmsg);
}

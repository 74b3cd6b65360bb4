// SPDX-License-Identifier: GPL-2.0
/* tools/legacy_maps.c - see legacy_maps.h (moved from tests/kernel/kernel_run.c). */
#include "legacy_maps.h" /* (relative: tests/kernel/kernel_run.c includes this file) */

#include <elf.h>
#include <linux/btf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *lm_alloc_fail(void)
{
	fputs("out of memory\n", stderr);
	abort();
}

static void *lm_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	return p ? p : lm_alloc_fail();
}

static void *lm_xrealloc(void *p, size_t sz)
{
	p = realloc(p, sz ? sz : 1);
	return p ? p : lm_alloc_fail();
}

static unsigned char *lm_fail(char *err, size_t errlen, unsigned char *out, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static unsigned char *lm_fail(char *err, size_t errlen, unsigned char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	free(out);
	return NULL;
}


/*
 * Raw BTF handling: just enough to copy a type section while replacing and
 * appending a few types.
 */
struct btf_buf {
	unsigned char *types;
	size_t types_len;
	char *strs;
	size_t strs_len;
	uint32_t nr_types;	/* highest type id */
};

static void bb_put(struct btf_buf *b, const void *p, size_t n)
{
	b->types = lm_xrealloc(b->types, b->types_len + n);
	memcpy(b->types + b->types_len, p, n);
	b->types_len += n;
}

static void bb_u32(struct btf_buf *b, uint32_t v)
{
	bb_put(b, &v, 4);
}

static uint32_t bb_str(struct btf_buf *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = (uint32_t)b->strs_len;

	b->strs = lm_xrealloc(b->strs, b->strs_len + n);
	memcpy(b->strs + b->strs_len, s, n);
	b->strs_len += n;
	return off;
}

static void bb_type(struct btf_buf *b, uint32_t name, uint32_t kind, uint32_t vlen, uint32_t size_or_type)
{
	bb_u32(b, name);
	bb_u32(b, (kind << 24) | vlen);
	bb_u32(b, size_or_type);
	b->nr_types++;
}

static size_t btf_type_len(const unsigned char *t)
{
	uint32_t info;
	uint32_t vlen, kind;

	memcpy(&info, t + 4, 4);
	kind = (info >> 24) & 0x1f;
	vlen = info & 0xffff;
	switch (kind) {
	case BTF_KIND_INT: return 16;
	case BTF_KIND_ARRAY: return 12 + 12;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: return 12 + 12 * vlen;
	case BTF_KIND_ENUM: return 12 + 8 * vlen;
	case BTF_KIND_FUNC_PROTO: return 12 + 8 * vlen;
	case BTF_KIND_VAR: return 12 + 4;
	case BTF_KIND_DATASEC: return 12 + 12 * vlen;
	case 17 /* DECL_TAG */: return 12 + 4;
	case 19 /* ENUM64 */: return 12 + 12 * vlen;
	default: return 12;	/* PTR FWD TYPEDEF VOLATILE CONST RESTRICT FUNC FLOAT TYPE_TAG */
	}
}

#define MAPDEF_SIZE 40	/* 5 x int (*)[N] */

/*
 * If OBJ has a legacy "maps" section, return a rewritten copy that libbpf
 * 1.x accepts; otherwise return NULL.
 */
unsigned char *legacy_maps_convert(const unsigned char *obj, size_t len, size_t *out_len,
				    struct legacy_info *li, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;
	const Elf64_Shdr *sh;
	const char *shstr;
	int legacy = -1, dotmaps = -1, btf = -1, symtab = -1;
	unsigned char *out;
	size_t cap;

	memset(li, 0, sizeof(*li));
	if (errlen)
		err[0] = 0;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len || eh->e_shstrndx >= eh->e_shnum)
		return NULL;	/* let libbpf report it */
	sh = (const Elf64_Shdr *)(obj + eh->e_shoff);
	shstr = (const char *)obj + sh[eh->e_shstrndx].sh_offset;
	for (int i = 1; i < eh->e_shnum; i++) {
		const char *n = shstr + sh[i].sh_name;

		if (!strcmp(n, "maps"))
			legacy = i;
		else if (!strcmp(n, ".maps"))
			dotmaps = i;
		else if (!strcmp(n, ".BTF"))
			btf = i;
		else if (sh[i].sh_type == SHT_SYMTAB)
			symtab = i;
	}
	if (legacy < 0)
		return NULL;
	if (btf < 0 || symtab < 0)
		return lm_fail(err, errlen, NULL, "legacy 'maps' section without .BTF/.symtab: compile with -g");

	/* The copy gets new blobs appended; headers and symbols are patched in place. */
	cap = len + 65536 + 2 * sh[btf].sh_size + (dotmaps >= 0 ? sh[dotmaps].sh_size : 0);
	out = lm_xcalloc(1, cap);
	memcpy(out, obj, len);
	*out_len = (len + 7) & ~7ul;
	Elf64_Shdr *osh = (Elf64_Shdr *)(out + eh->e_shoff);
	Elf64_Sym *syms = (Elf64_Sym *)(out + osh[symtab].sh_offset);
	size_t nsyms = osh[symtab].sh_size / sizeof(Elf64_Sym);
	const char *symstr = (const char *)obj + sh[osh[symtab].sh_link].sh_offset;

	/* Collect the legacy definitions (one per symbol in the section). */
	uint32_t base = dotmaps >= 0 ? (uint32_t)((sh[dotmaps].sh_size + 7) & ~7ul) : 0;

	for (size_t s = 0; s < nsyms; s++) {
		Elf64_Sym *sym = &syms[s];
		struct legacy_map *m;

		if (sym->st_shndx != legacy || ELF64_ST_TYPE(sym->st_info) == STT_SECTION)
			continue;
		if (sym->st_size < 20 || sym->st_value + sym->st_size > sh[legacy].sh_size)
			return lm_fail(err, errlen, out, "legacy map '%s': unsupported definition size %lu",
				       symstr + sym->st_name, (unsigned long)sym->st_size);
		li->maps = lm_xrealloc(li->maps, (li->nr + 1) * sizeof(*m));
		m = &li->maps[li->nr++];
		memset(m, 0, sizeof(*m));
		m->name = symstr + sym->st_name;
		m->sym_idx = (uint32_t)s;
		memcpy(m->def, obj + sh[legacy].sh_offset + sym->st_value,
		       sym->st_size < sizeof(m->def) ? sym->st_size : sizeof(m->def));
		m->elf_map = sym->st_size >= 36;
		m->new_off = base;
		base += MAPDEF_SIZE;
	}

	/* New .maps contents: old .maps (BTF map defs are zero-filled anyway) + room. */
	size_t maps_off = *out_len, maps_size = base;

	if (dotmaps >= 0 && sh[dotmaps].sh_type == SHT_PROGBITS)
		memcpy(out + maps_off, obj + sh[dotmaps].sh_offset, sh[dotmaps].sh_size);
	*out_len = (maps_off + maps_size + 7) & ~7ul;

	/* --- BTF --- */
	const unsigned char *braw = obj + sh[btf].sh_offset;
	const struct btf_header *bh = (const struct btf_header *)braw;

	if (sh[btf].sh_size < sizeof(*bh) || bh->magic != 0xeB9F)
		return lm_fail(err, errlen, out, "bad .BTF");
	const unsigned char *types = braw + bh->hdr_len + bh->type_off;
	const char *strs = (const char *)braw + bh->hdr_len + bh->str_off;
	struct btf_buf nb = { 0 };
	size_t nt = 0, cap_t = 0, *toff = NULL;

	nb.strs = lm_xcalloc(1, bh->str_len);
	memcpy(nb.strs, strs, bh->str_len);
	nb.strs_len = bh->str_len;
	for (size_t o = 0; o < bh->type_len; o += btf_type_len(types + o)) {
		if (nt == cap_t) {
			cap_t = cap_t ? cap_t * 2 : 256;
			toff = lm_xrealloc(toff, cap_t * sizeof(*toff));
		}
		toff[nt++] = o;
	}
	/* type id i (1-based) is at types + toff[i-1] */
	uint32_t legacy_ds = 0, maps_ds = 0;

	for (size_t i = 0; i < nt; i++) {
		const uint32_t *t = (const uint32_t *)(types + toff[i]);
		uint32_t kind = (t[1] >> 24) & 0x1f;

		if (kind == BTF_KIND_DATASEC) {
			if (!strcmp(strs + t[0], "maps"))
				legacy_ds = (uint32_t)i + 1;
			else if (!strcmp(strs + t[0], ".maps"))
				maps_ds = (uint32_t)i + 1;
		}
		if (kind == BTF_KIND_VAR)
			for (size_t k = 0; k < li->nr; k++)
				if (!strcmp(strs + t[0], li->maps[k].name))
					li->maps[k].var_id = (uint32_t)i + 1;
	}

	/* Ids of the types appended after the existing ones. */
	uint32_t next = (uint32_t)nt + 1;
	uint32_t int_id = next++;

	for (size_t k = 0; k < li->nr; k++) {
		next += 10;	/* 5 arrays + 5 pointers */
		li->maps[k].struct_id = next++;
		if (!li->maps[k].var_id)
			li->maps[k].var_id = next++;	/* added after the struct */
	}
	uint32_t new_ds = (!maps_ds && !legacy_ds) ? next++ : 0;

	/* Copy types, patching the legacy VARs and the two DATASECs. */
	uint32_t dotmaps_name = bb_str(&nb, ".maps");
	uint32_t unused_name = bb_str(&nb, "__legacy_maps_unused");

	for (size_t i = 0; i < nt; i++) {
		const unsigned char *t = types + toff[i];
		uint32_t id = (uint32_t)i + 1, v[3];
		size_t tl = btf_type_len(t);

		memcpy(v, t, 12);
		if (id == maps_ds || (id == legacy_ds && !maps_ds)) {
			/* the single ".maps" DATASEC: old entries + the legacy maps */
			uint32_t vlen = (v[1] & 0xffff), keep = (id == maps_ds) ? vlen : 0;

			bb_type(&nb, dotmaps_name, BTF_KIND_DATASEC, keep + (uint32_t)li->nr, 0);
			if (keep)
				bb_put(&nb, t + 12, 12 * (size_t)keep);
			for (size_t k = 0; k < li->nr; k++) {
				bb_u32(&nb, li->maps[k].var_id);
				bb_u32(&nb, li->maps[k].new_off);
				bb_u32(&nb, MAPDEF_SIZE);
			}
			nb.nr_types--;	/* bb_type counted it; ids stay as in the source */
			continue;
		}
		if (id == legacy_ds) {
			/* both "maps" and ".maps" exist: neutralise the legacy DATASEC */
			bb_type(&nb, unused_name, BTF_KIND_INT, 0, 4);
			bb_u32(&nb, 32);
			nb.nr_types--;
			continue;
		}
		for (size_t k = 0; k < li->nr; k++)
			if (li->maps[k].var_id == id) {
				v[2] = li->maps[k].struct_id;
				bb_put(&nb, v, 12);
				bb_u32(&nb, 1);	/* BTF_VAR_GLOBAL_ALLOCATED */
				goto next_type;
			}
		bb_put(&nb, t, tl);
next_type:;
	}
	nb.nr_types = (uint32_t)nt;

	/* Appended: int, then per map 5 arrays, 5 pointers, the struct, maybe a VAR. */
	static const char *const fields[5] = { "type", "key_size", "value_size", "max_entries", "map_flags" };

	bb_type(&nb, bb_str(&nb, "int"), BTF_KIND_INT, 0, 4);
	bb_u32(&nb, (1u << 24) | 32);	/* BTF_INT_SIGNED, 32 bits */
	for (size_t k = 0; k < li->nr; k++) {
		struct legacy_map *m = &li->maps[k];
		uint32_t first_arr = nb.nr_types + 1;

		for (int f = 0; f < 5; f++) {
			bb_type(&nb, 0, BTF_KIND_ARRAY, 0, 0);
			bb_u32(&nb, int_id);
			bb_u32(&nb, int_id);
			bb_u32(&nb, m->def[f]);
		}
		for (int f = 0; f < 5; f++)
			bb_type(&nb, 0, BTF_KIND_PTR, 0, first_arr + (uint32_t)f);
		if (nb.nr_types + 1 != m->struct_id)
			return lm_fail(err, errlen, out, "internal error: BTF id mismatch");
		bb_type(&nb, 0, BTF_KIND_STRUCT, 5, MAPDEF_SIZE);
		for (int f = 0; f < 5; f++) {
			bb_u32(&nb, bb_str(&nb, fields[f]));
			bb_u32(&nb, first_arr + 5 + (uint32_t)f);
			bb_u32(&nb, (uint32_t)f * 64);
		}
		if (m->var_id > nt) {
			bb_type(&nb, bb_str(&nb, m->name), BTF_KIND_VAR, 0, m->struct_id);
			bb_u32(&nb, 1);
		}
	}
	if (new_ds) {
		bb_type(&nb, dotmaps_name, BTF_KIND_DATASEC, (uint32_t)li->nr, 0);
		for (size_t k = 0; k < li->nr; k++) {
			bb_u32(&nb, li->maps[k].var_id);
			bb_u32(&nb, li->maps[k].new_off);
			bb_u32(&nb, MAPDEF_SIZE);
		}
	}
	free(toff);

	/* New .BTF blob. */
	struct btf_header nh = *bh;
	size_t btf_off = *out_len;

	nh.hdr_len = sizeof(nh);
	nh.type_off = 0;
	nh.type_len = (uint32_t)nb.types_len;
	nh.str_off = (uint32_t)nb.types_len;
	nh.str_len = (uint32_t)nb.strs_len;
	size_t btf_size = sizeof(nh) + nb.types_len + nb.strs_len;

	if (btf_off + btf_size + 4096 > cap) {
		cap = btf_off + btf_size + 4096;
		out = lm_xrealloc(out, cap);
		osh = (Elf64_Shdr *)(out + eh->e_shoff);
		syms = (Elf64_Sym *)(out + osh[symtab].sh_offset);
	}
	memcpy(out + btf_off, &nh, sizeof(nh));
	memcpy(out + btf_off + sizeof(nh), nb.types, nb.types_len);
	memcpy(out + btf_off + sizeof(nh) + nb.types_len, nb.strs, nb.strs_len);
	*out_len = (btf_off + btf_size + 7) & ~7ul;
	free(nb.types);
	free(nb.strs);
	osh[btf].sh_offset = btf_off;
	osh[btf].sh_size = btf_size;

	/* Section names: ".maps" may not be in the string table; append a copy. */
	int shstrndx = eh->e_shstrndx;
	size_t str_off = *out_len, str_size = sh[shstrndx].sh_size;

	memcpy(out + str_off, obj + sh[shstrndx].sh_offset, str_size);
	memcpy(out + str_off + str_size, ".maps", 6);
	uint32_t dotmaps_shname = (uint32_t)str_size;

	osh[shstrndx].sh_offset = str_off;
	osh[shstrndx].sh_size = str_size + 6;
	*out_len = (str_off + str_size + 6 + 7) & ~7ul;

	int target = dotmaps >= 0 ? dotmaps : legacy;

	osh[target].sh_name = dotmaps_shname;
	osh[target].sh_type = SHT_PROGBITS;
	osh[target].sh_offset = maps_off;
	osh[target].sh_size = maps_size;
	osh[target].sh_addralign = 8;
	if (dotmaps >= 0) {
		osh[legacy].sh_name = 0;	/* nameless: libbpf skips it */
		osh[legacy].sh_flags &= ~(uint64_t)SHF_ALLOC;
	}
	for (size_t k = 0; k < li->nr; k++) {
		Elf64_Sym *sym = &syms[li->maps[k].sym_idx];

		sym->st_shndx = (uint16_t)target;
		sym->st_value = li->maps[k].new_off;
		sym->st_size = MAPDEF_SIZE;
	}
	return out;
}

/* ---------------------------------------------------------------- output -- */

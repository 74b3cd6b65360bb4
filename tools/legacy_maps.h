/* tools/legacy_maps.h - legacy map sections (libbpf's struct bpf_map_def and
 * iproute2's struct bpf_elf_map in SEC("maps")) rewritten into BTF-defined
 * maps in ".maps", which libbpf >= 1.0 requires. Factored out of
 * tests/kernel/kernel_run.c (which includes the .c) for `bpfemu kdiff`. */
#ifndef BPFEMU_TOOLS_LEGACY_MAPS_H
#define BPFEMU_TOOLS_LEGACY_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct legacy_map {
	const char *name;
	uint32_t sym_idx;
	uint32_t def[9];	/* type, key, value, max, flags, id, pinning, inner_id, inner_idx */
	uint32_t new_off;	/* offset in the new .maps section */
	uint32_t var_id;	/* BTF VAR describing it (0: none, add one) */
	uint32_t struct_id;	/* new BTF struct */
	bool elf_map;		/* struct bpf_elf_map (has .id) */
};

struct legacy_info {
	struct legacy_map *maps;
	size_t nr;
};

/* If obj has a legacy "maps" section, a rewritten copy libbpf 1.x accepts
 * (malloc'd, length in *out_len) and li filled; NULL with err[0] == 0 when
 * it has none; NULL with a message in err when it cannot be converted. */
unsigned char *legacy_maps_convert(const unsigned char *obj, size_t len, size_t *out_len,
				   struct legacy_info *li, char *err, size_t errlen);

#endif

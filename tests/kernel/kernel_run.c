// SPDX-License-Identifier: GPL-2.0
/*
 * kernel-run: run a BPF program of a clang-built object in the *real* kernel
 * with BPF_PROG_TEST_RUN, once per packet of a pcap, and print what happened.
 * It is the reference side of bpfemu's differential tests.
 *
 *   kernel-run [-m|-M] [-p] [-s] [-q] [-i INIT]... [-c CPU] [-t TYPE] [-v] OBJ PROG PCAP
 *
 * PROG is a function name or a section name (the first program of that
 * section).  Every program of the object is loaded (so every one of them
 * must pass the verifier); PROG is the one that is run, with repeat = 1, no
 * ctx_in, data_out large enough for any growth.  The process pins itself to
 * one CPU (-c, default the lowest allowed) so that per-CPU map updates all
 * land on that CPU.
 *
 * Output, one line per packet (index counted from 0):
 *
 *   <index> <retval> <data_out as lowercase hex>
 *   <index> error <ERRNO-NAME>                   (the test run refused it)
 *
 * With -m, after each packet line, and with -M once after the last packet
 * (after a "# maps after N packets" line):
 *
 *   ringbuf <map> <record hex>            records submitted while running
 *   skb mark=.. priority=.. cb=..,.. tstamp=..
 *                                         __sk_buff fields the kernel copies
 *                                         back (skb program types, -m only)
 *   map <map> <key hex> <value hex>       maps sorted by name, keys sorted;
 *                                         per-CPU maps: the pinned CPU's value
 *   map <map> - <value hex>               QUEUE/STACK contents, in pop order
 *   map <outer>[<key hex>] -> <type>      a map-in-map slot, then the inner
 *   map <outer>[<key hex>] <k> <v>        map's contents
 *
 * -s ends with "# packets N", "# retval R: COUNT" per value and "# error: N".
 * -q drops the per-packet lines.  -p sleeps between packets so that they run
 * at their pcap timestamps' spacing (for programs using bpf_ktime_get_ns).
 *
 * Internal maps are named after their ELF section (.bss, .data, .rodata,
 * .data.custom, ...), not after libbpf's "<obj>.<sec>" kernel name.  PROG_ARRAY,
 * RINGBUF and PERF_EVENT_ARRAY contents are not printed.
 *
 * -i FILE loads initial map contents written in the dump format ("map NAME
 * KEYHEX VALUEHEX", '#' comments; "-" as key pushes onto a QUEUE/STACK; a
 * per-CPU value is stored for every CPU; "prog:FUNC" as a PROG_ARRAY value).
 *
 * Program types.  Programs whose section libbpf 1.1 does not recognise
 * ("xdp/foo", iproute2's "1/7") take PROG's type and expected attach type, or
 * -t's: since Linux 6.17 a PROG_ARRAY only accepts programs whose attach type
 * matches its owner's.
 *
 * Legacy map sections.  libbpf >= 1.0 refuses SEC("maps") (struct bpf_map_def
 * and iproute2's struct bpf_elf_map).  kernel-run rewrites such an object in
 * memory before handing it to libbpf: each legacy definition becomes a
 * BTF-defined map in ".maps" (same name, type, sizes, flags; bpf_elf_map's
 * pinning and inner-map fields are ignored).  Programs in iproute2/Cilium
 * tail-call sections named "<id>/<key>" are inserted at <key> of the legacy
 * PROG_ARRAY whose bpf_elf_map.id is <id>, as tc(8) does.
 *
 * Exit status: 0 ok, 1 usage/load/run failure, 2 bpf() unavailable here
 * (EPERM, EACCES, ENOSYS): the caller should skip, not fail; 3 this kernel
 * build does not offer a helper a program of the object calls (probed with
 * a load of a lone call before loading): the caller should skip it.
 */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <elf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PKT    (64 * 1024)
#define OUT_SLACK  4096

static int verbose;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("kernel-run: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t sz)
{
	p = realloc(p, sz ? sz : 1);
	if (!p)
		die("out of memory");
	return p;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* ------------------------------------------------------------- file I/O -- */

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		die("%s: %s", path, strerror(errno));
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

/* ----------------------------------------------------------------- pcap -- */

struct packet {
	unsigned char *data;
	uint32_t len;
	uint64_t ts_ns;
};

static uint32_t rd32(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Classic pcap (µs or ns timestamps, either byte order). */
static struct packet *read_pcap(const char *path, size_t *count)
{
	size_t len, off = 24, n = 0, cap = 0;
	unsigned char *buf = read_file(path, &len);
	struct packet *pkts = NULL;
	uint32_t magic;
	bool swap, nsec;

	if (len < 24)
		die("%s: not a pcap file", path);
	memcpy(&magic, buf, 4);
	switch (magic) {
	case 0xa1b2c3d4: swap = false; nsec = false; break;
	case 0xa1b23c4d: swap = false; nsec = true; break;
	case 0xd4c3b2a1: swap = true; nsec = false; break;
	case 0x4d3cb2a1: swap = true; nsec = true; break;
	default: die("%s: not a classic pcap file (magic %08x)", path, magic);
	}
	while (off + 16 <= len) {
		uint32_t sec = rd32(buf + off, swap), frac = rd32(buf + off + 4, swap);
		uint32_t caplen = rd32(buf + off + 8, swap);

		off += 16;
		if (caplen > len - off)
			die("%s: truncated record %zu", path, n);
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			pkts = xrealloc(pkts, cap * sizeof(*pkts));
		}
		pkts[n].data = xcalloc(1, caplen);
		memcpy(pkts[n].data, buf + off, caplen);
		pkts[n].len = caplen;
		pkts[n].ts_ns = (uint64_t)sec * 1000000000ull + (nsec ? frac : frac * 1000ull);
		n++;
		off += caplen;
	}
	free(buf);
	*count = n;
	return pkts;
}

/* ------------------------------------------------ legacy map conversion -- */

/* Shared with `bpfemu kdiff` (tools/kobj.c); a single translation unit, so
 * this program still builds with one compiler call. */
#include "../../tools/legacy_maps.c"

/*
 * Does this kernel offer helper `id` to programs of `type`?  A lone call
 * with zeroed arguments fails at the call itself only when it does not
 * (libbpf_probe_bpf_helper in Debian's libbpf 1.1 misses the "cannot use
 * helper" answer).
 */
static bool helper_offered(enum bpf_prog_type type, int id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 3 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 4 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 5 },
		{ .code = BPF_JMP | BPF_CALL, .imm = id },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	int fd = bpf_prog_load(type, NULL, "GPL", insns, sizeof(insns) / sizeof(insns[0]), &o);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return !strstr(log, "cannot use helper") && !strstr(log, "invalid func") &&
	       !strstr(log, "unknown func");
}

/* ---------------------------------------------------------------- output -- */

static void print_hex(FILE *f, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", b[i]);
}

static char *hex_str(const void *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	const unsigned char *b = p;
	char *s = xcalloc(1, 2 * n + 1);

	for (size_t i = 0; i < n; i++) {
		s[2 * i] = d[b[i] >> 4];
		s[2 * i + 1] = d[b[i] & 15];
	}
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *map_label(const struct bpf_map *map)
{
	const char *n = bpf_map__name(map);

	if (bpf_map__is_internal(map)) {
		const char *dot = strchr(n, '.');

		if (dot)
			return dot;
	}
	return n;
}

static int pin_cpu = -1;

static bool is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* Print "map LABEL key value" lines for every element of FD, keys sorted. */
static void dump_kv(int fd, const char *label, enum bpf_map_type type, uint32_t ksz, uint32_t vsz, int depth)
{
	int ncpu = is_percpu(type) ? libbpf_num_possible_cpus() : 1;
	size_t vstride = is_percpu(type) ? ((vsz + 7) & ~7u) : vsz;
	unsigned char *key = xcalloc(1, ksz), *next = xcalloc(1, ksz), *val = xcalloc((size_t)ncpu, vstride);
	char **lines = NULL;
	size_t n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ksz);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, val))
			continue;
		if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS) {
			uint32_t id;
			struct bpf_map_info info = { 0 };
			uint32_t ilen = sizeof(info);
			int ifd;

			memcpy(&id, val, 4);
			ifd = bpf_map_get_fd_by_id(id);
			if (ifd < 0 || bpf_obj_get_info_by_fd(ifd, &info, &ilen) || depth > 2)
				continue;
			char *kh = hex_str(key, ksz), sub[512];

			snprintf(sub, sizeof(sub), "%s[%s]", label, kh);
			free(kh);
			lines = xrealloc(lines, (n + 1) * sizeof(*lines));
			if (asprintf(&lines[n], "map %s -> %s", sub,
				     libbpf_bpf_map_type_str((enum bpf_map_type)info.type) ?: "?") < 0)
				die("oom");
			n++;
			/* inner contents are printed after the sorted outer lines */
			close(ifd);
			continue;
		}
		char *kh = hex_str(key, ksz), *vh = hex_str(val + (is_percpu(type) ? (size_t)pin_cpu * vstride : 0), vsz);

		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		if (asprintf(&lines[n], "map %s %s %s", label, kh, vh) < 0)
			die("oom");
		n++;
		free(kh);
		free(vh);
	}
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		printf("  %s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	/* inner maps of map-in-map, in key order */
	if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		unsigned char **keys = NULL;
		size_t nk = 0;

		prev = NULL;
		while (bpf_map_get_next_key(fd, prev, next) == 0) {
			keys = xrealloc(keys, (nk + 1) * sizeof(*keys));
			keys[nk] = xcalloc(1, ksz);
			memcpy(keys[nk], next, ksz);
			prev = keys[nk++];
		}
		for (size_t i = 0; i < nk; i++) {
			uint32_t id;
			struct bpf_map_info info = { 0 };
			uint32_t ilen = sizeof(info);
			int ifd;
			char sub[512], *kh;

			if (bpf_map_lookup_elem(fd, keys[i], &id) || (ifd = bpf_map_get_fd_by_id(id)) < 0)
				continue;
			if (!bpf_obj_get_info_by_fd(ifd, &info, &ilen)) {
				kh = hex_str(keys[i], ksz);
				snprintf(sub, sizeof(sub), "%s[%s]", label, kh);
				free(kh);
				dump_kv(ifd, sub, (enum bpf_map_type)info.type, info.key_size, info.value_size,
					depth + 1);
			}
			close(ifd);
		}
		for (size_t i = 0; i < nk; i++)
			free(keys[i]);
		free(keys);
	}
	free(key);
	free(next);
	free(val);
}

/* QUEUE/STACK: pop everything, print, push it back in an order that restores the map. */
static void dump_queue(int fd, const char *label, enum bpf_map_type type, uint32_t vsz)
{
	unsigned char *vals = NULL;
	size_t n = 0;

	for (;;) {
		vals = xrealloc(vals, (n + 1) * vsz);
		if (bpf_map_lookup_and_delete_elem(fd, NULL, vals + n * vsz))
			break;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		printf("  map %s - ", label);
		print_hex(stdout, vals + i * vsz, vsz);
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = type == BPF_MAP_TYPE_STACK ? n - 1 - i : i;

		if (bpf_map_update_elem(fd, NULL, vals + j * vsz, 0))
			fprintf(stderr, "kernel-run: cannot restore %s: %s\n", label, strerror(errno));
	}
	free(vals);
}

static int cmp_map_label(const void *a, const void *b)
{
	return strcmp(map_label(*(struct bpf_map *const *)a), map_label(*(struct bpf_map *const *)b));
}

/* All maps, sorted by label, so that the order does not depend on the loader. */
static void dump_maps(struct bpf_object *obj)
{
	struct bpf_map *map, **maps = NULL;
	size_t n = 0;

	bpf_object__for_each_map(map, obj) {
		maps = xrealloc(maps, (n + 1) * sizeof(*maps));
		maps[n++] = map;
	}
	if (n)
		qsort(maps, n, sizeof(*maps), cmp_map_label);
	for (size_t i = 0; i < n; i++) {
		enum bpf_map_type t = bpf_map__type(maps[i]);
		int fd = bpf_map__fd(maps[i]);

		if (fd < 0)
			continue;
		switch (t) {
		case BPF_MAP_TYPE_PROG_ARRAY:
		case BPF_MAP_TYPE_RINGBUF:
		case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		case BPF_MAP_TYPE_USER_RINGBUF:
			break;
		case BPF_MAP_TYPE_QUEUE:
		case BPF_MAP_TYPE_STACK:
			dump_queue(fd, map_label(maps[i]), t, bpf_map__value_size(maps[i]));
			break;
		default:
			dump_kv(fd, map_label(maps[i]), t, bpf_map__key_size(maps[i]), bpf_map__value_size(maps[i]), 0);
		}
	}
	free(maps);
}

struct rb_ctx {
	const char *label;
};

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	struct rb_ctx *rc = ctx;

	printf("  ringbuf %s ", rc->label);
	print_hex(stdout, data, size);
	putchar('\n');
	return 0;
}

/* ------------------------------------------------------------- map init -- */

static int unhex(const char *s, unsigned char *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

/*
 * Initial map contents, in the dump format: "map NAME KEYHEX VALUEHEX" per
 * line ('#' starts a comment; whitespace inside hex is not allowed).  KEYHEX
 * "-" pushes onto a QUEUE/STACK.  A per-CPU value is given once and stored for
 * every CPU.  A PROG_ARRAY value may be written "prog:FUNCTION".
 */
static void load_init_file(struct bpf_object *obj, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int lineno = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char kw[16], name[256], khex[2048], vhex[4096];
		struct bpf_map *map, *found = NULL;
		int n;

		lineno++;
		line[strcspn(line, "#\n")] = 0;
		n = sscanf(line, "%15s %255s %2047s %4095s", kw, name, khex, vhex);
		if (n <= 0)
			continue;
		if (n != 4 || strcmp(kw, "map"))
			die("%s:%d: expected 'map NAME KEYHEX VALUEHEX'", path, lineno);
		bpf_object__for_each_map(map, obj)
			if (!found && !strcmp(map_label(map), name))
				found = map;
		if (!found)
			die("%s:%d: no map '%s'", path, lineno, name);
		enum bpf_map_type t = bpf_map__type(found);
		uint32_t ksz = bpf_map__key_size(found), vsz = bpf_map__value_size(found);
		int ncpu = is_percpu(t) ? libbpf_num_possible_cpus() : 1;
		size_t stride = is_percpu(t) ? ((vsz + 7) & ~7u) : vsz;
		unsigned char *key = xcalloc(1, ksz), *val = xcalloc((size_t)ncpu, stride);
		bool nokey = !strcmp(khex, "-");

		if (!nokey && unhex(khex, key, ksz))
			die("%s:%d: key of '%s' must be %u bytes of hex", path, lineno, name, ksz);
		if (t == BPF_MAP_TYPE_PROG_ARRAY && !strncmp(vhex, "prog:", 5)) {
			struct bpf_program *p = bpf_object__find_program_by_name(obj, vhex + 5);
			int pfd;

			if (!p)
				die("%s:%d: no program '%s'", path, lineno, vhex + 5);
			pfd = bpf_program__fd(p);
			memcpy(val, &pfd, 4);
		} else if (unhex(vhex, val, vsz)) {
			die("%s:%d: value of '%s' must be %u bytes of hex", path, lineno, name, vsz);
		}
		for (int c = 1; c < ncpu; c++)
			memcpy(val + (size_t)c * stride, val, vsz);
		if (bpf_map_update_elem(bpf_map__fd(found), nokey ? NULL : key, val, 0))
			die("%s:%d: update of '%s' failed: %s", path, lineno, name, strerror(errno));
		free(key);
		free(val);
	}
	fclose(f);
}

/* ------------------------------------------------------------------ main -- */

static enum bpf_prog_type parse_type(const char *s)
{
	static const struct { const char *n; enum bpf_prog_type t; } tab[] = {
		{ "xdp", BPF_PROG_TYPE_XDP }, { "tc", BPF_PROG_TYPE_SCHED_CLS },
		{ "classifier", BPF_PROG_TYPE_SCHED_CLS }, { "sched_cls", BPF_PROG_TYPE_SCHED_CLS },
		{ "action", BPF_PROG_TYPE_SCHED_ACT }, { "socket", BPF_PROG_TYPE_SOCKET_FILTER },
		{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER }, { "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB },
		{ "lwt_in", BPF_PROG_TYPE_LWT_IN }, { "lwt_out", BPF_PROG_TYPE_LWT_OUT },
		{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT }, { "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(s, tab[i].n))
			return tab[i].t;
	die("unknown program type '%s'", s);
	return BPF_PROG_TYPE_UNSPEC;
}

static bool is_skb_type(enum bpf_prog_type t)
{
	return t == BPF_PROG_TYPE_SCHED_CLS || t == BPF_PROG_TYPE_SCHED_ACT || t == BPF_PROG_TYPE_SOCKET_FILTER ||
	       t == BPF_PROG_TYPE_CGROUP_SKB || t == BPF_PROG_TYPE_LWT_IN || t == BPF_PROG_TYPE_LWT_OUT ||
	       t == BPF_PROG_TYPE_LWT_XMIT;
}

static void probe_bpf(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);

	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno == EPERM || errno == ENOSYS || errno == EACCES) {
		fprintf(stderr, "kernel-run: bpf() unavailable here (%s): skipping\n", strerror(errno));
		exit(2);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kernel-run [-m|-M] [-p] [-s] [-q] [-i INIT] [-c CPU] [-t TYPE] [-v] OBJ PROG PCAP\n"
		"  -m       dump maps, ring buffer records and skb fields after each packet\n"
		"  -M       dump maps once, after the last packet\n"
		"  -p       pace: sleep so that packets run at their pcap timestamps' spacing\n"
		"  -s       finish with '# retval N: COUNT' summary lines\n"
		"  -q       quiet: no per-packet lines (use with -s or -M)\n"
		"  -i FILE  initial map contents ('map NAME KEYHEX VALUEHEX' lines; repeatable)\n"
		"  -c CPU   pin to CPU (default: the lowest allowed; per-CPU map values are\n"
		"           shown for it)\n"
		"  -t TYPE  program type for programs libbpf cannot type from their section\n"
		"           (xdp, tc, classifier, socket, ...); default: PROG's type\n"
		"  -v       libbpf messages, verifier statistics per program (-vv: debug,\n"
		"           -vvv: full verifier logs)\n");
	exit(1);
}

int main(int argc, char **argv)
{
	bool dump_each = false, dump_end = false, pace = false, summary = false, quiet = false;
	const char *init_files[16];
	int ninit = 0;
	enum bpf_prog_type force_type = BPF_PROG_TYPE_UNSPEC;
	int opt;

	while ((opt = getopt(argc, argv, "mMpsqc:t:i:vh")) != -1) {
		switch (opt) {
		case 'm': dump_each = true; break;
		case 'M': dump_end = true; break;
		case 'p': pace = true; break;
		case 's': summary = true; break;
		case 'q': quiet = true; break;
		case 'c': pin_cpu = atoi(optarg); break;
		case 't': force_type = parse_type(optarg); break;
		case 'i':
			if (ninit == 16)
				die("too many -i");
			init_files[ninit++] = optarg;
			break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (argc - optind != 3)
		usage();
	const char *obj_path = argv[optind], *prog_name = argv[optind + 1], *pcap_path = argv[optind + 2];

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	libbpf_set_print(libbpf_print);
	probe_bpf();

	/* Deterministic per-CPU state: always run on the same CPU (default: the
	 * lowest one this process may use). */
	cpu_set_t set;

	if (pin_cpu < 0) {
		if (sched_getaffinity(0, sizeof(set), &set))
			die("sched_getaffinity: %s", strerror(errno));
		for (pin_cpu = 0; pin_cpu < CPU_SETSIZE && !CPU_ISSET(pin_cpu, &set); pin_cpu++)
			;
	}
	CPU_ZERO(&set);
	CPU_SET(pin_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("cannot pin to CPU %d: %s", pin_cpu, strerror(errno));

	size_t npkts, obj_len, conv_len = 0;
	struct packet *pkts = read_pcap(pcap_path, &npkts);
	unsigned char *obj_buf = read_file(obj_path, &obj_len);
	struct legacy_info li;
	char lerr[256];
	unsigned char *conv = legacy_maps_convert(obj_buf, obj_len, &conv_len, &li, lerr, sizeof(lerr));

	if (!conv && lerr[0])
		die("%s", lerr);
	if (conv && verbose)
		fprintf(stderr, "kernel-run: converted %zu legacy map definition(s) to BTF\n", li.nr);

	/* Object name as libbpf would derive it from the path. */
	char objname[64];
	const char *base = strrchr(obj_path, '/');

	snprintf(objname, sizeof(objname), "%s", base ? base + 1 : obj_path);
	objname[strcspn(objname, ".")] = 0;

	LIBBPF_OPTS(bpf_object_open_opts, oopts, .object_name = objname);
	struct bpf_object *obj = conv ? bpf_object__open_mem(conv, conv_len, &oopts)
				      : bpf_object__open_mem(obj_buf, obj_len, &oopts);

	if (!obj)
		die("%s: cannot open: %s", obj_path, strerror(errno));

	/* Find PROG, by function name first, then by section name. */
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name), *p;

	if (!prog)
		bpf_object__for_each_program(p, obj)
			if (!prog && !strcmp(bpf_program__section_name(p), prog_name))
				prog = p;
	if (!prog)
		die("%s: no program or section named '%s'", obj_path, prog_name);
	enum bpf_prog_type type = bpf_program__type(prog);

	if (type == BPF_PROG_TYPE_UNSPEC)
		type = force_type;
	if (type == BPF_PROG_TYPE_UNSPEC)
		die("'%s': section '%s' gives no program type: use -t", prog_name, bpf_program__section_name(prog));
	if (force_type == BPF_PROG_TYPE_UNSPEC)
		force_type = type;
	/*
	 * Untyped programs (tail-call targets in "1/2" or "xdp/foo" sections)
	 * take PROG's type and expected attach type: since Linux 6.17 a
	 * PROG_ARRAY only accepts programs whose attach type matches its owner's.
	 */
	bpf_object__for_each_program(p, obj)
		if (bpf_program__type(p) == BPF_PROG_TYPE_UNSPEC) {
			bpf_program__set_type(p, force_type);
			if (bpf_program__type(prog) == force_type)
				bpf_program__set_expected_attach_type(p, bpf_program__expected_attach_type(prog));
		}

	/*
	 * Kernel builds may withhold helpers upstream offers (6.18.44-fc-v1300
	 * withholds bpf_xdp_adjust_meta from XDP): such an object cannot load
	 * here at all, which is the kernel's configuration, not a result.
	 */
	bpf_object__for_each_program(p, obj) {
		const struct bpf_insn *in = bpf_program__insns(p);

		for (size_t i = 0; i < bpf_program__insn_cnt(p); i++)
			if (in[i].code == (BPF_JMP | BPF_CALL) && in[i].src_reg == 0 &&
			    !helper_offered(bpf_program__type(p), in[i].imm)) {
				fprintf(stderr, "kernel-run: %s: this kernel does not offer helper #%d to "
					"program '%s' (%s): skipping\n", obj_path, in[i].imm,
					bpf_program__name(p), libbpf_bpf_prog_type_str(bpf_program__type(p)));
				exit(3);
			}
	}

	/* -v: keep each program's verifier log; on success print its statistics line. */
	size_t nprogs = 0;
	char **logs = NULL;

	if (verbose)
		bpf_object__for_each_program(p, obj) {
			logs = xrealloc(logs, (nprogs + 1) * sizeof(*logs));
			logs[nprogs] = xcalloc(1, 1 << 20);
			bpf_program__set_log_buf(p, logs[nprogs], 1 << 20);
			bpf_program__set_log_level(p, verbose > 1 ? 1 | 4 : 4);
			nprogs++;
		}

	if (bpf_object__load(obj)) {
		int e = errno;

		if (e == EPERM) {
			fprintf(stderr, "kernel-run: bpf() refused (EPERM): skipping\n");
			exit(2);
		}
		die("%s: load failed: %s (-vv shows the verifier log)", obj_path, strerror(e));
	}

	if (verbose) {
		size_t k = 0;

		bpf_object__for_each_program(p, obj) {
			char *st = strstr(logs[k], "processed ");
			char *vt = strstr(logs[k], "verification time ");

			/* BPF_LOG_STATS: "verification time N usec", then "processed ..." */
			fprintf(stderr, "kernel-run: %s: %.*s%s%.*s\n", bpf_program__name(p),
				vt ? (int)strcspn(vt, "\n") : 0, vt ? vt : "", vt ? "; " : "",
				st ? (int)strcspn(st, "\n") : 1, st ? st : "-");
			if (verbose > 2)
				fputs(logs[k], stderr);
			free(logs[k++]);
		}
		free(logs);
	}

	/* iproute2/Cilium tail calls: section "<id>/<key>" goes into PROG_ARRAY with that id. */
	bpf_object__for_each_program(p, obj) {
		unsigned id, key;
		int end = 0;

		if (sscanf(bpf_program__section_name(p), "%u/%u%n", &id, &key, &end) != 2 ||
		    bpf_program__section_name(p)[end])
			continue;
		for (size_t k = 0; k < li.nr; k++) {
			struct bpf_map *m;

			if (!li.maps[k].elf_map || li.maps[k].def[5] != id ||
			    li.maps[k].def[0] != BPF_MAP_TYPE_PROG_ARRAY)
				continue;
			m = bpf_object__find_map_by_name(obj, li.maps[k].name);
			int pfd = bpf_program__fd(p);

			if (!m || bpf_map_update_elem(bpf_map__fd(m), &key, &pfd, 0))
				die("cannot install '%s' in %s[%u]: %s", bpf_program__name(p), li.maps[k].name, key,
				    strerror(errno));
		}
	}

	for (int i = 0; i < ninit; i++)
		load_init_file(obj, init_files[i]);

	/* Ring buffers: one consumer per RINGBUF map. */
	struct ring_buffer *rbs[32];
	struct rb_ctx rbc[32];
	int nrb = 0;
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF || nrb == 32)
			continue;
		rbc[nrb].label = map_label(map);
		rbs[nrb] = ring_buffer__new(bpf_map__fd(map), on_ringbuf, &rbc[nrb], NULL);
		if (!rbs[nrb])
			die("ring_buffer__new(%s): %s", rbc[nrb].label, strerror(errno));
		nrb++;
	}

	int prog_fd = bpf_program__fd(prog);
	bool skb = is_skb_type(type);
	unsigned char *out = xcalloc(1, MAX_PKT + OUT_SLACK);
	struct { uint32_t retval; size_t n; } counts[64];
	size_t ncounts = 0, nerr = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < npkts; i++) {
		struct __sk_buff ctx = { 0 };

		if (pace && i > 0) {
			uint64_t rel = pkts[i].ts_ns - pkts[0].ts_ns;
			struct timespec at = { .tv_sec = t0.tv_sec + (time_t)(rel / 1000000000ull),
					       .tv_nsec = t0.tv_nsec + (long)(rel % 1000000000ull) };

			if (at.tv_nsec >= 1000000000L) {
				at.tv_sec++;
				at.tv_nsec -= 1000000000L;
			}
			if (pkts[i].ts_ns >= pkts[0].ts_ns)
				while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
					;
		}
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkts[i].data, .data_size_in = pkts[i].len,
			    .data_out = out, .data_size_out = MAX_PKT + OUT_SLACK, .repeat = 1);
		if (skb) {
			topts.ctx_out = &ctx;
			topts.ctx_size_out = sizeof(ctx);
		}
		int err = bpf_prog_test_run_opts(prog_fd, &topts);

		if (err) {
			int e = errno;

			nerr++;
			if (!quiet)
				printf("%zu error %s\n", i, strerrorname_np(e) ?: "?");
			if (e == EPERM) {
				fflush(stdout);
				fprintf(stderr, "kernel-run: BPF_PROG_TEST_RUN refused (EPERM): skipping\n");
				exit(2);
			}
		} else {
			size_t c;

			if (!quiet) {
				printf("%zu %u ", i, topts.retval);
				print_hex(stdout, out, topts.data_size_out);
				putchar('\n');
			}
			for (c = 0; c < ncounts && counts[c].retval != topts.retval; c++)
				;
			if (c == ncounts && ncounts < 64)
				counts[ncounts++] = (typeof(counts[0])){ topts.retval, 0 };
			if (c < ncounts)
				counts[c].n++;
		}
		if (dump_each) {
			for (int r = 0; r < nrb; r++)
				ring_buffer__consume(rbs[r]);
			if (skb && !err)
				printf("  skb mark=%#x priority=%u cb=%x,%x,%x,%x,%x tstamp=%llu\n", ctx.mark,
				       ctx.priority, ctx.cb[0], ctx.cb[1], ctx.cb[2], ctx.cb[3], ctx.cb[4],
				       (unsigned long long)ctx.tstamp);
			dump_maps(obj);
		}
	}
	if (dump_end) {
		printf("# maps after %zu packets\n", npkts);
		for (int r = 0; r < nrb; r++)
			ring_buffer__consume(rbs[r]);
		dump_maps(obj);
	}
	if (summary) {
		/* sorted by retval */
		for (size_t a = 0; a < ncounts; a++)
			for (size_t b = a + 1; b < ncounts; b++)
				if (counts[b].retval < counts[a].retval) {
					typeof(counts[0]) t = counts[a];

					counts[a] = counts[b];
					counts[b] = t;
				}
		printf("# packets %zu\n", npkts);
		for (size_t c = 0; c < ncounts; c++)
			printf("# retval %u: %zu\n", counts[c].retval, counts[c].n);
		if (nerr)
			printf("# error: %zu\n", nerr);
	}
	fflush(stdout);
	for (int r = 0; r < nrb; r++)
		ring_buffer__free(rbs[r]);
	bpf_object__close(obj);
	for (size_t i = 0; i < npkts; i++)
		free(pkts[i].data);
	free(pkts);
	free(out);
	free(conv);
	free(obj_buf);
	free(li.maps);
	return 0;
}

# bpfemu - a userspace eBPF runtime. See README.md.
#
#   make deps      install the Debian packages the build, tests and corpus need
#   make           build/libbpfemu.a, build/libbpfemu.so, build/bpfemu
#   make test      deps, build, every test suite (ends with Criterion's summary)
#   make asan      the same tests under ASan+UBSan (in build-asan/)
#   make bench     ../shared/bench/run.sh with bpfemu's columns
#   make fuzz      libFuzzer targets (build-fuzz/), see tests/fuzz/README.md
#   make install   PREFIX=/usr/local

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= gcc
SHARED  ?= ../shared
VERSION := 0.1.0

PKGS     := libelf capstone libpcap yaml-0.1
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT      ?= -O2
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -DBPFEMU_VERSION=\"$(VERSION)\" -g $(OPT) $(WARN) -fPIC -Iinclude -I.
SAN_FLAGS ?=
CFLAGS_ALL = $(CFLAGS_BASE) $(SAN_FLAGS) $(CFLAGS)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lelf -lcapstone -lpcap -lyaml) -lpthread -lm

LIB_DIRS := vm verifier jit helpers
LIB_SRC  := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
TOOL_SRC := $(sort $(wildcard tools/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

all: $(BUILD)/libbpfemu.a $(BUILD)/libbpfemu.so $(BUILD)/bpfemu $(BUILD)/bpfemu-plugin

# the official bpf_conformance runner takes one executable and no arguments
$(BUILD)/bpfemu-plugin: $(BUILD)/bpfemu
	ln -sf bpfemu $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/libbpfemu.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libbpfemu.so: $(LIB_OBJ)
	$(CC) -shared $(SAN_FLAGS) -Wl,-soname,libbpfemu.so.0 -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/bpfemu: $(TOOL_OBJ) $(BUILD)/libbpfemu.a
	$(CC) $(SAN_FLAGS) -o $@ $(TOOL_OBJ) $(BUILD)/libbpfemu.a $(LDLIBS_ALL)

# small BPF C fixtures of the unit tests (ELF loader, CLI)
ELF_FIXTURES := $(patsubst tests/unit/elf/%.bpf.c,tests/unit/elf/build/%.o,$(wildcard tests/unit/elf/*.bpf.c)) \
                $(patsubst tests/unit/cli/%.bpf.c,tests/unit/cli/build/%.o,$(wildcard tests/unit/cli/*.bpf.c)) \
                $(patsubst tests/yaml/%.bpf.c,tests/yaml/build/%.o,$(wildcard tests/yaml/*.bpf.c))
tests/unit/elf/build/%.o: tests/unit/elf/%.bpf.c
	@mkdir -p $(dir $@)
	clang -O2 -g -target bpf -I/usr/include/$(shell gcc -dumpmachine) -c $< -o $@
tests/unit/cli/build/%.o: tests/unit/cli/%.bpf.c
	@mkdir -p $(dir $@)
	clang -O2 -g -target bpf -I/usr/include/$(shell gcc -dumpmachine) -c $< -o $@
tests/yaml/build/%.o: tests/yaml/%.bpf.c
	@mkdir -p $(dir $@)
	clang -O2 -g -target bpf -I/usr/include/$(shell gcc -dumpmachine) -c $< -o $@

# the CLI's pieces other than main(), for tests that use them (map JSON, ...)
$(BUILD)/libbpfemu-tools.a: $(filter-out %/tools/main.o,$(TOOL_OBJ))
	rm -f $@ && ar rcs $@ $^

$(BUILD)/unit-tests: $(TEST_OBJ) $(BUILD)/libbpfemu-tools.a $(BUILD)/libbpfemu.a $(ELF_FIXTURES)
	$(CC) $(SAN_FLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libbpfemu-tools.a $(BUILD)/libbpfemu.a \
	    $(LDLIBS_ALL) -lpcap -lcriterion

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# ------------------------------------------------------------------ deps ----
DEB_PKGS := gcc make pkg-config clang llvm linux-libc-dev libelf-dev zlib1g-dev \
            libcapstone-dev libcriterion-dev libpcap-dev libbpf-dev libyaml-dev \
            valgrind lcov
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else echo "deps: all $(words $(DEB_PKGS)) packages present"; fi

# ------------------------------------------------------------------ test ----
CONFORMANCE_DIR := $(SHARED)/bpf_conformance/tests

check-suites: $(BUILD)/bpfemu
	@if [ -d $(CONFORMANCE_DIR) ]; then \
	    echo "== bpf_conformance (interpreter)"; $(BUILD)/bpfemu conformance $(CONFORMANCE_DIR) || exit 1; \
	    echo "== bpf_conformance (JIT)"; $(BUILD)/bpfemu conformance --jit $(CONFORMANCE_DIR) || exit 1; \
	else echo "SKIP: bpf_conformance suite: $(CONFORMANCE_DIR) not found"; fi

corpus:
	$(MAKE) -C corpus

# The main job on shipped examples: clang-built XDP and tc programs run on
# packets of their captures, with their initial maps.
DEMO_RUN = $(BUILD)/bpfemu run corpus/build/$(1).o --pcap corpus/build/pcaps/$(1).pcap \
	--packet $(2) --map-in corpus/build/pcaps/$(1).maps.json
demo: all corpus
	$(BUILD)/bpfemu disasm --list corpus/build/xdp_tailcall.o
	$(call DEMO_RUN,xdp_firewall,1)
	$(call DEMO_RUN,xdp_lb,0) --data-out $(BUILD)/lb-out.bin
	$(call DEMO_RUN,tc_rewrite,0) --json
	$(call DEMO_RUN,xdp_events,0) --map-out -

# every corpus program against the real kernel's BPF_PROG_TEST_RUN (prints
# SKIP where bpf() is not permitted)
kernel-check: corpus
	$(MAKE) -C corpus kernel-check

# tc/skb contexts and helpers against the kernel, case by case
$(BUILD)/skb-diff: tests/kernel/skb_diff.c $(BUILD)/libbpfemu.a
	$(CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude -I. $(SAN_FLAGS) -o $@ $< \
	    $(BUILD)/libbpfemu.a $(LDLIBS_ALL) -lz

kernel-diff-skb: $(BUILD)/skb-diff
	@$(BUILD)/skb-diff; rc=$$?; \
	if [ $$rc = 2 ]; then echo "SKIP: skb kernel differential: bpf() not permitted here"; \
	elif [ $$rc != 0 ]; then exit $$rc; fi

# bpfemu kdiff over every corpus program and a 60 s verifier-diff smoke run
# against the running kernel (tests/kdiff/run.sh; SKIP without bpf())
KDIFF_SKIP ?=
kdiff-check: all corpus
	BPFEMU=$(BUILD)/bpfemu KDIFF_SKIP="$(KDIFF_SKIP)" sh tests/kdiff/run.sh

# every corpus program's YAML tests, and the C test-API example
corpus-tests: all corpus
	$(MAKE) -C corpus test-yaml examples BPFEMU=../$(BUILD)/bpfemu \
	    LIBBPFEMU=../$(BUILD)/libbpfemu.a SAN_FLAGS="$(SAN_FLAGS)"

CRITERION_JOBS ?= 2
test: deps
	$(MAKE) all $(BUILD)/unit-tests corpus
	$(MAKE) check-suites
	$(MAKE) corpus-tests
	$(MAKE) -C corpus kernel-check
	$(MAKE) kernel-diff-skb
	$(MAKE) kdiff-check
	@echo "== unit tests (Criterion)"
	cd tests && BPFEMU=../$(BUILD)/bpfemu SHARED=../$(SHARED) ../$(BUILD)/unit-tests --jobs $(CRITERION_JOBS)

# Criterion one test at a time: its parallel runner (libcriterion 2.4) leaks
# 48 bytes of its own, which LeakSanitizer would report
asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
	    SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	    KDIFF_SKIP=xdp_ratelimit CRITERION_JOBS=1 test

# ----------------------------------------------------------------- bench ----
# Two runs of the shared harness: ELF objects (every program, maps
# included, ctx loads answered as the kernel rewrites them), then the raw
# .bin programs (ctx below 4 GiB, as uBPF's runner does).
BENCH_OUT ?= $(BUILD)/bench
bench: all
	@mkdir -p $(BENCH_OUT)
	PROJECT_FORMAT=elf PROJECT_COLUMNS="bpfemu-interp=$(abspath $(BUILD))/bpfemu bench;bpfemu-jit=$(abspath $(BUILD))/bpfemu bench --jit" \
	    BENCH_BUILD_DIR=/tmp/bench-build bash $(SHARED)/bench/run.sh --markdown $(BENCH_OUT)/elf.md
	PROJECT_FORMAT=bin PROJECT_COLUMNS="bpfemu-interp-bin=$(abspath $(BUILD))/bpfemu bench;bpfemu-jit-bin=$(abspath $(BUILD))/bpfemu bench --jit" \
	    BENCH_COLUMNS=native BENCH_BUILD_DIR=/tmp/bench-build bash $(SHARED)/bench/run.sh \
	    --markdown $(BENCH_OUT)/bin.md
	$(MAKE) bench-replay
	$(MAKE) bench-verify

# verification time and processed instructions per corpus program, bpfemu
# next to the kernel's BPF_LOG_STATS
bench-verify: all corpus
	@mkdir -p $(BENCH_OUT)
	sh tools/verify-bench.sh $(BUILD)/bpfemu | tee $(BENCH_OUT)/verify.md

# replay throughput on a generated 1M-packet capture (firewall), next to
# BPF_PROG_TEST_RUN one call per packet
bench-replay: all corpus
	bash tools/replay-bench.sh $(BUILD)/bpfemu

# ------------------------------------------------------------------ fuzz ----
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1" SAN_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" build-fuzz/libbpfemu.a
	@mkdir -p build-fuzz/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	    echo "clang $$f -> build-fuzz/fuzz/$$n"; \
	    clang -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -I. $(FUZZ_FLAGS) $$f build-fuzz/libbpfemu.a \
	        $(LDLIBS_ALL) -o build-fuzz/fuzz/$$n || exit 1; done

# --------------------------------------------------------------- install ----
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/bpfemu $(DESTDIR)$(PREFIX)/bin/bpfemu
	ln -sf bpfemu $(DESTDIR)$(PREFIX)/bin/bpfemu-plugin
	install -m 644 $(BUILD)/libbpfemu.a $(DESTDIR)$(PREFIX)/lib/libbpfemu.a
	install -m 755 $(BUILD)/libbpfemu.so $(DESTDIR)$(PREFIX)/lib/libbpfemu.so.$(VERSION)
	ln -sf libbpfemu.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libbpfemu.so.0
	ln -sf libbpfemu.so.0 $(DESTDIR)$(PREFIX)/lib/libbpfemu.so
	install -m 644 include/bpfemu.h $(DESTDIR)$(PREFIX)/include/bpfemu.h
	install -m 644 include/bpfemu_test.h $(DESTDIR)$(PREFIX)/include/bpfemu_test.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' bpfemu.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/bpfemu.pc

clean:
	rm -rf build build-asan build-fuzz tests/unit/elf/build tests/unit/cli/build tests/yaml/build
	$(MAKE) -C corpus clean

.PHONY: bench-replay bench-verify all demo deps test check-suites kdiff-check corpus-tests asan bench fuzz install clean corpus kernel-check kernel-diff-skb

#!/bin/sh
# tools/replay-bench.sh - `bpfemu replay` throughput on a large capture
# through the corpus firewall, next to the kernel's BPF_PROG_TEST_RUN over
# the same packets (one call per packet, corpus/build/kernel-run).
#
#   tools/replay-bench.sh [BPFEMU] [COUNT]
#
#   BPFEMU  the bpfemu binary (default build/bpfemu)
#   COUNT   packets in the generated capture (default 1000000)
#
# The capture is corpus/build/pcaps/xdp_firewall.pcap repeated COUNT times
# with the ephemeral source ports varied per round (corpus/gen/mkbigpcap.c),
# so it holds many flows; it is written to $TMPDIR and removed afterwards.
# Rows: packets/s and ns/packet end to end (read + run [+ write]) for
#   - one thread, no output          (read + run)
#   - one thread, --out pcapng       (read + run + write)
#   - --threads 2, no output
#   - the kernel: kernel-run, one BPF_PROG_TEST_RUN per packet (wall clock of
#     the whole process; SKIP where bpf() is not permitted)
# Every row must give the same verdict counts; a mismatch is an error.
# The program is verified first, so both engines run trusted code; JIT rows
# appear when `bpfemu replay --help` mentions --jit.
set -eu
cd "$(dirname "$0")/.."
BPFEMU=${1:-build/bpfemu}
COUNT=${2:-1000000}
C=corpus/build
[ -x "$BPFEMU" ] || { echo "replay-bench: $BPFEMU not built (make)" >&2; exit 1; }
[ -e $C/xdp_firewall.o ] && [ -e $C/pcaps/xdp_firewall.pcap ] || make -s -C corpus >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -O2 -o "$tmp/mkbigpcap" corpus/gen/mkbigpcap.c -lpcap
"$tmp/mkbigpcap" $C/pcaps/xdp_firewall.pcap "$tmp/big.pcap" "$COUNT"
obj=$C/xdp_firewall.o
maps=$C/pcaps/xdp_firewall.maps.json

row() { printf '  %-44s %12s pkt/s %10s ns/pkt  %s\n' "$1" "$2" "$3" "$4"; }
counts=

bpfemu_row() { # label, extra options
	label=$1
	shift
	out=$("$BPFEMU" replay "$obj" --pcap "$tmp/big.pcap" --map-in "$maps" --json "$@" </dev/null 2>"$tmp/err") || {
		cat "$tmp/err" >&2
		exit 1
	}
	c=$(echo "$out" | sed -n 's/.*"retvals": {\([^}]*\)}.*/\1/p' | tr -d ' "')
	pps=$(echo "$out" | sed -n 's/.*"packets_per_s": \([0-9.]*\).*/\1/p')
	ns=$(echo "$out" | sed -n 's/.*"ns_per_packet": \([0-9.]*\).*/\1/p')
	row "$label" "$(printf '%.0f' "$pps")" "$ns" "$c"
	if [ -n "$counts" ] && [ "$c" != "$counts" ]; then
		echo "replay-bench: verdict counts differ: $c vs $counts" >&2
		exit 1
	fi
	counts=$c
}

echo "replay bench: $COUNT packets (xdp_firewall.pcap repeated), xdp_firewall_prog, $(nproc) CPUs"
bpfemu_row "bpfemu replay, interpreter, 1 thread"
bpfemu_row "bpfemu replay, interpreter, 1 thread, --out" --out "$tmp/out.pcapng"
rm -f "$tmp/out.pcapng"
bpfemu_row "bpfemu replay, interpreter, --threads 2" --threads 2
if "$BPFEMU" replay --help | grep -q -- '--jit'; then
	bpfemu_row "bpfemu replay, JIT, 1 thread" --jit
	bpfemu_row "bpfemu replay, JIT, 1 thread, --out" --jit --out "$tmp/out.pcapng"
	bpfemu_row "bpfemu replay, JIT, --threads 2" --jit --threads 2
else
	echo "  (no JIT in this build: JIT rows skipped)"
fi

if [ -x $C/kernel-run ]; then
	t0=$(date +%s%N)
	set +e
	kout=$($C/kernel-run -q -s -i $C/pcaps/xdp_firewall.maps "$obj" xdp_firewall_prog "$tmp/big.pcap" 2>"$tmp/kerr")
	krc=$?
	set -e
	t1=$(date +%s%N)
	if [ $krc -eq 2 ]; then
		echo "  SKIP kernel BPF_PROG_TEST_RUN: bpf() is not permitted here"
	elif [ $krc -ne 0 ]; then
		cat "$tmp/kerr" >&2
		exit 1
	else
		ns=$(( (t1 - t0) / COUNT ))
		kc=$(echo "$kout" | sed -n 's/^# retval \([0-9]*\): \([0-9]*\)$/\1:\2/p' | paste -sd, -)
		row "kernel BPF_PROG_TEST_RUN, 1 call/packet" "$(( 1000000000 / (ns > 0 ? ns : 1) ))" "$ns" "$kc"
		[ "$kc" = "$counts" ] || { echo "replay-bench: kernel verdicts $kc differ from bpfemu's $counts" >&2; exit 1; }
	fi
fi

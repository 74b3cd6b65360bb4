#!/bin/sh
# tools/verify-bench.sh - verification time and processed instructions of
# every program of every corpus object: bpfemu's verifier (`bpfemu verify
# --stats`, best of RUNS) next to the running kernel's own statistics
# (BPF_LOG_STATS of a libbpf load by corpus/build/kernel-run -v, best of
# RUNS). Prints a markdown table; the kernel columns say "-" where bpf() is
# not permitted or the kernel refuses the object.
#
#   tools/verify-bench.sh [BPFEMU] [RUNS]     (defaults: build/bpfemu, 5)
set -u
cd "$(dirname "$0")/.."
BPFEMU=${1:-build/bpfemu}
RUNS=${2:-5}
C=corpus/build
[ -x "$BPFEMU" ] || { echo "verify-bench: $BPFEMU not built (make)" >&2; exit 1; }
[ -x $C/kernel-run ] || make -s -C corpus >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best (lowest) "verification time" per program over RUNS runs: "prog usec processed"
best() {
	sort -k1,1 -k2,2n "$1" | awk '!seen[$1]++'
}

echo "| object | program | bpfemu | bpfemu usec | bpfemu insns processed | kernel usec | kernel insns processed |"
echo "|---|---|---|---:|---:|---:|---:|"
grep -v '^#' corpus/MANIFEST | grep -v '^[[:space:]]*$' | while read -r obj prog cap opts; do
	: >"$tmp/e"
	: >"$tmp/k"
	: >"$tmp/v"
	i=0
	while [ $i -lt "$RUNS" ]; do
		# bpfemu: "verification time N usec" ... "PROG: accepted|rejected ..."
		"$BPFEMU" verify $C/$obj.o --log-level 0 --stats 2>/dev/null | awk '
			/^verification time / { t = $3 }
			/^processed / { n = $2 }
			/^[A-Za-z_0-9]+: (accepted|rejected)/ { sub(":", "", $1); print $1, t, n, $2; t = "-"; n = "-" }' \
			>>"$tmp/e"
		# the kernel: "kernel-run: PROG: verification time N usec; processed M insns ..."
		$C/kernel-run -v -q ${opts:-} -i $C/pcaps/$obj.maps $C/$obj.o "$prog" $C/pcaps/$cap 2>&1 |
			sed -n 's/^kernel-run: \([A-Za-z_0-9]*\): verification time \([0-9]*\) usec; processed \([0-9]*\) insns.*/\1 \2 \3/p' \
			>>"$tmp/k"
		i=$((i + 1))
	done
	best "$tmp/e" >"$tmp/eb"
	best "$tmp/k" >"$tmp/kb"
	while read -r p t n verdict; do
		kt=$(awk -v p="$p" '$1 == p { print $2 }' "$tmp/kb")
		kn=$(awk -v p="$p" '$1 == p { print $3 }' "$tmp/kb")
		echo "| $obj | $p | $verdict | $t | $n | ${kt:--} | ${kn:--} |"
	done <"$tmp/eb"
done

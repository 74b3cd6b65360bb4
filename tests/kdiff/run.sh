#!/bin/sh
# tests/kdiff/run.sh - bpfemu against the running kernel, for CI:
#
#  1. corpus: `bpfemu kdiff` over every corpus/MANIFEST program, on its
#     capture and on mixed.pcap, from its initial maps
#     (corpus/build/pcaps/<obj>.maps.json): the verifiers' verdicts, then
#     every packet's retval, data_out, ctx_out and every map after it must be
#     identical. Map bytes that cannot agree are masked by the rules of
#     tests/kernel/known-differences.txt (the same file the corpus
#     differential test reads); a verdict difference must be listed in
#     tests/kdiff/known-differences.txt ("corpus-verdict: OBJECT"), and then
#     the runs are still compared (kdiff --no-verify).
#  2. fuzz: `bpfemu fuzz verifier-diff` for KDIFF_FUZZ_SECONDS (default 60)
#     with a fixed seed (KDIFF_FUZZ_SEED, default 1): every distinct finding
#     (kind and rule) must be listed in tests/kdiff/known-differences.txt,
#     each entry with its explanation. Listed findings this run did not
#     reach are printed, not failed (a slower machine tests fewer programs).
#
#   tests/kdiff/run.sh [corpus|fuzz]...      (default: both)
#
# Environment: BPFEMU (default build/bpfemu), KDIFF_SKIP (corpus objects not
# to run, e.g. "xdp_ratelimit" for sanitizer builds: its --pace run needs
# each packet's kernel run and map dump to fit in the capture's 100 us
# spacing, or the kernel's bpf_ktime_get_ns drifts), KDIFF_FUZZ_SECONDS,
# KDIFF_FUZZ_SEED, KDIFF_FUZZ_JOBS (default 1), KDIFF_OUT (findings, default
# a temporary directory, removed unless a check failed).
# Prints "SKIP: ..." and exits 0 where bpf() is not permitted (no root or
# CAP_BPF); exits 1 on a failed check, 2 on a setup error. Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BPFEMU=${BPFEMU:-build/bpfemu}
KNOWN=tests/kdiff/known-differences.txt
RULES=tests/kernel/known-differences.txt
SECONDS_=${KDIFF_FUZZ_SECONDS:-60}
SEED=${KDIFF_FUZZ_SEED:-1}
JOBS=${KDIFF_FUZZ_JOBS:-1}
C=corpus/build
passed=0
failed=0
steps=${*:-corpus fuzz}

[ -x "$BPFEMU" ] || { echo "tests/kdiff: $BPFEMU is not built (make, or set BPFEMU)" >&2; exit 2; }
[ -f "$KNOWN" ] || { echo "tests/kdiff: $KNOWN missing" >&2; exit 2; }

tmp=$(mktemp -d /tmp/bpfemu-kdiff.XXXXXX)
out=${KDIFF_OUT:-$tmp/findings}
keep=0
cleanup() { [ $keep = 1 ] || rm -rf "$tmp"; }
trap cleanup EXIT

# bpf() here? (kdiff exits 2 with the reason when it is not)
probe=$("$BPFEMU" kdiff /dev/null --type xdp 2>&1)
case "$probe" in
*"not permitted"*)
	echo "SKIP: tests/kdiff: ${probe#bpfemu: kdiff: }"
	exit 0 ;;
esac

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); keep=1; echo "FAIL $*"; }

# Is "KIND: RULE" an entry of the known list (an unindented line)?
known() {
	grep -qxF -- "$1" "$KNOWN"
}

# The --ignore options of tests/kernel/known-differences.txt's map rules
# for (object, capture).
ignores() {
	grep -v '^[[:space:]]*#' "$RULES" 2>/dev/null | awk -v o="$1" -v c="$2" \
		'NF >= 5 && ($1 == o || $1 == "*") && ($2 == c || $2 == "*") && $3 == "map" {
			split($5, r, "-"); printf " --ignore %s:%s-%s", $4, r[1], r[2] }'
}

corpus() {
	[ -f $C/pcaps/mixed.pcap ] || { echo "tests/kdiff: $C missing: make -C corpus" >&2; exit 2; }
	grep -v '^#' corpus/MANIFEST | grep -v '^[[:space:]]*$' | while read -r obj prog cap opts; do
		case " ${KDIFF_SKIP:-} " in *" $obj "*)
			echo "SKIP corpus $obj: in KDIFF_SKIP"
			continue ;;
		esac
		pace=
		case " ${opts:-} " in *" -p "*) pace=--pace ;; esac
		for c in "$cap" mixed.pcap; do
			ign=$(ignores "$obj.o" "$c")
			[ -n "$ign" ] || ign=$(ignores "$obj" "$c")
			args="$C/$obj.o --section $prog --pcap $C/pcaps/$c --map-in $C/pcaps/$obj.maps.json $pace $ign"
			# shellcheck disable=SC2086
			res=$("$BPFEMU" kdiff $args 2>&1)
			rc=$?
			if [ $rc = 0 ] && echo "$res" | grep -q 'object refused: '; then
				# both verifiers refuse another program of the object (this
				# kernel build withholds a helper it calls): nothing ran
				echo "SKIP corpus $obj $c: $(echo "$res" | grep -m1 '^  kernel' | sed 's/^  kernel *//')"
				continue
			fi
			if [ $rc = 0 ]; then
				echo "ok   corpus $obj $c: $(echo "$res" | tail -1)"
				echo pass >>"$tmp/corpus"
				continue
			fi
			if [ $rc = 1 ] && echo "$res" | grep -q '^\(verdict\|verifier error\) differs'; then
				if known "corpus-verdict: $obj"; then
					# shellcheck disable=SC2086
					res2=$("$BPFEMU" kdiff $args --no-verify 2>&1)
					if [ $? = 0 ]; then
						echo "ok   corpus $obj $c: verdicts differ (known: $(echo "$res" | grep '^  bpfemu:' | head -1 | sed 's/^  bpfemu: //')); runs identical"
						echo pass >>"$tmp/corpus"
					else
						echo "FAIL corpus $obj $c (runs, --no-verify):"
						echo "$res2" | sed 's/^/     /'
						echo fail >>"$tmp/corpus"
					fi
					continue
				fi
			fi
			echo "FAIL corpus $obj $c (exit $rc):"
			echo "$res" | sed 's/^/     /'
			echo "     (bpfemu kdiff $args)"
			echo fail >>"$tmp/corpus"
		done
	done
	p=$(grep -c pass "$tmp/corpus" 2>/dev/null || true)
	f=$(grep -c fail "$tmp/corpus" 2>/dev/null || true)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	[ "${f:-0}" = 0 ] || keep=1
}

fuzz() {
	echo "== bpfemu fuzz verifier-diff --seconds $SECONDS_ --seed $SEED --jobs $JOBS"
	"$BPFEMU" fuzz verifier-diff --seconds "$SECONDS_" --seed "$SEED" --jobs "$JOBS" \
		--out "$out" >"$tmp/fuzz.txt" 2>"$tmp/fuzz.err"
	rc=$?
	sed 's/^/     /' "$tmp/fuzz.txt"
	if [ $rc -gt 1 ]; then
		bad "fuzz: bpfemu fuzz exited $rc: $(cat "$tmp/fuzz.err")"
		return
	fi
	# every entry of the known list needs an explanation line under it
	awk '/^[a-z-]+: / { if (e) { print e; } e = $0; next }
	     /^[[:space:]]+[^[:space:]]/ { e = ""; next }
	     END { if (e) print e }' "$KNOWN" | grep -v '^#' >"$tmp/unexplained"
	if [ -s "$tmp/unexplained" ]; then
		bad "fuzz: entries of $KNOWN without an explanation:"
		sed 's/^/     /' "$tmp/unexplained"
	fi
	# "    KIND  COUNTx  RULE  [seed ...]" lines of the summary
	sed -n 's/^    \([a-z-]*\) *[0-9]*x  \(.*\)  \[seed .*$/\1: \2/p' "$tmp/fuzz.txt" >"$tmp/found"
	new=0
	while IFS= read -r f; do
		if known "$f"; then
			ok "fuzz: known difference: $f"
		else
			bad "fuzz: new difference: $f (program in $out)"
			new=1
		fi
	done <"$tmp/found"
	grep -E '^(soundness|precision|reject-diff): ' "$KNOWN" | while IFS= read -r k; do
		grep -qxF -- "$k" "$tmp/found" || echo "note known difference not reached in this run: $k"
	done
	[ $new = 0 ] && ok "fuzz: every finding is a known difference ($(wc -l <"$tmp/found") distinct)"
}

for s in $steps; do
	case $s in
	corpus) corpus ;;
	fuzz) fuzz ;;
	*) echo "usage: $0 [corpus|fuzz]..." >&2; exit 2 ;;
	esac
done
[ $keep = 1 ] && echo "findings and logs kept in $tmp"
echo "$passed passed, $failed failed"
[ $failed = 0 ]

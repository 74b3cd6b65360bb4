#!/bin/sh
# Run every corpus program on its capture and on mixed.pcap in the real kernel
# (build/kernel-run, BPF_PROG_TEST_RUN) and compare the number of packets per
# return value with the table in EXPECTED.md.
#
#   ./kernel-check.sh                 compare; exit 1 on a difference
#   ./kernel-check.sh --print         print the table lines instead
#   ./kernel-check.sh --results DIR   also keep each run's full output
#                                     (kernel-run -m: data_out, maps, ring buffer)
#
# Prints "SKIP" and exits 0 when bpf() is not permitted here (no root / no
# CAP_BPF, or a kernel without BPF_PROG_TEST_RUN).
set -u
cd "$(dirname "$0")"
B=build
mode=check
results=
case "${1:-}" in
--print) mode=print ;;
--results) results=${2:?--results DIR}; mkdir -p "$results" ;;
"") ;;
*) echo "usage: $0 [--print | --results DIR]" >&2; exit 1 ;;
esac

for f in $B/kernel-run $B/pcaps/mixed.pcap; do
	[ -e "$f" ] || { echo "$0: $f missing: run make -C corpus first" >&2; exit 1; }
done

actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
grep -v '^#' MANIFEST | grep -v '^[[:space:]]*$' | while read -r obj prog cap opts; do
	for c in "$cap" mixed.pcap; do
		if [ -n "$results" ]; then
			$B/kernel-run -m -s ${opts:-} -i $B/pcaps/$obj.maps $B/$obj.o "$prog" $B/pcaps/$c \
				>"$results/$obj.${c%.pcap}.txt" 2>"$results/$obj.${c%.pcap}.err"
			rc=$?
			out=$(grep '^# ' "$results/$obj.${c%.pcap}.txt")
		else
			out=$($B/kernel-run -q -s ${opts:-} -i $B/pcaps/$obj.maps $B/$obj.o "$prog" $B/pcaps/$c 2>&1)
			rc=$?
		fi
		if [ $rc -eq 2 ]; then
			echo "SKIP"
			exit 0
		fi
		if [ $rc -eq 3 ]; then
			# this kernel build withholds a helper the program calls: its
			# expected line stands, unchecked, and the skip is said
			echo "SKIP: $obj $c: $(echo "$out" | grep 'does not offer' | sed 's/^kernel-run: //')" >&2
			echo "$obj $c SKIPPED"
			continue
		fi
		if [ $rc -ne 0 ]; then
			echo "$obj $c: kernel-run failed (exit $rc)" >&2
			echo "$out" >&2
			echo "$obj $c FAILED"
			continue
		fi
		counts=$(echo "$out" | sed -n 's/^# retval \([0-9]*\): \([0-9]*\)$/\1=\2/p; s/^# error: \([0-9]*\)$/error=\1/p' | tr '\n' ' ')
		echo "$obj $c ${counts% }"
	done
done >"$actual"
if grep -q '^SKIP' "$actual"; then
	echo "SKIP: bpf() is not available here (needs root or CAP_BPF+CAP_NET_ADMIN); kernel results not checked"
	exit 0
fi

if [ $mode = print ]; then
	cat "$actual"
	exit 0
fi
expected=$(sed -n '/^<!-- kernel-counts:begin -->/,/^<!-- kernel-counts:end -->/p' EXPECTED.md | grep -v '^<!--' | grep -v '^```')
skipped=$(grep -c ' SKIPPED$' "$actual")
# a skipped run compares as its expected line
expected=$(echo "$expected" | while read -r o c rest; do
	if grep -q "^$o $c SKIPPED$" "$actual"; then echo "$o $c SKIPPED"; else echo "$o $c $rest" | sed 's/ $//'; fi
done)
if [ "$expected" = "$(cat "$actual")" ]; then
	echo "kernel-check: $(($(wc -l <"$actual") - skipped)) runs match EXPECTED.md, $skipped skipped (see SKIP lines)"
	exit 0
fi
echo "kernel-check: kernel results differ from EXPECTED.md (- expected, + kernel):"
echo "$expected" | diff -u - "$actual" | tail -n +3
exit 1

#!/bin/sh
# abidiff against the committed baseline of the last release: additions are
# allowed, any change or removal fails (abidiff exits 4 for a changed struct
# layout, 8/12 for incompatible changes: every non-zero exit fails here).
# Usage: check_abi.sh ABIDIFF SOURCE_ROOT LIBTRACE_SO
abidiff=$1 root=$2 lib=$3
baseline=$(ls "$root"/abi/libtrace.so.1-*.abi 2>/dev/null | sort -V | tail -n 1)
if [ -z "$baseline" ]; then
	echo "no ABI baseline under $root/abi: cut a release with abidw first (docs/ABI.md)" >&2
	exit 1
fi
echo "comparing $lib with $baseline"
"$abidiff" --headers-dir2 "$root/include/trace" --drop-private-types --fail-no-debug-info \
	--suppressions "$root/abi/experimental.suppr" \
	--no-added-syms "$baseline" "$lib"
status=$?
[ $status -eq 0 ] || echo "abidiff exited $status: the ABI changed incompatibly" >&2
exit $status

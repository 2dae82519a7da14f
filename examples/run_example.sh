#!/bin/sh
# Runs an example program against a fresh temporary directory.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/libtrace-example-XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$1" "$dir/log"

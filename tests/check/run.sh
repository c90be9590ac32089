#!/bin/sh
# run.sh - the diagnostics corpus on its own (tests/e2e/run.sh runs it too):
#
#   GKREPORT=build/gkreport sh tests/check/run.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/e2e/lib.sh"
gk=${GKREPORT:-$root/build/gkreport}
export GK_DATA_DIR="$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/corpus.sh"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

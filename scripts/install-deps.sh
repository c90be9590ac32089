#!/bin/sh
# install-deps.sh - installs the Debian packages gkreport needs to build,
# test or render, and nothing when they are all present; then the Fandol
# fonts of the default body and 楷 roles, which no small package has
# (scripts/install-fonts.sh, silent when they are there).
#
#   scripts/install-deps.sh build   compiler, libraries, fonts
#   scripts/install-deps.sh test    build + the independent PDF readers,
#                                   valgrind, and pdf.js (npm ci in
#                                   tests/readers, from the npm registry)
#
# Node.js and npm count as present when the commands are, whichever
# package brought them (NodeSource's nodejs bundles npm, and Debian's npm
# package would fight it); pdf.js (pdfjs-dist 4.10) needs Node.js 20 or
# later, which Debian 12's own nodejs (18) is not.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)

# libqpdf-dev gives extract.c qpdf-c.h and brings libqpdf29, which
# gkreport extract loads at run time (it is not linked: see Makefile);
# libharfbuzz-dev likewise gives harfbuzz_subset.c its headers and brings
# libharfbuzz-subset0, loaded for fonts our subset writers refuse (the
# unit tests link HarfBuzz to compare with it).
build_packages="gcc make pkg-config libhpdf-dev libfreetype-dev libfontconfig-dev
libyaml-dev libharfbuzz-dev libdeflate-dev libcmocka-dev libqpdf-dev
fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-uming fonts-arphic-ukai
fonts-wqy-zenhei fonts-lxgw-wenkai icc-profiles-free
fonts-noto-cjk fonts-liberation2"
# fonts-stix (2.8 MB) is a test font: STIX's OpenType faces are name-keyed
# CFF, which the PDF writer's CFF subset writer refuses, so they exercise
# its HarfBuzz fallback (tests/e2e/fallback.sh, test_pdf_writer).
test_packages="poppler-utils qpdf mupdf-tools python3-pikepdf icc-profiles-free clang-14 libclang-rt-14-dev
valgrind fonts-stix"

mode=${1:-build}
case $mode in
build) wanted=$build_packages ;;
test) wanted="$build_packages $test_packages" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=
for p in $wanted; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ "$mode" = test ] &&
	! { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }; then
	missing="$missing nodejs npm"
fi

if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1; then
		sudo=sudo
	else
		echo "install-deps: need root or sudo to install:$missing" >&2
		exit 1
	fi
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
	echo "install-deps: installed:$missing"
fi
sh "$root/scripts/install-fonts.sh"

# pdf.js for tests/readers: npm ci from the lock file (the npm registry
# only, no install scripts), as the user running make, again only when the
# lock file changed since the last time.
if [ "$mode" = test ]; then
	readers=$root/tests/readers
	node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
	if [ "$node_major" -lt 20 ]; then
		echo "install-deps: pdf.js needs Node.js 20 or later, found $(node --version 2>/dev/null || echo none)" >&2
		exit 1
	fi
	if ! cmp -s "$readers/package-lock.json" "$readers/node_modules/.gkreport-lock"; then
		echo "install-deps: npm ci in tests/readers"
		(cd "$readers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
		cp "$readers/package-lock.json" "$readers/node_modules/.gkreport-lock"
	fi
fi

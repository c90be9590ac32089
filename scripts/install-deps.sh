#!/bin/sh
# install-deps.sh - installs the Debian packages gkreport needs to build,
# test or render, and nothing when they are all present.
#
#   scripts/install-deps.sh build   compiler, libraries, fonts
#   scripts/install-deps.sh test    build + the independent PDF readers
set -eu

build_packages="gcc make pkg-config libhpdf-dev libfreetype-dev libfontconfig-dev
libyaml-dev libharfbuzz-dev libcmocka-dev libqpdf-dev
fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-uming fonts-arphic-ukai
fonts-wqy-zenhei fonts-lxgw-wenkai icc-profiles-free"
test_packages="poppler-utils qpdf mupdf-tools python3-pikepdf icc-profiles-free clang-14 libclang-rt-14-dev"

case "${1:-build}" in
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
[ -z "$missing" ] && exit 0

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

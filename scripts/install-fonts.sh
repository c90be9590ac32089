#!/bin/sh
# install-fonts.sh - installs the free fonts gkreport's default roles want
# that no small Debian package provides: FandolFang (仿宋, body text) and
# FandolKai (楷体), the only free faces of their style with all of GB2312.
#
# They ship only inside texlive-lang-chinese (a 49 MB download that pulls
# in texlive-base, about 100 MB more installed).  This script downloads
# that .deb with `apt-get download` (no dependencies, nothing installed in
# dpkg's database), extracts just the two .otf files, their README and
# licence, and puts them where fontconfig looks:
#
#   as root      /usr/local/share/fonts/fandol/
#   otherwise    ${XDG_DATA_HOME:-~/.local/share}/fonts/fandol/
#
# then refreshes fontconfig's cache.  Nothing happens when fontconfig
# already lists FandolFang and FandolKai (e.g. texlive-lang-chinese is
# installed and its fonts are registered, or this script ran before).
# Licence: GPL-3 with a font exception (embedding in documents is free).
#
#   scripts/install-fonts.sh          install if missing and say so; else silent
#   scripts/install-fonts.sh --check  exit 0 if installed, 1 if not
set -eu

fonts="FandolFang-Regular.otf FandolKai-Regular.otf"
families="FandolFang FandolKai"
package=texlive-lang-chinese
tex_dir=usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
doc_dir=usr/share/doc/texlive-doc/fonts/fandol

# installed: true when fontconfig lists every wanted family.
installed() {
	for f in $families; do
		fc-list "$f" family | grep -q . || return 1
	done
}

if [ "$(id -u)" -eq 0 ]; then
	dest=/usr/local/share/fonts/fandol
else
	dest=${XDG_DATA_HOME:-$HOME/.local/share}/fonts/fandol
fi

if installed; then
	exit 0                          # silent: make test runs this every time
fi
[ "${1:-}" = --check ] && exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "install-fonts: downloading $package (49 MB) for its Fandol fonts"
(cd "$work" && apt-get download -qq "$package" >/dev/null 2>&1) || {
	echo "install-fonts: 'apt-get download $package' failed;" \
	     "install $package, or put $fonts in $dest" >&2
	exit 1
}
dpkg-deb -x "$work"/"$package"_*.deb "$work/root"
mkdir -p "$dest"
for f in $fonts; do
	install -m 644 "$work/root/$tex_dir/$f" "$dest/$f"
done
install -m 644 "$work/root/$doc_dir/README" "$dest/README"
install -m 644 "$work/root/$doc_dir/COPYING.gz" "$dest/COPYING.gz"
fc-cache -f "$dest" >/dev/null 2>&1 || true
if ! installed; then
	echo "install-fonts: fontconfig does not list the fonts in $dest" >&2
	exit 1
fi
echo "install-fonts: installed $fonts into $dest (from $package)"

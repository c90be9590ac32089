# fallback.sh - HarfBuzz's subsetter as the fallback for fonts our own
# subset writers refuse, loaded with dlopen only when a font needs it
# (src/harfbuzz_subset.c): gkreport is not linked with HarfBuzz or glib,
# a render of the default faces loads neither, a layout whose digits and
# Latin letters are set in STIXGeneral (fonts-stix: a name-keyed CFF, which
# the CFF writer refuses) renders through it, and a copy of gkreport that
# cannot find the library fails with a message naming the package.
# Sourced by run.sh (uses $gk, $root, $tmp, $sample, pass/fail).

fb=$tmp/fallback
fb_python=${PYTHON:-/usr/bin/python3}
fb_stix=/usr/share/fonts/opentype/stix/STIXGeneral-Regular.otf
mkdir -p "$fb/data/fonts"

# --- not linked; not loaded for the default faces ----------------------------
if ! ldd "$gk" >"$fb/ldd.out" 2>&1; then
	fail "gkreport is not linked with HarfBuzz or glib" "ldd failed" "$(head -3 "$fb/ldd.out")"
elif grep -Eq 'libharfbuzz|libglib|libgraphite2|libpcre2' "$fb/ldd.out"; then
	fail "gkreport is not linked with HarfBuzz or glib" "$(grep -E 'harfbuzz|glib' "$fb/ldd.out")"
else
	pass "gkreport is not linked with HarfBuzz or glib"
fi
# the dynamic linker lists every library it loads, dlopen'd ones too
LD_DEBUG=files LD_DEBUG_OUTPUT=$fb/ld "$gk" render "$sample" -o "$fb/seed.pdf" 2>/dev/null
fb_status=$?
if [ "$fb_status" -eq 0 ] && ls "$fb"/ld.* >/dev/null 2>&1 &&
	! grep -q 'libharfbuzz' "$fb"/ld.*; then
	pass "the default faces render without loading HarfBuzz"
else
	fail "the default faces render without loading HarfBuzz" "exit $fb_status" \
		"$(grep -h 'libharfbuzz' "$fb"/ld.* 2>/dev/null | head -2)"
fi

# --- STIXGeneral for digits and Latin: subset by HarfBuzz ---------------------
ln -s "$root/layouts" "$fb/data/layouts"
sed 's/^  latin: \[.*\]$/  latin: [STIXGeneral]/' "$root/fonts/roles.yaml" \
	>"$fb/data/fonts/roles.yaml"
if [ ! -r "$fb_stix" ]; then
	fail "STIXGeneral is installed (fonts-stix)" "run scripts/install-deps.sh test"
elif ! grep -q '^  latin: \[STIXGeneral\]$' "$fb/data/fonts/roles.yaml"; then
	fail "the test layout sets Latin in STIXGeneral" "no latin role in fonts/roles.yaml"
else
	LD_DEBUG=files LD_DEBUG_OUTPUT=$fb/ld-stix GK_DATA_DIR=$fb/data \
		"$gk" render "$sample" -o "$fb/stix.pdf" 2>"$fb/stix.err"
	fb_status=$?
	pdffonts "$fb/stix.pdf" 2>&1 | tail -n +3 >"$fb/fonts.txt"
	if [ "$fb_status" -eq 0 ] && [ ! -s "$fb/stix.err" ] &&
		grep -q 'libharfbuzz-subset.so.0' "$fb"/ld-stix.* &&
		grep -Eq '^[A-Z]{6}\+STIXGeneral-Regular +CID Type 0C +Identity-H +yes +yes +yes ' "$fb/fonts.txt"; then
		pass "STIXGeneral (name-keyed CFF) loads HarfBuzz: embedded, subset, with ToUnicode"
	else
		fail "STIXGeneral (name-keyed CFF) loads HarfBuzz: embedded, subset, with ToUnicode" \
			"exit $fb_status" "$(head -3 "$fb/stix.err")" "$(cat "$fb/fonts.txt")"
	fi
	# the Latin and digits of the seed, set in STIX, extract as they are
	if pdftotext "$fb/stix.pdf" - 2>"$fb/pdftotext.err" | strip_ws >"$fb/stix.txt" &&
		[ ! -s "$fb/pdftotext.err" ] &&
		grep -qF '西工区王城路街道办事处2024年政府信息公开工作年度报告' "$fb/stix.txt" &&
		grep -qF '2025年1月20日' "$fb/stix.txt"; then
		pass "STIXGeneral: pdftotext gives the text back"
	else
		fail "STIXGeneral: pdftotext gives the text back" "$(head -3 "$fb/pdftotext.err")"
	fi
	if qpdf --check "$fb/stix.pdf" >"$fb/qpdf.txt" 2>&1 && ! grep -qi 'warning' "$fb/qpdf.txt"; then
		pass "STIXGeneral: qpdf --check passes"
	else
		fail "STIXGeneral: qpdf --check passes" "$(tail -3 "$fb/qpdf.txt")"
	fi
fi

# --- the library missing: a clear error, no PDF; other fonts still render ----
# fb_patched FROM TO COPY: a copy of gkreport with FROM in its bytes made
# TO, of the same length (as archive.sh does for libqpdf).
fb_patched() {
	"$fb_python" - "$gk" "$1" "$2" "$3" <<'EOF'
import sys
binary, old, new, copy = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4]
data = open(binary, "rb").read()
assert len(old) == len(new) and old in data, "no " + sys.argv[2]
open(copy, "wb").write(data.replace(old, new))
EOF
	chmod +x "$3"
}
fb_patched libharfbuzz-subset.so.0 libharfbuzz-subset.so.9 "$fb/gk-nolib"
GK_DATA_DIR=$fb/data "$fb/gk-nolib" render "$sample" -o "$fb/nolib.pdf" \
	>"$fb/nolib.out" 2>"$fb/nolib.err"
fb_status=$?
if [ "$fb_status" -ne 0 ] && [ ! -e "$fb/nolib.pdf" ] && [ ! -s "$fb/nolib.out" ] &&
	grep -q "^gkreport: error: font $fb_stix (face 0) needs libharfbuzz-subset: libharfbuzz-subset.so.9: .*; install it: apt-get install libharfbuzz-subset0$" \
		"$fb/nolib.err" &&
	[ "$(grep -c 'error' "$fb/nolib.err")" -eq 1 ]; then
	pass "without libharfbuzz-subset: exit $fb_status, one error naming the package, no PDF"
else
	fail "without libharfbuzz-subset: a clear error, exit status, no PDF" \
		"exit $fb_status" "$(head -3 "$fb/nolib.err")"
fi
if "$fb/gk-nolib" render "$sample" -o "$fb/nolib-seed.pdf" 2>"$fb/nolib-seed.err" &&
	cmp -s "$fb/seed.pdf" "$fb/nolib-seed.pdf"; then
	pass "without libharfbuzz-subset the default faces render the same PDF"
else
	fail "without libharfbuzz-subset the default faces render the same PDF" \
		"$(head -3 "$fb/nolib-seed.err")"
fi

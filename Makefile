# gkreport - typesets 政府信息公开工作年度报告 into print-ready PDFs.
#
#   make            build build/gkreport
#   make demo       render samples/*.yaml to out/*.pdf
#   make test       unit, end-to-end and bad-input tests, plain and under
#                   ASan+UBSan, and a short run of every fuzz target
#   make valgrind   the samples under valgrind memcheck (part of make test)
#   make fuzz       run every fuzz target FUZZ_SECONDS seconds (default 60)
#   make install    PREFIX=/usr/local [DESTDIR=staging]
#   make bench      generate 1000 reports; time the seed report and batches

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DATADIR  ?= $(CURDIR)

# libqpdf gives extract.c its header only: extract loads the library with
# dlopen, as linking it would load libstdc++, gnutls and more into every
# run (2.5 ms and 6 MB at start-up).  HarfBuzz likewise: the PDF writer
# loads libharfbuzz-subset for the few fonts its own subset writers refuse
# (src/harfbuzz_subset.c), as linking it brought glib, graphite2 and pcre2
# into every run (0.25 ms).  Unit tests link HarfBuzz to compare with it.
PKGS      = freetype2 fontconfig yaml-0.1 harfbuzz harfbuzz-subset libdeflate libqpdf
LINK_PKGS = $(filter-out libqpdf harfbuzz harfbuzz-subset,$(PKGS))
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) \
            $$(pkg-config --cflags $(PKGS)) \
            -DGK_VERSION='"$(VERSION)"' -DGK_DATA_DIR='"$(DATADIR)"'
LIBS      = -lhpdf $$(pkg-config --libs $(LINK_PKGS)) -lm -pthread
TEST_LIBS = $$(pkg-config --libs harfbuzz harfbuzz-subset)

B        ?= build
SRC       = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ       = $(SRC:src/%.c=$(B)/obj/%.o)
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

SANITIZE  = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

.PHONY: all deps test-deps demo test unit e2e bad pdfa-checker test-asan install clean \
        fuzz fuzz-build fuzz-smoke bench
.PHONY: valgrind
.SUFFIXES:

all: $(B)/gkreport

deps:
	@sh scripts/install-deps.sh build

test-deps:
	@sh scripts/install-deps.sh test

$(B)/obj/%.o: src/%.c src/*.h | $(B)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libgk.a: $(OBJ)
	rm -f $@
	ar rcs $@ $(OBJ)

$(B)/gkreport: src/main.c $(B)/libgk.a
	$(CC) $(ALL_CFLAGS) src/main.c $(B)/libgk.a $(LIBS) -o $@

$(B)/tests/%: tests/unit/%.c $(B)/libgk.a tests/unit/*.h | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Isrc $< $(B)/libgk.a $(LIBS) $(TEST_LIBS) -lcmocka -o $@

# test_pdf_writer checks that the writer loads HarfBuzz itself, and only
# for a font that needs it: it must not come linked in.
$(B)/tests/test_pdf_writer: TEST_LIBS =

$(B)/obj $(B)/tests:
	mkdir -p $@

demo: deps
	@sh scripts/install-fonts.sh
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	@for f in samples/*.yaml; do \
		o=out/$$(basename "$$f" .yaml).pdf; \
		$(B)/gkreport render "$$f" -o "$$o" && echo "wrote $$o"; \
	done

unit: $(UNIT_BIN)
	@set -e; cache=$$(mktemp -d); trap 'rm -rf "$$cache"' EXIT; \
	for t in $(UNIT_BIN); do echo "== $$t"; \
		XDG_CACHE_HOME=$$cache GK_DATA_DIR=$(CURDIR) $$t; done

e2e: $(B)/gkreport
	@GKREPORT=$(CURDIR)/$(B)/gkreport sh tests/e2e/run.sh

# the bad-input corpus: each case's exact diagnostic, exit status, no file left
bad: $(B)/gkreport
	@GKREPORT=$(CURDIR)/$(B)/gkreport sh tests/bad/run.sh

test: test-deps
	@$(MAKE) --no-print-directory unit e2e bad pdfa-checker
	@$(MAKE) --no-print-directory valgrind
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory fuzz-smoke

# the PDF/A checker's own tests: each broken fixture rejected with its clause
pdfa-checker:
	@sh tests/pdfa/run.sh

test-asan:
	@$(MAKE) --no-print-directory B=build-asan CFLAGS='$(SANITIZE)' \
		unit e2e bad

# the ASan pass writes the same PDFs as the plain one (rendering is
# deterministic): tests/e2e/readers.sh reads them once, in the plain pass
test-asan: export GK_SKIP_READERS = 1

# memcheck over the samples and the batch's other paths (tests/valgrind.sh)
valgrind: $(B)/gkreport
	@GKREPORT=$(CURDIR)/$(B)/gkreport sh tests/valgrind.sh

# libFuzzer targets (tests/fuzz/), built with clang into $(FB) with the
# library sources instrumented; render needs every module, the others
# only the loaders, checker and line breaker.
FUZZ_CC      ?= clang-14
FB           ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS  = report layout linebreak render
FUZZ_CORE     = arena cache_dir diag output json utf8 yaml_tree layout layout_cache table_repeat report derive check linebreak
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE $(WARN) -O1 -g -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                $$(pkg-config --cflags $(PKGS)) -DGK_VERSION='"$(VERSION)"' \
                -DGK_DATA_DIR='"$(DATADIR)"'
FUZZ_CORE_OBJ = $(FUZZ_CORE:%=$(FB)/obj/%.o)
FUZZ_ALL_OBJ  = $(SRC:src/%.c=$(FB)/obj/%.o)

$(FB)/obj/%.o: src/%.c src/*.h | $(FB)/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FB)/fuzz_render: tests/fuzz/fuzz_render.c tests/fuzz/fuzz_common.h $(FUZZ_ALL_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -fsanitize=fuzzer $< $(FUZZ_ALL_OBJ) $(LIBS) -o $@

$(FB)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_CORE_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc -fsanitize=fuzzer $< $(FUZZ_CORE_OBJ) \
		$$(pkg-config --libs yaml-0.1) -lm -o $@

$(FB)/obj:
	mkdir -p $@

fuzz-build: $(FUZZ_TARGETS:%=$(FB)/fuzz_%)

fuzz: fuzz-build
	@FB=$(FB) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@FB=$(FB) sh tests/fuzz/run.sh 10 $(FUZZ_TARGETS)

# make bench: BENCH_COUNT generated reports (tests/bench/generate.awk),
# the seed report's median wall time and peak RSS, batch throughput at
# -j1 and -j2, average PDF size.
BENCH_COUNT ?= 1000

$(B)/bench/measure: tests/bench/measure.c
	@mkdir -p $(B)/bench
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 $< -o $@

bench: $(B)/gkreport $(B)/bench/measure
	@GKREPORT=$(CURDIR)/$(B)/gkreport MEASURE=$(CURDIR)/$(B)/bench/measure \
		BENCH_DIR=$(CURDIR)/$(B)/bench sh tests/bench/run.sh $(BENCH_COUNT)

# The installed binary has DATA_DIR compiled in as $(PREFIX)/share/gkreport
# (where it runs from, without DESTDIR), built apart in $(B)-install so
# that the checkout's build keeps pointing at the checkout, and so that an
# install run from the sanitizer pass (which passes its CFLAGS down) never
# leaves sanitized objects for a plain install to link; render.o, the one
# object holding DATA_DIR, is rebuilt every time in case PREFIX changed.
install:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gkreport/layouts \
		$(DESTDIR)$(PREFIX)/share/gkreport/fonts \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	rm -f $(B)-install/obj/render.o
	$(MAKE) --no-print-directory B=$(B)-install DATADIR=$(PREFIX)/share/gkreport all
	install -m 755 $(B)-install/gkreport $(DESTDIR)$(PREFIX)/bin/gkreport
	install -m 644 layouts/*.yaml $(DESTDIR)$(PREFIX)/share/gkreport/layouts
	install -m 644 fonts/*.yaml $(DESTDIR)$(PREFIX)/share/gkreport/fonts
	install -m 644 man/gkreport.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/gkreport.5 man/gkreport-layout.5 $(DESTDIR)$(PREFIX)/share/man/man5

clean:
	rm -rf build build-asan build-install build-asan-install out

# gkreport - typesets 政府信息公开工作年度报告 into print-ready PDFs.
#
#   make            build build/gkreport
#   make demo       render samples/*.yaml to out/*.pdf
#   make test       unit and end-to-end tests, plain and under ASan+UBSan
#   make install    PREFIX=/usr/local

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DATADIR  ?= $(CURDIR)

PKGS      = freetype2 fontconfig yaml-0.1 harfbuzz harfbuzz-subset
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
            $$(pkg-config --cflags $(PKGS)) \
            -DGK_VERSION='"$(VERSION)"' -DGK_DATA_DIR='"$(DATADIR)"'
LIBS      = -lhpdf $$(pkg-config --libs $(PKGS)) -lm

B        ?= build
SRC       = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ       = $(SRC:src/%.c=$(B)/obj/%.o)
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

SANITIZE  = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

.PHONY: all deps test-deps demo test unit e2e pdfa-checker test-asan install clean
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
	$(CC) $(ALL_CFLAGS) -Isrc $< $(B)/libgk.a $(LIBS) -lcmocka -o $@

$(B)/obj $(B)/tests:
	mkdir -p $@

demo: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	@for f in samples/*.yaml; do \
		o=out/$$(basename "$$f" .yaml).pdf; \
		$(B)/gkreport render "$$f" -o "$$o" && echo "wrote $$o"; \
	done

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; GK_DATA_DIR=$(CURDIR) $$t; done

e2e: $(B)/gkreport
	@GKREPORT=$(CURDIR)/$(B)/gkreport sh tests/e2e/run.sh

test: test-deps
	@$(MAKE) --no-print-directory unit e2e pdfa-checker
	@$(MAKE) --no-print-directory test-asan

# the PDF/A checker's own tests: each broken fixture rejected with its clause
pdfa-checker:
	@sh tests/pdfa/run.sh

test-asan:
	@$(MAKE) --no-print-directory B=build-asan CFLAGS='$(SANITIZE)' \
		unit e2e

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gkreport/layouts \
		$(DESTDIR)$(PREFIX)/share/gkreport/fonts \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	$(MAKE) B=build-install DATADIR=$(PREFIX)/share/gkreport all
	install -m 755 build-install/gkreport $(DESTDIR)$(PREFIX)/bin/gkreport
	install -m 644 layouts/*.yaml $(DESTDIR)$(PREFIX)/share/gkreport/layouts
	install -m 644 fonts/*.yaml $(DESTDIR)$(PREFIX)/share/gkreport/fonts
	install -m 644 man/gkreport.1 $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/gkreport.5 man/gkreport-layout.5 $(DESTDIR)$(PREFIX)/share/man/man5

clean:
	rm -rf build build-asan build-install out

# spill: build, test, demo.  `make demo` and `make check` do all the set-up.
CC ?= cc
BUILD ?= build
OPT ?= -O2 -g
CFLAGS_EXTRA ?=
LDFLAGS_EXTRA ?=

# Recursive (=) variables: pkg-config runs when a recipe needs the flags,
# i.e. after the deps stamp below has installed anything missing.
PKGS = gdal geos gsl jansson cairo
DEP_CFLAGS = $(shell pkg-config --cflags $(PKGS)) -I/usr/include/suitesparse
DEP_LIBS = $(shell pkg-config --libs $(PKGS)) -lproj -lreadstat -lcholmod -lumfpack -lamd -lcolamd -lsuitesparseconfig -lm -lpthread
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) -Wall -Wextra -Wshadow -Wno-unused-parameter \
             -Icore -Ispatial -Iio $(DEP_CFLAGS) $(CFLAGS_EXTRA)

LIB_SRC := $(wildcard core/*.c spatial/*.c io/*.c)
LIB_SRC := $(filter-out io/spill_main.c,$(LIB_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/t_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HEADERS := $(wildcard core/*.h spatial/*.h io/*.h tests/*.h)
STAMP := $(BUILD)/.deps-ok
SPILL := $(BUILD)/spill

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps check check-plain check-asan check-valgrind fuzz demo install bench tools clean
all: $(SPILL) spill

$(STAMP):
	@mkdir -p $(BUILD)
	@scripts/install-deps.sh
	@touch $@

deps: $(STAMP)

$(BUILD)/%.o: %.c $(HEADERS) | $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libspill.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SPILL): $(BUILD)/io/spill_main.o $(BUILD)/libspill.a
	$(CC) $(OPT) $(LDFLAGS_EXTRA) -o $@ $^ $(DEP_LIBS)

spill: $(SPILL)
	@if [ "$(BUILD)" = build ]; then ln -sf $(SPILL) spill; fi

$(BUILD)/tests/%: tests/%.c $(BUILD)/libspill.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(BUILD)/libspill.a $(LDFLAGS_EXTRA) $(DEP_LIBS)

# Fuzz targets (tests/fuzz): libFuzzer builds for `make fuzz`, and replay
# builds (plain cc, no libFuzzer) that `make check` runs on the committed corpus.
FUZZ_NAMES := gal gwt swm mtx csvw spmat job table text
fuzz_fmt_gal := GAL
fuzz_fmt_gwt := GWT
fuzz_fmt_swm := SWM
fuzz_fmt_mtx := MTX
fuzz_fmt_csvw := CSV
fuzz_fmt_spmat := SPMAT
fuzz_src = $(if $(filter job table text,$1),tests/fuzz/fuzz_$1.c,tests/fuzz/fuzz_wio.c)
fuzz_def = $(if $(filter job table text,$1),,-DFUZZ_FORMAT=SP_WF_$(fuzz_fmt_$1))
FUZZ_SECONDS ?= 30
FUZZ_SAN = -fsanitize=address,undefined
define FUZZ_RULES
$(BUILD)/tests/replay_$1: $(call fuzz_src,$1) tests/fuzz/replay.c $(BUILD)/libspill.a $(HEADERS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_ALL) $(call fuzz_def,$1) -o $$@ $(call fuzz_src,$1) tests/fuzz/replay.c \
	    $(BUILD)/libspill.a $$(LDFLAGS_EXTRA) $$(DEP_LIBS)
fuzz-$1: | $(STAMP)
	@scripts/install-deps.sh --fuzz
	@$$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" build-fuzz/libspill.a
	clang $$(CFLAGS_ALL) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(call fuzz_def,$1) \
	    -o build-fuzz/fuzz_$1 $(call fuzz_src,$1) build-fuzz/libspill.a $$(DEP_LIBS)
	@mkdir -p tests/fuzz/corpus/$1
	build-fuzz/fuzz_$1 -max_total_time=$(FUZZ_SECONDS) -max_len=65536 tests/fuzz/corpus/$1
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call FUZZ_RULES,$f)))
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)

# Runs each fuzz target for FUZZ_SECONDS; new inputs land in tests/fuzz/corpus.
fuzz: $(FUZZ_NAMES:%=fuzz-%)

# `make check`: the whole suite, then the whole suite again under ASan/UBSan.
check: check-plain check-asan

check-plain: $(SPILL) $(TEST_BIN) $(REPLAY_BIN)
	@SPILL=$(abspath $(SPILL)) BUILD=$(BUILD) tests/run.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build folder.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-asan: | $(STAMP)
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g $(SAN)" LDFLAGS_EXTRA="$(SAN)" \
	    build-asan/spill $(TEST_BIN:$(BUILD)/%=build-asan/%) $(REPLAY_BIN:$(BUILD)/%=build-asan/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	    SPILL=$(abspath build-asan/spill) BUILD=build-asan tests/run.sh

# The CLI tests under valgrind memcheck: no errors, no definite leaks.
check-valgrind: $(SPILL)
	@SPILL=$(abspath tests/valgrind-spill.sh) SPILL_REAL=$(abspath $(SPILL)) BUILD=/nonexistent \
	    tests/run.sh

# The workflow on the bundled data (scripts/demo.sh), leaving ./spill linked to
# the binary; demo-out/transcript.md holds the console blocks the README shows.
demo: $(SPILL) spill
	@scripts/demo.sh $(abspath $(SPILL))

# `make install PREFIX=DIR` (default /usr/local): the binary as DIR/bin/spill.
install: $(SPILL)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(SPILL) $(DESTDIR)$(PREFIX)/bin/spill

TOOLS := $(BUILD)/tools/voronoi
$(BUILD)/tools/%: scripts/%.c $(BUILD)/libspill.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libspill.a $(DEP_LIBS)

tools: $(TOOLS)

# Benchmarks (not tests): each runs the R reference in the same run.
bench: $(SPILL) $(TOOLS)
	@for b in scripts/bench-*.sh; do SPILL=$(abspath $(SPILL)) BUILD=$(BUILD) $$b || exit 1; done

clean:
	rm -rf build build-asan spill

# spill: build, test, demo.  `make demo` and `make check` do all the set-up.
CC ?= cc
BUILD ?= build
OPT ?= -O2 -g
CFLAGS_EXTRA ?=
LDFLAGS_EXTRA ?=

# Recursive (=) variables: pkg-config runs when a recipe needs the flags,
# i.e. after the deps stamp below has installed anything missing.
PKGS = gdal geos gsl jansson cairo pangocairo fontconfig libpng yaml-0.1 xlsxwriter nettle
DEP_CFLAGS = $(shell pkg-config --cflags $(PKGS)) -I/usr/include/suitesparse
SPARSE_LIBS = -lcholmod -lumfpack -lamd -lcolamd -lsuitesparseconfig -llapack
DEP_LIBS = $(shell pkg-config --libs $(PKGS)) -lproj -lsqlite3 -lreadstat $(SPARSE_LIBS) -lm -lpthread
# The binary's own libraries: all but its plugins' (GDAL, GEOS, PROJ, SuiteSparse, cairo).
DRAW_PKGS = cairo pangocairo fontconfig libpng
BIN_LIBS = $(shell pkg-config --libs $(filter-out gdal geos $(DRAW_PKGS),$(PKGS))) -lreadstat -lm -lpthread
# -ffp-contract=off: no fused multiply-add unless written (GCC's default in C11 mode, not
# clang's): the kernels' vector paths give the scalar path's bits (core/sp_simd.h).
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -ffp-contract=off $(OPT) -Wall -Wextra -Wshadow -Wno-unused-parameter \
             -Icore -Ispatial -Iio $(DEP_CFLAGS) $(CFLAGS_EXTRA)

LIB_SRC := $(wildcard core/*.c spatial/*.c io/*.c)
LIB_SRC := $(filter-out io/spill_main.c io/sp_plugin.c,$(LIB_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# The code that calls GDAL, GEOS or PROJ, the sparse factorisations and the
# figures (cairo): in the tests' libspill.a, but for the binary three plugins
# it dlopen()s on first use (io/sp_plugin.h lists the calls that cross), so
# that `spill` itself starts without GDAL's ~150 libraries, SuiteSparse's
# BLAS/LAPACK or cairo/pango.
PLUGIN_GDAL_SRC := io/sp_gdal.c io/sp_layer.c io/sp_layer_write.c io/sp_shapes.c io/sp_cartog.c \
                   io/sp_shard.c spatial/sp_geos.c spatial/sp_contig.c spatial/sp_points.c spatial/sp_crs.c \
                   spatial/sp_geod.c io/sp_layer_csv.c io/sp_gpkg_rtree.c io/sp_gpkg_db.c
PLUGIN_SPARSE_SRC := core/sp_pops_sparse.c
PLUGIN_DRAW_SRC := io/sp_canvas.c io/sp_chart.c io/sp_mapdraw.c io/cmd_plot.c
PLUGIN_GDAL_OBJ := $(PLUGIN_GDAL_SRC:%.c=$(BUILD)/%.o)
PLUGIN_SPARSE_OBJ := $(PLUGIN_SPARSE_SRC:%.c=$(BUILD)/%.o)
PLUGIN_DRAW_OBJ := $(PLUGIN_DRAW_SRC:%.c=$(BUILD)/%.o)
PLUGIN_OBJ := $(PLUGIN_GDAL_OBJ) $(PLUGIN_SPARSE_OBJ) $(PLUGIN_DRAW_OBJ)
CORE_OBJ := $(filter-out $(PLUGIN_OBJ),$(LIB_OBJ))
PLUGINS := $(BUILD)/libspill-gdal.so $(BUILD)/libspill-sparse.so $(BUILD)/libspill-draw.so
TEST_SRC := $(wildcard tests/t_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HEADERS := $(wildcard core/*.h spatial/*.h io/*.h tests/*.h)
STAMP := $(BUILD)/.deps-ok
SPILL := $(BUILD)/spill

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps check check-plain check-asan check-valgrind check-slurm fuzz demo install bench tools clean
all: $(SPILL) spill

$(STAMP):
	@mkdir -p $(BUILD)
	@scripts/install-deps.sh
	@touch $@

deps: $(STAMP)

$(BUILD)/%.o: %.c $(HEADERS) | $(STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PIC) -c $< -o $@

$(PLUGIN_OBJ): PIC = -fPIC

$(BUILD)/libspill.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The binary exports its symbols (-rdynamic) for the plugins, which bind their
# own calls to themselves (-Bsymbolic: the binary's wrappers of the same names
# stay outside).  Neither GDAL, GEOS, PROJ, SuiteSparse nor cairo is linked into it.
$(SPILL): $(BUILD)/io/spill_main.o $(BUILD)/io/sp_plugin.o $(CORE_OBJ) | $(PLUGINS)
	$(CC) $(OPT) $(LDFLAGS_EXTRA) -rdynamic -o $@ $^ $(BIN_LIBS) -ldl

PLUGIN_LINK = $(CC) $(OPT) $(LDFLAGS_EXTRA) -shared -Wl,-Bsymbolic -o $@ $^
$(BUILD)/libspill-gdal.so: $(PLUGIN_GDAL_OBJ)
	$(PLUGIN_LINK) $(shell pkg-config --libs gdal geos $(DRAW_PKGS)) -lproj -lsqlite3 -lm -lpthread
$(BUILD)/libspill-sparse.so: $(PLUGIN_SPARSE_OBJ)
	$(PLUGIN_LINK) $(SPARSE_LIBS) -lm -lpthread
$(BUILD)/libspill-draw.so: $(PLUGIN_DRAW_OBJ)
	$(PLUGIN_LINK) $(shell pkg-config --libs $(DRAW_PKGS) jansson) -lm -lpthread

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

# The benchmarks' tools (and t_perm_identity.sh's Voronoi cells).
TOOLS := $(BUILD)/tools/voronoi

# `make check`: the whole suite, then the whole suite again under ASan/UBSan.
check: check-plain check-asan

check-plain: $(SPILL) $(TEST_BIN) $(REPLAY_BIN) $(TOOLS)
	@SPILL=$(abspath $(SPILL)) BUILD=$(BUILD) tests/run.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build folder.
# intercept_tls_get_addr=0: GCC 12's runtime takes a malloc'd dynamic TLS block at offset 16
# of a page for a glibc 2.19 header and LeakSanitizer's tracer then dies at exit, depending
# on the heap's layout alone (google/sanitizers#1322).
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check-asan: | $(STAMP)
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g $(SAN)" LDFLAGS_EXTRA="$(SAN)" \
	    build-asan/spill $(TEST_BIN:$(BUILD)/%=build-asan/%) $(REPLAY_BIN:$(BUILD)/%=build-asan/%) \
	    $(TOOLS:$(BUILD)/%=build-asan/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:intercept_tls_get_addr=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	    SPILL=$(abspath build-asan/spill) BUILD=build-asan tests/run.sh

# A YAML job's grid as a Slurm job array on a single-node Slurm started by the
# test (munged, slurmctld, slurmd on localhost), merged and compared with the
# unsharded run.  Installs slurm-wlm and munge when missing.
check-slurm: $(SPILL)
	@scripts/install-deps.sh --slurm
	@SPILL=$(abspath $(SPILL)) tests/slurm/run.sh

# The CLI tests under valgrind memcheck: no errors, no definite leaks.
check-valgrind: $(SPILL)
	@SPILL=$(abspath tests/valgrind-spill.sh) SPILL_REAL=$(abspath $(SPILL)) BUILD=/nonexistent \
	    tests/run.sh

# The console walk-through (scripts/demo.sh: ./spill linked, demo-out/transcript.md
# holds the console blocks the README shows), then the same chain as one YAML job
# writing the full report to demo-out/china_provinces/.
demo: $(SPILL) spill
	@scripts/demo.sh $(abspath $(SPILL))
	@$(SPILL) run examples/china_provinces.yaml -o demo-out/china_provinces --jobs 2 --quiet
	@echo "report: demo-out/china_provinces/report.html (and report.md, tables/, layers/)"

# `make install PREFIX=DIR` (default /usr/local): the binary as DIR/bin/spill,
# its plugins in DIR/lib/spill (found from the binary's path).
install: $(SPILL) $(PLUGINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/spill
	install -m 755 $(SPILL) $(DESTDIR)$(PREFIX)/bin/spill
	install -m 644 $(PLUGINS) $(DESTDIR)$(PREFIX)/lib/spill/

$(BUILD)/tools/%: scripts/%.c $(BUILD)/libspill.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libspill.a $(DEP_LIBS)

tools: $(TOOLS)

# Benchmarks (not tests): each runs the R reference in the same run.
bench: $(SPILL) $(TOOLS)
	@for b in scripts/bench-*.sh; do SPILL=$(abspath $(SPILL)) BUILD=$(BUILD) $$b || exit 1; done

clean:
	rm -rf build build-asan spill

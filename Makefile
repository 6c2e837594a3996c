# tessera — hand-written GNU Makefile (samtools/minimap2 style).
# Honours CC, CFLAGS, CPPFLAGS, LDFLAGS, PREFIX (or prefix) and DESTDIR.
# Library code goes into libtessera.a, linked by both ./tessera and the tests.

CC       ?= cc
CFLAGS   ?= -g -O2
PREFIX   ?= /usr/local
prefix   ?= $(PREFIX)
bindir    = $(prefix)/bin
datadir   = $(prefix)/share/tessera
PKG_CONFIG ?= pkg-config

# Flags the project needs whatever the user passes in CFLAGS.
TS_CFLAGS   = -std=c11 -Wall -Wextra -D_GNU_SOURCE
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags htslib gsl zlib jansson 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs htslib gsl zlib jansson 2>/dev/null)
LIBS        = $(PKG_LIBS) -lm -lpthread
ALL_CFLAGS  = $(TS_CFLAGS) $(CFLAGS)
ALL_CPPFLAGS = -Isrc -DTS_DATADIR='"$(datadir)"' $(PKG_CFLAGS) $(CPPFLAGS)

LIB_SRCS  := $(sort $(wildcard src/util/*.c src/io/*.c src/cnn1d/*.c src/pairhmm/*.c src/cli/*.c))
LIB_OBJS   = $(LIB_SRCS:.c=.o)
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
HDRS      := $(wildcard src/*.h src/*/*.h)

.PHONY: all deps test check asan valgrind demo bench install uninstall clean fuzz fuzz-build fuzz-smoke
.SUFFIXES:

all: tessera

%.o: %.c $(HDRS)
	$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) -c -o $@ $<

libtessera.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

tessera: src/main.o libtessera.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

tests/run_tests: $(TEST_SRCS) libtessera.a
	$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) -o $@ $(TEST_SRCS) libtessera.a \
		$(shell $(PKG_CONFIG) --libs criterion) $(LIBS)

deps:
	@sh tests/deps.sh

# Unit tests (Criterion) and CLI tests, one closing line "N passed, N failed".
test check: deps
	@$(MAKE) --no-print-directory tessera tests/run_tests
	@sh tests/run.sh

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer, built in
# a separate tree so the normal objects are never mixed with instrumented ones.
# TS_NO_CLONES: the cnn1d kernels are built for the baseline instruction set
# only, so this run tests the code `make test` does not reach on an AVX2 CPU.
ASAN_FLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DTS_SANITIZE -DTS_NO_CLONES
asan: deps
	@rm -rf build-asan && mkdir -p build-asan && ln -s ../data build-asan/data
	@tar cf - --exclude='*.o' --exclude='*.a' --exclude=tests/tmp --exclude=tests/run_tests Makefile src tests | (cd build-asan && tar xf -)
	@$(MAKE) --no-print-directory -C build-asan tessera tests/run_tests CFLAGS="$(ASAN_FLAGS)" LDFLAGS="$(ASAN_FLAGS)"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		TESSERA=build-asan/tessera RUN_TESTS=build-asan/tests/run_tests sh tests/run.sh

# Memcheck on the fast CLI cases (the bad-input corpus, resource limits,
# determinism, view; memory-limit cases skip): any memory error or definite/indirect leak makes
# valgrind exit 99, which fails the case.  About 9 CPU minutes: not in `make
# test` nor in CI (.ci/run), which has a 3-minute budget for it.
VALGRIND = valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect -q
VALGRIND_CASES = tests/cli/bad_inputs.sh tests/cli/resources.sh tests/cli/determinism.sh tests/cli/view.sh
valgrind:
	@sh tests/deps.sh valgrind
	@$(MAKE) --no-print-directory tessera
	@mkdir -p tests/tmp
	@TESSERA="$(VALGRIND) ./tessera" CLI_CASES="$(VALGRIND_CASES)" REF_PATH=: REF_CACHE=: sh tests/cli.sh tests/tmp/valgrind.counts; \
		rc=$$?; read p f < tests/tmp/valgrind.counts; echo "valgrind: $$p passed, $$f failed"; exit $$rc

# The main job on bundled data: every bundled JASPAR motif over the E. coli
# genome, hits in demo/hits.tsv, then the ten best and the busiest motifs.
demo: deps
	@$(MAKE) --no-print-directory tessera
	@mkdir -p demo
	./tessera scan -o demo/hits.tsv data/genome/ecoli_k12_mg1655.fa.gz
	@echo "== $$(($$(wc -l < demo/hits.tsv) - 1)) hits at p < 1e-4 in demo/hits.tsv; the ten most significant:"
	@tail -n +2 demo/hits.tsv | sort -t '	' -k8,8g -k1,1 -k4,4n | head -n 10
	@echo "== hits per motif (top 10 of $$(tail -n +2 demo/hits.tsv | cut -f1 | sort -u | wc -l) motifs with hits):"
	@tail -n +2 demo/hits.tsv | cut -f1,2 | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 10
	@echo "== are PacBio RS II insertions and deletions symmetric? (112 lambda subreads; demo/pacbio_test.txt)"
	@./tessera pairhmm test -@ 2 --json demo/pacbio_test.json -o demo/pacbio_test.txt \
		--bam data/reads/pacbio_rsii_lambda_subreads.bam --ref data/reads/pacbio_lambdaNEB_ref.fasta
	@grep '^Verdict' demo/pacbio_test.txt

bench: tessera
	@sh bench/run.sh
	@sh bench/scan.sh
	@sh bench/pairhmm.sh
	@sh bench/dp.sh
	@sh bench/vcf.sh
	@sh bench/cnn.sh
	@sh bench/cnn_encode.sh

# The forward-kernel benchmark (bench/dp.sh), linked against the library.
bench/dp_kernels: bench/dp_kernels.c libtessera.a $(HDRS)
	$(CC) $(ALL_CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) -o $@ bench/dp_kernels.c libtessera.a $(LIBS)

# BIN: the binary to install (the tests install the sanitizer build too).
BIN = tessera
install: $(BIN)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(datadir)/motifs
	install -m 755 $(BIN) $(DESTDIR)$(bindir)/tessera
	install -m 644 data/motifs/*.txt $(DESTDIR)$(datadir)/motifs/

uninstall:
	rm -f $(DESTDIR)$(bindir)/tessera
	rm -rf $(DESTDIR)$(datadir)

clean:
	rm -f tessera libtessera.a src/*.o src/*/*.o tests/run_tests bench/dp_kernels
	rm -rf build-asan tests/tmp demo

# Coverage-guided fuzzing of the parsers with libFuzzer (needs clang and
# libclang-rt-14-dev): `make fuzz FUZZ_SECONDS=60` runs each target for that
# long (FUZZ_SECS is the old name), or until FUZZ_RUNS executions; `make -j5
# fuzz` runs them side by side.  Corpora are seeded from data/fixtures; logs
# and crash inputs land in tests/tmp/fuzz.  `make fuzz-smoke` is 10 s each.
# Not part of `make test`.  Results of the long runs: tests/fuzz/RESULTS.md.
FUZZ_SECS ?= 60
FUZZ_SECONDS ?= $(FUZZ_SECS)
FUZZ_RUNS ?= -1
FUZZ_DIR = tests/tmp/fuzz
FUZZ_TARGETS = motif seqio bg phmm_json bed model
FUZZ_SAN = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
FUZZ_OBJS = $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
# Seeds per target: fixture files (seqio also gets gzip/bgzip-mode copies,
# see tests/fuzz/fuzz_seqio.c).
FUZZ_SEEDS_motif = data/fixtures/motif/*.meme data/fixtures/motif/*.jaspar data/fixtures/motif/*.transfac data/fixtures/motif/*.txt data/fixtures/scan/bad.meme \
	data/fixtures/bad/*.meme data/fixtures/bad/*.jaspar data/fixtures/bad/*.transfac
FUZZ_SEEDS_seqio = data/fixtures/seq/*.fa data/fixtures/seq/*.fq data/fixtures/seq/*.gz data/fixtures/seq/*.bgz data/fixtures/pairhmm/*.fa \
	data/fixtures/bad/*.fa data/fixtures/bad/*.fq data/fixtures/bad/*.gz data/fixtures/bad/*.bgz data/fixtures/bad/*.sam
FUZZ_SEEDS_bg = data/fixtures/pwm/* data/fixtures/bad/*.bg
FUZZ_SEEDS_phmm_json = data/fixtures/pairhmm/*.json data/fixtures/bad/*.json
FUZZ_SEEDS_bed = data/fixtures/seq/*.bed data/fixtures/bad/*.bed
FUZZ_SEEDS_model = data/fixtures/cnn/*.json tests/fuzz/seeds/model*.json

$(FUZZ_DIR)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(TS_CFLAGS) $(ALL_CPPFLAGS) -c -o $@ $<

$(FUZZ_DIR)/libtessera.a: $(FUZZ_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(FUZZ_DIR)/libtessera.a
	clang $(FUZZ_SAN) -fsanitize=fuzzer $(TS_CFLAGS) $(ALL_CPPFLAGS) -o $@ $< $(FUZZ_DIR)/libtessera.a $(LIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@rm -rf $(FUZZ_DIR)/corpus_$* && mkdir -p $(FUZZ_DIR)/corpus_$*
	@for f in $(FUZZ_SEEDS_$*); do [ -f "$$f" ] && cp "$$f" $(FUZZ_DIR)/corpus_$*/; done; \
	if [ $* = seqio ]; then for f in data/fixtures/seq/*.fa data/fixtures/seq/*.fq; do b=$${f##*/}; \
		printf '\001' | cat - "$$f" > $(FUZZ_DIR)/corpus_$*/gz_$$b; printf '\002' | cat - "$$f" > $(FUZZ_DIR)/corpus_$*/bgz_$$b; done; fi
	$(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -max_len=65536 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/crash_$*- $(FUZZ_DIR)/corpus_$* > $(FUZZ_DIR)/$*.log 2>&1; \
		rc=$$?; grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^Done ' $(FUZZ_DIR)/$*.log | sed 's/^/[fuzz_$*] /'; \
		[ $$rc = 0 ] || { tail -n 40 $(FUZZ_DIR)/$*.log; echo "[E::fuzz] fuzz_$* failed: see $(FUZZ_DIR)/$*.log"; exit 1; }

fuzz: $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

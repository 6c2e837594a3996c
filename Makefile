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

.PHONY: all deps test check asan demo bench install uninstall clean fuzz
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

# Coverage-guided fuzzing of the parsers with libFuzzer (needs clang):
# `make fuzz FUZZ_SECS=60` runs each target, seeded from data/fixtures.
FUZZ_SECS ?= 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_SRCS := $(sort $(wildcard src/util/*.c src/io/*.c))
fuzz:
	@mkdir -p tests/tmp/fuzz
	@for t in motif:motif seqio:seq; do n=$${t%%:*}; d=$${t#*:}; \
		clang $(FUZZ_FLAGS) $(TS_CFLAGS) $(ALL_CPPFLAGS) -o tests/tmp/fuzz/fuzz_$$n tests/fuzz/fuzz_$$n.c $(FUZZ_SRCS) $(LIBS) || exit 1; \
		rm -rf tests/tmp/fuzz/corpus_$$n && mkdir -p tests/tmp/fuzz/corpus_$$n; \
		find data/fixtures/$$d -type f -size -64k -exec cp {} tests/tmp/fuzz/corpus_$$n/ \; ; \
		tests/tmp/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECS) -max_len=65536 tests/tmp/fuzz/corpus_$$n || exit 1; \
	done

# forkcast: plain Makefile. `make run` and `make test` are the two commands of the Quick start.
# Quiet unless V=1.

CC      ?= cc
Q        = $(if $(V),,@)
SUDO     = $(shell [ "$$(id -u)" = 0 ] || echo sudo)

CPPFLAGS = -D_GNU_SOURCE -Icgi -I/usr/include/ClearSilver $(shell pkg-config --cflags json-c libcurl libxml-2.0 2>/dev/null)
WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Werror=format-security
CFLAGS   = -std=c11 -O2 -g $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong
ASANFLAGS= -std=c11 -O1 -g $(WARN) -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LIBS     = -lneo_cgi -lneo_cs -lneo_utl -lz -lfcgi -lsqlite3 -lcrypto -lssl \
           $(shell pkg-config --libs json-c libcurl libxml-2.0 2>/dev/null) -lpthread -lm

# Debian packages: to build and run, and to test
RUN_DEPS  = gcc make pkg-config clearsilver-dev zlib1g-dev libfcgi-dev lighttpd libjson-c-dev \
            libcurl4-openssl-dev libssl-dev libsqlite3-dev libxml2-dev sqlite3 curl ca-certificates
TEST_DEPS = libcmocka-dev perl python3 python3-botocore python3-boto3 nodejs npm valgrind chromium awscli \
            clang libclang-rt-14-dev llvm default-jre-headless

LIB_SRC  = $(filter-out cgi/main.c cgi/cli.c,$(shell find cgi -name '*.c' | sort))
UNIT_SRC = $(sort $(wildcard t/unit/test_*.c))
TOOL_SRC = $(sort $(wildcard t/tools/*.c))

OBJ      = $(LIB_SRC:%.c=build/obj/%.o)
AOBJ     = $(LIB_SRC:%.c=build/asan/obj/%.o)
UNIT_BIN = $(UNIT_SRC:t/unit/%.c=build/asan/t/%)
TOOL_BIN = $(TOOL_SRC:t/tools/%.c=build/asan/t/%)

.PHONY: all run test test-unit deps test-deps bench soak format clean asan vg valgrind install uninstall deb
all: build/forkcast.fcgi build/forkcast

build/obj/%.o: %.c $(wildcard cgi/*/*.h cgi/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

build/asan/obj/%.o: %.c $(wildcard cgi/*/*.h cgi/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC asan $<")
	$(Q)$(CC) $(CPPFLAGS) $(ASANFLAGS) -c $< -o $@

build/libforkcast.a: $(OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
build/asan/libforkcast.a: $(AOBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

build/forkcast.fcgi: build/obj/cgi/main.o build/libforkcast.a
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@
build/forkcast: build/obj/cgi/cli.o build/libforkcast.a
	$(if $(V),,@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@
build/asan/forkcast.fcgi: build/asan/obj/cgi/main.o build/asan/libforkcast.a
	$(Q)$(CC) $(ASANFLAGS) $^ $(LIBS) -o $@
build/asan/forkcast: build/asan/obj/cgi/cli.o build/asan/libforkcast.a
	$(Q)$(CC) $(ASANFLAGS) $^ $(LIBS) -o $@

build/asan/t/%: t/unit/%.c build/asan/libforkcast.a
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) $(ASANFLAGS) -Wno-unused-function $< build/asan/libforkcast.a $(LIBS) -lcmocka -o $@
build/asan/t/%: t/tools/%.c build/asan/libforkcast.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ASANFLAGS) $< build/asan/libforkcast.a $(LIBS) -o $@

asan: build/asan/forkcast.fcgi build/asan/forkcast $(UNIT_BIN) $(TOOL_BIN)

# ---- fuzzing (docs/fuzzing.md) -------------------------------------------------------------
# libFuzzer harnesses t/fuzz/<name>.c, linked against the cgi/ objects compiled for fuzzing
# under build/fuzz/. `make fuzz` runs each for FUZZ_SECONDS over its seed corpus
# t/fuzz/corpus/<name>/, new inputs going to build/fuzz/corpus/<name>/ (scratch) and crashes to
# build/fuzz/crash/<name>/; `make fuzz-merge` folds the scratch inputs that add coverage into
# t/fuzz/corpus. FUZZ=name runs one harness only.
FUZZ_CC      = clang
FUZZ_SECONDS ?= 60
FUZZFLAGS    = -std=c11 -O1 -g $(WARN) -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
               -fsanitize=fuzzer-no-link,address,undefined
FUZZ_SRC     = $(sort $(wildcard t/fuzz/*.c))
FUZZ_NAMES   = $(FUZZ_SRC:t/fuzz/%.c=%)
FUZZ_BIN     = $(FUZZ_SRC:t/fuzz/%.c=build/fuzz/%)
FOBJ         = $(LIB_SRC:%.c=build/fuzz/obj/%.o)
FUZZ         ?= $(FUZZ_NAMES)

build/fuzz/obj/%.o: %.c $(wildcard cgi/*/*.h cgi/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC fuzz $<")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZFLAGS) -c $< -o $@
build/fuzz/libforkcast.a: $(FOBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
build/fuzz/%: t/fuzz/%.c $(wildcard t/fuzz/*.h) build/fuzz/libforkcast.a
	$(if $(V),,@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer $< build/fuzz/libforkcast.a $(LIBS) -o $@

.PHONY: fuzz-build fuzz fuzz-merge
fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@failed=""; for n in $(FUZZ); do \
	  mkdir -p build/fuzz/corpus/$$n build/fuzz/crash/$$n; \
	  echo "  FUZZ    $$n ($(FUZZ_SECONDS) s)"; \
	  if ! ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} LSAN_OPTIONS=suppressions=t/fuzz/lsan.supp \
	    build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -timeout=10 \
	    -artifact_prefix=build/fuzz/crash/$$n/ $$(t/fuzz/dict-for $$n) $(FUZZ_ARGS) \
	    build/fuzz/corpus/$$n t/fuzz/corpus/$$n 2>build/fuzz/$$n.log; then \
	    grep -E 'ERROR|runtime error|^    #[0-9]' build/fuzz/$$n.log | head -25; \
	    echo "FAIL $$n: see build/fuzz/$$n.log"; failed="$$failed $$n"; \
	  fi; \
	done; t/fuzz/summary; [ -z "$$failed" ] || { echo "crashed:$$failed"; exit 1; }

fuzz-merge: fuzz-build
	@for n in $(FUZZ); do \
	  mkdir -p t/fuzz/corpus/$$n build/fuzz/corpus/$$n; \
	  LSAN_OPTIONS=suppressions=t/fuzz/lsan.supp build/fuzz/$$n -merge=1 t/fuzz/corpus/$$n build/fuzz/corpus/$$n \
	    2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true; \
	done

# ---- valgrind build (docs/valgrind.md) -----------------------------------------------------
# Valgrind cannot run sanitizer binaries: build/vg/ is a plain debug build (-O1 -g, the same
# warnings, no sanitizers, no _FORTIFY_SOURCE) of the library, both programs, the unit tests
# and the test tools. `make valgrind` runs t/valgrind.t: every unit test, the CLI and the
# FastCGI program under a short integration run, all under memcheck. `make test` runs it too
# (about 3 minutes on 2 cores); a bare t/run skips it unless FORKCAST_VALGRIND=1.
VGFLAGS  = -std=c11 -O1 -g $(WARN) -fno-omit-frame-pointer
VOBJ     = $(LIB_SRC:%.c=build/vg/obj/%.o)
VG_UNIT  = $(UNIT_SRC:t/unit/%.c=build/vg/t/%)
VG_TOOL  = $(TOOL_SRC:t/tools/%.c=build/vg/t/%)

build/vg/obj/%.o: %.c $(wildcard cgi/*/*.h cgi/*.h)
	@mkdir -p $(dir $@)
	$(if $(V),,@echo "  CC vg   $<")
	$(Q)$(CC) $(CPPFLAGS) $(VGFLAGS) -c $< -o $@
build/vg/libforkcast.a: $(VOBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
build/vg/forkcast.fcgi: build/vg/obj/cgi/main.o build/vg/libforkcast.a
	$(Q)$(CC) $(VGFLAGS) $^ $(LIBS) -o $@
build/vg/forkcast: build/vg/obj/cgi/cli.o build/vg/libforkcast.a
	$(Q)$(CC) $(VGFLAGS) $^ $(LIBS) -o $@
build/vg/t/%: t/unit/%.c build/vg/libforkcast.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(VGFLAGS) -Wno-unused-function $< build/vg/libforkcast.a $(LIBS) -lcmocka -o $@
build/vg/t/%: t/tools/%.c build/vg/libforkcast.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(VGFLAGS) $< build/vg/libforkcast.a $(LIBS) -o $@

vg: build/vg/forkcast.fcgi build/vg/forkcast $(VG_UNIT) $(VG_TOOL)

# FORKCAST_VG_TESTS: integration tests also run against valgrind-wrapped servers
FORKCAST_VG_TESTS ?= t/web.t
valgrind: test-deps
	@$(MAKE) --no-print-directory vg
	@FORKCAST_VALGRIND=1 FORKCAST_VG_TESTS="$(FORKCAST_VG_TESTS)" prove -v --exec '' t/valgrind.t

# Installs the Debian packages that are missing (as root, or through sudo). A tool already
# on the PATH from elsewhere (node, npm, python3 with botocore) counts as installed.
deps:
	@missing=""; for p in $(RUN_DEPS) $(EXTRA_DEPS); do \
	  case $$p in \
	    nodejs) command -v node >/dev/null && continue ;; \
	    npm) command -v npm >/dev/null && continue ;; \
	    python3) command -v python3 >/dev/null && continue ;; \
	    python3-botocore) python3 -c 'import botocore' 2>/dev/null && continue ;; \
	    python3-boto3) python3 -c 'import boto3' 2>/dev/null && continue ;; \
	    llvm) command -v llvm-symbolizer >/dev/null && continue ;; \
	    awscli) command -v aws >/dev/null && continue ;; \
	  esac; \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

test-deps:
	@$(MAKE) --no-print-directory deps EXTRA_DEPS="$(TEST_DEPS)"
	@if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then \
	  echo "installing npm packages (package-lock.json)"; npm ci --no-audit --no-fund --loglevel=error || exit 1; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run.sh

# The four builds run -j(cores) unless make was given -j (its job server then shares them);
# t/run runs the test files in parallel (T_JOBS=1: one after the other).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: test-deps
	@$(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(BUILD_JOBS)) \
	  all asan fuzz-build vg
	@FORKCAST_VALGRIND=1 t/run

# wrk loads the web pages; the benchmark runs the release build behind lighttpd, beside the
# ceiling (build/bench_ceiling: a FastCGI responder that only writes a body of the page's size);
# build/bench_handle drives requests in-process for the profilers (valgrind: callgrind)
bench:
	@$(MAKE) --no-print-directory deps EXTRA_DEPS="wrk valgrind linux-perf"
	@$(MAKE) --no-print-directory all build/bench_ceiling build/bench_handle
	@tools/bench.sh

build/bench_ceiling: tools/bench_ceiling.c
	$(Q)$(CC) -D_GNU_SOURCE $(CFLAGS) $< -lfcgi -o $@
build/bench_handle: tools/bench_handle.c build/libforkcast.a
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< build/libforkcast.a $(LIBS) -o $@

# load and soak (t/soak.t): 256 connections for SOAK_SECONDS (default 60) against the release
# build; prints the figures (requests, statuses, acknowledged writes, RSS) and asserts the
# invariants. Bounded: killed after SOAK_SECONDS + 300 s.
soak: deps
	@$(MAKE) --no-print-directory all
	@s=$${SOAK_SECONDS:-60}; SOAK_SECONDS=$$s timeout $$((s + 300)) prove --exec '' -v t/soak.t

# ---- install (docs/install.md) -------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=...]: the command in bin/, the FastCGI program and
# the start script in libexec/forkcast/, templates, static files, migrations, lighttpd's
# template and the demo data in share/forkcast/, the configuration in etc/forkcast/ (an
# existing one is never overwritten), the data folder var/lib/forkcast and a systemd unit.
# When etc/ and var/ are PREFIX's own, the installed configuration names them relative to
# itself, so the tree works wherever it is copied (DESTDIR included); otherwise (the Debian
# package: PREFIX=/usr SYSCONFDIR=/etc LOCALSTATEDIR=/var) by their absolute paths.
PREFIX        ?= /usr/local
SYSCONFDIR    ?= $(PREFIX)/etc
LOCALSTATEDIR ?= $(PREFIX)/var
UNITDIR       ?= $(PREFIX)/lib/systemd/system
BINDIR         = $(PREFIX)/bin
LIBEXECDIR     = $(PREFIX)/libexec/forkcast
SHAREDIR       = $(PREFIX)/share/forkcast
STATEDIR       = $(LOCALSTATEDIR)/lib/forkcast
VERSION        = $(shell cat VERSION)
ifeq ($(SYSCONFDIR)$(LOCALSTATEDIR),$(PREFIX)/etc$(PREFIX)/var)
INST_ROOT      = ../../share/forkcast
INST_DATA      = ../../var/lib/forkcast
INST_FCGI      = ../../libexec/forkcast/forkcast.fcgi
else
INST_ROOT      = $(SHAREDIR)
INST_DATA      = $(STATEDIR)
INST_FCGI      = $(LIBEXECDIR)/forkcast.fcgi
endif
SHARE_TREES    = templates static sql data

# (the configuration and the unit depend on the paths: made anew by every install)
install: all
	$(if $(V),,@echo "  INSTALL $(DESTDIR)$(PREFIX)")
	@mkdir -p build/install
	$(Q){ cat conf/forkcast.hdf; \
	  printf '\n# ---- written by make install: where this installation keeps its files ----\n'; \
	  printf '# Root: relative paths in this file resolve against it (itself relative to this file)\n'; \
	  printf 'Root = %s\nData.Dir = %s\nServer.FcgiBin = %s\n' '$(INST_ROOT)' '$(INST_DATA)' '$(INST_FCGI)'; \
	} >build/install/forkcast.hdf
	$(Q)sed -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
	  -e 's|@STATEDIR@|$(STATEDIR)|g' conf/systemd/forkcast.service.in >build/install/forkcast.service
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SHAREDIR)/conf \
	  $(DESTDIR)$(SYSCONFDIR)/forkcast $(DESTDIR)$(STATEDIR) $(DESTDIR)$(UNITDIR)
	$(Q)install -m 755 build/forkcast $(DESTDIR)$(BINDIR)/forkcast
	$(Q)install -m 755 build/forkcast.fcgi $(DESTDIR)$(LIBEXECDIR)/forkcast.fcgi
	$(Q)install -m 755 tools/serve.sh $(DESTDIR)$(LIBEXECDIR)/serve
	$(Q)install -m 644 conf/lighttpd.conf.cs conf/dynamodb-table.json conf/iam-policy.json \
	  $(DESTDIR)$(SHAREDIR)/conf/
	$(Q)tar -cf - $(SHARE_TREES) | tar -xf - -C $(DESTDIR)$(SHAREDIR) --no-same-owner
	$(Q)chmod -R u+w,go-w,a+rX $(addprefix $(DESTDIR)$(SHAREDIR)/,$(SHARE_TREES))
	$(Q)install -m 644 build/install/forkcast.hdf $(DESTDIR)$(SHAREDIR)/forkcast.hdf.installed
	$(Q)if [ -e $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf ]; then \
	  echo "  keeping $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf (the new default is $(SHAREDIR)/forkcast.hdf.installed)"; \
	else install -m 644 build/install/forkcast.hdf $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf; fi
	$(Q)install -m 644 build/install/forkcast.service $(DESTDIR)$(UNITDIR)/forkcast.service

# Removes what install wrote; the data folder stays, and so does a configuration that was
# edited after the install.
uninstall:
	$(Q)if [ -f $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf ] && \
	  cmp -s $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf $(DESTDIR)$(SHAREDIR)/forkcast.hdf.installed; then \
	  rm -f $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf; \
	  rmdir $(DESTDIR)$(SYSCONFDIR)/forkcast 2>/dev/null || true; \
	elif [ -f $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf ]; then \
	  echo "  keeping the edited $(DESTDIR)$(SYSCONFDIR)/forkcast/forkcast.hdf"; fi
	$(Q)rm -f $(DESTDIR)$(BINDIR)/forkcast $(DESTDIR)$(UNITDIR)/forkcast.service
	$(Q)rm -rf $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SHAREDIR)
	@echo "  left the data in $(DESTDIR)$(STATEDIR)"

# A Debian package, built offline: tools/mkdeb.sh stages `make install` with Debian's paths and
# declares the packages the programs' libraries come from (dpkg -S) as dependencies.
deb: all
	$(Q)tools/mkdeb.sh $(VERSION)

format:
	clang-format -i $$(find cgi t -name '*.[ch]')

clean:
	rm -rf build

# helpdesk — top-level build.
#
#   make run      install what is missing, build, start the whole stack
#   make test     every test suite (what CI runs)
#   make bench    benchmarks, printed as ratios to same-run baselines
#   make reset    stop nothing, wipe var/ (the local stack's data)
#   make spa      the web app (spa/) into spa/dist, which nginx serves at /

SHELL      := /bin/bash
BUILD      := build
CC         ?= cc
PORT       ?= 8080

WARN       := -Wall -Wextra -Werror
HD_CFLAGS  := -std=gnu11 $(WARN) -O2 -g -fPIC -Icore \
              -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
SAN_FLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all

CORE_SRCS  := $(wildcard core/*.c)
CORE_HDRS  := $(wildcard core/*.h)
CORE_OBJS  := $(CORE_SRCS:core/%.c=$(BUILD)/core/%.o)
CORE_LIB   := $(BUILD)/libhdcore.a
CORE_LIBS  := -lcjson -lpq -lcrypto -largon2 -licui18n -licuuc

NGX_SRC    := /usr/share/nginx/src
NGX_COPY   := $(BUILD)/nginx-src
NGX_OUT    := $(BUILD)/nginx
MODULE     := $(BUILD)/ngx_http_helpdesk_module.so
MOD_SRCS   := $(wildcard ngx_helpdesk/*.c ngx_helpdesk/*.h)

.PHONY: all deps run reset test unit unit-asan prove prove-asan bench bench-cal bench-tickets bench-sla clean fuzz spa spa-unit
.PHONY: bench-mail-out bench-mail-in bench-spa

all: $(CORE_LIB) $(BUILD)/helpdesk-worker $(MODULE) spa

deps:
	@bash .ci/deps.sh

# --- core -----------------------------------------------------------------

$(BUILD)/core/%.o: core/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HD_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^

# --- worker ---------------------------------------------------------------

include worker/worker.mk

# --- nginx module ---------------------------------------------------------
# Built out of tree against Debian's nginx-dev with Debian's own configure
# flags, so its signature matches /usr/sbin/nginx.  configure runs in a copy
# of the source tree (it writes there) and only when `config` changes.

$(NGX_OUT)/Makefile: config
	@rm -rf $(NGX_COPY) && mkdir -p $(BUILD) && cp -r $(NGX_SRC) $(NGX_COPY)
	cd $(NGX_COPY) && . ./conf_flags && ./configure \
	    --with-cc-opt="$$(dpkg-buildflags --get CFLAGS) -fPIC $$(dpkg-buildflags --get CPPFLAGS) $(WARN)" \
	    --with-ld-opt="$$(dpkg-buildflags --get LDFLAGS) -fPIC" \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --add-dynamic-module=$(CURDIR) --builddir=$(CURDIR)/$(NGX_OUT) >/dev/null

$(MODULE): $(NGX_OUT)/Makefile $(CORE_LIB) $(MOD_SRCS)
	$(MAKE) -s -f $(CURDIR)/$(NGX_OUT)/Makefile -C $(NGX_COPY) modules
	cp $(NGX_OUT)/ngx_http_helpdesk_module.so $@.tmp && mv -f $@.tmp $@

# --- web app --------------------------------------------------------------
# React + Vite (README.md, "Web app"). npm ci runs only when the lock
# file is newer than node_modules; the build only when a source changed. It prints each route's
# initial JavaScript, gzipped, and fails when the portal is over its bar.

SPA_DEPS := spa/node_modules/.package-lock.json
SPA_SRCS := $(shell find spa/src -type f 2>/dev/null) spa/index.html spa/vite.config.ts \
            spa/tailwind.config.js spa/postcss.config.js spa/tsconfig.json spa/scripts/js-size.mjs

$(SPA_DEPS): spa/package.json spa/package-lock.json
	cd spa && npm ci --no-audit --no-fund --loglevel=error

spa/dist/index.html: $(SPA_DEPS) $(SPA_SRCS)
	cd spa && npm run --silent build

spa: spa/dist/index.html

# Vitest: the SPA's logic and components (the browser flows are t/spa/, run by prove).
spa-unit: $(SPA_DEPS)
	cd spa && npx vitest run

# --- running --------------------------------------------------------------

run: deps all
	@PORT=$(PORT) bash conf/stack.sh run

reset:
	@bash conf/stack.sh stop >/dev/null 2>&1 || true
	rm -rf var

# --- tests ----------------------------------------------------------------

TEST_SRCS  := $(wildcard core/tests/test_*.c)

$(BUILD)/core-tests: $(TEST_SRCS) core/tests/check_main.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HD_CFLAGS) $(TEST_SRCS) core/tests/check_main.c $(CORE_SRCS) \
	    -o $@ $(CORE_LIBS) $$(pkg-config --libs check)

$(BUILD)/core-tests-asan: $(TEST_SRCS) core/tests/check_main.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HD_CFLAGS) $(SAN_FLAGS) $(TEST_SRCS) core/tests/check_main.c \
	    $(CORE_SRCS) -o $@ $(CORE_LIBS) $$(pkg-config --libs check)

unit: $(BUILD)/core-tests
	CK_FORK=no $(BUILD)/core-tests

unit-asan: $(BUILD)/core-tests-asan
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(BUILD)/core-tests-asan

# The tests' OIDC provider (npm oidc-provider, pinned by its lock file).
OIDC_DEPS := t/oidc/node_modules/.package-lock.json

$(OIDC_DEPS): t/oidc/package.json t/oidc/package-lock.json
	cd t/oidc && npm ci --no-audit --no-fund --loglevel=error

# Each t/ file starts its own stack; one initdb'd cluster is cached per run.
prove: all $(OIDC_DEPS)
	@tpl=$$(mktemp -d /tmp/hd-pgtpl.XXXXXX); \
	HD_PG_TEMPLATE=$$tpl/pg prove -I t/lib -r -j1 t/; rc=$$?; \
	rm -rf "$$tpl"; exit $$rc

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory spa-unit
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10
	@$(MAKE) --no-print-directory prove
	@$(MAKE) --no-print-directory prove-asan

# --- benchmarks -----------------------------------------------------------

bench: deps all bench-cal bench-sla bench-tickets bench-spa
	bash bench/run.sh

# Issue 4's bar on a seeded million-ticket database (bench/README.md).
bench-tickets: all
	bash bench/tickets.sh

# Inbound email end to end from a local Dovecot folder, against an IMAP
# fetch baseline of the same folder (bench/mail_in.sh).
bench-mail-in: all
	bash bench/mail_in.sh
# Issue 5's bar: one SLA tick over 100 000 clocks on 20 calendars (bench/README.md).
bench-sla: all
	bash bench/sla.sh

# hd_cal_elapsed() calls/s on one core against its bar (bench/README.md).
$(BUILD)/bench-cal: bench/cal.c $(CORE_LIB)
	$(CC) $(HD_CFLAGS) $< -o $@ $(CORE_LIB) $(CORE_LIBS)

bench-cal: $(BUILD)/bench-cal
	$(BUILD)/bench-cal

# The queue's first contentful paint with 50 tickets, next to a static page (bench/spa_fcp.sh).
bench-spa: all
	bash bench/spa_fcp.sh

# Outbound email messages/s into the test SMTP sink, next to raw curl (bench/mail_out.sh).
bench-mail-out: all
	bash bench/mail_out.sh

clean:
	rm -rf $(BUILD) spa/dist

# --- fuzzing --------------------------------------------------------------
# libFuzzer targets over the core; `make fuzz` runs each for FUZZ_SECONDS.

FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard fuzz/fuzz_*.c))

$(BUILD)/fuzz/%: fuzz/%.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined $(WARN) -Icore \
	    -I/usr/include/postgresql $< $(CORE_SRCS) -o $@ $(CORE_LIBS)

# fuzz_mime also links the worker's MIME parser and GMime (worker/worker.mk).
$(BUILD)/fuzz/fuzz_mime: fuzz/fuzz_mime.c worker/wk_mime.c worker/wk_store.c \
                         worker/wk_mail.h $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined $(WARN) -Icore -Iworker \
	    -I/usr/include/postgresql $(WORKER_GMIME_CFLAGS) $< worker/wk_mime.c \
	    worker/wk_store.c $(CORE_SRCS) -o $@ $(CORE_LIBS) $(WORKER_GMIME_LIBS)

fuzz: $(FUZZ_TARGETS)
	@for f in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz/corpus-$$(basename $$f); \
	    echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=0 \
	        $(BUILD)/fuzz/corpus-$$(basename $$f) 2>&1 | tail -1 || exit 1; \
	done

# --- the module under AddressSanitizer ------------------------------------
# The same module built with ASan+UBSan, loaded into Debian's nginx with
# libasan preloaded (NGINX-NOTES.md).  `make prove-asan` runs the t/ suites
# against it.

NGX_ASAN_OUT := $(BUILD)/nginx-asan
MODULE_ASAN  := $(BUILD)/asan/ngx_http_helpdesk_module.so
ASAN_CC_OPT  := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fPIC $(WARN)

$(NGX_ASAN_OUT)/Makefile: config $(NGX_OUT)/Makefile
	cd $(NGX_COPY) && HD_CORE_LIB=$(CURDIR)/$(BUILD)/asan/libhdcore.a \
	    ./configure --with-compat --with-threads \
	    --with-cc-opt="$(ASAN_CC_OPT)" \
	    --with-ld-opt="-fsanitize=address,undefined -fPIC" \
	    --add-dynamic-module=$(CURDIR) --builddir=$(CURDIR)/$(NGX_ASAN_OUT) >/dev/null

$(BUILD)/asan/libhdcore.a: $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(BUILD)/asan/core
	for f in $(CORE_SRCS); do \
	    $(CC) $(HD_CFLAGS) $(SAN_FLAGS) -c $$f -o $(BUILD)/asan/core/$$(basename $$f .c).o || exit 1; \
	done
	rm -f $@ && ar rcs $@ $(BUILD)/asan/core/*.o

$(MODULE_ASAN): $(NGX_ASAN_OUT)/Makefile $(BUILD)/asan/libhdcore.a $(MOD_SRCS)
	$(MAKE) -s -f $(CURDIR)/$(NGX_ASAN_OUT)/Makefile -C $(NGX_COPY) modules
	@mkdir -p $(@D)
	cp $(NGX_ASAN_OUT)/ngx_http_helpdesk_module.so $@.tmp && mv -f $@.tmp $@

prove-asan: all $(MODULE_ASAN) $(OIDC_DEPS)
	@tpl=$$(mktemp -d /tmp/hd-pgtpl.XXXXXX); \
	HD_MODULE=$(CURDIR)/$(MODULE_ASAN) HD_ASAN=1 HD_PG_TEMPLATE=$$tpl/pg \
	    prove -I t/lib -r -j1 t/; rc=$$?; rm -rf "$$tpl"; exit $$rc

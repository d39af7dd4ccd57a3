# Quick start: `make run` (set up, build, start vlaterm on the simulator) and `make test` (set up, run every test).
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
SWIFT_FLAGS ?=
BIN := .build/release/vlaterm

.PHONY: run test setup build bench clean

run: setup build
	$(BIN)

test: setup
	@SWIFT="$(SWIFT)" SWIFT_FLAGS="$(SWIFT_FLAGS)" scripts/test.sh

setup:
	@scripts/setup.sh

build:
	@$(SWIFT) build -c release $(SWIFT_FLAGS) -q

bench: setup build
	$(BIN) bench --help

clean:
	rm -rf .build

# Everyday commands. uv is installed on first use if it is missing.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: help uv sync tools store run down status lint test flakes bench

help:
	@echo "make run     start Kafka, the document store and the services, then run the demo"
	@echo "make down    stop everything make run started"
	@echo "make status  show what runs and whether it is ready"
	@echo "make lint    ruff and mypy"
	@echo "make test    lint, then the test suite"
	@echo "make tools   install what the tests run: kustomize, docker-compose, promtool, chromium"
	@echo "make store   install the local document store (builds its Rust server once per machine)"
	@echo "make flakes  run the suite (or TESTS=...) RUNS times in a row; list what ever failed"
	@echo "make bench   bring the local stack up if needed, then load it and print the figures"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --user uv \
		|| python3 -m pip install --user --break-system-packages uv

sync: uv
	$(UV) sync --frozen

# kustomize and docker-compose (manifest tests), chromium and a Japanese font (the console's
# browser tests): deploy/tools/install.sh; promtool, from Debian's prometheus package (binary
# only): deploy/monitoring/install-promtool. Nothing happens when they are there.
tools:
	deploy/tools/install.sh
	deploy/monitoring/install-promtool

# The Rust store server is built once per machine into ~/.cache/tsunagu (about 8 minutes);
# without cargo the Python server is installed instead. `tsunagu up` and the tests do the same.
store: sync
	$(UV) run --frozen tsunagu store prepare

run: sync
	$(UV) run --frozen tsunagu up --demo

down: uv
	$(UV) run --frozen tsunagu down

status: uv
	$(UV) run --frozen tsunagu status

lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

test: lint tools store
	$(UV) run --frozen pytest

# Hunting flaky tests: `make flakes RUNS=30 TESTS=tests/e2e` (defaults: 5 runs, whole suite).
RUNS ?= 5
TESTS ?=
flakes: sync
	$(UV) run --frozen python -m tests.flakes --runs $(RUNS) $(TESTS)

# Not part of `make test`: drives load through the running local stack (options: BENCH_ARGS;
# the stack's shape: STACK_ARGS, e.g. "--fresh --brokers 3 --replicas 2").
STACK_ARGS ?=
bench: sync
	$(UV) run --frozen tsunagu up $(STACK_ARGS)
	$(UV) run --frozen python -m tsunagu_ops.bench $(BENCH_ARGS)

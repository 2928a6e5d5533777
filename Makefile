# SightSync developer entry points. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
TOOLS := $(CURDIR)/.tools
# Exported as uv itself does for `uv run`, so tests that drive uv find the same binary.
export UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
VENV := .venv
# Debian packages the test suite needs (the broker its tests run against, which
# `ensure-rabbitmq` starts; offline validation of the compose file; a headless browser for
# the opt-out portal test).
SYSTEM_PACKAGES ?= rabbitmq-server docker-compose chromium
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Tools the dev group installs (hadolint, secantusd-py) are found on PATH by the tests.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install run test test-unit test-integration test-e2e lint format bench clean system-deps

help:
	@echo "make run    - start RabbitMQ/DB if needed and run every service (Ctrl-C stops)"
	@echo "make test   - lint, then the whole test suite against the real broker and database"
	@echo "make lint   - ruff check, ruff format --check, mypy"
	@echo "make bench  - benchmarks; writes bench/results/latest.json"

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

$(VENV)/.installed: pyproject.toml uv.lock libs/common/pyproject.toml services/*/pyproject.toml | $(UV)
	$(UV) sync --frozen --all-packages
	touch $@

install: $(VENV)/.installed

# The Debian packages above, installed only when missing.
system-deps:
	@SIGHTSYNC_SYSTEM_PACKAGES="$(SYSTEM_PACKAGES)" bash scripts/system-deps.sh

run: install
	SIGHTSYNC_AFTER_READY="$(VENV)/bin/sightsync-admin demo --if-new" \
	WEBHOOK_ALLOW_LOOPBACK_HTTP=$${WEBHOOK_ALLOW_LOOPBACK_HTTP:-true} \
	$(VENV)/bin/python -m sightsync.common.devstack run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: install system-deps lint
	$(VENV)/bin/python -m sightsync.common.devstack ensure-rabbitmq
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-unit: install
	$(VENV)/bin/pytest tests/unit $(PYTEST_ARGS)

test-integration: install
	$(VENV)/bin/pytest tests/integration $(PYTEST_ARGS)

test-e2e: install
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .data .pytest_cache .mypy_cache .ruff_cache

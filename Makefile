# The two commands: `make run` (the menu) and `make test` (the tests).
# Each creates .venv from the pinned requirements when missing or out of date.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-browser lint bench fuzz train evaluate clean-venv

run: $(VENV)/.runtime-installed
	$(PY) number_detector.py

test: $(VENV)/.dev-installed
	@$(PY) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests - failing on purpose"; exit 1; fi; \
	if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
		echo "make test: the browser tests were skipped (chromium not installed): run make test-browser"; fi; \
	exit $$rc

# The browser page in headless Chromium: Debian's chromium and chromium-driver, installed
# with apt when missing (as root, or through sudo), then only the tests marked `browser`.
CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

test-browser: $(VENV)/.dev-installed
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
		echo "make test-browser: installing chromium and chromium-driver with apt-get"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null || exit 1; \
	fi; \
	[ -x $(CHROMIUM) ] && [ -x $(CHROMEDRIVER) ] || { echo "make test-browser: no $(CHROMIUM) after installing"; exit 1; }
	$(PY) -m pytest -m browser

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.dev-installed
	$(PY) -m training.bench.speed

fuzz: $(VENV)/.dev-installed
	$(PY) -m tests.fuzz_long

train: $(VENV)/.runtime-installed
	$(PY) -m training.train --data-dir ../shared/data

evaluate: $(VENV)/.runtime-installed
	$(PY) -m training.evaluate --data-dir ../shared/data

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

clean-venv:
	rm -rf $(VENV)

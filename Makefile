# The two commands: `make run` (the menu) and `make test` (the tests).
# Each creates .venv from the pinned requirements when missing or out of date.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench fuzz train evaluate clean-venv

run: $(VENV)/.runtime-installed
	$(PY) number_detector.py

test: $(VENV)/.dev-installed
	@$(PY) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests - failing on purpose"; exit 1; fi; \
	exit $$rc

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

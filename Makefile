# The two commands: `make run` (the menu) and `make test` (the tests).
# Each creates .venv from the pinned requirements when missing or out of date:
#   run                      requirements.txt        (the runtime: onnxruntime, no torch)
#   train, evaluate, export  requirements-train.txt  (+ torch, torchvision, onnx)
#   test, lint, bench, fuzz  requirements-dev.txt    (+ the test tools)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check --progress-bar on

.PHONY: run test test-browser test-docker lint bench fuzz train evaluate export clean-venv

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

test-docker: $(VENV)/.dev-installed
	PY=$(PY) tests/docker/run.sh

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.dev-installed
	$(PY) -m training.bench.speed

fuzz: $(VENV)/.dev-installed
	$(PY) -m tests.fuzz_long

# Two stages, as the shipped model was made: the ten digits from scratch (outputs/digits/), then
# fine-tuned from it with "not a digit" and the candidates mined from generated photos (models/),
# its digit answers kept close to the first stage's (distillation).
train: $(VENV)/.train-installed
	$(PY) -m training.train --data-dir ../shared/data --out-dir outputs/digits
	$(PY) -m training.train --data-dir ../shared/data --out-dir outputs/junk --init outputs/digits/number_detector.pt \
		--distill outputs/digits/number_detector.pt --negatives 10000 --mined 400 --epochs 8 --lr 1e-3
	$(PY) -m training.train --data-dir ../shared/data --out-dir outputs/hard --init outputs/junk/number_detector.pt \
		--distill outputs/digits/number_detector.pt --judge outputs/junk/number_detector.onnx \
		--negatives 10000 --mined 700 --epochs 5 --lr 5e-4
	$(PY) -m training.train --data-dir ../shared/data --init outputs/hard/number_detector.pt \
		--distill outputs/hard/number_detector.pt --judge outputs/hard/number_detector.onnx \
		--negatives 10000 --mined 900 --epochs 5 --lr 5e-4

evaluate: $(VENV)/.train-installed
	$(PY) -m training.evaluate --data-dir ../shared/data

export: $(VENV)/.train-installed
	$(PY) -m training.export --model models/number_detector.pt

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	@echo "Installing the runtime packages into $(VENV) (first run only, about a minute)..."
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.train-installed: requirements.txt requirements-train.txt | $(VENV)/bin/python
	@echo "Installing the training packages (torch, onnx) into $(VENV) (first time only, a few minutes)..."
	$(PIP) -r requirements-train.txt
	touch $(VENV)/.runtime-installed $@

$(VENV)/.dev-installed: requirements.txt requirements-train.txt requirements-dev.txt | $(VENV)/bin/python
	@echo "Installing the training and test packages into $(VENV) (first time only, a few minutes)..."
	$(PIP) -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $(VENV)/.train-installed $@

clean-venv:
	rm -rf $(VENV)

# Arshif: `make run` sets everything up and serves the sample archive; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.arshif-installed

.PHONY: run install dev index serve test bench corpus clean

run: install index serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

dev: install

index: install
	$(BIN)/arshif index corpus

serve: install
	$(BIN)/arshif serve --host 127.0.0.1 --port 8000

test: dev
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/quality.py --quick

corpus: install
	$(BIN)/python -m pip install --quiet -e '.[corpus]'
	$(BIN)/python corpus/_tools/build_corpus.py

clean:
	rm -rf var .pytest_cache

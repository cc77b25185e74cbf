# Two entry points for a new machine: `make demo` and `make test`.
# Each creates the virtual environment on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/fanpin simulate --db campaign.sqlite --replace

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check fanpin_workflow tests examples benchmarks
	$(BIN)/ruff format --check fanpin_workflow tests examples benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/transitions_vs_core.py

clean:
	rm -rf $(VENV) campaign.sqlite campaign.sqlite-wal campaign.sqlite-shm

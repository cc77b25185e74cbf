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

# The storage tests run on SQLite and PostgreSQL. Without a server named in
# FANPIN_TEST_POSTGRES_URL, a throwaway one is started when the PostgreSQL
# binaries are on the machine (.ci/with-postgres).
test: $(STAMP)
	@if [ -n "$$FANPIN_TEST_POSTGRES_URL" ]; then \
		$(BIN)/python -m pytest; \
	elif .ci/with-postgres --available 2>/dev/null; then \
		.ci/with-postgres $(BIN)/python -m pytest; \
	else \
		echo "make test: no PostgreSQL binaries; PostgreSQL tests will be skipped"; \
		$(BIN)/python -m pytest; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check fanpin_workflow tests examples benchmarks
	$(BIN)/ruff format --check fanpin_workflow tests examples benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/transitions_vs_core.py

clean:
	rm -rf $(VENV) campaign.sqlite campaign.sqlite-wal campaign.sqlite-shm

# Two entry points for a new machine: `make demo` and `make test`.
# Each creates the virtual environment on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 && $(PYTHON) -c 'import sys' >/dev/null 2>&1 || { \
		echo "make: $(PYTHON) can't be run; install Python 3.11 or newer, or name one: make PYTHON=python3.12"; \
		exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "make: $(PYTHON) is older than Python 3.11; run make PYTHON=python3.11 (or newer)"; \
		exit 1; }
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { \
		echo "make: $(PYTHON) has no venv module (Debian/Ubuntu: apt-get install python3-venv)"; \
		exit 1; }
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
	elif reason=$$(.ci/with-postgres --available 2>&1); then \
		.ci/with-postgres $(BIN)/python -m pytest; \
	else \
		echo "make test: no PostgreSQL server can start, so its tests are skipped:"; \
		echo "  $$reason"; \
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

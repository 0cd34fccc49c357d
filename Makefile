# Two commands do all set-up on a fresh machine:
#   make run    install into .venv, write a demo project, open the window on it
#   make test   install with test extras, run every test (on SQLite and a PostgreSQL server)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO ?= demo/churn.db
DEMO_RUNS ?= 400

.PHONY: run test test-suites install install-test system-deps bench bundle clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(DEMO): | $(VENV)/.installed
	mkdir -p $(dir $(DEMO))
	$(VENV)/bin/lineage-desktop demo $(DEMO) --runs $(DEMO_RUNS)

run: $(VENV)/.installed $(DEMO)
	$(VENV)/bin/lineage-desktop $(DEMO) --artifact churn-model:production

# Xvfb (for the real-window smoke test) and the X libraries Qt's xcb platform needs.
system-deps:
	@bash scripts/ensure-system-deps.sh

# A throwaway PostgreSQL server for the team-store suites (scripts/pg-test-server.sh): started
# before pytest, given to it as LINEAGE_DESKTOP_TEST_PG, stopped afterwards even on failure.
test: $(VENV)/.installed-test system-deps
	@bash scripts/pg-test-server.sh run $(MAKE) --no-print-directory test-suites

# Every test on SQLite (tests/backends on both backends, the team store's 32-writer and
# SIGKILL cases among them), then the store, SDK, read-API, CLI, lineage-graph, audit,
# window and torture suites again with every store they make on the server
# (tests/backend_switch.py; the window's demo store is a database there). Tests about the
# SQLite file itself are marked sqlite_file and skip on the server. Left out there: the
# bundle build (no store of its own; ~150 s) and the scene tests that draw hand-made graphs
# without a store (~80 s); the two scene files that read a store stay.
# TEST_JOBS: pytest-xdist workers (auto: one per core; 0: one process). A module's tests
# stay on one worker (loadscope), so its module fixtures are built once.
TEST_JOBS ?= auto
PYTEST := $(PY) -m pytest -q -n $(TEST_JOBS) --dist loadscope
PG_SUITES := tests/store tests/sdk tests/cli tests/graph tests/audit tests/torture \
  $(addprefix tests/ui/,audit export panels session tasks window) \
  tests/ui/scene/test_card_names.py tests/ui/scene/test_deleted_cards.py
test-suites:
	$(PYTEST)
	$(PYTEST) --backend postgresql --ignore=tests/cli/test_bundle.py $(PG_SUITES)

bench: $(VENV)/.installed-test
	for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done

bundle: $(VENV)/.installed-test
	$(PY) -m pip install --quiet "pyinstaller>=6.6"
	$(VENV)/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/lineage-desktop.spec

clean:
	rm -rf $(VENV) build dist demo .pytest_cache

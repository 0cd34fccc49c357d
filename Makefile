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

# Every test on SQLite (the cross-backend ones on the server too), then the SDK, read-API
# and CLI suites again with every store they make on the server (tests/backend_switch.py).
# The window on the server: a representative subset (the whole of tests/ui adds ~7 min):
# opening, lineage drawing, sidebar, previews, verify and the live view.
PG_WINDOW_TESTS := tests/ui/panels/test_details_links.py tests/ui/panels/test_details_producers.py \
  $(addprefix tests/ui/window/test_window_,graph.py sidebar.py run_summary.py live.py \
  writers_come_and_go.py projects.py errors.py verify.py deleted.py text.py team_store.py)
test-suites:
	$(PY) -m pytest -q
	$(PY) -m pytest -q --backend postgresql tests/sdk tests/cli tests/backends tests/store \
	  $(PG_WINDOW_TESTS)

bench: $(VENV)/.installed-test
	for script in benchmarks/bench_*.py; do $(PY) $$script || exit 1; done

bundle: $(VENV)/.installed-test
	$(PY) -m pip install --quiet "pyinstaller>=6.6"
	$(VENV)/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/lineage-desktop.spec

clean:
	rm -rf $(VENV) build dist demo .pytest_cache

# Two commands on a fresh clone:  make lab   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# JupyterLab refuses to run as root without this flag (CI runs as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test bench venv clean notebooks browser course

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "labkit needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# Reinstalls whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing labkit and its dependencies into $(VENV) (a few minutes the first time)..."
	$(PIP) install -e '.[lab,live,capture,test]'
	@touch $@

venv: $(VENV)/.installed

lab: venv
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

test: venv browser
	$(BIN)/python -m pytest --nbval -p no:cacheprovider tests notebooks

# The browser test needs Debian's chromium (Playwright cannot download its own browser here).
# Installed when we can (as root with apt-get); otherwise the test says how and skips,
# unless LABKIT_REQUIRE_BROWSER=1 (as in CI), which makes a missing browser a failure.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser test..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is not installed: the browser test will be skipped (apt-get install chromium)."; fi; }

bench: venv
	$(BIN)/python -m labkit.bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis

notebooks: venv
	$(BIN)/python tools/execute_notebooks.py

course: venv
	$(BIN)/python tools/build_course.py

# Two commands on a fresh clone:  make lab   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# JupyterLab refuses to run as root without this flag (CI runs as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test bench venv clean notebooks

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "labkit needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# Reinstalls whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing labkit and its dependencies into $(VENV) (a few minutes the first time)..."
	$(PIP) install -e '.[lab,live,test]'
	@touch $@

venv: $(VENV)/.installed

lab: venv
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

test: venv
	$(BIN)/python -m pytest --nbval -p no:cacheprovider tests notebooks

bench: venv
	$(BIN)/python -m labkit.bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis

notebooks: venv
	$(BIN)/python tools/execute_notebooks.py

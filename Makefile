# Two commands on a fresh clone:  make lab   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# The kit's stylesheet for JupyterLab (jupyter/custom/custom.css, copied into the venv's
# jupyter_server static/custom folder, where a server looks when custom CSS is on).
LAB_CSS := --LabApp.custom_css=True
# JupyterLab refuses to run as root without this flag (CI runs as root).
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab lab-instructor test lint bench venv clean notebooks browser course kernel-tools kernel-lab \
	workshop bench-workshop proxy
# The learner's own copy of the course (student edition): never tracked, never overwritten.
WORK ?= my-course

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "labkit needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# Reinstalls whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml jupyter/overrides.json jupyter/custom/custom.css | $(BIN)/python
	@echo "Installing labkit and its dependencies into $(VENV) (a few minutes the first time)..."
	$(PIP) install -e '.[lab,live,capture,test]'
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/python -c 'import pathlib, shutil, jupyter_server as s; d = pathlib.Path(s.__file__).parent / "static" / "custom"; d.mkdir(parents=True, exist_ok=True); shutil.copy("jupyter/custom/custom.css", d)'
	@touch $@

venv: $(VENV)/.installed

# A learner's path: the student edition, copied once into $(WORK)/ (your answers stay yours).
lab: venv
	$(BIN)/python -m labkit.course student-copy notebooks $(WORK)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(LAB_CSS) \
		--LabApp.default_url=/lab/tree/$(WORK)/00-start-here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

# An instructor's path: the notebooks as committed, every solution filled in.
lab-instructor: venv
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(LAB_CSS) \
		--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb $(ROOT_FLAG) $(LAB_ARGS)

test: venv lint browser kernel-tools $(VENV)/.workshop proxy
	$(BIN)/python -m pytest --nbval -p no:cacheprovider tests notebooks

# The habits (settings in pyproject.toml): ruff's lint and format check, mypy, the layering contracts.
lint: venv
	$(BIN)/ruff check --no-fix .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser test needs Debian's chromium (Playwright cannot download its own browser here).
# Installed when we can (as root with apt-get); otherwise the test says how and skips,
# unless LABKIT_REQUIRE_BROWSER=1 (as in CI), which makes a missing browser a failure.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser test..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is not installed: the browser test will be skipped (apt-get install chromium)."; fi; }

# The kernel lab (tests/test_kernel_lab.py, make kernel-lab) needs root, iproute2, nftables and
# tcpdump. Installed when we can (as root with apt-get); otherwise its tests say how and skip,
# unless LABKIT_REQUIRE_KERNEL_LAB=1 (as in CI), which makes a missing tool a failure.
kernel-tools:
	@command -v nft >/dev/null 2>&1 && command -v tcpdump >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing nftables, tcpdump and iproute2 for the kernel lab..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables tcpdump iproute2 kmod >/dev/null; \
	  else echo "nftables/tcpdump/iproute2 missing: the kernel lab tests will be skipped (apt-get install nftables tcpdump iproute2, as root)."; fi; }

# The model against the real Linux FTP helper: prints the agreement table kept in docs/kernel-lab.md.
kernel-lab: venv kernel-tools
	$(BIN)/python -m labkit.cli kernel-lab all

bench: venv
	$(BIN)/python -m labkit.bench

# A class on one machine (docs/workshop.md): JupyterHub on HUB_IP:HUB_PORT (loopback unless you
# give the room address), learners log in with WORKSHOP_PASSWORD, the instructor with INSTRUCTOR_PASSWORD.
HUB_IP ?= 127.0.0.1
HUB_PORT ?= 8765
CULL_TIMEOUT ?= 3600
BENCH_ARGS ?=

$(VENV)/.workshop: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[workshop]'
	@touch $@

# JupyterHub's proxy, configurable-http-proxy, from npm (needs Node.js 20+ and npm).
workshop/node_modules/.bin/configurable-http-proxy: workshop/package.json workshop/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make workshop needs Node.js 20 or newer and npm (e.g. apt-get install nodejs npm)"; exit 2; }
	cd workshop && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

proxy: workshop/node_modules/.bin/configurable-http-proxy

workshop: venv $(VENV)/.workshop proxy
	HUB_IP=$(HUB_IP) HUB_PORT=$(HUB_PORT) CULL_TIMEOUT=$(CULL_TIMEOUT) $(BIN)/python -m labkit.workshop serve

# The load test: 10, 20 and 40 simulated learners on 127.0.0.1 (several minutes; figures in the README).
bench-workshop: venv $(VENV)/.workshop proxy browser
	$(BIN)/python -m labkit.workshop.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache

notebooks: venv
	$(BIN)/python tools/execute_notebooks.py

course: venv
	$(BIN)/python tools/build_course.py

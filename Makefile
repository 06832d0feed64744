# `make demo` and `make test` set everything up themselves: a virtual environment,
# the package with the extras each needs, and Graphviz's `dot`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= demo-output

.PHONY: demo test notebooks bench mutation dot browser venv clean plan-demo plan-test

# Before installing anything, say what is about to be installed, and how (sudo asks for a
# password): $(1) is the make target, $(2) the stamp of its extras, $(3) the extras, $(4) the
# scripts that install system programs (each says, with --plan, what it would install).
define plan
	@plan=""; \
	test -x $(BIN)/pip || plan="$$plan\n  - a virtual environment in $(VENV) ($(PYTHON) -m venv)"; \
	test $(2) -nt pyproject.toml || plan="$$plan\n  - this package with its $(3) extra into \
	$(VENV): pip install -e '.[$(3)]', from PyPI"; \
	for script in $(4); do \
	    line=$$(bash scripts/$$script --plan); [ -z "$$line" ] || plan="$$plan\n$$line"; \
	done; \
	[ -z "$$plan" ] || printf '%b\n' "make $(1) first installs:$$plan"
endef

plan-demo:
	$(call plan,demo,$(VENV)/.plot-installed,plot,ensure-dot.sh)

plan-test:
	$(call plan,test,$(VENV)/.dev-installed,dev,ensure-dot.sh ensure-browser.sh)

# A venv whose creation failed half-way (no ensurepip) has a python but no pip: start over.
venv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	    echo "Python 3.10 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Run with PYTHON=/path/to/python3.x" >&2; exit 1; }
	@test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; \
	    exit 1; }; $(BIN)/python -m pip install --quiet --upgrade pip; }

# One stamp per set of extras: the demo needs only plotting; the tests need the dev tools.
$(VENV)/.plot-installed: pyproject.toml | venv
	$(BIN)/python -m pip install --quiet -e '.[plot]'
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | venv
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.plot-installed

$(VENV)/.mutation-installed: pyproject.toml | venv
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	@touch $@ $(VENV)/.plot-installed

$(VENV)/.notebooks-installed: pyproject.toml | venv
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	@touch $@ $(VENV)/.plot-installed

dot:
	@bash scripts/ensure-dot.sh

# Chromium for the player's browser tests; without it they skip (and fail under CI=true).
browser:
	@bash scripts/ensure-browser.sh

demo: plan-demo $(VENV)/.plot-installed dot
	$(BIN)/backprop-demo --out $(OUT)

test: plan-test $(VENV)/.dev-installed dot browser
	$(BIN)/ruff check autograd nn tests benchmarks notebooks/exercise_checks.py scripts
	$(BIN)/ruff format --check autograd nn tests benchmarks notebooks/exercise_checks.py scripts
	$(BIN)/mypy
	$(BIN)/pytest

# JupyterLab refuses to start as root unless told to (containers, CI machines).
notebooks: $(VENV)/.notebooks-installed dot
	$(BIN)/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/vs_micrograd.py

# Mutation testing of autograd/ and nn/ against tests/ (not the notebooks): slow, so not part of
# `make test`. Prints the score per file and every surviving mutant; see scripts/mutation.py.
mutation: $(VENV)/.mutation-installed
	$(BIN)/python scripts/mutation.py --jobs 2

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache .hypothesis mutants

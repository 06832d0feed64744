# `make demo` and `make test` set everything up themselves: a virtual environment,
# the package with its extras, and Graphviz's `dot`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= demo-output

.PHONY: demo test lint typecheck bench dot clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

dot:
	@bash scripts/ensure-dot.sh

demo: $(STAMP) dot
	$(BIN)/backprop-demo --out $(OUT)

test: $(STAMP) dot
	$(BIN)/ruff check autograd nn tests benchmarks
	$(BIN)/ruff format --check autograd nn tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/vs_micrograd.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache .hypothesis

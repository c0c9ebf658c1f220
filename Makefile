# ucbr: `make demo` runs the main job on the demo register; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UCBR := $(BIN)/ucbr
DEMO_ENV := UCBR_REGISTER=register UCBR_TODAY=2026-11-28 GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

.PHONY: demo test check lint typecheck unit schemas demo-register bench wheel lock clean

$(BIN)/ucbr: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $(BIN)/ucbr

demo: $(BIN)/ucbr
	@bash scripts/demo.sh

test: $(BIN)/ucbr lint typecheck unit

check: lint typecheck

lint: $(BIN)/ucbr
	$(BIN)/ruff check ucbr tests benchmarks scripts
	$(BIN)/ruff format --check ucbr tests benchmarks scripts

typecheck: $(BIN)/ucbr
	$(BIN)/mypy

unit: $(BIN)/ucbr
	$(BIN)/pytest -n 2

schemas: $(BIN)/ucbr
	$(UCBR) schema export --out schemas

demo-register: $(BIN)/ucbr
	$(BIN)/python scripts/build_demo_register.py register

wheel: $(BIN)/ucbr
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation -q -w dist .

# After changing a pin in pyproject.toml: install it into .venv, then write the lock again.
lock: $(BIN)/ucbr
	$(BIN)/pip install -q -e '.[dev]'
	{ echo "# Every package make installs, at the version tested: \`make lock\` writes it from .venv,"; \
	  echo "# and tests/test_lock.py fails when it and pyproject.toml or .venv disagree."; \
	  $(BIN)/pip freeze --all --exclude-editable | grep -v '^pip=='; } > requirements.lock

bench: $(BIN)/ucbr
	$(BIN)/python benchmarks/run.py --cases 10000

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache dist demo-out

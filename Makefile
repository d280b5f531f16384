# Every target sets itself up from nothing but python3 and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COVERAGE_FLOOR ?= 92

.PHONY: demo test lint type unit bench clean mutate verdicts-deep

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: lint type unit

lint: $(STAMP)
	$(BIN)/ruff check drift tests scripts bench
	$(BIN)/ruff format --check drift bench

type: $(STAMP)
	$(BIN)/mypy

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
	rm -rf $(VENV) .coverage .pytest_cache .mypy_cache .ruff_cache dist build mutants

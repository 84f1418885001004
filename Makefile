# Two entry points: `make site` builds the sample periodical into public/,
# `make test` installs the test tools and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test lint golden clean

$(VENV)/.site: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: $(VENV)/.site
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

site: $(VENV)/.site
	$(BIN)/bulletin build

test: $(VENV)/.test
	scripts/install-test-tools
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

golden: $(VENV)/.test
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py

clean:
	rm -rf public screenshots

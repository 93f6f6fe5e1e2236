# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app diary

.PHONY: run scheduler test bench vendor audit lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	DIARY_EMBEDDED_SCHEDULER=$${DIARY_EMBEDDED_SCHEDULER:-1} $(FLASK) run --host 127.0.0.1 --port 5000

# The scheduler as its own process (production shape); `make run` embeds one instead.
scheduler: $(VENV)/.installed-run
	$(FLASK) scheduler run

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m tests.benchmarks

vendor:
	sh frontend/vendor.sh

# pip-audit needs a vulnerability database this machine cannot reach, so it is not part of CI.
audit: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit

lint: $(VENV)/.installed-dev
	$(BIN)/bandit -q -c pyproject.toml -r diary config.py -ll

clean:
	rm -rf $(VENV) instance test-artifacts

# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app diary

.PHONY: run serve scheduler test test-fast bench loadtest relief-report vendor audit lint format i18n clean

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

# The production shape: gunicorn, one worker process per core (gunicorn.conf.py), on DIARY_BIND
# (default 127.0.0.1:8000) behind a reverse proxy; run `make scheduler` beside it
# (docs/operations.md, "Deployment").
# More than one worker needs DIARY_RATELIMIT_STORAGE_URL=redis://...: it refuses memory:// (the default).
serve: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py

# The scheduler as its own process (production shape); `make run` embeds one instead.
scheduler: $(VENV)/.installed-run
	$(FLASK) scheduler run

# Two pytest-xdist workers, one per core of the machine CI runs on; PYTEST_WORKERS=0 runs the tests
# in pytest's own process (for --pdb). tests/conftest.py puts the e2e, process and serial tests in
# one xdist group, so --dist loadgroup runs them one at a time, beside the others.
PYTEST_WORKERS ?= 2
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The inner loop: no browser, no subprocesses (tests marked e2e or process), and fewer generated
# examples (the "fast" Hypothesis profile of tests/conftest.py, 5 fuzz cases per operation instead
# of 25). CI runs `make test`, with every example.
test-fast: $(VENV)/.installed-dev
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-fast} DIARY_FUZZ_EXAMPLES=$${DIARY_FUZZ_EXAMPLES:-5} \
		$(BIN)/python -m pytest $(XDIST) -m "not e2e and not process" $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m tests.benchmarks

# v1 and v2 on our synthetic cohorts, and on an outside relief bench when RELIEF_BENCH names its
# script (docs/relief.md, "Our cohorts"); docs/relief-tradeoff.svg is drawn from that bench.
relief-report: $(VENV)/.installed-dev
	$(BIN)/python -m tests.benchmarks.relief_report

# Concurrent clients against gunicorn on loopback (tests/benchmarks/loadtest.py; --help for the knobs).
loadtest: $(VENV)/.installed-dev
	$(BIN)/python -m tests.benchmarks.loadtest $(LOADTEST_ARGS)

vendor:
	sh frontend/vendor.sh

# pip-audit needs a vulnerability database this machine cannot reach, so it is not part of CI.
audit: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit

PY_SOURCES := diary tests config.py migrations
BIOME      := cd frontend && node_modules/.bin/biome
# mypy checks the entries of [tool.mypy] files that exist (a core may still be on another branch).
MYPY_PATHS  = $$($(BIN)/python -c "import os, tomllib; \
	print(' '.join(p for p in tomllib.load(open('pyproject.toml', 'rb'))['tool']['mypy']['files'] if os.path.exists(p)))")

# Node is needed for lint and format only, never by `make run`.
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --ignore-scripts --no-audit --no-fund
	touch $@

lint: $(VENV)/.installed-dev frontend/node_modules/.installed
	$(BIN)/bandit -q -c pyproject.toml -r diary config.py -ll
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/mypy $(MYPY_PATHS)
	$(BIOME) ci
	$(BIN)/python frontend/tools/shell_check.py

# Texts for translators (docs/i18n.md): extracts every marked text into diary/translations/*.pot,
# the server's (`_()` in diary/) and the PWA's (`t()`, `tn()` in frontend/js), then merges them into
# each language's .po file (no dates: a run that changes no text changes no file). New texts arrive
# untranslated; tests/i18n/test_catalogues.py fails until they are.
I18N_LANGUAGES := es
PYBABEL := $(BIN)/pybabel
I18N_EXTRACT := --no-location --sort-output --add-comments=TRANSLATORS: --omit-header
i18n: $(VENV)/.installed-dev
	$(PYBABEL) -q extract $(I18N_EXTRACT) -F diary/translations/server.cfg -o diary/translations/messages.pot diary
	$(PYBABEL) -q extract $(I18N_EXTRACT) -F diary/translations/pwa.cfg --no-default-keywords -k t -k tn:1,2 \
		-o diary/translations/pwa.pot frontend/js
	for lang in $(I18N_LANGUAGES); do for domain in messages pwa; do \
		po=diary/translations/$$lang/LC_MESSAGES/$$domain.po; \
		if [ -f $$po ]; then command="update --no-fuzzy-matching --ignore-obsolete"; else command=init; fi; \
		$(PYBABEL) -q $$command -D $$domain -l $$lang \
			-i diary/translations/$$domain.pot -d diary/translations || exit 1; \
		sed -i '/^"POT-Creation-Date: /d' $$po; done; done

# Rewrites files: ruff's safe fixes and formatting, Biome's, then the service worker's CACHE_VERSION.
format: $(VENV)/.installed-dev frontend/node_modules/.installed
	$(BIN)/ruff check --fix --exit-zero --quiet $(PY_SOURCES)
	$(BIN)/ruff format $(PY_SOURCES)
	$(BIOME) check --write
	$(BIN)/python frontend/tools/shell_check.py --write

clean:
	rm -rf $(VENV) instance test-artifacts frontend/node_modules

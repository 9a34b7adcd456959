# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/course db upgrade
	@echo
	@echo "  The course is at http://127.0.0.1:$(PORT)"
	@echo "  Create a manager account (in another terminal):"
	@echo "    $(BIN)/course users create you@example.com --name 'Your Name' --role manager"
	@echo
	COURSE_CONTENT_RELOAD=1 $(BIN)/course run --host 127.0.0.1 --port $(PORT)

# One worker per CPU (pytest-xdist); PYTEST_ARGS="-n 0" runs in one process.
test: $(STAMP_TEST)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

bench: $(STAMP_TEST)
	$(BIN)/python -m bench

lint: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

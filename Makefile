# One command sets up and runs the tests (make test); one sets up and starts the app (make app).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test app lint bench

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

setup: $(STAMP)

test: setup
	$(PY) -m ruff check .
	$(PY) -m pytest

app: setup
	$(VENV)/bin/streamlit run app.py

lint: setup
	$(PY) -m ruff check .

bench: setup
	$(PY) bench/bench_trace.py

# One command sets up and runs the tests (make test); one sets up and starts the app (make app).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup browser test app lint bench

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

setup: $(STAMP)

# The browser test drives Debian's Chromium (playwright cannot download browsers here): install it when
# /usr/bin/chromium is missing, with a small CJK font for the 繁體中文 labels; sudo only when not root.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium fonts-wqy-microhei; \
	fi

# Two workers, a test file each at a time: a file's module fixtures (the graded catalogue, an nbgrader course,
# a running app) are built once, on one worker. (A learner's `pytest exercises/...` runs in one process.)
test: setup browser
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadfile

app: setup
	$(VENV)/bin/streamlit run app.py

lint: setup
	$(PY) -m ruff check .

bench: setup browser
	$(PY) bench/bench_trace.py
	$(PY) bench/bench_grader.py
	$(PY) bench/bench_app.py
	$(PY) bench/bench_nbgrader.py
	$(PY) bench/bench_train.py
	$(PY) bench/bench_batch.py

# The two commands of the README: `make run` and `make test`; `make test-fast` for everyday work.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test test-fast setup system-packages chaos bench docs lock clean

$(BIN)/ielts-rq: requirements.txt requirements-test.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt -r requirements-test.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

setup: $(BIN)/ielts-rq

system-packages:
	bash scripts/system-packages.sh

# Everything on its embedded defaults: Valkey, workers, scheduler, dashboard.
# `make run PORT=8000 IELTS_RQ_HOME=/tmp/irq`: the dashboard's port (default 9181) and the home folder.
run: setup
	$(BIN)/ielts-rq up --demo

# Every test, chaos and installs included, in parallel lanes (pytest-xdist): each lane has its own
# embedded Valkey and home (tests/conftest.py). Tests go one by one to whichever lane is free (loadgroup),
# so the long ones (chaos shapes, installs) do not hold up a file; a file's tests that share a module
# fixture stay in one lane (their xdist_group). TEST_LANES=1 runs them one by one.
TEST_LANES ?= 4
# Tests that assert an elapsed-time bound (marked `timing`) run after the lanes, one at a time, so
# that the lanes' own load cannot turn them red.
test: setup system-packages
	$(BIN)/python -m pytest -m "not timing" -n $(TEST_LANES) --dist loadgroup --durations=25
	$(BIN)/python -m pytest -m timing --durations=10

# The everyday tests: everything not marked `slow` (no chaos, installs, browser or test over ~10 s), under 3 minutes,
# in the same parallel lanes.
test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not timing" -n $(TEST_LANES) --dist loadgroup --durations=10
	$(BIN)/python -m pytest -m "not slow and timing" --durations=5

chaos: setup
	$(BIN)/python -m pytest tests/chaos -s

bench: setup
	$(BIN)/python -m bench

# The docs site in site/ (reference pages generated from the code); the test suite builds it too.
docs: setup
	$(BIN)/mkdocs build --strict

# requirements.txt: every package pinned, generated from pyproject.toml, plus the project itself
# (Heroku's buildpack runs `pip install -r requirements.txt` and nothing else).
lock: setup
	$(BIN)/pip install -q pip-tools==7.6.2
	$(BIN)/pip-compile -q --extra engines --extra s3 --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.txt pyproject.toml
	printf '\n# The project itself, with its engines: installs the ielts-rq command.\n.[engines]\n' >> requirements.txt

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache site build dist

# The two commands of README.md: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
PORT   ?= 8000
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test setup test-setup system-deps test-deps lint migrate-check check pytest bench clean worker beat

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) system-deps

test-setup: $(STAMP) test-deps

system-deps:
	@bash scripts/system_deps.sh

test-deps:
	@bash scripts/system_deps.sh --test

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: test-setup lint migrate-check check pytest

lint:
	$(VENV)/bin/ruff check .

migrate-check:
	$(PY) manage.py makemigrations --check --dry-run

check:
	$(PY) manage.py check

pytest:
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker:
	$(VENV)/bin/celery -A portal worker -l info

beat:
	$(VENV)/bin/celery -A portal beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles .pytest_cache .ruff_cache

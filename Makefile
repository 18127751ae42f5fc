# Task index. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run setup seed test lint format migrations-check check-deploy i18n-check messages ci clean

help:
	@echo "make run               install, migrate, load catalogue and demo accounts, serve on http://$(HOST):$(PORT)"
	@echo "                       with a task worker beside it (PDFs are rendered there); Ctrl-C stops both"
	@echo "make test              run the test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint              ruff lint and format check"
	@echo "make format            ruff format and fix"
	@echo "make migrations-check  fail if models and migrations disagree"
	@echo "make check-deploy      manage.py check --deploy with production-like settings"
	@echo "make i18n-check        fail on an incomplete or out-of-date catalogue or unmarked template text"
	@echo "make messages          update locale/*/LC_MESSAGES/django.po from the source"
	@echo "make ci                what CI runs: lint, migrations check, translation check, tests on SQLite and PostgreSQL"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the browser tests' accessibility checks, again only when the lock file
# changed. Without npm, `make run` still works and the browser tests are skipped.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	else \
		echo "npm not found: axe-core not installed, the browser tests will be skipped"; \
	fi

# The compiled catalogues (.mo) are built here, not committed; Django skips any that is
# newer than its .po. Without gettext the site still runs, in English only.
setup: $(VENV)/.installed node_modules/.installed
	@if [ ! -d locale ]; then :; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=node_modules --verbosity 0; \
	else \
		echo "gettext (msgfmt) not found: translations not compiled, the site shows English only"; \
	fi

seed: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py load_demo

# The web server and a task worker (PDF rendering, exports) in one command: the worker
# runs in the background, waits out a database restart, is started again if it ends all
# the same (r2p_site/keep_running.py), and is stopped with the server, however it ends.
run: seed
	@$(BIN)/python -m r2p_site.keep_running manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: setup
	DJANGO_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	ALLOWED_HOSTS=r2p.example.org DATABASE_URL=postgres://r2p@localhost/r2p SITE_URL=https://r2p.example.org \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

i18n-check: setup
	$(BIN)/python manage.py i18n_check

# The languages other than English, as locale names; what makemessages leaves out is
# devtools.translation_check.MAKEMESSAGES_IGNORE.
MESSAGES_LOCALES := ar zh_Hans fr ru es
MESSAGES_IGNORE := tests devtools node_modules static/vendor docs benchmarks

messages: setup
	$(BIN)/python manage.py makemessages --no-obsolete $(addprefix -l ,$(MESSAGES_LOCALES)) $(addprefix --ignore=,$(MESSAGES_IGNORE))

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache

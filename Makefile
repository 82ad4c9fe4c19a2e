# LaGiftArt developer commands. `make run` and `make test` work on a fresh clone with nothing else installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LANGS := en es fr de ja pt_BR
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt bench messages worker migrate seed clean check-deploy

$(VENV)/.installed-runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed-runtime $@

.env:
	cp .env.example .env

# Browser tests drive Debian's Chromium through Playwright (a test tool's own browser download cannot work here).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi

## Serve the storefront at http://127.0.0.1:8000 on a local SQLite database with demo data.
run: $(VENV)/.installed-runtime .env
	DJANGO_ENV=local $(PY) manage.py migrate --noinput
	DJANGO_ENV=local $(PY) manage.py seed_demo
	DJANGO_ENV=local $(PY) manage.py runserver $(HOST):$(PORT)

## Run background tasks (emails, export files) queued in the database.
worker: $(VENV)/.installed-runtime .env
	DJANGO_ENV=local $(PY) manage.py db_worker

## The whole test suite (DATABASE_URL picks PostgreSQL; SQLite otherwise).
test: $(VENV)/.installed-dev $(CHROMIUM)
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Load test the real gunicorn server with wrk (see bench/README and docs/performance.md).
bench: $(VENV)/.installed-dev
	bash bench/run.sh

## Extract and compile translations for the six launch languages.
messages: $(VENV)/.installed-runtime
	command -v msgfmt >/dev/null || (apt-get update && apt-get install -y gettext)
	DJANGO_ENV=local $(PY) manage.py makemessages --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' $(addprefix -l ,$(LANGS))
	DJANGO_ENV=local $(PY) manage.py compilemessages --ignore '.venv/*'

## `manage.py check --deploy` with production settings: no .env, and a stand-in for the EMAIL_URL secret.
check-deploy: $(VENV)/.installed-runtime
	DJANGO_READ_DOT_ENV=false DJANGO_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		ALLOWED_HOSTS=lagiftart.example EMAIL_URL=smtp+tls://check:deploy@smtp.lagiftart.example:587 \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## Lint the deploy code: checkov over deploy/terraform (its own venv: it pins packaging<24), hadolint on the Dockerfile.
.PHONY: deploy-check
.venv-tools/.installed: deploy/requirements-tools.txt
	$(PYTHON) -m venv .venv-tools
	.venv-tools/bin/pip install --quiet -r deploy/requirements-tools.txt
	touch $@

deploy-check: $(VENV)/.installed-dev .venv-tools/.installed
	BC_SKIP_MAPPING=TRUE .venv-tools/bin/checkov --directory deploy/terraform --framework terraform --quiet --compact --skip-download
	$(VENV)/bin/hadolint --failure-threshold info Dockerfile

# 科技镇长团工作平台 — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
# What serving needs (`make run`, `make serve`), and that plus the tools of tests and benchmarks.
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
STAMP := $(VENV)/.installed-dev-$(HASH)
HOST ?= 127.0.0.1
PORT ?= 8000
# Byte-code caches are written whatever the shell says: without them every process of `make run` and of the
# tests (the server, the worker, each command a test runs) compiles the whole platform again, about 4 s each.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-api-fuzz test-postgres test-jobs-redis lint format bench bench-corpus bench-load bench-province venv demo clean serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -e .
	rm -f $(VENV)/.installed-run-*
	touch $(RUN_STAMP)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(RUN_STAMP) $(STAMP)

NODE_STAMP := node_modules/.package-lock.json

# Front-end libraries from the npm registry, served locally by Django.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

venv: $(STAMP) $(NODE_STAMP)

# Create the environment (the Python packages and the front-end ones side by side), migrate the embedded
# SQLite database (an empty one gets its schema in one step: core/management/commands/migrate.py), load the demo when the
# database is empty (these writers run without DEBUG, which would log every SQL query), and serve
# on 127.0.0.1:8000 with a background-job worker beside it (stopped with the server). The matching
# index, when missing, is built beside the server starting up: need pages show their matches as soon
# as it is written.
run:
	@$(MAKE) --no-print-directory -j2 $(RUN_STAMP) $(NODE_STAMP)
	$(BIN)/techmayor migrate --noinput
	$(BIN)/techmayor demo --if-empty
	DEBUG=1 $(BIN)/techmayor run_huey --quiet & worker=$$!; \
	$(BIN)/techmayor match index --if-missing & index=$$!; \
	trap 'kill $$worker $$index 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/techmayor runserver $(HOST):$(PORT)

# The production server (DEBUG off): gunicorn with several workers, static files by whitenoise, the
# job worker beside it (README, "Deployment"). Settings from the environment or .env.
serve: $(RUN_STAMP) $(NODE_STAMP)
	DEBUG=0 $(BIN)/techmayor migrate --noinput
	DEBUG=0 $(BIN)/techmayor serve --bind $(HOST):$(PORT)

demo: $(RUN_STAMP)
	$(BIN)/techmayor migrate --noinput
	$(BIN)/techmayor demo

# The whole suite on SQLite (or on DATABASE_URL when it is set).
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Schemathesis against the whole API schema with a token of each demo role: the demo built in a temporary
# directory and served on a free port (both removed afterwards); 0 server errors and 0 responses that break
# the schema, or it fails. API_FUZZ_EXAMPLES=N examples per operation (default 8).
test-api-fuzz: $(STAMP)
	$(BIN)/python -m tests.api.fuzz

# The same suite on the local PostgreSQL (database `test`, user postgres, trust auth), except the browser
# tests: they check what the pages do in Chromium, which does not depend on the database (the pages' queries
# are the view tests' on PostgreSQL too).
test-postgres: $(STAMP) $(NODE_STAMP)
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest -n 2 --dist loadfile --ignore=tests/browser

# The job tests against the Redis at 127.0.0.1:6379: huey's Redis storage and a real worker process.
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
test-jobs-redis: $(STAMP)
	TEST_JOBS_ON_REDIS=1 REDIS_URL=$(REDIS_TEST_URL) $(BIN)/python -m pytest -p no:cacheprovider \
		tests/core/test_jobs.py tests/matchmaking/test_members_assessments_jobs.py tests/matchmaking/test_jobs_on_redis.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/techmayor makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench

# The resource pool as users load it: `techmayor import corpus` and `techmayor match index` as commands, with
# their peak memory, on SQLite and PostgreSQL (SCALE=100k or 1m; BENCH_CORPUS_ARGS=--skip-index …).
SCALE ?= 100k
bench-corpus: $(STAMP)
	$(BIN)/python -m bench.corpus --scale $(SCALE) $(BENCH_CORPUS_ARGS)

# The province at scale on PostgreSQL ($$BENCH_POSTGRES): 13 cities × 15 batches grown from the demo to RECORDS
# credited records (built once into techmayor_province_<RECORDS>, minutes; kept), then the province scorecard,
# a city's batch and the list pages timed as users run them, against the records counted without the cells.
RECORDS ?= 10000000
bench-province: $(STAMP)
	$(BIN)/python -m bench.province --records $(RECORDS) $(BENCH_PROVINCE_ARGS)

# Throughput: `techmayor serve` on a copy of the demo database (var/, made by `make demo` or `make run`),
# 20 logged-in users for 60 s with locust; prints requests/s, errors, p50/p95 per page, load average.
bench-load: $(STAMP) $(NODE_STAMP)
	DEBUG=1 $(BIN)/techmayor migrate --noinput
	DEBUG=1 $(BIN)/techmayor demo --if-empty
	DEBUG=0 $(BIN)/techmayor collectstatic --noinput -v0
	$(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) var/ node_modules .pytest_cache .ruff_cache

# Collect the translatable strings into src/techmayor/locale/en and compile them (the .po and .mo are
# committed; every msgstr must be filled in, which tests/core/test_i18n.py checks). Sorted, without
# source locations or a creation date, so that the catalogue changes only where a string does.
PO := src/techmayor/locale/en/LC_MESSAGES/django.po
.PHONY: messages
messages: $(STAMP)
	cd src/techmayor && DEBUG=1 ../../$(BIN)/techmayor makemessages -l en --no-obsolete --no-location --ignore 'tests/*'
	msgattrib --sort-output --no-location --no-wrap -o $(PO) $(PO)
	sed -i '/^"POT-Creation-Date: /d' $(PO)
	cd src/techmayor && DEBUG=1 ../../$(BIN)/techmayor compilemessages -l en

# Городской помощник — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# Reproducible models and scores on any x86 machine (engine/runtime.py NUMERICS_ENV, docs/training.md).
export ONEDNN_MAX_CPU_ISA ?= AVX2
export TF_NUM_INTRAOP_THREADS ?= 2
export TF_NUM_INTEROP_THREADS ?= 2

.PHONY: install build check train migrate run shell cluster test test-fast evaluate clean bench

# A Python $(PYTHON_VERSION) interpreter: pyenv's, else one on PATH.
BASE_PYTHON := $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/$(PYTHON_VERSION)/bin/python) $(shell command -v python3.10 2>/dev/null))

WEBCHAT := connectors/webchat_page
WEBCHAT_INSTALLED := $(WEBCHAT)/node_modules/.installed
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(INSTALLED): requirements.txt requirements.lock
	@test -n "$(BASE_PYTHON)" || { echo "Нужен Python $(PYTHON_VERSION) (pyenv install $(PYTHON_VERSION))"; exit 1; }
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "pip==24.0"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	@touch $(INSTALLED)

# The web chat page's browser client (socket.io-client), pinned by its package-lock.json.
$(WEBCHAT_INSTALLED): $(WEBCHAT)/package.json $(WEBCHAT)/package-lock.json
	@command -v npm >/dev/null || { echo "Нужны Node.js и npm (для веб-чата)"; exit 1; }
	npm ci --prefix $(WEBCHAT) --no-audit --no-fund --loglevel=error
	@touch $(WEBCHAT_INSTALLED)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download), and a colour emoji font
# so that the screenshots show emoji as residents see them.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null

install: $(INSTALLED) $(WEBCHAT_INSTALLED)

build: install
	$(PY) -m engine build

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m engine check
	$(PY) -m engine skill check

migrate: install
	$(PY) -m engine migrate

train: install
	$(PY) -m engine train

# Development mode: the REST channel without a token, codes written to var/development-codes.txt, sandbox
# payments, demo data. A deployment sets its own tokens and providers instead (docs/deploy.md).
run: install
	ASSISTANT_DEV_MODE=1 $(PY) -m engine run

# The cluster profile on this machine's PostgreSQL, Redis and RabbitMQ: two Rasa servers and two action servers
# behind HAProxy (engine/cluster.py, docs/deploy.md). Development mode, as for `make run`.
CLUSTER_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/gorodskoy_cluster
HAPROXY := /usr/sbin/haproxy

$(HAPROXY):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy >/dev/null

cluster: install $(HAPROXY)
	ASSISTANT_DEV_MODE=1 DATABASE_URL=$(CLUSTER_DATABASE_URL) $(PY) -m engine cluster

shell: install
	ASSISTANT_DEV_MODE=1 $(PY) -m engine shell

evaluate: install
	$(PY) -m engine evaluate

# Everything: lint and format, checks of the assembled data and of every skill, unit and store tests
# (SQLite and PostgreSQL), NLU evaluation, Rasa test stories and end-to-end tests through the real servers.
test: check $(CHROMIUM) $(HAPROXY)
	$(PY) -m pytest

# Without training or servers: a quick loop while editing code.
test-fast: check
	$(PY) -m pytest -m "not slow"

clean:
	rm -rf build results .rasa

# The load benchmark (bench/load.py, bench/README.md): the assistant embedded and as a cluster against stock
# `rasa init`, 1/10/50 concurrent residents over REST; var/bench/results.json, bench/figures/load.png. Narrower:
# make bench BENCH_ARGS="--profiles embedded,stock --residents 1,10 --seconds 20"
bench: install train $(HAPROXY)
	PYTHONPATH=. $(PY) bench/load.py $(BENCH_ARGS)

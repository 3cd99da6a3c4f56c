# Every target does its own set-up on a fresh machine: a .venv with the project and its dev tools.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install serve test coverage check lint typecheck layers jscheck build system-deps web clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) web

## The page scripts (ES modules in service/web/src/, one entry per page) and the libraries they import from
## npm (CodeMirror 6, d3 modules), bundled by service/web/build.mjs under content-hashed names into the
## package's static/dist/ (never committed), listed in its manifest.json for the server.
WEB      := service/web
DIST     := service/ctlkg/web/html/static/dist
WEB_SRC  := $(wildcard $(WEB)/src/*.js)
NODE_STAMP := $(WEB)/node_modules/.installed
web: $(DIST)/manifest.json

$(NODE_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(DIST)/manifest.json: $(NODE_STAMP) $(WEB)/build.mjs $(WEB_SRC)
	cd $(WEB) && npm run --silent build

## eslint and tsc --checkJs (strict, JSDoc types) over the page scripts.
jscheck: $(NODE_STAMP)
	cd $(WEB) && npm run --silent lint && npm run --silent typecheck

## Run the service on the embedded store with the shipped data.
serve: install
	$(BIN)/ctlkg serve

## From Debian, each skipped when already there: Chromium for the browser tests, jemalloc, which the
## query workers preload (queries 10-30 % faster; `make serve` runs without it, on glibc's malloc), and
## Virtuoso 7, the second engine the tests run on (docs/virtuoso.md). Its dba password question is left
## blank, so the package's own daemon stays disabled: the tests start their own instances.
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && \
	  $(PYTHON) -c "import ctypes.util, sys; sys.exit(ctypes.util.find_library('jemalloc') is None)" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver libjemalloc2 >/dev/null; }
	@command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    virtuoso-opensource >/dev/null; }

## Static checks, then the whole test suite (pytest-xdist). Three workers on two cores, each taking work from
## the others when it runs out: most tests wait on the servers they start, and this was 5 min 43 s against
## 6 min 10 s with two workers (four were no faster).
test: install system-deps check
	$(BIN)/pytest -n 3 --dist worksteal

## The suite with line coverage of ctlkg (servers the tests start included): a table, and HTML in
## build/coverage/html.
coverage: install system-deps
	rm -rf build/coverage && mkdir -p build/coverage
	$(BIN)/pytest -n 3 --dist worksteal --cov=ctlkg --cov-report=term --cov-report=html:build/coverage/html

check: lint typecheck layers jscheck

lint: install
	$(BIN)/ruff check service tests

typecheck: install
	$(BIN)/mypy

## The import-linter contracts of pyproject.toml: the package's layers.
layers: install
	$(BIN)/lint-imports

build: install
	$(BIN)/ctlkg build --out build/store

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache

## Benchmarks: synthetic scales, fast build, the service against Oxigraph server and rdflib-endpoint on
## loopback; writes benchmarks/RESULTS.md and its plot. BENCH_SCALES=real,9,100,1000,10000 for the largest.
.PHONY: bench bench-quick
BENCH_STAMP  := $(VENV)/.bench-installed
BENCH_SCALES ?= real,9,100,1000

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.bench --scales $(BENCH_SCALES) --reps 3

## The CI-sized run (the real data, 9 and 100 clusters, two repetitions); results under build/bench-quick.
bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.bench --quick --out build/bench-quick

# Every target does its own set-up on a fresh machine: a .venv with the project and its dev tools.
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install serve test check lint typecheck layers build browser-deps web clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) web

## Front-end libraries from npm (CodeMirror 6, d3 modules), bundled into the package's static/vendor/
## (never committed). One esbuild run writes both bundles, hence the grouped target (&:).
WEB    := service/web
VENDOR := service/ctlkg/web/html/static/vendor
BUNDLES := $(VENDOR)/editor.js $(VENDOR)/charts.js
web: $(BUNDLES)

$(BUNDLES) &: $(WEB)/package.json $(WEB)/package-lock.json $(WEB)/editor.js $(WEB)/charts.js
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build

## Run the service on the embedded store with the shipped data.
serve: install
	$(BIN)/ctlkg serve

## Debian's Chromium for the browser tests (skipped when already there).
browser-deps:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

## Static checks, then the whole test suite.
test: install browser-deps check
	$(BIN)/pytest

check: lint typecheck layers

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

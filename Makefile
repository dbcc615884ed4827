# One task runner. `make demo` and `make test` work on a fresh machine with Python 3.11 and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SHARED ?= $(if $(CROSSCHECK_SHARED),$(CROSSCHECK_SHARED),../shared)
export CROSSCHECK_SHARED := $(abspath $(SHARED))

.PHONY: demo-postgres killtest fuzz bench-reliability bench-spark bench-warc eval-report bench-link setup demo test test-unit eval gate bench lint lock clean help serve screenshots chromium bench-web

help:
	@echo "make demo   - set up .venv and analyze the demo corpus into out/demo (ledger + briefings)"
	@echo "make test   - set up, run the test suite and the fast eval gate"
	@echo "make demo-postgres - the demo on a PostgreSQL server (CROSSCHECK_PG, or Debian's started on loopback)"
	@echo "make eval   - every eval suite whose data is present (slow), one table"
	@echo "make eval-report - make eval, and record the figures in docs/EVALUATION.md"
	@echo "make bench  - throughput and memory benchmarks (docs/PERFORMANCE.md)"
	@echo "make lint   - ruff and mypy --strict (part of make test)"
	@echo "make serve  - the web UI over the demo ledger on http://127.0.0.1:8000/"
	@echo "make screenshots - regenerate docs/screenshots/*.png (needs /usr/bin/chromium)"
	@echo "make bench-spark - Spark engine on local[1]/local[2] beside the local engine (docs/PERFORMANCE.md)"
	@echo "make bench-warc - WARC input throughput and memory (docs/PERFORMANCE.md)"
	@echo "make bench-web - p50/p95 of crosscheck serve on a 100k-article ledger (docs/PERFORMANCE.md)"
	@echo "make fuzz   - 10,000 seeded hostile inputs through analyze and link, every outcome checked (docs/RELIABILITY.md)"
	@echo "make bench-reliability - link time against token length, annotate time against article size (docs/RELIABILITY.md)"
	@echo "make killtest - SIGKILL analyze/link at 20 seeded points on 300 BBC articles, rerun, compare (docs/RELIABILITY.md)"

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip==25.3
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[dev,spark,postgresql]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/crosscheck demo --out out/demo

# The demo on PostgreSQL: CROSSCHECK_PG names a database (created if missing); by default Debian's
# server is installed if needed, started on loopback, and the database crosscheck_demo used.
demo-postgres: setup
	$(BIN)/crosscheck demo --out out/demo-postgres --db "$${CROSSCHECK_PG:-$$(scripts/pg-start | sed 's#/postgres$$#/crosscheck_demo#')}"

test: setup lint
	$(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/python eval/gate.py

test-unit: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

eval: setup
	$(BIN)/python eval/gate.py --all

# Like `make eval`, and records the figures in docs/EVALUATION.md and eval/results.json (tracked files).
eval-report: setup
	$(BIN)/python eval/gate.py --all --report

# The full kill test (tests/test_kill.py; make test runs a 3-point slice). Summary in out/killtest.json.
KILL_POINTS ?= 20
KILL_ARTICLES ?= 300
killtest: setup
	CROSSCHECK_KILL_POINTS=$(KILL_POINTS) CROSSCHECK_KILL_ARTICLES=$(KILL_ARTICLES) \
	CROSSCHECK_KILL_REPORT=out/killtest.json $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_kill.py

gate: setup
	$(BIN)/python eval/gate.py

bench: setup
	$(BIN)/python benchmarks/bench_analyze.py

# 10,000 seeded hostile inputs in batches of 1,000 with good controls, each batch analyzed and linked
# by the CLI into a fresh ledger under /tmp (deleted after); the quick slice is in tests/fuzz.
fuzz: setup
	$(BIN)/python tests/fuzz/run.py --inputs 10200 --batch 1020 --controls 40 --seed 15

bench-reliability: setup
	$(BIN)/python benchmarks/bench_reliability.py

bench-link: setup
	$(BIN)/python benchmarks/link_reuters.py

# The Spark engine on local[1] and local[2] beside the local engine (BBC; needs Java 17), niced.
bench-spark: setup
	nice -n 10 $(BIN)/python benchmarks/bench_spark.py $(BENCH_ARGS)

# A WARC.gz of 5,000 pages from the BBC corpus: reader and analyze throughput, RSS along the run.
bench-warc: setup
	nice -n 10 $(BIN)/python benchmarks/bench_warc.py $(BENCH_ARGS)

serve: demo
	$(BIN)/crosscheck serve --db out/demo/crosscheck.db

# Debian's Chromium for the browser tests and screenshots (Playwright's own download cannot work here).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

screenshots: setup chromium
	$(BIN)/python scripts/screenshots.py

# Builds a 100k-article ledger under /tmp (Reuters-21578 analyzed, then cloned in SQL), deletes it after.
bench-web: setup
	$(BIN)/python benchmarks/bench_web.py

lint: setup
	$(BIN)/ruff check src tests eval benchmarks scripts
	$(BIN)/mypy

lock: setup
	{ echo "# pip constraints: exact versions of every package in the environment. Regenerate with \`make lock\`."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock.new && mv requirements.lock.new requirements.lock

clean:
	rm -rf out .pytest_cache

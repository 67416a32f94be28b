# Two commands do everything on a fresh machine:
#   make build   set up .venv (and missing system libraries), build every rapport in data/
#   make test    the same set-up plus the test tools (pdftotext, LibreOffice, Chromium,
#                axe-core, Java for veraPDF), then lint, the docs and the whole test suite
#   make test-fast       the tests not marked slow (under a minute; needs no test tools)
#   make snapshots       rewrite tests/snapshots/ from the current output; review in git diff
#   make docs            docs/ as a site in build/docs/ (MkDocs, strict: a broken link fails)
#   make docs-img        remake the pictures of docs/handleiding.md and docs/site.md
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-tools
AXE := node_modules/.package-lock.json

.PHONY: setup build test test-fast snapshots bench docs docs-img lint format clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# -j 2: data/iv3-begroting-2025 is a reeks of 342 documents, spread over both cores
build: $(STAMP)
	$(BIN)/jaarverslag build -o build -j 2

# The tools the tests read our files with: pdftotext, LibreOffice, Chromium, axe-core (npm) and
# Java, which runs veraPDF (found via $VERAPDF, ../shared/tools/verapdf/ or `verapdf` on the PATH).
# PostgreSQL (scripts/infra-deps.sh): the werkplek's tests start a throwaway cluster of it.
$(TEST_STAMP): scripts/system-deps.sh scripts/infra-deps.sh | $(STAMP)
	bash scripts/system-deps.sh --test
	bash scripts/infra-deps.sh
	touch $@

$(AXE): package.json package-lock.json | $(TEST_STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(STAMP) $(TEST_STAMP) $(AXE) lint docs
	$(BIN)/python -m pytest -n 2 -q

# Everything but @pytest.mark.slow (whole builds to PDF/DOCX, LibreOffice, Chromium/axe, veraPDF,
# subprocess-heavy safety tests, long Hypothesis runs): the unit logic and the golden snapshots.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

# The golden HTML and open data of every example in data/, rewritten from the current output.
snapshots: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q tests/e2e/test_snapshots.py --update-snapshots

bench: $(STAMP)
	$(BIN)/python bench/run.py

# docs/ as a site (mkdocs.yml): strict, so a link to a missing page or anchor, a page left out
# of the nav or any other warning fails the build
docs: $(STAMP)
	$(BIN)/mkdocs build

# The pictures of docs/handleiding.md, made with the tests' tools (LibreOffice, poppler)
docs-img: $(STAMP) $(TEST_STAMP)
	$(BIN)/python scripts/handleiding_beelden.py --out docs/img
	$(BIN)/python scripts/site_beelden.py --out docs/img/site

# ruff, mypy --strict over src/, the import contracts of the stages (pyproject.toml), and the
# house drawn from every import (scripts/house.py: no circle, no module over 400 lines)
lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/house.py

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

clean:
	rm -rf build .pytest_cache .ruff_cache

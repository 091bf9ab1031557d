# Two commands a planner needs: `make run` and `make test`. Both create .venv on first use.
# python3.11 if there is one, else python3 (checked to be 3.11 or newer below)
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test inputs clean-venv

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "need Python 3.11 on PATH (python3.11 or python3), or run: make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "$(PYTHON) is older than 3.11; run: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/ersim run scenarios/base.yaml

# pytest-xdist: one worker per core (at most 4); worksteal lets an idle worker take tests queued on the other (a
# module fixture may then be built on both): on 2 cores 307 s against 329 s with whole files per worker (loadfile),
# same machine, 2026-12-04
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4 --dist worksteal

# Rebuild the embedded dataset's CSVs from their scripts, in dependency order (the tests check that this gives the
# committed files byte for byte). Not here: cnemc_pm25_2020.py (needs the 2020 hourly city files it names), build_gem.py (needs ../shared/data/gem), build_geojson.py and
# build_font.py (need their upstream downloads); see inputs/README.md.
inputs: $(STAMP)
	$(BIN)/python inputs/scripts/build_measures.py
	$(BIN)/python inputs/scripts/build_regions.py
	$(BIN)/python inputs/scripts/build_rail_stations.py
	$(BIN)/python inputs/scripts/build_enterprises.py --check
	$(BIN)/python inputs/scripts/build_wastewater.py
	$(BIN)/python inputs/scripts/build_sources.py

clean-venv:
	rm -rf $(VENV)

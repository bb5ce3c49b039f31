# The compendium's one entry point. `make help` lists the targets.
#
#   make all                    build every study (make all STUDY=mentorship: one study)
#   make test                   lint, unit tests, nbval on the executed notebooks, rebuild check
#
# Each stage is an executed notebook under reports/<study>/; its prerequisites (notebook,
# parameters, code, upstream stages) are written by `python -m burnout makefile` into
# .build/<study>.mk, so an unchanged tree rebuilds nothing and a change re-runs only what
# depends on it.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON_BASE ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
RUN := $(PY) -m burnout
# Import the package from this checkout's src/, whichever checkout the venv was installed from.
export PYTHONPATH := $(CURDIR)/src
BUILD := .build

# Studies: every params/<study>.yaml, or the one named by STUDY=.
ALL_STUDIES := $(sort $(basename $(notdir $(wildcard params/*.yaml))))
STUDY ?=
STUDIES ?= $(if $(STUDY),$(STUDY),$(ALL_STUDIES))
STUDY_TARGETS = $(foreach s,$(STUDIES),$(STAGE_TARGETS_$(s)))

.PHONY: help all test lint unit nbval rebuild-check lab clean replica validate-r validate-latex bench lock venv report

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort | \
	  awk -F'\t' '{printf "  make %-15s %s\n", $$1, $$2}'
	@echo "  Options: STUDY=<name> (one of: $(ALL_STUDIES))"

# --- environment -------------------------------------------------------------------------------
# .venv is (re)created from the pins when missing or older than requirements.txt, and a kernel
# named "burnout" pointing into it is registered, so notebooks never run on another interpreter.
$(VENV_STAMP): requirements.txt pyproject.toml
	@echo "setting up $(VENV) from requirements.txt (one-time, about a minute)"
	rm -rf $(VENV)
	$(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name burnout --display-name "Python (burnout)" >/dev/null
	touch $@

venv: $(VENV_STAMP) ## create the virtual environment and its Jupyter kernel

# --- pipeline ----------------------------------------------------------------------------------
$(BUILD)/%.mk: params/%.yaml src/burnout/stages.py src/burnout/makefile.py src/burnout/parameters.py | $(VENV_STAMP)
	@$(RUN) makefile $*

# The generated rules are needed only by the goals that build or check outputs.
NO_PIPELINE_GOALS := help clean venv lock replica lab lint unit validate-r validate-latex
ifneq ($(filter-out $(NO_PIPELINE_GOALS),$(or $(MAKECMDGOALS),help)),)
include $(foreach s,$(STUDIES),$(BUILD)/$(s).mk)
endif

all: $(VENV_STAMP) $(STUDY_TARGETS) ## run every stage of every study (STUDY=name: one); only what changed re-runs
	@echo "all outputs up to date for: $(STUDIES)"

# --- tests -------------------------------------------------------------------------------------
test: lint unit nbval rebuild-check ## ruff, unit tests, nbval, and the byte-for-byte rebuild check

lint: $(VENV_STAMP) ## ruff on src and tests
	$(VENV)/bin/ruff check src tests

unit: $(VENV_STAMP) ## pytest: unit, property, bad-input and end-to-end tests
	$(VENV)/bin/pytest -q -n 2 tests

nbval: $(VENV_STAMP) ## re-execute the committed executed notebooks and compare their outputs
	$(VENV)/bin/pytest -q -p no:cacheprovider -n 2 --dist loadfile --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  $(foreach s,$(STUDIES),reports/$(s)/*.ipynb)

rebuild-check: $(VENV_STAMP) ## rebuild every generated file in a clean copy; name any that differ
	$(RUN) rebuild-check $(if $(STUDY),$(STUDY))

report: all ## render the executed notebooks as HTML (reports/<study>/html/index.html)
	$(RUN) report $(STUDIES)

bench: $(VENV_STAMP) ## print the performance budgets as measured on this machine
	$(PY) tests/benchmark.py

validate-r: ## re-run the R scripts that produce the reference values (needs Rscript)
	@command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-base-core r-cran-epitools r-cran-lme4 r-cran-psych r-cran-jsonlite r-cran-sandwich r-cran-lmtest"; exit 1; }
	@for script in tests/reference/*.R; do echo "Rscript $$script"; (cd tests/reference && Rscript $$(basename $$script)); done
	git status --short tests/reference

validate-latex: $(VENV_STAMP) ## compile every LaTeX table and numbers.tex with pdflatex (needs TeX Live)
	$(PY) tests/compile_latex.py

# --- data --------------------------------------------------------------------------------------
replica: $(VENV_STAMP) ## regenerate the synthetic raw data of STUDY (never run by `make all`)
	@test -n "$(STUDY)" || { echo "usage: make replica STUDY=<name>"; exit 2; }
	$(RUN) replica $(STUDY)

# --- working with the notebooks ------------------------------------------------------------------
lab: $(VENV_STAMP) ## open JupyterLab on the notebooks with the project's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lock: ## re-resolve requirements.txt from the names in pyproject.toml (then review the diff)
	rm -rf $(BUILD)/lock && $(PYTHON_BASE) -m venv $(BUILD)/lock
	$(BUILD)/lock/bin/pip install --quiet setuptools .
	{ sed -n '1,2p' requirements.txt; $(BUILD)/lock/bin/pip freeze --all --exclude pip --exclude burnout-compendium; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean: ## delete generated files (data/processed, figures, tables, reports); never data/raw
	find data/processed figures tables reports -mindepth 1 ! -name .gitkeep -delete
	rm -rf $(BUILD)

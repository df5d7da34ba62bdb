# Fresh machine: `make demo` (install + whole pipeline + report), `make test` (install + all notebook tests).
DATA ?= study
OUT ?= runs/demo

.PHONY: install demo test test-slow bench readme docs docs-check docs-quarto
install:
	bash tools/install.sh

demo: install
	sae_sbert_run --data $(DATA) --out $(OUT) --overwrite

test: install
	bash tools/test.sh

test-slow: install
	bash tools/test.sh --flags slow

bench: install
	bash bench/install_peers.sh || echo "[bench] sae-lens could not be installed: its rows will be left out"; python -m bench $(BENCH_ARGS)

readme:
	python tools/readme.py

# Refresh the outputs saved in the library notebooks (what the docs show; CI: tools/check_outputs.py).
.PHONY: outputs
outputs:
	python tools/outputs.py

# The slow cells' outputs too (they read the study corpus and runs/demo: run `make demo` first).
.PHONY: report-check
# The run's offline feature browser in headless Chromium: console errors, filtering, a card, escaping, screenshots.
report-check:
	python tools/check_report.py $(OUT)/report

# The notebook explorer in a real JupyterLab under headless Chromium: renders, finds, reads a text, steers; screenshots.
.PHONY: explorer-check
explorer-check:
	python3 -m pip install -q --disable-pip-version-check jupyterlab && python tools/check_explorer.py

.PHONY: outputs-slow
outputs-slow:
	python tools/outputs.py --flags slow

# Docs. Quarto is the canonical builder (`make docs-quarto` = nbdev_docs, into _docs/; CI: .github/workflows/docs.yml).
# Without Quarto, `make docs` builds the same processed notebooks as static HTML into _site/, and `make docs-check`
# loads every page in headless Chromium (apt-get install chromium): console errors, links, images, screenshots.
docs:
	python tools/docs.py

docs-check:
	python tools/check_site.py

docs-quarto:
	nbdev_docs

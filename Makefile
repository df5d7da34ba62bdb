# Fresh machine: `make demo` (install + whole pipeline + report), `make test` (install + all notebook tests).
DATA ?= study
OUT ?= runs/demo

.PHONY: install demo test test-slow bench readme docs
install:
	bash tools/install.sh

demo: install
	sae_sbert_run --data $(DATA) --out $(OUT) --overwrite

test: install
	bash tools/test.sh

test-slow: install
	bash tools/test.sh --flags slow

bench: install
	python bench/embed.py && python bench/train.py && python bench/interpret.py

readme:
	python tools/readme.py

docs:
	nbdev_docs

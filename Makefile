# Fresh machine: `make demo` (install + whole pipeline + report), `make test` (install + all notebook tests).
DATA ?= ../shared/data/arxiv_ml_sample.parquet ../shared/data/arxiv_cs_sample.parquet ../shared/data/arxiv_2007_sample.parquet
OUT ?= runs/demo

.PHONY: install demo test test-slow bench readme docs
install:
	bash tools/install.sh

demo: install
	sae_sbert_run --data $(DATA) --column abstract --out $(OUT)

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

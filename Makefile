# The two commands of the README: `make run` and `make test`. Both install what is missing.
.PHONY: setup run test lint nlu-eval bench stories

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/lwiw run

test: setup
	.venv/bin/ruff check bot actions tests bench
	.venv/bin/pytest -p no:cacheprovider -rA --durations=15 tests

lint: setup
	.venv/bin/ruff check bot actions tests bench

# 5-fold cross-validated intent macro-F1 and crisis recall (several minutes on 2 cores)
nlu-eval: setup
	.venv/bin/python bench/nlu_eval.py

# latency of the REST channel at 1 and 20 concurrent conversations, with a bare Rasa baseline
bench: setup
	.venv/bin/python bench/conversation_load.py

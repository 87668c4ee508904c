# The two commands of the README: `make run` and `make test`. Both install what is missing.
.PHONY: setup run test test-fast lint nlu-eval crisis-eval extraction-eval bench stories

# unit tests whose results could depend on today's date (no Rasa server needed); `make test`
# runs them a second time under libfaketime with the clock a year ahead
DATED_TESTS = tests/test_export.py tests/test_profile.py tests/test_next_steps.py \
	tests/test_extraction.py tests/test_budget.py tests/test_provider_neutral.py \
	tests/test_interview_logic.py tests/test_staff_console.py tests/test_crisis_markers.py \
	tests/test_extraction_status.py tests/test_profile_v2.py

setup:
	@bash scripts/setup.sh

run: setup
	.venv/bin/lwiw run

test: setup
	.venv/bin/ruff check bot actions tests bench
	.venv/bin/pytest -p no:cacheprovider -rA --durations=15 tests
	faketime -f '+365d' .venv/bin/pytest -p no:cacheprovider -q $(DATED_TESTS)

# the inner loop: everything that needs no trained model and no running servers (one to
# three minutes); `make test` runs all of it
test-fast:
	.venv/bin/ruff check bot actions tests bench
	.venv/bin/pytest -p no:cacheprovider -q -m "not slow" tests

lint: setup
	.venv/bin/ruff check bot actions tests bench

# 5-fold cross-validated intent macro-F1 and crisis recall (several minutes on 2 cores)
nlu-eval: setup
	.venv/bin/python bench/nlu_eval.py

# crisis layer: recall per category and level, false alarms on hard negatives, for the
# component and end to end through the REST channel (development part, held-out part, and
# held-out sets B–F by other writers: tests/data/crisis/)
crisis-eval: setup
	.venv/bin/python bench/crisis_eval.py

# extraction beside the words: precision / recall per field and status and the number of
# twisted items (a status the person did not say), on the development and held-out parts
# of both gold sets (tests/data/extraction/: dev/heldout by one writer, dev_c/heldout_c by
# others; each split once by bench/extraction_split.py)
extraction-eval: setup
	.venv/bin/python bench/extraction_eval.py

# latency of the REST channel at 1 and 20 concurrent conversations, with a bare Rasa baseline
bench: setup
	.venv/bin/python bench/conversation_load.py

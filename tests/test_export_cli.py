"""`lwiw export` as a person at the terminal runs it (issue 17, point 3): a quiet command
that keeps the model stacks out, and the spaCy pipeline it needs loaded the fast way with
spaCy's own answers.

The export builds the profile anew from the verbatim answers, so it needs the extraction
and its spaCy pipeline. bot/nlp/pipeline.py reads the pipeline's German lemma table
(355,000 entries) as a plain dict instead of spaCy's Table, which spaCy fills key by key
in Python (about 0.5–0.9 s of every export). Times are measured by
`bench/memory.py --export-only`, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import spacy
from spacy.lookups import Table

from bot.export import export_conversation
from bot.nlp.pipeline import LemmaLookup, load_pipeline
from bot.settings import DATA_DIR, ROOT, SPACY_PIPELINE_DIR
from bot.yaml_file import load_yaml

# what the export must never load: TensorFlow writes its log lines to stderr, and all of
# them cost seconds and hundreds of MB for a command that runs no model
HEAVY = ("tensorflow", "sklearn", "rasa", "rasa_sdk", "torch", "jax")

EXPORT = """\
import json, sys
from bot.cli import main
code = main(["export", "bench-export", "--format", "json", "-o", sys.argv[1]])
heavy = sorted(name for name in {HEAVY!r} if sys.modules.get(name) is not None)
print(json.dumps({{"code": code, "heavy": heavy}}))
"""


def test_export_command_is_quiet_and_keeps_the_model_stacks_out(store, db_url, tmp_path):
    store.record_consent("bench-export", True)
    store.add_answer("bench-export", "living", "Ich möchte in Barmbek wohnen, mit meinem Hund.")
    target = tmp_path / "profil.json"
    env = {key: value for key, value in os.environ.items()
           if key != "LWIW_ALLOW_TENSORFLOW"}
    env.update(LWIW_DATABASE_URL=db_url, LWIW_VAR_DIR=str(tmp_path / "var"))
    done = subprocess.run([sys.executable, "-c", EXPORT.format(HEAVY=HEAVY), str(target)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {"code": 0, "heavy": []}
    # the terminal shows the command's own confirmation and nothing else
    assert done.stderr.splitlines() == [f"geschrieben: {target} ({target.stat().st_size} Bytes)"]
    exported = json.loads(target.read_bytes())
    expected = json.loads(export_conversation(store, "bench-export", "json")[0])
    for profile in (exported, expected):
        profile.pop("generated_at")
    assert exported == expected
    assert exported["will"]["own_words"][0]["text"].startswith("Ich möchte in Barmbek")


def _nlu_texts() -> list[str]:
    texts = []
    for path in sorted((DATA_DIR / "nlu").glob("*.yml")):
        for block in (load_yaml(path) or {}).get("nlu", []):
            texts += [line.strip()[2:] for line in (block.get("examples") or "").splitlines()
                      if line.strip().startswith("- ")]
    return texts


def _reading(doc) -> list[tuple]:
    return ([(t.text, t.lemma, t.lemma_, t.lower_, t.ent_iob_, t.ent_type_, t.ent_id_)
             for t in doc] + [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents])


@pytest.fixture(scope="module")
def pipelines():
    return spacy.load(SPACY_PIPELINE_DIR), load_pipeline()


def test_lemma_table_is_a_plain_dict_with_spacys_own_answers(pipelines):
    reference, fast = pipelines
    ours = fast.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    theirs = reference.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    # not spaCy's Table, filled key by key: that is what made every export slow
    assert isinstance(ours, LemmaLookup) and not isinstance(ours, Table)
    assert isinstance(theirs, Table)
    assert len(ours) == len(theirs) > 300_000
    assert all(ours[key] == lemma for key, lemma in theirs.items())
    for word in ("Häuser", "ging", "geht", "Ich", "", "xyzzy", "Barmbek"):
        assert ours.get(word, word) == theirs.get(word, word)
        assert (word in ours) == (word in theirs)
    # saved as spaCy saves its own table: the same bytes as the pipeline's lookups.bin
    saved = fast.get_pipe("lemmatizer").lookups.to_bytes()
    assert saved == reference.get_pipe("lemmatizer").lookups.to_bytes()
    assert saved == (SPACY_PIPELINE_DIR / "lemmatizer" / "lookups" / "lookups.bin").read_bytes()
    assert fast.pipe_names == reference.pipe_names
    assert fast.config.to_str() == reference.config.to_str()


def test_pipeline_reads_every_nlu_example_as_spacy_load_does(pipelines):
    reference, fast = pipelines
    texts = _nlu_texts()
    assert len(texts) > 1000
    differing = [text for text in texts if _reading(fast(text)) != _reading(reference(text))]
    assert differing == []

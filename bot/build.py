"""Build steps: spaCy pipeline, generated Rasa files, trained model (only when inputs change)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import BUILD_DIR, ROOT, SPACY_PIPELINE_DIR

MODELS_DIR = ROOT / "models"
RASA_DATA = ("data/nlu", "data/rules")
MODEL_INPUTS = ("config.yml", "domain", *RASA_DATA)


def _files(relative: str) -> list[Path]:
    path = ROOT / relative
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.yml") if p.is_file())


def model_hash() -> str:
    """Fingerprint of everything the trained model depends on."""
    digest = hashlib.sha256()
    for relative in MODEL_INPUTS:
        for path in _files(relative):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    digest.update((SPACY_PIPELINE_DIR / "lwiw_gazetteer.sha256").read_bytes())
    # our pipeline components (a new one is covered without being listed here)
    for component in sorted((ROOT / "bot" / "nlp").glob("*.py")):
        digest.update(component.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS_DIR / f"lwiw-{model_hash()}.tar.gz"


def rasa_env() -> dict[str, str]:
    # the whole environment, copied for a child process (its LWIW_* settings are read by
    # bot/settings.py in the child): the one place outside bot/settings.py that reads it
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    return env


def rasa_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "rasa", *args]


def rasa_server_command(*args: str) -> list[str]:
    """`rasa run` with our speed fix (bot/rasa_server.py)."""
    return [sys.executable, "-m", "bot.rasa_server", *args]


def prepare() -> None:
    """Everything but training the Rasa model: the spaCy pipeline, the generated Rasa files
    and the crisis classifier (cached in build/crisis/, so no server trains it at start)."""
    # imported here: the launcher (`lwiw run`) needs the paths and the hash of this module,
    # not spaCy (bot/lean.py)
    from bot import domain_gen
    from bot.crisis import classifier
    from bot.nlp.pipeline import ensure_pipeline

    BUILD_DIR.mkdir(exist_ok=True)
    ensure_pipeline()
    domain_gen.write_all()
    classifier.model()


def train_if_needed(force: bool = False, keep: int = 3) -> Path:
    """Train unless a model for exactly these inputs exists.

    A file lock serialises concurrent callers (test sessions, `lwiw run`): the second one
    waits and then finds the model. The `keep` newest models stay for running servers.
    """
    prepare()
    target = model_path()
    if target.exists() and not force:
        return target
    MODELS_DIR.mkdir(exist_ok=True)
    with open(MODELS_DIR / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not force:
            return target
        log = BUILD_DIR / "train.log"
        print(f"training the Rasa model (a few minutes; log: {log})", flush=True)
        with open(log, "w") as output:
            result = subprocess.run(
                rasa_command(
                    "train", "--config", "config.yml", "--domain", "domain", "--data",
                    *RASA_DATA, "--out", str(MODELS_DIR), "--fixed-model-name",
                    target.name.removesuffix(".tar.gz"),
                ),
                cwd=ROOT, env=rasa_env(), stdout=output, stderr=subprocess.STDOUT,
            )
        if result.returncode != 0:
            print(log.read_text()[-5000:], file=sys.stderr)
            raise subprocess.CalledProcessError(result.returncode, "rasa train")
        models = sorted(MODELS_DIR.glob("lwiw-*.tar.gz"), key=lambda p: p.stat().st_mtime)
        for old in models[:-keep]:
            old.unlink()
    return target

"""Rasa's own checks on our project: data validation and the test stories."""

from __future__ import annotations

import subprocess

import pytest

from bot import domain_gen
from bot.build import RASA_DATA, rasa_command, rasa_env
from bot.settings import ROOT


def test_generated_files_are_current():
    stale = [str(p.relative_to(ROOT)) for p in domain_gen.stale_outputs()]
    assert stale == [], f"run `lwiw build --no-train`: {stale}"


def test_rasa_data_validate_fail_on_warnings():
    result = subprocess.run(
        rasa_command("data", "validate", "--fail-on-warnings", "--domain", "domain",
                     "--data", *RASA_DATA, "--config", "config.yml"),
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_rasa_test_stories_without_prediction_errors(model_path, tmp_path):
    result = subprocess.run(
        rasa_command("test", "core", "--model", str(model_path), "--stories",
                     "tests/conversations", "--fail-on-prediction-errors",
                     "--out", str(tmp_path / "results"), "--no-plot"),
        cwd=ROOT, env=rasa_env(), capture_output=True, text=True,
    )
    failed = tmp_path / "results" / "failed_test_stories.yml"
    detail = failed.read_text()[:4000] if failed.exists() else ""
    assert result.returncode == 0, detail + result.stdout[-3000:] + result.stderr[-2000:]

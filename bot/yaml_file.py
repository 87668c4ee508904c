"""The project's YAML data files, read with libyaml's C parser where PyYAML was built with
it (about ten times faster than the pure-Python parser: every process reads the gazetteer,
the texts, the knowledge and the crisis lexicon at start, and `lwiw export` spent half a
second of its run here). The C parser builds the same safe types as `yaml.safe_load`;
tests/test_yaml_file.py checks that on every data file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """The content of a YAML file (UTF-8) as plain Python values."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 (safe)

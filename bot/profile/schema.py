"""The versioned JSON Schema of the profile (schema/profile-2.schema.json; version 1 is kept
for documents exported before, see bot/profile/compat.py)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from bot.settings import ROOT

SCHEMA_VERSION = "2"
SCHEMA_DIR = ROOT / "schema"
SCHEMA_PATH = SCHEMA_DIR / f"profile-{SCHEMA_VERSION}.schema.json"


def schema_path(version: str = SCHEMA_VERSION) -> Path:
    return SCHEMA_DIR / f"profile-{version}.schema.json"


@lru_cache(maxsize=4)
def validator(version: str = SCHEMA_VERSION) -> Draft202012Validator:
    # the schema files are ours and checked against the meta-schema by the tests
    # (tests/test_profile.py, tests/test_profile_v2.py); checking them again in every
    # process cost about 0.1 s of each `lwiw export`
    schema = json.loads(schema_path(version).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validation_errors(profile: dict, version: str = SCHEMA_VERSION) -> list[str]:
    """Errors of `profile` against the schema of `version` (the current one by default)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator(version).iter_errors(profile),
                            key=lambda e: list(e.path))]


class ProfileInvalid(ValueError):
    pass


def validate_profile(profile: dict) -> None:
    errors = validation_errors(profile)
    if errors:
        raise ProfileInvalid("; ".join(errors[:10]))

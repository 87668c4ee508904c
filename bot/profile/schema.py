"""The versioned JSON Schema of the profile (schema/profile-1.schema.json)."""

from __future__ import annotations

import json
from functools import lru_cache

from jsonschema import Draft202012Validator

from bot.settings import ROOT

SCHEMA_VERSION = "1"
SCHEMA_PATH = ROOT / "schema" / f"profile-{SCHEMA_VERSION}.schema.json"


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validation_errors(profile: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator().iter_errors(profile), key=lambda e: list(e.path))]


class ProfileInvalid(ValueError):
    pass


def validate_profile(profile: dict) -> None:
    errors = validation_errors(profile)
    if errors:
        raise ProfileInvalid("; ".join(errors[:10]))

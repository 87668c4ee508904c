"""The will-and-resources profile: structured items beside the person's verbatim words,
what the person confirmed, and the JSON Schema it follows."""

from bot.profile.builder import build_profile
from bot.profile.schema import (
    SCHEMA_PATH,
    SCHEMA_VERSION,
    ProfileInvalid,
    validate_profile,
    validation_errors,
)

__all__ = [
    "SCHEMA_PATH", "SCHEMA_VERSION", "ProfileInvalid", "build_profile", "validate_profile",
    "validation_errors",
]

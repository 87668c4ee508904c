"""Running Rasa SDK actions as the action server would: the project's domain, once."""

from __future__ import annotations

from functools import lru_cache

from rasa.shared.core.domain import Domain

from bot.settings import ROOT


@lru_cache(maxsize=1)
def domain() -> dict:
    return Domain.load(str(ROOT / "domain")).as_dict()

"""What the extraction finds in one answer. Every item keeps the words it came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    who: str
    relation: str
    sector: str
    helps_with: str | None
    text: str
    helper: bool


@dataclass(frozen=True)
class AidMention:
    aid: str
    label: str
    category: str
    status: str  # used | wished
    words: str
    text: str


@dataclass(frozen=True)
class PlaceMention:
    kind: str
    label: str
    status: str  # uses | wished | available
    words: str
    text: str
    quarter: str | None


@dataclass(frozen=True)
class Location:
    quarter: str | None
    district: str | None
    words: str
    home: bool
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    # important | change | goal | ability | limitation | wished | received | contribution
    kind: str
    text: str
    start: str | None = None
    start_date: str | None = None


@dataclass(frozen=True)
class LifeAreaMention:
    code: str
    words: tuple[str, ...]


@dataclass
class Extraction:
    question_id: str
    text: str
    people: list[Person] = field(default_factory=list)
    aids: list[AidMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    life_areas: list[LifeAreaMention] = field(default_factory=list)

"""What the extraction finds in one answer. Every item keeps the words it came from:
`text` is the clause in the person's own words and `span` its (start, end) character
offsets in the answer, so `answer[span[0]:span[1]] == text` always holds."""

from __future__ import annotations

from dataclasses import dataclass, field

CharSpan = tuple[int, int]

AID_STATUSES = ("used", "wished", "used_before")
PLACE_STATUSES = ("uses", "wishes", "used_before", "barrier", "available")
PROFESSIONAL_STATUSES = ("received", "wished")
LOCATION_ROLES = ("home", "move_to", "past_home", "other")


@dataclass(frozen=True)
class Person:
    who: str
    relation: str
    sector: str
    helps_with: str | None
    text: str
    helper: bool
    span: CharSpan = (0, 0)


@dataclass(frozen=True)
class AidMention:
    aid: str
    label: str
    category: str
    status: str  # used | wished | used_before
    words: str
    text: str
    span: CharSpan = (0, 0)
    start: str | None = None  # for a wish: when, in the person's words
    start_date: str | None = None


@dataclass(frozen=True)
class PlaceMention:
    kind: str
    label: str
    # uses | wishes | used_before | barrier (cannot go there, see `barrier`) |
    # available (the place is there; the person did not say they go)
    status: str
    words: str
    text: str
    quarter: str | None
    barrier: str | None = None  # what keeps the person out, in their words ("keinen Aufzug")
    span: CharSpan = (0, 0)
    start: str | None = None
    start_date: str | None = None


@dataclass(frozen=True)
class ProfessionalMention:
    """Help by professionals the person already gets or wishes for."""

    help: str  # canonical kind (care_service, legal_guardian, …, other)
    label: str
    status: str  # received | wished
    words: str  # the help as the person named it ("Pflegedienst", "jemanden für die Post")
    text: str
    span: CharSpan = (0, 0)
    start: str | None = None  # for a wish: when, in the person's words ("ab Sommer")
    start_date: str | None = None


@dataclass(frozen=True)
class Location:
    quarter: str | None
    district: str | None
    words: str
    role: str = "other"  # home (lives there now) | move_to (wishes to) | past_home | other
    candidates: tuple[str, ...] = ()
    text: str = ""
    span: CharSpan = (0, 0)

    @property
    def home(self) -> bool:
        return self.role == "home"


@dataclass(frozen=True)
class Statement:
    # important | change | goal | ability | limitation | contribution
    kind: str
    text: str
    start: str | None = None  # when, in the person's words ("im Sommer", "wenn ich 18 bin")
    start_date: str | None = None  # only when unambiguous and not in the past
    span: CharSpan = (0, 0)
    move_to: str | None = None  # a goal to move: the Stadtteil the person wants to live in


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
    professional: list[ProfessionalMention] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    life_areas: list[LifeAreaMention] = field(default_factory=list)

    @property
    def residence(self) -> Location | None:
        """Where the person lives now, if the answer says so."""
        return next((loc for loc in self.locations if loc.role == "home"), None)

    @property
    def move_to(self) -> Location | None:
        return next((loc for loc in self.locations if loc.role == "move_to"), None)

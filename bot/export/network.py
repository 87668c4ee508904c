"""Where the people of the social network sit in the export's network picture.

The picture itself is drawn as inline SVG by the template; this module only places the
people: one quarter per sector, and closeness as the distance from the centre.

Closeness is read from what the person said, nothing else: someone who helps with
something, a partner or a best friend sits on the inner ring; other family and friends in
the middle; colleagues and professionals outside (a professional who helps: middle).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SECTORS = ("family", "friends_neighbours", "work_school", "professional")
# angle of the middle of each sector's quarter, degrees counter-clockwise from the right
SECTOR_ANGLE = {"family": 135, "friends_neighbours": 45, "work_school": 225,
                "professional": 315}
CLOSEST = {"partner", "husband", "wife", "best_friend"}
WIDTH, HEIGHT = 520, 380
CENTRE = (WIDTH / 2, HEIGHT / 2 + 4)
RINGS = (72, 118, 162)
SPREAD = 64  # degrees a sector's people spread over on one ring
LABEL_LIMIT = 18


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    sector: str
    ring: int
    helper: bool

    @property
    def anchor(self) -> str:
        """Labels lean away from the middle so neighbours across the axis do not touch."""
        if abs(self.x - CENTRE[0]) < 8:
            return "middle"
        return "end" if self.x < CENTRE[0] else "start"

    @property
    def label_x(self) -> float:
        return {"middle": self.x, "end": self.x + 10, "start": self.x - 10}[self.anchor]


@dataclass(frozen=True)
class SectorLabel:
    sector: str
    x: float
    y: float
    anchor: str


@dataclass(frozen=True)
class Network:
    width: int
    height: int
    cx: float
    cy: float
    rings: tuple[int, ...]
    nodes: tuple[Node, ...]
    labels: tuple[SectorLabel, ...]


def closeness(person: dict) -> int:
    """0 (inner ring) … 2 (outer ring)."""
    helps = bool(person.get("helps_with") or person.get("helper"))
    if person["sector"] == "professional":
        return 1 if helps else 2
    if helps or person["relation"] in CLOSEST:
        return 0
    return 2 if person["sector"] == "work_school" else 1


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


def layout(social: list[dict]) -> Network:
    """Place each person once (the same who and relation named twice is one person)."""
    people: dict[tuple[str, str], dict] = {}
    for person in social:
        key = (person["relation"], person["who"].lower())
        if key in people:
            merged = people[key]
            merged["helper"] = merged.get("helper") or person.get("helper")
            merged["helps_with"] = merged.get("helps_with") or person.get("helps_with")
        else:
            people[key] = dict(person)
    groups: dict[tuple[str, int], list[dict]] = {}
    for person in people.values():
        groups.setdefault((person["sector"], closeness(person)), []).append(person)
    nodes = []
    cx, cy = CENTRE
    for (sector, ring), members in sorted(groups.items(), key=lambda g: (
            SECTORS.index(g[0][0]), g[0][1])):
        count = len(members)
        for index, person in enumerate(members):
            offset = 0 if count == 1 else -SPREAD / 2 + SPREAD * index / (count - 1)
            angle = math.radians(SECTOR_ANGLE[sector] + offset)
            radius = RINGS[ring]
            nodes.append(Node(
                x=round(cx + radius * math.cos(angle), 1),
                y=round(cy - radius * math.sin(angle), 1),
                label=_short(person["who"]), sector=sector, ring=ring,
                helper=bool(person.get("helps_with") or person.get("helper"))))
    labels = tuple(
        SectorLabel(sector, x, y, anchor) for sector, x, y, anchor in (
            ("family", 14, 22, "start"), ("friends_neighbours", WIDTH - 14, 22, "end"),
            ("work_school", 14, HEIGHT - 10, "start"),
            ("professional", WIDTH - 14, HEIGHT - 10, "end")))
    return Network(WIDTH, HEIGHT, cx, cy, RINGS, tuple(nodes), labels)

"""Someone writes for the person (issue 16): the writer's "ich" is not the person.

"Ich als Mama mache fast alles für ihn" says what the mother does, not what the person
can do: in an answer in the writer's words, a statement of ability or limitation whose
subject is the writer's "ich" becomes a person at the person's side (the writer, by their
relation) who helps, and is no longer the person's ability. Everything else stays as the
extraction read it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.extraction.results import Extraction, Person

_FIRST_PERSON = re.compile(r"\b(?:ich|mir|mich)\b", re.IGNORECASE)
# "ich als Mama mache fast alles", "ich mache fast alles": the words of what is done
_DOING = re.compile(r"^\s*(?:ich\s+)?(?:als\s+\S+(?:\s+\S+)?\s+)?(?:mache|helfe|kümmere|"
                    r"übernehme|erledige|koche|putze|kaufe|fahre|begleite|unterstütze|"
                    r"organisiere|regle|regele|mach)\b\s*(?P<what>.*)$", re.IGNORECASE)


def _helps_with(text: str) -> str | None:
    found = _DOING.search(text)
    if found is None:
        return None
    what = re.sub(r"\s+für\s+(?:ihn|sie|ihm|ihr)\b", "", found.group("what")).strip(" .,!")
    return what or None


def writer_view(extraction: Extraction, relation: str, who: str, sector: str) -> Extraction:
    """The extraction of an answer in the writer's words: the writer's own doing
    (first person) is the writer helping (relation, e.g. "mother"; `who`, e.g. "Mutter"),
    not the person's ability or limitation."""
    kept, moved = [], []
    for statement in extraction.statements:
        if statement.kind in ("ability", "limitation") and _FIRST_PERSON.search(
                statement.text):
            moved.append(statement)
        else:
            kept.append(statement)
    if not moved:
        return extraction
    spans = {s.span for s in moved}
    people = [p for p in extraction.people if p.span not in spans]
    for statement in moved:
        people.append(Person(who=who, relation=relation, sector=sector,
                             helps_with=_helps_with(statement.text), text=statement.text,
                             helper=True, span=statement.span))
    return replace(extraction, statements=kept, people=people)

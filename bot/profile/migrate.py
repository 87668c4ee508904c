"""Stored data and profile version 2.

What is stored: the verbatim answers (never changed by any version), question states,
urgent needs, and the person's decisions on read-back items (`item_decisions`, keyed
"<category>:<answer id>:<n>"). The profile itself is never stored; it is built anew from
these each time. So no answer and no profile needs a data migration.

The decisions do: version 2 reads aids, places, abilities, professional help and the home
differently, so the n-th item of an answer in those categories may now be another item
or have another status. Version 2 therefore gives these items new key prefixes
(bot/profile/items.py, KEY_PREFIX): a confirmation given to a version-1 item ("Sie
wünschen sich einen Pflegedienst") never attaches to a version-2 item it was not given
to ("Diese Unterstützung bekommen Sie schon: Pflegedienst"); those items are open again
and the read-back asks the person once more. The stored version-1 rows stay as they were.

Corrections are the person's own words and say what they are about, so they are carried
over: `migrate_decisions` reads each version-1 correction like an answer to the same
question and stores it on the version-2 item of the same answer that names the same aid,
place, help or Stadtteil (or, for what the person can do, shares most words with it),
when exactly one such item exists and it has no decision yet. Run once after updating:

    .venv/bin/python -m bot.profile.migrate

It is safe to run again (nothing is carried twice).
"""

from __future__ import annotations

import argparse
import re
from datetime import date

from sqlalchemy import select

from bot.extraction import extract
from bot.profile.items import V1_PREFIX, Item, derive
from bot.storage.models import Conversation
from bot.storage.repository import Store

QUESTION_OF = {"professional": "professional", "place": "neighbourhood"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w{4,}", text.lower())}


def _same(item: Item, correction: str, today: date) -> bool | float:
    """Whether the correction is about `item` (a score for abilities and limitations)."""
    question = QUESTION_OF.get(item.category, item.question_id)
    found = extract(correction, question, today=today)
    if item.category == "aid":
        return any(a.aid == item.data["aid"] for a in found.aids)
    if item.category == "place":
        return any(p.kind == item.data["kind"] for p in found.places)
    if item.category == "professional":
        return any(p.help == item.data["help"] for p in found.professional)
    if item.category == "quarter":
        return any(loc.quarter == item.data.get("quarter") for loc in found.locations)
    overlap = _words(correction) & _words(item.text)
    return len(overlap) / max(1, len(_words(item.text)))


def migrate_conversation(store: Store, conversation_id: str,
                         today: date | None = None) -> list[tuple[str, str]]:
    """Carry the version-1 corrections of one conversation; (old key, new key) pairs."""
    today = today or date.today()
    decisions = store.item_decisions(conversation_id)
    old = {key: d for key, d in decisions.items() if d.status == "corrected"
           and key.split(":")[0] in V1_PREFIX.values()}
    if not old:
        return []
    items = [i for entry in derive(store.active_answers(conversation_id), today)
             for i in entry.items]
    carried = []
    for key, decision in sorted(old.items()):
        category, answer_id = key.split(":")[0], int(key.split(":")[1])
        candidates = [i for i in items if i.answer_id == answer_id and i.category == category
                      and i.key not in decisions]
        scored = [(i, _same(i, decision.corrected_text or "", today)) for i in candidates]
        matching = [(i, score) for i, score in scored if score]
        if category == "personal" and matching:
            best = max(score for _, score in matching)
            matching = [(i, s) for i, s in matching if s == best]
        if len(matching) != 1:
            continue  # not sure which item the words were about: leave it to the person
        target = matching[0][0]
        store.decide_item(conversation_id, target.key, "corrected", decision.corrected_text)
        decisions = store.item_decisions(conversation_id)
        carried.append((key, target.key))
    return carried


def migrate_decisions(store: Store, today: date | None = None) -> dict[str, list]:
    """Every conversation; {conversation id: [(old key, new key), …]} for those changed."""
    with store._session() as session:  # noqa: SLF001 - a one-off maintenance read
        ids = list(session.execute(select(Conversation.id).where(
            Conversation.linked_to.is_(None))).scalars())
    result = {}
    for conversation_id in ids:
        carried = migrate_conversation(store, conversation_id, today)
        if carried:
            result[conversation_id] = carried
    return result


def main(argv: list[str] | None = None) -> int:
    from bot.settings import get_settings
    from bot.storage.migrate import upgrade_to_head

    parser = argparse.ArgumentParser(description="Carry read-back corrections over to "
                                                 "profile version 2 (see the module docstring).")
    parser.parse_args(argv)
    url = get_settings().database_url
    upgrade_to_head(url)
    changed = migrate_decisions(Store(url))
    total = sum(len(pairs) for pairs in changed.values())
    print(f"{total} Korrektur(en) in {len(changed)} Gespräch(en) übernommen.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the console lists and searches: conversations with consent (nothing is stored for
the others), with date, short name, Stadtteil, progress through the six questions, the
consent state and the latest crisis marker (for staff to follow up).

The Stadtteil is the one of the profile (bot.profile.build_profile, which also honours the
person's corrections); profiles are cached per conversation until its data changes.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.catalogue import QUESTION_IDS
from bot.resume_codes import code_hash, find_code
from bot.staff.repo import Repo
from bot.storage.models import (
    Answer,
    Conversation,
    ItemDecision,
    QuestionState,
)
from bot.storage.repository import CrisisMarkerView, Store

log = logging.getLogger(__name__)
FINISHED = ("answered", "skipped", "none")
MAX_PSEUDONYM_CHARS = 80
STAFF_PREFIX = "staff-"


@dataclass(frozen=True)
class Place:
    quarter: str | None
    district: str | None

    def label(self) -> str | None:
        if self.quarter and self.district and self.quarter != self.district:
            return f"{self.quarter} ({self.district})"
        return self.quarter or self.district


@dataclass(frozen=True)
class ConversationRow:
    id: str
    created_at: datetime
    updated_at: datetime
    pseudonym: str | None
    code_hash: str | None             # only a hash of the resume code is stored
    consent_at: datetime | None
    consent_version: str | None
    with_staff: bool
    summary_confirmed: bool
    language_mode: str
    place: Place
    done: int
    total: int = len(QUESTION_IDS)
    crisis: CrisisMarkerView | None = None   # the latest crisis marker
    crisis_count: int = 0
    code_at: datetime | None = None   # when the resume code was last issued or used
    code_valid: bool = False          # it has one that has not expired

    def matches(self, query: str, query_code_hash: str | None = None) -> bool:
        """Search by short name, resume code (`query_code_hash`: the hash of the code in
        the query, code_hash(find_code(query))), Stadtteil/Bezirk (or the id)."""
        q = query.strip().casefold()
        if not q:
            return True
        if query_code_hash is not None and self.code_hash == query_code_hash:
            return True
        fields = (self.pseudonym, self.place.quarter, self.place.district)
        return q == self.id.casefold() or any(q in (f or "").casefold() for f in fields)


def new_conversation_id() -> str:
    """A conversation started in the console (Rasa sender id)."""
    return f"{STAFF_PREFIX}{uuid.uuid4().hex}"


class ProfileCache:
    """Profiles by (conversation, fingerprint of its data); a few hundred at most."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[tuple, dict | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, build: Callable[[], dict | None]) -> dict | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def place_of(profile: dict | None) -> Place:
    person = (profile or {}).get("person") or {}

    def value(key: str) -> str | None:
        item = person.get(key)
        return item.get("value") if isinstance(item, dict) else None

    return Place(value("quarter"), value("district"))


class Conversations(Repo):
    def __init__(self, database_url: str, store: Store,
                 cache: ProfileCache | None = None) -> None:
        super().__init__(database_url)
        self.store = store
        self.cache = cache or ProfileCache()

    # --- reading -------------------------------------------------------------------------

    def _consented(self, session: Session,
                   conversation_id: str | None = None) -> list[Conversation]:
        query = select(Conversation).where(Conversation.linked_to.is_(None),
                                           Conversation.consent_given.is_(True))
        if conversation_id is not None:
            query = query.where(Conversation.id == conversation_id)
        return list(session.execute(query.order_by(Conversation.updated_at.desc())).scalars())

    def _fingerprints(self, session: Session, ids: list[str]) -> dict[str, tuple]:
        answers = dict((cid, (n, top)) for cid, n, top in session.execute(
            select(Answer.conversation_id, func.count(Answer.id), func.max(Answer.id))
            .where(Answer.conversation_id.in_(ids)).group_by(Answer.conversation_id)))
        confirmed = dict(session.execute(
            select(Answer.conversation_id, func.max(Answer.confirmed_at))
            .where(Answer.conversation_id.in_(ids)).group_by(Answer.conversation_id)).all())
        decisions = dict((cid, (n, last)) for cid, n, last in session.execute(
            select(ItemDecision.conversation_id, func.count(ItemDecision.id),
                   func.max(ItemDecision.decided_at))
            .where(ItemDecision.conversation_id.in_(ids))
            .group_by(ItemDecision.conversation_id)))
        return {cid: (answers.get(cid), confirmed.get(cid), decisions.get(cid)) for cid in ids}

    def _progress(self, session: Session, ids: list[str]) -> dict[str, int]:
        done: dict[str, set[str]] = {cid: set() for cid in ids}
        for cid, qid in session.execute(
            select(QuestionState.conversation_id, QuestionState.question_id)
            .where(QuestionState.conversation_id.in_(ids), QuestionState.state.in_(FINISHED))
        ):
            done[cid].add(qid)
        for cid, qid in session.execute(
            select(Answer.conversation_id, Answer.question_id).distinct()
            .where(Answer.conversation_id.in_(ids), Answer.status == "active")
        ):
            done[cid].add(qid)
        return {cid: len(qids & set(QUESTION_IDS)) for cid, qids in done.items()}

    def profile(self, conversation_id: str, fingerprint: tuple = (),
                staff_notes: list[dict] | None = None, today: date | None = None) -> dict | None:
        """The profile (None if it cannot be built: the console still shows the answers)."""
        from bot.profile import build_profile  # spaCy: loaded when a profile is first shown

        def build() -> dict | None:
            try:
                return build_profile(self.store, conversation_id, today=today,
                                            staff_notes=staff_notes)
            except Exception:  # the console still shows the verbatim answers
                log.exception("profile of %s could not be built", conversation_id)
                return None

        if staff_notes is not None or today is not None:
            return build()
        return self.cache.get((conversation_id, *fingerprint), build)

    def rows(self, query: str = "", conversation_id: str | None = None) -> list[ConversationRow]:
        with self._session() as session:
            conversations = self._consented(session, conversation_id)
            ids = [c.id for c in conversations]
            if not ids:
                return []
            fingerprints = self._fingerprints(session, ids)
            progress = self._progress(session, ids)
        crises = self.store.latest_crisis_markers(ids)
        code = find_code(query)
        query_code_hash = code_hash(code) if code else None
        rows = []
        for c in conversations:
            profile = self.profile(c.id, (c.updated_at, fingerprints[c.id]))
            crisis, crisis_count = crises.get(c.id, (None, 0))
            row = ConversationRow(
                id=c.id, created_at=c.created_at, updated_at=c.updated_at,
                pseudonym=c.pseudonym, code_hash=c.resume_code_hash, consent_at=c.consent_at,
                consent_version=c.consent_version, with_staff=bool(c.with_staff),
                summary_confirmed=c.summary_confirmed_at is not None,
                language_mode=c.language_mode or "standard", place=place_of(profile),
                done=progress[c.id], crisis=crisis, crisis_count=crisis_count,
                code_at=c.resume_code_at, code_valid=self.store.resume_code_valid(c),
            )
            if row.matches(query, query_code_hash):
                rows.append(row)
        return rows

    def row(self, conversation_id: str) -> ConversationRow | None:
        """The listed conversation with this id (None without consent or if unknown)."""
        found = self.rows(conversation_id=conversation_id)
        return found[0] if found else None

    def by_resume_code(self, raw: str) -> str | None:
        """The listed conversation of this code, also when the code has expired (the person
        can be helped back to it here), for a code in any of the accepted spellings."""
        canonical = self.store.find_by_resume_code(raw)
        if canonical is None:
            return None
        return canonical if self.row(canonical) is not None else None

    # --- writing (never the person's words) ----------------------------------------------

    def set_pseudonym(self, conversation_id: str, pseudonym: str) -> str | None:
        value = " ".join((pseudonym or "").split())[:MAX_PSEUDONYM_CHARS] or None
        with self._session() as session:
            session.execute(update(Conversation).where(Conversation.id == conversation_id)
                            .values(pseudonym=value, updated_at=self.store.clock()))
            session.commit()
        return value

    def mark_with_staff(self, conversation_id: str) -> bool:
        """Mark a conversation with consent as held together with a counsellor."""
        canonical = self.store.canonical_id(conversation_id)
        with self._session() as session:
            result = session.execute(
                update(Conversation)
                .where(Conversation.id == canonical, Conversation.consent_given.is_(True),
                       Conversation.with_staff.is_(False))
                .values(with_staff=True, updated_at=self.store.clock())
            )
            session.commit()
            return bool(result.rowcount)

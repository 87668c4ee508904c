"""All reads and writes of conversation data. Every write commits at once, so a killed
server loses no answer that the person has already been told was noted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import column, delete, inspect, select, table, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from bot.storage.db import new_session
from bot.storage.models import (
    Answer,
    Conversation,
    CrisisMarker,
    ItemDecision,
    PendingTrackerDeletion,
    QuestionState,
    UrgentNeed,
    utcnow,
)

CONSENT_VERSION = "2026-11"
RASA_EVENTS_TABLE = "events"
CRISIS_LEVELS = ("acute", "concern")
CRISIS_SOURCES = ("chat", "staff_chat")
MAX_CATEGORIES_CHARS = 200

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class AnswerView:
    id: int
    question_id: str
    text: str
    created_at: datetime
    confirmed: bool


@dataclass(frozen=True)
class CrisisMarkerView:
    id: int
    at: datetime
    level: str
    categories: tuple[str, ...]
    source: str
    words: str | None

    @classmethod
    def of(cls, row: CrisisMarker) -> CrisisMarkerView:
        return cls(row.id, row.at, row.level, split_categories(row.categories), row.source,
                   row.words)


def split_categories(raw: str | None) -> tuple[str, ...]:
    return tuple(c for c in (raw or "").split(",") if c)


def join_categories(categories: Sequence[str]) -> str:
    """Category keys as stored: comma-separated, each once, whole keys up to 200 chars."""
    keys: list[str] = []
    for raw in categories:
        key = str(raw).strip().replace(",", "_")
        if key and key not in keys and len(",".join([*keys, key])) <= MAX_CATEGORIES_CHARS:
            keys.append(key)
    return ",".join(keys)


def same_words_key(text: str) -> str:
    """The words of an answer without case, spacing and closing punctuation."""
    return " ".join(text.casefold().split()).rstrip(" .!?…")


class Store:
    """Repository over the application tables, bound to one database URL.

    `clock` gives "now" as naive UTC for every time the store writes (tests pass a fixed
    one; the default is the real clock)."""

    def __init__(self, database_url: str, clock: Clock = utcnow) -> None:
        self.url = database_url
        self.clock = clock

    def _session(self) -> Session:
        return new_session(self.url)

    # --- conversations -------------------------------------------------------------------

    def canonical_id(self, sender_id: str) -> str:
        """The conversation that holds the data for this sender (follows a resume link)."""
        with self._session() as session:
            return self._canonical(session, sender_id)

    @staticmethod
    def _canonical(session: Session, sender_id: str) -> str:
        linked = session.execute(
            select(Conversation.linked_to).where(Conversation.id == sender_id)
        ).scalar_one_or_none()
        return linked or sender_id

    def _rows(self, model, sender_id: str, *conditions, order_by=None) -> list:
        """Rows of `model` that belong to this sender's (canonical) conversation."""
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            query = select(model).where(model.conversation_id == canonical, *conditions)
            if order_by is not None:
                query = query.order_by(*(order_by if isinstance(order_by, tuple)
                                         else (order_by,)))
            return list(session.execute(query).scalars())

    def _new_conversation(self, conversation_id: str, **values) -> Conversation:
        now = self.clock()
        return Conversation(id=conversation_id, language_mode="standard", created_at=now,
                            updated_at=now, **values)

    def _touch(self, row: Conversation | QuestionState,
               now: datetime | None = None) -> datetime:
        """Set `updated_at` from the clock. Flagged as changed even when the value is the
        same (a fixed clock), or the model's `onupdate` would put the real time in."""
        now = now or self.clock()
        row.updated_at = now
        flag_modified(row, "updated_at")
        return now

    def _ensure(self, session: Session, sender_id: str) -> Conversation:
        canonical = self._canonical(session, sender_id)
        conversation = session.get(Conversation, canonical)
        if conversation is None:
            conversation = self._new_conversation(canonical)
            session.add(conversation)
            session.flush()
        return conversation

    def get_conversation(self, sender_id: str) -> Conversation | None:
        with self._session() as session:
            return session.get(Conversation, self._canonical(session, sender_id))

    def record_consent(self, sender_id: str, given: bool) -> None:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            now = self._touch(conversation)
            conversation.consent_given = given
            conversation.consent_at = now if given else None
            conversation.consent_version = CONSENT_VERSION if given else None
            session.commit()

    def has_consent(self, sender_id: str) -> bool:
        conversation = self.get_conversation(sender_id)
        return bool(conversation and conversation.consent_given)

    def set_language_mode(self, sender_id: str, easy: bool) -> None:
        """Only stored for conversations with consent (nothing is stored without it)."""
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            session.execute(
                update(Conversation)
                .where(Conversation.id == canonical, Conversation.consent_given.is_(True))
                .values(language_mode="easy" if easy else "standard",
                        updated_at=self.clock())
            )
            session.commit()

    # --- answers -------------------------------------------------------------------------

    def add_answer(self, sender_id: str, question_id: str, text: str,
                   corrects_id: int | None = None, confirmed: bool = False) -> int:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            return self._insert_answer(session, conversation, question_id, text,
                                       corrects_id, confirmed)

    def _insert_answer(self, session: Session, conversation: Conversation, question_id: str,
                       text: str, corrects_id: int | None = None,
                       confirmed: bool = False) -> int:
        now = self.clock()
        answer = Answer(
            conversation_id=conversation.id, question_id=question_id, text=text,
            status="active", corrects_id=corrects_id, created_at=now,
            confirmed_at=now if confirmed else None,
        )
        session.add(answer)
        self._touch(conversation, now)
        session.commit()
        return answer.id

    def add_answer_once(self, sender_id: str, question_id: str, text: str) -> int | None:
        """Store an answer unless the same words are already an active answer to this
        question; None when they are. A message sent again (the chat's "Erneut senden"
        after a server failed mid-request, a double click, a person who retypes because
        the reply never came) must not become a second answer."""
        key = same_words_key(text)
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            given = session.execute(
                select(Answer.text).where(Answer.conversation_id == conversation.id,
                                          Answer.question_id == question_id,
                                          Answer.status == "active")
            ).scalars()
            if any(same_words_key(existing) == key for existing in given):
                return None
            return self._insert_answer(session, conversation, question_id, text)

    def active_answers(self, sender_id: str, question_id: str | None = None) -> list[AnswerView]:
        conditions = [Answer.status == "active"]
        if question_id is not None:
            conditions.append(Answer.question_id == question_id)
        return [
            AnswerView(a.id, a.question_id, a.text, a.created_at, a.confirmed_at is not None)
            for a in self._rows(Answer, sender_id, *conditions, order_by=Answer.id)
        ]

    def answer_history(self, sender_id: str) -> list[Answer]:
        """Every answer ever given, including superseded and removed ones (for audits)."""
        return self._rows(Answer, sender_id, order_by=Answer.id)

    def supersede_answers(self, sender_id: str, answer_ids: Iterable[int],
                          status: str = "superseded") -> None:
        ids = list(answer_ids)
        if not ids:
            return
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            session.execute(
                update(Answer)
                .where(Answer.conversation_id == canonical, Answer.id.in_(ids))
                .values(status=status)
            )
            session.commit()

    def confirm_answers(self, sender_id: str, answer_ids: Iterable[int]) -> None:
        ids = list(answer_ids)
        if not ids:
            return
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            session.execute(
                update(Answer)
                .where(Answer.conversation_id == canonical, Answer.id.in_(ids),
                       Answer.confirmed_at.is_(None))
                .values(confirmed_at=self.clock())
            )
            session.commit()

    def correct_answer(self, sender_id: str, answer_id: int, new_text: str) -> int:
        """The person's correction is their own words too: a new confirmed answer that
        replaces the old one, which stays in the history as superseded."""
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            old = session.get(Answer, answer_id)
            if old is None or old.conversation_id != canonical:
                raise KeyError(answer_id)
            old.status = "superseded"
            now = self.clock()
            new = Answer(
                conversation_id=canonical, question_id=old.question_id, text=new_text,
                status="active", corrects_id=old.id, created_at=now, confirmed_at=now,
            )
            session.add(new)
            session.commit()
            return new.id

    # --- question states -----------------------------------------------------------------

    def set_question_state(self, sender_id: str, question_id: str, state: str | None) -> None:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            existing = session.get(QuestionState, (conversation.id, question_id))
            if state is None:
                if existing is not None:
                    session.delete(existing)
            elif existing is None:
                session.add(QuestionState(
                    conversation_id=conversation.id, question_id=question_id, state=state,
                    updated_at=self.clock(),
                ))
            elif existing.state != state:
                existing.state = state
                self._touch(existing)
            session.commit()

    def question_states(self, sender_id: str) -> dict[str, str]:
        return {row.question_id: row.state for row in self._rows(QuestionState, sender_id)}

    # --- urgent needs --------------------------------------------------------------------

    def record_urgent(self, sender_id: str, text: str, categories: list[str]) -> None:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            session.add(UrgentNeed(
                conversation_id=conversation.id, text=text, categories=",".join(categories),
                created_at=self.clock(),
            ))
            session.commit()

    def urgent_needs(self, sender_id: str) -> list[UrgentNeed]:
        return self._rows(UrgentNeed, sender_id, order_by=UrgentNeed.id)

    # --- crisis markers (DESIGN.md § 3: staff see time and level) -----------------------

    def add_crisis_marker(self, sender_id: str, level: str, categories: Sequence[str],
                          source: str = "chat", words: str | None = None,
                          at: datetime | None = None) -> bool:
        """Mark the sender's (canonical) conversation with a crisis message.

        Written only when that conversation exists and has consent (nothing is stored
        without it); returns whether a marker was written. `words` are the person's
        message, to be passed only when they consented to storage; `at` defaults to the
        store's clock. An unknown `level` or `source` is a programming error (ValueError).
        """
        if level not in CRISIS_LEVELS:
            raise ValueError(f"unknown crisis level {level!r}")
        if source not in CRISIS_SOURCES:
            raise ValueError(f"unknown crisis marker source {source!r}")
        if isinstance(categories, str):
            categories = [categories]
        with self._session() as session:
            conversation = session.get(Conversation, self._canonical(session, sender_id))
            if conversation is None or conversation.consent_given is not True:
                return False
            now = self.clock()
            session.add(CrisisMarker(
                conversation_id=conversation.id, at=at or now, level=level,
                categories=join_categories(categories), source=source,
                words=(words or "").strip() or None,
            ))
            self._touch(conversation, now)
            session.commit()
            return True

    def crisis_markers(self, sender_id: str) -> list[CrisisMarkerView]:
        """Every crisis marker of the sender's (canonical) conversation, oldest first."""
        return [CrisisMarkerView.of(row) for row in self._rows(
            CrisisMarker, sender_id, order_by=(CrisisMarker.at, CrisisMarker.id))]

    def latest_crisis_markers(self, conversation_ids: Iterable[str]
                              ) -> dict[str, tuple[CrisisMarkerView, int]]:
        """For each of these canonical conversations that has markers: its latest marker
        and how many it has (for the staff console's list)."""
        ids = list(conversation_ids)
        if not ids:
            return {}
        found: dict[str, tuple[CrisisMarkerView, int]] = {}
        with self._session() as session:
            rows = session.execute(
                select(CrisisMarker).where(CrisisMarker.conversation_id.in_(ids))
                .order_by(CrisisMarker.at, CrisisMarker.id)
            ).scalars()
            for row in rows:
                count = found[row.conversation_id][1] if row.conversation_id in found else 0
                found[row.conversation_id] = (CrisisMarkerView.of(row), count + 1)
        return found

    # --- item decisions (read-back of structured items) ---------------------------------

    def decide_item(self, sender_id: str, item_key: str, status: str,
                    corrected_text: str | None = None) -> None:
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            existing = session.execute(
                select(ItemDecision).where(
                    ItemDecision.conversation_id == canonical, ItemDecision.item_key == item_key
                )
            ).scalar_one_or_none()
            if existing is None:
                session.add(ItemDecision(
                    conversation_id=canonical, item_key=item_key, status=status,
                    corrected_text=corrected_text, decided_at=self.clock(),
                ))
            else:
                existing.status = status
                existing.corrected_text = corrected_text
                existing.decided_at = self.clock()
            session.commit()

    def item_decisions(self, sender_id: str) -> dict[str, ItemDecision]:
        return {row.item_key: row for row in self._rows(ItemDecision, sender_id)}

    def mark_summary_confirmed(self, sender_id: str) -> None:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            conversation.summary_confirmed_at = self._touch(conversation)
            session.commit()

    # --- resume codes --------------------------------------------------------------------

    def get_or_create_resume_code(self, sender_id: str, make_code) -> str:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            if conversation.resume_code:
                return conversation.resume_code
            for _ in range(50):
                code = make_code()
                taken = session.execute(
                    select(Conversation.id).where(Conversation.resume_code == code)
                ).first()
                if not taken:
                    conversation.resume_code = code
                    self._touch(conversation)
                    session.commit()
                    return code
        raise RuntimeError("could not find a free resume code")

    def find_by_resume_code(self, code: str) -> str | None:
        with self._session() as session:
            return session.execute(
                select(Conversation.id).where(Conversation.resume_code == code.strip().upper())
            ).scalar_one_or_none()

    def link_sender(self, sender_id: str, canonical_id: str) -> None:
        """Let `sender_id` continue the conversation `canonical_id` (after a resume code)."""
        if sender_id == canonical_id:
            return
        with self._session() as session:
            row = session.get(Conversation, sender_id)
            if row is None:
                session.add(self._new_conversation(sender_id, linked_to=canonical_id))
            else:
                # data this sender had on its own row moves over (it had no consent-bound
                # answers if it only just started, but never drop anything silently)
                session.execute(update(Answer).where(Answer.conversation_id == sender_id)
                                .values(conversation_id=canonical_id))
                if row.linked_to != canonical_id:
                    row.linked_to = canonical_id
                    self._touch(row)
            session.commit()

    def sender_ids(self, canonical_id: str) -> list[str]:
        with self._session() as session:
            linked = session.execute(
                select(Conversation.id).where(Conversation.linked_to == canonical_id)
            ).scalars().all()
            return [canonical_id, *linked]

    # --- deletion ------------------------------------------------------------------------

    def delete_conversation(self, sender_id: str, tracker_now: bool = False) -> list[str]:
        """Delete the profile data of this conversation and every sender linked to it.

        Tracker events are deleted at once when `tracker_now` is true (the caller is not
        inside a Rasa turn); otherwise they are queued (see PendingTrackerDeletion).
        Returns the sender ids whose data was removed.
        """
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            senders = [canonical, *session.execute(
                select(Conversation.id).where(Conversation.linked_to == canonical)
            ).scalars().all()]
            if sender_id not in senders:
                senders.append(sender_id)
            for model in (Answer, QuestionState, UrgentNeed, ItemDecision, CrisisMarker):
                session.execute(delete(model).where(model.conversation_id == canonical))
            session.execute(delete(Conversation).where(Conversation.linked_to == canonical))
            session.execute(delete(Conversation).where(Conversation.id.in_(senders)))
            if not tracker_now:
                for sid in senders:
                    if session.get(PendingTrackerDeletion, sid) is None:
                        session.add(PendingTrackerDeletion(sender_id=sid,
                                                           requested_at=self.clock()))
            session.commit()
        if tracker_now:
            self.delete_tracker_events(senders)
        return senders

    def delete_tracker_events(self, sender_ids: Iterable[str],
                              until: datetime | None = None) -> int:
        """Delete Rasa's stored events of these senders (all of them, or up to `until`)."""
        ids = list(sender_ids)
        if not ids:
            return 0
        with self._session() as session:
            if not inspect(session.get_bind()).has_table(RASA_EVENTS_TABLE):
                session.execute(delete(PendingTrackerDeletion)
                                .where(PendingTrackerDeletion.sender_id.in_(ids)))
                session.commit()
                return 0
            events = table(RASA_EVENTS_TABLE, column("sender_id"), column("timestamp"))
            query = delete(events).where(events.c.sender_id.in_(ids))
            if until is not None:
                query = query.where(
                    events.c.timestamp <= until.replace(tzinfo=timezone.utc).timestamp()
                )
            result = session.execute(query)
            session.execute(
                delete(PendingTrackerDeletion).where(PendingTrackerDeletion.sender_id.in_(ids))
            )
            session.commit()
            return result.rowcount or 0

    def process_pending_tracker_deletions(self, older_than_seconds: float = 0) -> list[str]:
        """Complete queued tracker deletions.

        Only events up to the request time are removed: a turn that Rasa saved after the
        deletion (the confirmation and the restart) is harmless, and a person who already
        started afresh keeps the new conversation.
        """
        cutoff = self.clock() - timedelta(seconds=older_than_seconds)
        with self._session() as session:
            pending = list(session.execute(
                select(PendingTrackerDeletion).where(PendingTrackerDeletion.requested_at <= cutoff)
            ).scalars())
        for row in pending:
            self.delete_tracker_events([row.sender_id], until=row.requested_at)
        return [row.sender_id for row in pending]

    def has_pending_tracker_deletion(self, sender_id: str) -> bool:
        with self._session() as session:
            return session.get(PendingTrackerDeletion, sender_id) is not None

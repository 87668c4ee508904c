"""All reads and writes of conversation data. Every write commits at once, so a killed
server loses no answer that the person has already been told was noted."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import column, delete, func, inspect, select, table, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from bot.resume_codes import ResumePolicy, code_hash, find_code, make_code, sender_key
from bot.storage.db import new_session
from bot.storage.models import (
    Answer,
    CallbackRequest,
    Conversation,
    Correction,
    CrisisMarker,
    ItemDecision,
    PendingTrackerDeletion,
    QuestionState,
    ResumeFailure,
    UrgentNeed,
    utcnow,
)

CONSENT_VERSION = "2026-11"
RASA_EVENTS_TABLE = "events"
# the browser's id of a chat message, kept in the metadata of Rasa's stored user event (also
# without consent: a random id says nothing about the person), so that a message sent again
# after its answer got lost is recognised (Store.has_client_message, bot/web/chat.py)
CLIENT_MESSAGE_KEY = "client_message"
CRISIS_LEVELS = ("acute", "concern")
CRISIS_SOURCES = ("chat", "staff_chat")
MAX_CATEGORIES_CHARS = 200
MAX_CONTACT_CHARS = 200
MAX_GOOD_TIME_CHARS = 300
MAX_ACTOR_CHARS = 64

Clock = Callable[[], datetime]
# how an attempt to resume with a code ended
RESUMED, UNKNOWN, EXPIRED, TOO_MANY = "resumed", "unknown", "expired", "too_many"


@dataclass(frozen=True)
class AnswerView:
    id: int
    question_id: str
    text: str
    created_at: datetime
    confirmed: bool
    # whose words (issue 16): "person" (the person's own) or "writer" (someone writing
    # for the person)
    voice: str = "person"


@dataclass(frozen=True)
class AuthorshipView:
    """Who is writing: `mode` self | with_support | on_behalf; `relation` the writer's
    relation to the person (bot.dialogue.authorship.WRITERS) or, with support, who
    supports; `name` the name or word for the person; `words` the writer's own words."""

    mode: str = "self"
    relation: str | None = None
    name: str | None = None
    words: str | None = None
    asked: bool = False
    # whether anyone said who writes (a button or words); else `mode` is the default
    chosen: bool = False


AUTHORSHIP_MODES = ("self", "with_support", "on_behalf")
VOICES = ("person", "writer")


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


@dataclass(frozen=True)
class CallbackRequestView:
    """A callback request as the staff console shows it."""

    id: int
    conversation_id: str
    contact: str
    good_time: str
    created_at: datetime
    done_at: datetime | None
    done_by: str | None
    easy: bool = False          # asked for in Leichte Sprache

    @classmethod
    def of(cls, row: CallbackRequest) -> CallbackRequestView:
        return cls(row.id, row.conversation_id, row.contact, row.good_time or "",
                   row.created_at, row.done_at, row.done_by, bool(row.easy))


@dataclass(frozen=True)
class ResumeOutcome:
    status: str                              # RESUMED, UNKNOWN, EXPIRED or TOO_MANY
    conversation_id: str | None = None
    last_used_at: datetime | None = None     # the code's previous issue, showing or use
    new_code: str | None = None              # the code that replaces it (resume_with_code)


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
    one; the default is the real clock). `resume_policy`: the failure limits and expiry of
    resume codes (default: from the environment, ResumePolicy.from_env)."""

    def __init__(self, database_url: str, clock: Clock = utcnow,
                 resume_policy: ResumePolicy | None = None) -> None:
        self.url = database_url
        self.clock = clock
        self.resume_policy = resume_policy or ResumePolicy.from_env()

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
                   corrects_id: int | None = None, confirmed: bool = False,
                   voice: str = "person") -> int:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            return self._insert_answer(session, conversation, question_id, text,
                                       corrects_id, confirmed, voice)

    def _insert_answer(self, session: Session, conversation: Conversation, question_id: str,
                       text: str, corrects_id: int | None = None,
                       confirmed: bool = False, voice: str = "person") -> int:
        if voice not in VOICES:
            raise ValueError(f"unknown voice {voice!r}")
        now = self.clock()
        answer = Answer(
            conversation_id=conversation.id, question_id=question_id, text=text,
            status="active", corrects_id=corrects_id, created_at=now,
            confirmed_at=now if confirmed else None, voice=voice,
        )
        session.add(answer)
        self._touch(conversation, now)
        session.commit()
        return answer.id

    def add_answer_once(self, sender_id: str, question_id: str, text: str,
                        voice: str = "person") -> int | None:
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
            return self._insert_answer(session, conversation, question_id, text,
                                       voice=voice)

    def active_answers(self, sender_id: str, question_id: str | None = None) -> list[AnswerView]:
        conditions = [Answer.status == "active"]
        if question_id is not None:
            conditions.append(Answer.question_id == question_id)
        return [
            AnswerView(a.id, a.question_id, a.text, a.created_at, a.confirmed_at is not None,
                       a.voice or "person")
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
                voice=old.voice or "person",
            )
            session.add(new)
            session.commit()
            return new.id

    # --- who is writing (issue 16) -------------------------------------------------------

    def authorship(self, sender_id: str) -> AuthorshipView:
        """Who is writing; the person themself when nothing was said (or without consent)."""
        conversation = self.get_conversation(sender_id)
        if conversation is None or not conversation.consent_given:
            return AuthorshipView()
        return AuthorshipView(conversation.authorship_mode or "self",
                              conversation.authorship_relation, conversation.authorship_name,
                              conversation.authorship_words, bool(conversation.authorship_asked),
                              conversation.authorship_mode is not None)

    def set_authorship(self, sender_id: str, mode: str, relation: str | None = None,
                       name: str | None = None, words: str | None = None,
                       asked: bool | None = None) -> None:
        """Store who is writing; only with consent (nothing is stored without it)."""
        if mode not in AUTHORSHIP_MODES:
            raise ValueError(f"unknown authorship mode {mode!r}")
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            values = {"authorship_mode": mode, "authorship_relation": relation,
                      "authorship_name": name, "authorship_words": words,
                      "updated_at": self.clock()}
            if asked is not None:
                values["authorship_asked"] = asked
            session.execute(update(Conversation).where(
                Conversation.id == canonical, Conversation.consent_given.is_(True)
            ).values(**values))
            session.commit()

    def set_answers_voice(self, sender_id: str, voice: str) -> None:
        """Every answer of this conversation given so far is `voice`'s words (someone said
        later in the conversation that they write for the person)."""
        if voice not in VOICES:
            raise ValueError(f"unknown voice {voice!r}")
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            session.execute(update(Answer).where(Answer.conversation_id == canonical)
                            .values(voice=voice))
            session.commit()

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

    # --- callback requests (issue 16: a real way to a human) ----------------------------

    def add_callback_request(self, sender_id: str, contact: str, good_time: str, *,
                             easy: bool = False) -> int | None:
        """Store the person's request for a callback or appointment on the sender's
        (canonical) conversation; its id, or None when nothing was stored.

        Only with consent (the conversation exists and has it) and only with a contact.
        `contact` (phone number or e-mail as typed) is trimmed and cut at 200 characters,
        `good_time` (free text, may be empty) at 300. The same contact and time sent again
        while that request is still open (a message sent twice, a retry after a failed
        reply) gives the open request's id instead of a second one. `easy`: the person
        asked in Leichte Sprache (staff can answer in it)."""
        contact = (contact or "").strip()[:MAX_CONTACT_CHARS].strip()
        good_time = (good_time or "").strip()[:MAX_GOOD_TIME_CHARS].strip()
        if not contact:
            return None
        with self._session() as session:
            conversation = session.get(Conversation, self._canonical(session, sender_id))
            if conversation is None or conversation.consent_given is not True:
                return None
            same = session.execute(
                select(CallbackRequest.id).where(
                    CallbackRequest.conversation_id == conversation.id,
                    CallbackRequest.done_at.is_(None),
                    CallbackRequest.contact == contact,
                    CallbackRequest.good_time == good_time,
                ).order_by(CallbackRequest.id.desc())
            ).scalars().first()
            if same is not None:
                return same
            now = self.clock()
            row = CallbackRequest(conversation_id=conversation.id, contact=contact,
                                  good_time=good_time, easy=bool(easy), created_at=now)
            session.add(row)
            self._touch(conversation, now)
            session.commit()
            return row.id

    @staticmethod
    def _callback_query(open_only: bool):
        """Requests of conversations that (still) have consent, newest first."""
        query = (select(CallbackRequest)
                 .join(Conversation, Conversation.id == CallbackRequest.conversation_id)
                 .where(Conversation.consent_given.is_(True)))
        if open_only:
            query = query.where(CallbackRequest.done_at.is_(None))
        return query.order_by(CallbackRequest.created_at.desc(), CallbackRequest.id.desc())

    def callback_requests(self, *, open_only: bool = True) -> list[CallbackRequestView]:
        """The staff console's queue: the open requests (or all), newest first."""
        with self._session() as session:
            return [CallbackRequestView.of(row) for row in
                    session.execute(self._callback_query(open_only)).scalars()]

    def callback_requests_of(self, sender_id: str, *,
                             open_only: bool = True) -> list[CallbackRequestView]:
        """The requests of the sender's (canonical) conversation, newest first."""
        with self._session() as session:
            canonical = self._canonical(session, sender_id)
            query = self._callback_query(open_only).where(
                CallbackRequest.conversation_id == canonical)
            return [CallbackRequestView.of(row) for row in session.execute(query).scalars()]

    def open_callback_count(self) -> int:
        with self._session() as session:
            return int(session.execute(
                select(func.count(CallbackRequest.id))
                .join(Conversation, Conversation.id == CallbackRequest.conversation_id)
                .where(Conversation.consent_given.is_(True),
                       CallbackRequest.done_at.is_(None))
            ).scalar_one())

    def callback_request(self, request_id: int) -> CallbackRequestView | None:
        """One request by id, open or done (None if unknown)."""
        with self._session() as session:
            row = session.get(CallbackRequest, request_id)
            return CallbackRequestView.of(row) if row is not None else None

    def mark_callback_done(self, request_id: int, actor: str) -> bool:
        """Mark an open request done by `actor` (the staff account's name) at the store's
        clock; False if it is unknown or already done (a second click, another
        counsellor first). The caller writes the audit entry."""
        with self._session() as session:
            result = session.execute(
                update(CallbackRequest)
                .where(CallbackRequest.id == request_id, CallbackRequest.done_at.is_(None))
                .values(done_at=self.clock(), done_by=actor[:MAX_ACTOR_CHARS])
            )
            session.commit()
            return result.rowcount == 1

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

    # --- corrections (issue 13: who changed which words when; the old words are kept) --

    def record_correction(self, sender_id: str, old_text: str, new_text: str, *,
                          item_key: str | None = None, answer_id: int | None = None,
                          source: str = "chat") -> None:
        if source not in CRISIS_SOURCES:
            raise ValueError(f"unknown correction source {source!r}")
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            now = self.clock()
            session.add(Correction(conversation_id=conversation.id, at=now, source=source,
                                   item_key=item_key, answer_id=answer_id,
                                   old_text=old_text, new_text=new_text))
            self._touch(conversation, now)
            session.commit()

    def correction_history(self, sender_id: str) -> list[Correction]:
        """Every correction of this conversation, oldest first."""
        return self._rows(Correction, sender_id, order_by=(Correction.at, Correction.id))

    def answer_text(self, sender_id: str, answer_id: int) -> AnswerView | None:
        """One answer of this conversation by id, whatever its status."""
        rows = self._rows(Answer, sender_id, Answer.id == answer_id)
        return next((AnswerView(a.id, a.question_id, a.text, a.created_at,
                                a.confirmed_at is not None, a.voice or "person")
                     for a in rows), None)

    def item_decisions(self, sender_id: str) -> dict[str, ItemDecision]:
        return {row.item_key: row for row in self._rows(ItemDecision, sender_id)}

    def mark_summary_confirmed(self, sender_id: str) -> None:
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            conversation.summary_confirmed_at = self._touch(conversation)
            session.commit()

    # --- resume codes (bot/resume_codes.py) -----------------------------------------------

    def resume_code_valid(self, conversation: Conversation) -> bool:
        """Whether the conversation has a code that still works (not unused for too long)."""
        at = conversation.resume_code_at
        return bool(conversation.resume_code_hash and at is not None
                    and at > self.clock() - timedelta(days=self.resume_policy.idle_days))

    @staticmethod
    def _free_code(session: Session, make: Callable[[], str]) -> str:
        for _ in range(50):
            code = make()
            taken = session.execute(select(Conversation.id).where(
                Conversation.resume_code_hash == code_hash(code))).first()
            if not taken:
                return code
        raise RuntimeError("could not find a free resume code")

    def issue_resume_code(self, sender_id: str, known: str | None = None,
                          make: Callable[[], str] = make_code) -> str:
        """The code to show at a pause or goodbye.

        `known` is the code this sender was shown before (the tracker keeps it): while it is
        still the conversation's valid code it is shown again, so that a pause and the
        goodbye after it give the same code. Otherwise a new code replaces any older one:
        only a hash is stored, an old code cannot be shown again. Either way the code
        counts as used now (its expiry starts again).
        """
        canonical_code = find_code(known or "")
        with self._session() as session:
            conversation = self._ensure(session, sender_id)
            now = self.clock()
            still_valid = bool(canonical_code) and self.resume_code_valid(conversation) and (
                hmac.compare_digest(conversation.resume_code_hash, code_hash(canonical_code)))
            if not still_valid:
                canonical_code = self._free_code(session, make)
                conversation.resume_code_hash = code_hash(canonical_code)
            conversation.resume_code_at = now
            self._touch(conversation, now)
            session.commit()
            return canonical_code

    def find_by_resume_code(self, code: str) -> str | None:
        """The conversation whose code this is, expired or not, without counting anything:
        for the staff console only (staff are logged in and audited; a person whose code
        expired can still be found there)."""
        canonical_code = find_code(code)
        if canonical_code is None:
            return None
        with self._session() as session:
            return session.execute(select(Conversation.id).where(
                Conversation.resume_code_hash == code_hash(canonical_code))).scalar_one_or_none()

    def check_resume_code(self, code: str, sender: str | None = None,
                          address: str | None = None) -> ResumeOutcome:
        """What a person typed into the web form: the failure limits, then the code. A
        failure is counted (also for text that is no code at all); a good code is not used
        up (the chat resumes with it next, resume_with_code). `sender`, `address`: the
        keys of the browser's sender id and address (bot.resume_codes.sender_key,
        address_key)."""
        return self._resume_attempt(code, sender, address)

    def resume_with_code(self, sender_id: str, code: str, address: str | None = None,
                         make: Callable[[], str] = make_code) -> ResumeOutcome:
        """Let `sender_id` continue the conversation of `code` (typed into the chat, or
        sent by the web app after its form). The failure limits count the sender id, the
        client address if known (`address`: its key), and all attempts together. A good
        code is used up: a new one replaces it (ResumeOutcome.new_code), which the person
        is shown."""
        return self._resume_attempt(code, sender_key(sender_id), address,
                                    sender_id=sender_id, make=make)

    def _resume_attempt(self, code: str, sender: str | None, address: str | None,
                        sender_id: str | None = None,
                        make: Callable[[], str] = make_code) -> ResumeOutcome:
        attempt = self._reserve_attempt(sender, address)
        if attempt is None:
            return ResumeOutcome(TOO_MANY)
        canonical_code = find_code(code)
        if canonical_code is None:  # nobody's code, but a failed attempt all the same
            return ResumeOutcome(UNKNOWN)
        old_hash = code_hash(canonical_code)
        with self._session() as session:
            row = session.execute(
                select(Conversation).where(Conversation.resume_code_hash == old_hash)
            ).scalar_one_or_none()
            if row is None:
                return ResumeOutcome(UNKNOWN)
            if not self.resume_code_valid(row):
                return ResumeOutcome(EXPIRED)
            found = ResumeOutcome(RESUMED, row.id, row.resume_code_at)
            if sender_id is not None:       # (the update below changes `row` too)
                now = self.clock()
                new_code = self._free_code(session, make)
                used = session.execute(
                    update(Conversation)
                    .where(Conversation.id == row.id, Conversation.resume_code_hash == old_hash)
                    .values(resume_code_hash=code_hash(new_code), resume_code_at=now,
                            updated_at=now)
                )
                if used.rowcount != 1:  # another resume used the code a moment ago
                    session.rollback()
                    return ResumeOutcome(UNKNOWN)
                session.commit()
                found = ResumeOutcome(RESUMED, found.conversation_id, found.last_used_at,
                                      new_code)
        if sender_id is not None and sender_id != found.conversation_id:
            self.link_sender(sender_id, found.conversation_id)
        self._forget_attempt(attempt)
        return found

    def _reserve_attempt(self, sender: str | None, address: str | None) -> int | None:
        """Count an attempt as failed before it is made (a success takes it back): the
        attempt's id, or None when a limit is reached (then nothing is counted).

        The row is committed before the counts are read, so attempts running at the same
        time see each other and together never get past a limit."""
        policy = self.resume_policy
        now = self.clock()
        since = now - timedelta(seconds=policy.window_seconds)
        with self._session() as session:
            session.execute(delete(ResumeFailure).where(ResumeFailure.at <= since))
            row = ResumeFailure(at=now, sender_key=sender, address_key=address)
            session.add(row)
            session.commit()

            def failures(*conditions) -> int:
                return session.execute(select(func.count(ResumeFailure.id)).where(
                    ResumeFailure.at > since, *conditions)).scalar_one()

            over = failures() > policy.global_failures
            for key, column_ in ((sender, ResumeFailure.sender_key),
                                 (address, ResumeFailure.address_key)):
                if key and not over:
                    over = failures(column_ == key) > policy.client_failures
            if over:
                session.execute(delete(ResumeFailure).where(ResumeFailure.id == row.id))
                session.commit()
                return None
            return row.id

    def _forget_attempt(self, attempt: int) -> None:
        with self._session() as session:
            session.execute(delete(ResumeFailure).where(ResumeFailure.id == attempt))
            session.commit()

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
            for model in (Correction, Answer, QuestionState, UrgentNeed, ItemDecision,
                          CrisisMarker, CallbackRequest):
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

    def has_client_message(self, sender_id: str, message_id: str) -> bool:
        """Whether Rasa stored a message of this sender with the browser's id `message_id`
        (letters, digits, dashes: bot/web/chat_input.client_message_id)."""
        events = table(RASA_EVENTS_TABLE, column("sender_id"), column("type_name"),
                       column("data"))
        marker = json.dumps({CLIENT_MESSAGE_KEY: message_id})[1:-1]   # '"key": "id"'
        query = select(events.c.sender_id).where(
            events.c.sender_id == sender_id, events.c.type_name == "user",
            events.c.data.contains(marker, autoescape=True)).limit(1)
        with self._session() as session:
            if not inspect(session.get_bind()).has_table(RASA_EVENTS_TABLE):
                return False         # Rasa stored nothing yet
            return session.execute(query).first() is not None

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

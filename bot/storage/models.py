"""Tables of the application. Rasa's own `events` table (tracker store) lives beside them."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Conversation(Base):
    """One person's conversation; `id` is Rasa's sender id.

    A conversation resumed with a code from another sender id gets its own row whose
    `linked_to` points at the original; all data is kept on the original (canonical) row.
    """

    __tablename__ = "conversations"

    id = Column(String(128), primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    consent_given = Column(Boolean, nullable=True)
    consent_at = Column(DateTime, nullable=True)
    consent_version = Column(String(32), nullable=True)
    language_mode = Column(String(16), nullable=False, default="standard")
    # the resume code as bot.resume_codes.code_hash gives it (never the code itself), and
    # when it was last issued, shown again or used: it expires after a time without use
    resume_code_hash = Column(String(64), nullable=True, unique=True)
    resume_code_at = Column(DateTime, nullable=True)
    linked_to = Column(String(128), ForeignKey("conversations.id", ondelete="CASCADE"))
    pseudonym = Column(String(200), nullable=True)
    with_staff = Column(Boolean, nullable=False, default=False)
    summary_confirmed_at = Column(DateTime, nullable=True)
    # who is writing (issue 16): self | with_support | on_behalf; for on_behalf the
    # writer's relation to the person (a key of bot.dialogue.authorship.WRITERS), the
    # name or word for the person, and the writer's own words about it, verbatim
    authorship_mode = Column(String(16), nullable=True)
    authorship_relation = Column(String(32), nullable=True)
    authorship_name = Column(String(100), nullable=True)
    authorship_words = Column(Text, nullable=True)
    # "Schreiben Sie für eine andere Person?" was asked after a hint in an answer (once)
    authorship_asked = Column(Boolean, nullable=False, default=False)

    answers = relationship(
        "Answer", back_populates="conversation", cascade="all, delete-orphan",
        order_by="Answer.id",
    )


class Answer(Base):
    """An answer in the person's own words, stored verbatim the moment it is given."""

    __tablename__ = "answers"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    question_id = Column(String(32), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # active | superseded (corrected or re-answered) | removed (by the person)
    status = Column(String(16), nullable=False, default="active")
    confirmed_at = Column(DateTime, nullable=True)
    corrects_id = Column(Integer, ForeignKey("answers.id", ondelete="SET NULL"), nullable=True)
    # whose words: person (the person's own) | writer (someone writing for the person)
    voice = Column(String(8), nullable=False, default="person")

    conversation = relationship("Conversation", back_populates="answers")


class QuestionState(Base):
    """How a guiding question ended: answered, skipped or none (nothing to say)."""

    __tablename__ = "question_states"

    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    question_id = Column(String(32), primary_key=True)
    state = Column(String(16), nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class UrgentNeed(Base):
    __tablename__ = "urgent_needs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    text = Column(Text, nullable=False)
    categories = Column(String(200), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ResumeFailure(Base):
    """A failed (or running) attempt to resume with a code, on any path: the web form, a
    code in the chat (the web app's or Rasa's REST channel). Counted per sender id, per
    client address (both as keyed hashes, bot.resume_codes.client_key) and in total within
    the policy's window; rows older than the window are deleted with the next attempt."""

    __tablename__ = "resume_failures"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    sender_key = Column(String(32), nullable=True, index=True)
    address_key = Column(String(32), nullable=True, index=True)


class PendingTrackerDeletion(Base):
    """Sender ids whose Rasa tracker events must be removed once Rasa has saved the turn.

    An action cannot delete its own tracker: Rasa writes the turn's events after the action
    returns. The web app (right after the reply) or `lwiw purge` completes the deletion.
    """

    __tablename__ = "pending_tracker_deletions"

    sender_id = Column(String(128), primary_key=True)
    requested_at = Column(DateTime, nullable=False, default=utcnow)


class ItemDecision(Base):
    """The person's decision on a structured read-back item (confirmed / corrected / removed)."""

    __tablename__ = "item_decisions"
    __table_args__ = (UniqueConstraint("conversation_id", "item_key"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    item_key = Column(String(200), nullable=False)
    status = Column(String(16), nullable=False)
    corrected_text = Column(Text, nullable=True)
    decided_at = Column(DateTime, nullable=False, default=utcnow)


class CrisisMarker(Base):
    """A crisis message in this conversation (DESIGN.md § 3): when, how serious, which
    signs — for staff to follow up. Written only with consent; the person's words only
    when they consented to storage (never as an answer, never exported)."""

    __tablename__ = "crisis_markers"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    at = Column(DateTime, nullable=False, default=utcnow)
    level = Column(String(16), nullable=False)  # acute | concern
    # comma-separated category keys, e.g. "active_ideation,plan_means"
    categories = Column(String(200), nullable=False, default="")
    source = Column(String(16), nullable=False, default="chat")  # chat | staff_chat
    words = Column(Text, nullable=True)


class Correction(Base):
    """A change the person made to their own words (a read-back item or an answer after
    "zurück"): the old words stay here, the profile shows the new ones (issue 13)."""

    __tablename__ = "corrections"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    at = Column(DateTime, nullable=False, default=utcnow)
    # who: "chat" (the person alone) | "staff_chat" (in a chat with a counsellor beside)
    source = Column(String(16), nullable=False, default="chat")
    item_key = Column(String(200), nullable=True)
    answer_id = Column(Integer, ForeignKey("answers.id", ondelete="SET NULL"), nullable=True)
    old_text = Column(Text, nullable=False)
    new_text = Column(Text, nullable=False)


class CallbackRequest(Base):
    """A callback or appointment request to the Teilhabeteam (issue 16): the contact the
    person left voluntarily, with consent, and a good time; staff mark it done. Goes when
    the conversation goes (deletion, retention)."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    contact = Column(String(200), nullable=False)         # phone number or e-mail as typed
    good_time = Column(String(300), nullable=False, default="")
    easy = Column(Boolean, nullable=False, default=False)  # asked in Leichte Sprache
    created_at = Column(DateTime, nullable=False, default=utcnow)
    done_at = Column(DateTime, nullable=True, index=True)
    done_by = Column(String(64), nullable=True)           # the staff account's name


# --- staff console (issue 6) -----------------------------------------------------------


class StaffAccount(Base):
    """A Teilhabeteam member (counsellor) or an admin; the password as an argon2 hash.

    Accounts are deactivated, never deleted, so that notes and the audit log keep their
    author. `failed_logins` / `locked_until` implement the per-account lockout.
    """

    __tablename__ = "staff_accounts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(64), nullable=False, unique=True)
    role = Column(String(16), nullable=False)  # counsellor | admin
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    last_login_at = Column(DateTime, nullable=True)
    # second factor (RFC 6238 TOTP): the base32 secret as pyotp gives it; a secret without
    # `totp_enabled` is an enrolment not yet confirmed with a code. `totp_last_step` is the
    # time step of the last accepted code (a code is not accepted twice).
    totp_secret = Column(String(64), nullable=True)
    totp_enabled = Column(Boolean, nullable=False, default=False)
    totp_last_step = Column(Integer, nullable=True)
    totp_enabled_at = Column(DateTime, nullable=True)
    password_changed_at = Column(DateTime, nullable=True)


class StaffSession(Base):
    """A logged-in console session. The browser holds only a signed random token; the row
    is keyed by its SHA-256, so a copy of the database does not give working cookies."""

    __tablename__ = "staff_sessions"

    id = Column(String(64), primary_key=True)
    account_id = Column(
        Integer, ForeignKey("staff_accounts.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    csrf = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    data = Column(Text, nullable=False, default="{}")  # JSON: flash message, open chats


class StaffNote(Base):
    """The counsellor's view ("Sicht der Fachkraft"), per profile section. A separate
    layer: it never changes the person's words and goes when the conversation goes."""

    __tablename__ = "staff_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(
        String(128), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )
    section = Column(String(32), nullable=False)
    author_id = Column(Integer, ForeignKey("staff_accounts.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who did what with which conversation, and when. Append-only; the conversation id
    is kept as plain text so that the entry outlives a deleted conversation."""

    __tablename__ = "staff_audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    account_id = Column(Integer, ForeignKey("staff_accounts.id"), nullable=True, index=True)
    actor = Column(String(64), nullable=False)  # account name, or "system" for `lwiw purge`
    action = Column(String(32), nullable=False)
    conversation_id = Column(String(128), nullable=True)
    detail = Column(String(500), nullable=False, default="")
    ip = Column(String(64), nullable=True)

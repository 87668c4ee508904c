"""Notes of the counsellor ("Sicht der Fachkraft"): one layer beside the person's words,
per section of the profile, with author and time. Notes are added, never edited here, and
nothing in this module touches the person's answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.staff.repo import Repo
from bot.storage.models import StaffAccount, StaffNote, utcnow

# the profile/export sections, in the order of the export (DESIGN.md § 4)
SECTIONS = (
    "will", "goals", "resources_personal", "resources_social", "resources_neighbourhood",
    "professional", "contribution", "life_areas", "next_steps", "general",
)
MAX_NOTE_CHARS = 4000


class NoteError(ValueError):
    pass


@dataclass(frozen=True)
class Note:
    id: int
    conversation_id: str
    section: str
    author: str
    text: str
    created_at: datetime

    def as_profile_note(self) -> dict:
        """The shape build_profile / export_conversation take as `staff_notes`."""
        return {"section": self.section, "author": self.author,
                "created_at": self.created_at, "text": self.text}


def clean_note(text: str) -> str:
    cleaned = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n")
                        .replace("\r", "\n").split("\n")).strip()
    if not cleaned:
        raise NoteError("empty")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise NoteError("too_long")
    return cleaned


class Notes(Repo):
    def add(self, conversation_id: str, section: str, author_id: int, text: str,
            now: datetime | None = None) -> int:
        if section not in SECTIONS:
            raise NoteError("section")
        with self._session() as session:
            note = StaffNote(conversation_id=conversation_id, section=section,
                             author_id=author_id, text=clean_note(text),
                             created_at=now or utcnow())
            session.add(note)
            session.commit()
            return note.id

    def for_conversation(self, conversation_id: str) -> list[Note]:
        with self._session() as session:
            rows = session.execute(
                select(StaffNote, StaffAccount.name)
                .join(StaffAccount, StaffAccount.id == StaffNote.author_id)
                .where(StaffNote.conversation_id == conversation_id)
                .order_by(StaffNote.created_at, StaffNote.id)
            ).all()
            return [Note(n.id, n.conversation_id, n.section, name, n.text, n.created_at)
                    for n, name in rows]

    def count(self, conversation_id: str) -> int:
        with self._session() as session:
            return int(session.execute(
                select(func.count(StaffNote.id))
                .where(StaffNote.conversation_id == conversation_id)
            ).scalar_one())


def by_section(notes: list[Note]) -> dict[str, list[Note]]:
    grouped: dict[str, list[Note]] = {section: [] for section in SECTIONS}
    for note in notes:
        grouped.setdefault(note.section, []).append(note)
    return grouped

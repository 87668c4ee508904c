"""The guiding questions of "Leben wie ich will", loaded from texts/questions.yml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot import texts

QUESTION_IDS = ("living", "self", "people", "neighbourhood", "professional", "contribution")


@dataclass(frozen=True)
class Text2:
    """A text in both registers."""

    standard: str
    easy: str

    def get(self, easy: bool) -> str:
        return self.easy if easy else self.standard


@dataclass(frozen=True)
class Question:
    id: str
    number: int
    title: Text2
    question: Text2
    more: Text2
    examples: Text2
    # someone writes for the person (issue 16): the question and "more?" about the person,
    # with {name} for the name or word the writer gave ("Wie möchte {name} leben?")
    about_question: Text2
    about_more: Text2

    @property
    def slot(self) -> str:
        return f"answer_{self.id}"


def _text2(raw: dict) -> Text2:
    return Text2(standard=str(raw["standard"]).strip(), easy=str(raw["easy"]).strip())


@lru_cache(maxsize=1)
def load_questions() -> tuple[Question, ...]:
    raw = texts.load("questions")["questions"]
    questions = tuple(
        Question(
            id=question_id, number=index + 1, title=_text2(item["title"]),
            question=_text2(item["question"]), more=_text2(item["more"]),
            examples=_text2(item["examples"]),
            about_question=_text2(item["about_person"]["question"]),
            about_more=_text2(item["about_person"]["more"]),
        )
        for index, (question_id, item) in enumerate(raw.items())
    )
    ids = tuple(q.id for q in questions)
    if ids != QUESTION_IDS:
        raise ValueError(f"texts/questions.yml must list {QUESTION_IDS} in order, got {ids}")
    return questions


def question(question_id: str) -> Question:
    for item in load_questions():
        if item.id == question_id:
            return item
    raise KeyError(question_id)


def previous_question(question_id: str) -> Question | None:
    index = QUESTION_IDS.index(question_id)
    return question(QUESTION_IDS[index - 1]) if index > 0 else None


def question_payload(question_id: str) -> dict:
    """The custom payload contract of DESIGN.md section 3."""
    return {
        "question_id": question_id,
        "progress": {"current": QUESTION_IDS.index(question_id) + 1, "total": len(QUESTION_IDS)},
    }

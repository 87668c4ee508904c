"""What the export template needs from a profile: labels in the chosen register, the
verbatim answers per question, the network picture and the next steps in the register.

Only arrangement happens here; wording lives in texts/export.yml and the
profile itself.
"""

from __future__ import annotations

from datetime import date, datetime

from bot import texts
from bot.catalogue import QUESTION_IDS, load_questions
from bot.easy_format import date_text
from bot.export.network import layout
from bot.extraction import gazetteer
from bot.settings import ROOT

TEMPLATE_DIR = ROOT / "templates" / "export"


def labels(register: str) -> dict:
    """The export's headings and fixed texts (texts/export.yml) in one register."""
    return texts.view("export", register)


def german_date(value: str | date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value.strftime("%d.%m.%Y")


def _steps(profile: dict, easy: bool) -> list[dict]:
    """Next steps with their texts in the register of the document."""
    result = []
    for step in profile["next_steps"]:
        words = step["easy"] if easy else step
        result.append({**step, **{k: words[k] for k in ("what", "who", "by_when", "why")}})
    return result


def _place(profile: dict) -> str:
    person = profile["person"]
    quarter = person["quarter"]["value"] if person["quarter"] else ""
    district = person["district"]["value"] if person["district"] else ""
    if quarter and district and quarter != district:
        return f"{quarter} ({district})"
    return quarter or district


def _whose(profile: dict, easy: bool) -> tuple[dict, dict]:
    """Whose words each voice is ("Angaben der Mutter", "Angaben von Emil selbst") and the
    texts that say who confirmed when someone else wrote for the person (issue 16); both
    empty when the person wrote themself."""
    from bot.dialogue import authorship

    writing = authorship.from_profile(profile.get("authorship"))
    voices = {voice: authorship.voice_label(writing, voice, easy)
              for voice in ("person", "writer")}
    return {k: v for k, v in voices.items() if v}, authorship.legend_texts(writing, easy)


def context(profile: dict, easy: bool, today: date) -> dict:
    register = labels("easy" if easy else "standard")
    # the person's own words first: the person's will comes first
    answers = {qid: sorted((a for a in profile["answers"] if a["question_id"] == qid),
                           key=lambda a: a.get("voice", "person") != "person")
               for qid in QUESTION_IDS}
    voices, legend = _whose(profile, easy)
    register = {**register, **legend}
    consent = profile["consent"]
    return {
        "profile": profile,
        "easy": easy,
        "t": register,
        "today": date_text(today, easy),
        "answers": answers,
        "answer_text": {a["id"]: a["text"] for a in profile["answers"]},
        "states": profile["question_states"],
        "questions": {q.id: q for q in load_questions()},
        "network": layout(profile["resources"]["social"]),
        "relation_labels": {key: item["label"] for key, item in gazetteer().relations.items()},
        "steps": _steps(profile, easy),
        "place": _place(profile),
        "consent_line": register["footer_consent"].format(
            date=date_text(consent["at"], easy), version=consent["version"] or "–")
        if consent["given"] else register["footer_no_consent"],
        "title_name": profile["person"]["pseudonym"] or "",
        "urgent_kinds": _urgent_kinds(easy),
        "voices": voices,
    }


def _urgent_kinds(easy: bool) -> dict[str, str]:
    """The kind of an urgent need (bot/urgent.py categories) as a word in the register."""
    register = "easy" if easy else "standard"
    return {key: value[register] for key, value in texts.entry("ui", "urgent_kinds").items()}

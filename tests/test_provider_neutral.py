"""Provider-neutral by test (DESIGN.md § 2.4): nothing the bot says, no template, no
knowledge entry and no generated next step names a Leistungserbringer of Hamburg's
Eingliederungshilfe.

Only the person's own words may name one (they stay verbatim); a next step that quotes
them does so inside „…“, which is taken out before the scan.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.budget import antrag_text, budget_message, calculate_range
from bot.export import export_conversation
from bot.profile import build_profile
from bot.settings import DATA_DIR, ROOT
from tests.support.providers import providers_in, without_quotes


# at least these; spelling variants are folded by `squash`
class BotText(HTMLParser):
    """The text of an exported document without the person's own words (the template
    marks every verbatim fragment with the class own-words, said or said-plain)."""

    PERSON = {"own-words", "said", "said-plain"}
    VOID = {"br", "meta", "link", "circle", "line", "img", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append(bool(self.stack and self.stack[-1]) or bool(classes & self.PERSON))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def bot_text_of(html: str) -> str:
    parser = BotText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.parametrize(("text", "found"), [
    ("Die ELBE WERKSTÄTTEN", ["Elbe-Werkstätten"]),
    ("bei foerdern und wohnen", ["Fördern & Wohnen"]),
    ("Das  Rauhe-Haus", ["Das Rauhe Haus", "Rauhe Haus"]),
    ("im Rauhen Haus", ["Rauhen Haus"]),
    ("Ev. Stiftung-Alsterdorf", ["Stiftung Alsterdorf"]),
    ("Ich wohne in Alsterdorf.", []),
    ("Leben mit Behinderung ist schwer in Hamburg", []),
])
def test_the_scanner_finds_variants_and_leaves_the_stadtteil(text, found):
    assert providers_in(text) == found


def _files() -> list[Path]:
    patterns = [
        (ROOT / "texts", "*.yml"), (ROOT / "domain", "**/*.yml"), (DATA_DIR, "*.yml"),
        (DATA_DIR / "knowledge", "*.yml"),
        (DATA_DIR / "gazetteer", "*.yml"), (ROOT / "templates", "**/*"),
        (ROOT / "bot" / "profile", "*.yml"),
    ]
    return sorted(p for base, pattern in patterns for p in base.glob(pattern) if p.is_file())


def test_every_text_the_bot_can_say_is_provider_neutral():
    files = _files()
    assert any(p.name == "chat.yml" for p in files)
    assert any(p.parent.name == "knowledge" for p in files)
    assert any(p.name == "next_steps.yml" for p in files)
    assert any(p.name == "questions.yml" for p in files)
    assert any(p.suffix == ".j2" for p in files)
    found = {str(p.relative_to(ROOT)): providers_in(p.read_text(encoding="utf-8"))
             for p in files}
    assert {path: names for path, names in found.items() if names} == {}


EXAMPLES = {
    "budget": [("living", "Ich möchte meine Assistenz selbst aussuchen."),
               ("professional", "Ich weiß nicht, was mir zusteht.")],
    "mobility": [("self", "Mit dem Rollator gehe ich allein einkaufen, Bus fahren geht nicht."),
                 ("self", "Ich hätte gern einen Duschstuhl.")],
    "urgent": [("living", "Ich brauche sofort eine Wohnung.")],
    "provider_in_own_words": [
        ("professional", "Ich arbeite in den Elbe-Werkstätten und möchte meine Assistenz "
                         "selbst aussuchen, nicht mehr von Fördern & Wohnen."),
        ("people", "Meine Betreuerin von der Lebenshilfe hilft mir bei der Post.")],
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_generated_next_steps_and_exports_are_provider_neutral(store, name):
    store.record_consent(name, True)
    for question_id, text in EXAMPLES[name]:
        store.add_answer(name, question_id, text)
    if name == "urgent":
        store.record_urgent(name, "Mir wird die Wohnung gekündigt", ["housing"])
    today = date(2026, 11, 21)
    profile = build_profile(store, name, today=today)
    assert profile["next_steps"]
    for step in profile["next_steps"]:
        texts = [step[k] for k in ("what", "who", "by_when", "why")]
        texts += list(step["easy"].values()) + [s["title"] + s["source"] for s in step["sources"]]
        assert providers_in(without_quotes(" ".join(texts))) == [], step["id"]
    own_words = " ".join(a["text"] for a in profile["answers"])
    mentioned = providers_in(own_words)
    assert bool(mentioned) == (name == "provider_in_own_words")
    for easy in (False, True):
        html = export_conversation(store, name, "html", easy=easy, today=today)[0].decode()
        # the next steps quote the person in „…“; everything else of theirs is marked
        bot_text = without_quotes(bot_text_of(html))
        assert providers_in(bot_text) == [], (easy, providers_in(bot_text))
        assert bool(providers_in(html)) == bool(mentioned)  # their words are kept
    letter = antrag_text(profile, calculate_range(30, 39, 25, 35))
    assert providers_in(letter.split("Diese Unterstützung wünsche ich mir")[0]) == []
    assert providers_in(budget_message(30, 39, 25, 35, easy=False)) == []

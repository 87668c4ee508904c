"""Export for the Gesamtplankonferenz: PDF and HTML from one template, JSON from the schema.

The first PDF page and the network page are rendered to PNG in test-artifacts/ for a
human look (pdftoppm).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.dialogue import summary
from bot.export import MEDIA_TYPES, NoConsentError, export_conversation
from bot.export.cli import add_parser
from bot.profile import validation_errors

TODAY = date(2026, 11, 21)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

ANSWERS = [
    ("living", "Ich will alleine wohnen, mit Hund. Am liebsten ab Sommer."),
    ("living", "Sport, Gesundheit und Familie sind mir wichtig. Ich will nicht mehr im "
               "Wohnheim leben."),
    ("self", "Ich kann gut kochen und mit dem Rollator gehe ich allein einkaufen. "
             "Ich hätte gern ein Tablet."),
    ("people", "Meine Schwester hilft mir beim Einkaufen."),
    ("people", "Mein Nachbar trägt mir die Getränkekisten hoch."),
    ("people", "Meine beste Freundin Lena unterstützt mich bei Arztbesuchen"),
    ("people", "Meine Betreuerin hilft mir bei der Post und bei Anträgen."),
    ("people", "Kollegen aus der Werkstatt, mit denen ich Mittag esse"),
    ("neighbourhood", "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle. "
                      "In einen Chor würde ich gern gehen."),
    ("professional", "Ich bekomme schon Ergotherapie. Ich möchte meine Assistenz selbst "
                     "aussuchen. Ich weiß nicht, was mir zusteht."),
    ("contribution", "Ich gieße die Blumen meiner Nachbarin, wenn sie verreist ist."),
]
NOTES = [{"section": "Ressourcen", "author": "Frau Berg, Teilhabeteam",
          "created_at": datetime(2026, 11, 20, 14, 30),
          "text": "Schwester zur Konferenz einladen, wenn die Person das möchte."}]
SECTIONS = [
    "Wille und Ressourcen", "Wille in eigenen Worten", "Ziele", "Ressourcen",
    "Persönlich: was ich selbst kann", "Soziales Umfeld", "Sozialraum",
    "Gewünschte Unterstützung durch Fachleute", "Für andere da sein", "Lebensbereiche (ICF)",
    "Nächste Schritte", "Sicht der Fachkraft", "selbst bestätigt", "Einwilligung",
]


def full_conversation(store, sender="e1") -> str:
    store.record_consent(sender, True)
    for question_id, text in ANSWERS:
        store.add_answer(sender, question_id, text)
        store.set_question_state(sender, question_id, "answered")
    store.record_urgent(sender, "Mir droht die Zwangsräumung", ["housing"])
    # the person goes through the read-back: corrects the sister, skips the tablet,
    # confirms the rest
    while (key := summary.ask_next(store, sender).slots["current_item"]) is not None:
        item = summary._current(store, sender, key)
        data = item.item.data if item.item else {}
        if data.get("who") == "Schwester":
            summary.decide(store, sender, key, summary.CHANGE)
            summary.correct(store, sender, key, "Meine Schwester hilft mir beim Kochen")
        elif data.get("aid") == "tablet":
            summary.decide(store, sender, key, summary.SKIP)
        else:
            summary.decide(store, sender, key, summary.CONFIRM)
    return sender


def pdf_text(content: bytes) -> str:
    """All text of a PDF via pypdf. A glyph missing from every installed font (an emoji:
    no emoji font on the machine) makes WeasyPrint embed the font with a custom CMap that
    pypdf 7 reads as UTF-16 code units, NUL bytes included; those are dropped here."""
    reader = PdfReader(BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages).replace("\x00", "")
    return " ".join(unicodedata.normalize("NFKC", text).split())


def folded(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture()
def store(dated_store):
    """Every stored time (consent, answers, decisions) on TODAY, whatever the real date."""
    return dated_store


@pytest.fixture()
def exported(store):
    sender = full_conversation(store)
    return store, sender


def test_pdf_has_every_section_in_order_and_the_verbatim_words(exported):
    store, sender = exported
    content, media_type = export_conversation(store, sender, "pdf", staff_notes=NOTES,
                                              today=TODAY)
    assert media_type == MEDIA_TYPES["pdf"] == "application/pdf"
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    position = 0
    for section in SECTIONS:  # each section after the one before
        found = text.find(section, position)
        assert found >= 0, f"{section!r} missing after position {position}"
        position = found + len(section)
    for _, answer in ANSWERS:
        assert f"„{folded(answer)}“" in text, answer
    assert "Mir droht die Zwangsräumung" in text
    assert "Art des Bedarfs: Wohnung" in text   # the kind of the urgent need
    assert "Barmbek-Nord (Hamburg-Nord)" in text and "21.11.2026" in text
    assert "Einwilligung in die Speicherung erteilt am 21.11.2026" in text


def test_html_marks_what_the_person_confirmed(exported):
    store, sender = exported
    html = export_conversation(store, sender, "html", today=TODAY)[0].decode()
    assert "<svg" in html and html.count('class="mark ok"') > 10
    row = re.search(r"<strong>Tablet</strong>.*?</tr>", html, re.S).group(0)
    assert 'class="mark open"' in row  # skipped: not confirmed
    sister = re.search(r"<strong>Schwester</strong>.*?</tr>", html, re.S).group(0)
    assert "Kochen" in sister and "✓*" in sister  # corrected by the person
    assert "Sicht der Fachkraft" not in html  # no staff notes, no section


def test_json_is_the_schema_validated_profile(exported):
    store, sender = exported
    content, media_type = export_conversation(store, sender, "json", staff_notes=NOTES,
                                              today=TODAY)
    assert media_type == "application/json"
    profile = json.loads(content)
    assert validation_errors(profile) == []
    assert profile["staff_notes"][0]["author"] == "Frau Berg, Teilhabeteam"
    assert [a["text"] for a in profile["answers"]] == [text for _, text in ANSWERS]


def test_answers_with_html_script_emoji_and_length_render_as_text(store):
    store.record_consent("x1", True)
    script = "<script>alert('hallo')</script> <b>fett</b> & „Zitat“ 🐕🏠"
    long_answer = "Ich möchte gern " + "sehr " * 900 + "viel draußen sein. Ende der Antwort."
    store.add_answer("x1", "living", script)
    store.add_answer("x1", "people", long_answer)
    html = export_conversation(store, "x1", "html", today=TODAY)[0].decode()
    assert "<script>" not in html and "<b>fett</b>" not in html
    assert "&lt;script&gt;alert(&#39;hallo&#39;)&lt;/script&gt;" in html
    assert "&amp; „Zitat“ 🐕🏠" in html
    assert folded(long_answer) in folded(html)
    content = export_conversation(store, "x1", "pdf", today=TODAY)[0]
    text = pdf_text(content)
    # pypdf cannot read characters like „ from such a custom CMap; poppler can
    assert "<script>alert('hallo')</script> <b>fett</b> &" in text
    assert "viel draußen sein. Ende der Antwort." in text
    if shutil.which("pdftotext"):
        poppler = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                                 check=True, timeout=60).stdout.decode()
        assert f"„{script}“" in poppler  # the emoji are in the text layer too


def test_emoji_are_drawn_with_an_emoji_font_not_as_boxes(store):
    """scripts/setup.sh installs fonts-noto-color-emoji; without it the PDF shows boxes."""
    store.record_consent("x3", True)
    store.add_answer("x3", "living", "Mit meinem Hund 🐕 in einer eigenen Wohnung 🏠")
    content = export_conversation(store, "x3", "pdf", today=TODAY)[0]
    fonts = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True,
                           timeout=60).stdout.decode()
    assert "Noto-Color-Emoji" in fonts, fonts


def test_empty_sections_say_not_discussed(store):
    store.record_consent("x2", True)
    store.add_answer("x2", "living", "Ich will mehr unter Leute.")
    store.set_question_state("x2", "living", "answered")
    store.set_question_state("x2", "self", "skipped")
    html = export_conversation(store, "x2", "html", today=TODAY)[0].decode()
    for heading in ("Persönlich", "Soziales Umfeld", "Sozialraum", "Gewünschte Unterstützung",
                    "Für andere da sein"):
        assert heading in html
    assert html.count("nicht besprochen") >= 5
    assert "nicht besprochen (übersprungen)" in html
    easy = export_conversation(store, "x2", "html", easy=True, today=TODAY)[0].decode()
    assert easy.count("Darüber haben wir nicht gesprochen.") >= 5


def test_no_export_without_consent(store):
    store.add_answer("x3", "living", "ohne Einwilligung gespeichert")  # consent unknown
    with pytest.raises(NoConsentError):
        export_conversation(store, "x3", "pdf")
    store.record_consent("x4", False)
    with pytest.raises(NoConsentError):
        export_conversation(store, "x4", "json")
    with pytest.raises(NoConsentError):
        export_conversation(store, "nobody", "html")
    with pytest.raises(ValueError):
        export_conversation(store, "x3", "docx")


class _Visible(HTMLParser):
    """Text of the document that the bot wrote: the person's quoted words, sources and
    staff notes left out."""

    SKIP = {"own-words", "said", "sources", "note", "mono", "legend"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "meta", "link", "circle", "line"):
            return
        classes = set((dict(attrs).get("class") or "").split())
        inside = bool(self.stack and self.stack[-1])
        self.stack.append(inside or bool(classes & self.SKIP) or tag in ("style", "title", "svg"))
        if tag in ("p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "span", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag not in ("br", "meta", "link", "circle", "line") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def _sentence_lengths(html: str) -> list[int]:
    parser = _Visible()
    parser.feed(html)
    text = "".join(parser.parts)
    lengths = []
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?:])\s+", line.strip()):
            words = [w for w in sentence.split() if re.search(r"\w", w)]
            if words and not sentence.startswith("„"):
                lengths.append(len(words))
    return lengths


def test_leichte_sprache_export_uses_short_sentences(exported):
    store, sender = exported
    easy = export_conversation(store, sender, "html", easy=True, staff_notes=NOTES,
                               today=TODAY)[0].decode()
    standard = export_conversation(store, sender, "html", staff_notes=NOTES,
                                   today=TODAY)[0].decode()
    easy_lengths, standard_lengths = _sentence_lengths(easy), _sentence_lengths(standard)
    print(f"\nLeichte Sprache: max {max(easy_lengths)} words, "
          f"mean {sum(easy_lengths) / len(easy_lengths):.1f}; standard: max "
          f"{max(standard_lengths)}, mean {sum(standard_lengths) / len(standard_lengths):.1f}")
    assert max(easy_lengths) <= 14
    assert sum(easy_lengths) / len(easy_lengths) <= 6
    assert max(standard_lengths) > 14  # the measure tells the registers apart
    assert "So will ich leben" in easy and "Das können Sie als Nächstes tun" in easy
    assert "d4" not in re.sub(r"<[^>]+>", " ", easy)  # no ICF codes for the person


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_first_page_and_network_rendered_to_png(exported):
    store, sender = exported
    ARTIFACTS.mkdir(exist_ok=True)
    for easy in (False, True):
        content = export_conversation(store, sender, "pdf", easy=easy, staff_notes=NOTES,
                                      today=TODAY)[0]
        name = "profil-leicht" if easy else "profil"
        pdf = ARTIFACTS / f"{name}.pdf"
        pdf.write_bytes(content)
        heading = "Diese Menschen sind für mich da" if easy else "Soziales Umfeld"
        pages = PdfReader(BytesIO(content)).pages
        network = next(n for n, page in enumerate(pages, 1)
                       if heading in (page.extract_text() or "").replace("\x00", ""))
        for page, label in ((1, "seite1"), (network, "netzwerk")):
            target = ARTIFACTS / f"{name}-{label}"
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(target)], check=True, timeout=60)
            png = target.with_suffix(".png")
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert png.stat().st_size > 20_000  # a page with content, not a blank one


def _cli(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="lwiw")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_export(exported, db_url, monkeypatch, tmp_path, capsysbinary):
    store, sender = exported
    monkeypatch.setenv("LWIW_DATABASE_URL", db_url)
    store.link_sender("web-123", sender)  # a resumed conversation: Rasa's sender id
    assert _cli(["export", "web-123", "--format", "json"]) == 0
    profile = json.loads(capsysbinary.readouterr().out)
    assert profile["conversation_id"] == sender
    target = tmp_path / "profil.pdf"
    assert _cli(["export", sender, "--format", "pdf", "--easy", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    store.record_consent("ohne", False)
    assert _cli(["export", "ohne", "--format", "html"]) == 2


def test_network_places_people_by_sector_and_closeness():
    from bot.export.network import RINGS, layout

    def person(who, relation, sector, helps_with=None):
        return {"who": who, "relation": relation, "sector": sector, "helps_with": helps_with,
                "helper": bool(helps_with)}

    network = layout([
        person("Schwester", "sister", "family", "Einkaufen"),
        person("Schwester", "sister", "family"),  # named twice: one person
        person("Onkel", "uncle", "family"),
        person("Kollegin", "colleague", "work_school"),
        person("Betreuerin", "support_worker", "professional", "Post"),
    ])
    by_label = {node.label: node for node in network.nodes}
    assert len(network.nodes) == 4
    assert [by_label[n].ring for n in ("Schwester", "Onkel", "Kollegin", "Betreuerin")] == [
        0, 1, 2, 1]
    for node in network.nodes:
        distance = ((node.x - network.cx) ** 2 + (node.y - network.cy) ** 2) ** 0.5
        assert abs(distance - RINGS[node.ring]) < 1
    # family sits top left, work bottom left, professionals bottom right
    assert by_label["Schwester"].x < network.cx and by_label["Schwester"].y < network.cy
    assert by_label["Kollegin"].x < network.cx and by_label["Kollegin"].y > network.cy
    assert by_label["Betreuerin"].x > network.cx and by_label["Betreuerin"].y > network.cy


def test_counselling_together_and_note_sections_are_labelled(exported):
    store, sender = exported
    with store._session() as session:
        from bot.storage.models import Conversation

        session.get(Conversation, sender).with_staff = True
        session.commit()
    notes = [{"section": "resources_social", "author": "Frau Berg", "text": "Notiz",
              "created_at": datetime(2026, 11, 20, 14, 30)}]
    html = export_conversation(store, sender, "html", staff_notes=notes,
                               today=TODAY)[0].decode()
    assert "gemeinsam mit einer Fachkraft" in html
    assert "Ressourcen: soziales Umfeld" in html and "resources_social" not in html
    profile = json.loads(export_conversation(store, sender, "json", today=TODAY)[0])
    assert profile["with_staff"] is True

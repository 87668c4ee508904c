"""Render time of the profile export: median of N runs for HTML and PDF.

    .venv/bin/python bench/export_render.py [--runs 20]

A full example conversation (every question answered, read-back done, an urgent need,
staff notes) goes into a temporary SQLite database. Measured separately: building the
profile from the database (extraction, next steps, schema validation), rendering HTML from
a built profile, and rendering the PDF from that HTML (WeasyPrint).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.dialogue import summary  # noqa: E402
from bot.export.render import render_html, render_pdf  # noqa: E402
from bot.profile import build_profile  # noqa: E402
from bot.storage.migrate import upgrade_to_head  # noqa: E402
from bot.storage.repository import Store  # noqa: E402

TODAY = date(2026, 11, 21)
ANSWERS = [
    ("living", "Ich will alleine wohnen, mit Hund. Am liebsten ab Sommer."),
    ("living", "Sport, Gesundheit und Familie sind mir wichtig. Ich will nicht mehr im "
               "Wohnheim leben, ich möchte nächstes Jahr mit meinem Freund zusammenziehen."),
    ("self", "Ich kann gut kochen und mit dem Rollator gehe ich allein einkaufen. "
             "Ich hätte gern ein Tablet, damit ich mir Briefe vorlesen lassen kann."),
    ("self", "Treppen schaffe ich nicht mehr. Ein Treppenlift wäre toll."),
    ("people", "Meine Schwester hilft mir beim Einkaufen."),
    ("people", "Mein Nachbar trägt mir die Getränkekisten hoch."),
    ("people", "Meine beste Freundin Lena unterstützt mich bei Arztbesuchen"),
    ("people", "Meine Betreuerin hilft mir bei der Post und bei Anträgen."),
    ("people", "Meine Eltern und meine Geschwister helfen mir beim Umzug."),
    ("neighbourhood", "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle. "
                      "In einen Chor würde ich gern gehen."),
    ("professional", "Ich bekomme schon Ergotherapie. Ich möchte meine Assistenz selbst "
                     "aussuchen. Ich weiß nicht, was mir zusteht."),
    ("contribution", "Ich gieße die Blumen meiner Nachbarin, wenn sie verreist ist. "
                     "Ich möchte anderen von meinen Erfahrungen erzählen."),
]
NOTES = [{"section": "Ressourcen", "author": "Fachkraft Teilhabeteam",
          "created_at": datetime(2026, 11, 20, 14, 30),
          "text": "Schwester zur Konferenz einladen, wenn die Person das möchte."}]


def example_store(directory: str) -> Store:
    url = f"sqlite:///{directory}/bench.db"
    upgrade_to_head(url)
    store = Store(url)
    store.record_consent("bench", True)
    for question_id, text in ANSWERS:
        store.add_answer("bench", question_id, text)
        store.set_question_state("bench", question_id, "answered")
    store.record_urgent("bench", "Mir droht die Zwangsräumung", ["housing"])
    summary.decide(store, "bench", None, summary.CONFIRM_ALL)
    return store


def median_ms(function: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process, in ms. On a shared machine
    the wall time includes waiting for a core; the CPU time is the work itself."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        store = example_store(directory)
        profile = build_profile(store, "bench", today=TODAY, staff_notes=NOTES)  # warm-up
        render_pdf(render_html(profile, today=TODAY))
        build_ms, build_cpu, profile = median_ms(
            lambda: build_profile(store, "bench", today=TODAY, staff_notes=NOTES), args.runs)
        print(f"median of {args.runs} runs, wall time (CPU time of this process)")
        for easy in (False, True):
            html_ms, html_cpu, html = median_ms(lambda e=easy: render_html(profile, e, TODAY),
                                                args.runs)
            pdf_ms, pdf_cpu, pdf = median_ms(lambda h=html: render_pdf(h), args.runs)
            name = "Leichte Sprache" if easy else "Standard"
            print(f"{name:16} HTML {html_ms:6.1f} ms ({html_cpu:6.1f})   "
                  f"PDF {pdf_ms:7.1f} ms ({pdf_cpu:7.1f})   {len(pdf) // 1024} KiB")
        print(f"profile from the database (extraction, next steps, schema): "
              f"{build_ms:.1f} ms ({build_cpu:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

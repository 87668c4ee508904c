"""Crisis markers (DESIGN.md § 3: "the conversation gets a crisis marker (time and level)
that staff see"): written only with consent, on the canonical conversation, with the
store's clock; gone with the conversation (the person's deletion, the staff console's,
`lwiw purge`); shown in the staff console's list and on the profile page (audited);
never in the export. A real (temporary, migrated) SQLite database, Starlette's
TestClient on the real console app with a fixed clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text as sql
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.export import export_conversation
from bot.services import free_port
from bot.staff.accounts import Accounts
from bot.staff.retention import Retention
from bot.storage.models import utcnow
from bot.storage.repository import CrisisMarkerView, Store
from bot.web.config import WebConfig
from bot.web.staff import create_staff_app
from tests.support.clock import FixedClock
from tests.support.staff import audit_rows, backdate, login, seed_conversation

PASSWORD = "krisen-passwort-2026"
SECRET = "thYYkarb-ue_7DwVpRU4SDpac4X3TglFUBXW_jy0ENA"  # random: weak keys are refused
ANSWERS = {
    "living": "Ich möchte alleine wohnen, mit meinem Hund.",
    "people": "Meine Schwester hilft mir beim Einkaufen.",
}
WORDS = "Ich will nicht mehr leben <b>Zettel-7431</b>"
# 21:14 UTC on 30 November is 22:14 in Hamburg (CET)
EVENING = datetime(2026, 11, 30, 21, 14)


def marker_count(store: Store) -> int:
    with store._session() as session:
        return session.execute(sql("SELECT count(*) FROM crisis_markers")).scalar_one()


# ---------------------------------------------------------------- storage


def test_nothing_is_stored_without_consent(dated_store):
    store = dated_store
    assert store.add_crisis_marker("web-unknown", "acute", ["active_ideation"]) is False
    assert store.get_conversation("web-unknown") is None     # no row made for it either
    store.record_consent("web-no", False)
    assert store.add_crisis_marker("web-no", "acute", ["plan_means"], words=WORDS) is False
    store.add_answer("web-open", "living", "noch nicht gefragt")   # consent not yet given
    assert store.add_crisis_marker("web-open", "concern", ["passive_ideation"]) is False
    assert marker_count(store) == 0
    assert store.crisis_markers("web-no") == [] and store.crisis_markers("web-unknown") == []

    store.record_consent("web-yes", True)
    assert store.add_crisis_marker("web-yes", "acute", ["active_ideation", "plan_means"],
                                   words=WORDS) is True
    assert marker_count(store) == 1
    # consent withdrawn: nothing more is written
    store.record_consent("web-yes", False)
    assert store.add_crisis_marker("web-yes", "concern", ["hopelessness_burden"]) is False
    assert marker_count(store) == 1


def test_markers_use_the_store_clock_and_come_oldest_first(db_url, fixed_clock):
    store = Store(db_url, clock=fixed_clock)
    seed_conversation(store, "web-1", ANSWERS)
    fixed_clock.now = EVENING
    assert store.add_crisis_marker("web-1", "concern", ("passive_ideation",))
    fixed_clock.advance(minutes=5)
    assert store.add_crisis_marker("web-1", "acute", ["active_ideation", "plan_means",
                                                      "active_ideation", " "],
                                   source="staff_chat", words=f"  {WORDS}\n")
    earlier = datetime(2026, 11, 29, 8, 0)
    assert store.add_crisis_marker("web-1", "concern", ["classifier"], at=earlier)

    markers = store.crisis_markers("web-1")
    assert all(isinstance(m, CrisisMarkerView) for m in markers)
    assert [(m.at, m.level, m.categories, m.source, m.words) for m in markers] == [
        (earlier, "concern", ("classifier",), "chat", None),
        (EVENING, "concern", ("passive_ideation",), "chat", None),
        (EVENING + timedelta(minutes=5), "acute", ("active_ideation", "plan_means"),
         "staff_chat", WORDS),
    ]
    with pytest.raises(AttributeError):               # frozen
        markers[0].level = "acute"
    # a crisis message is activity in the conversation (list order, retention)
    assert store.get_conversation("web-1").updated_at == EVENING + timedelta(minutes=5)
    with store._session() as session:
        stored = session.execute(sql("SELECT categories FROM crisis_markers ORDER BY id")
                                 ).scalars().all()
    assert stored == ["passive_ideation", "active_ideation,plan_means", "classifier"]


def test_unknown_level_or_source_is_refused(dated_store):
    seed_conversation(dated_store, "web-1", ANSWERS)
    with pytest.raises(ValueError):
        dated_store.add_crisis_marker("web-1", "high", ["self_harm"])
    with pytest.raises(ValueError):
        dated_store.add_crisis_marker("web-1", "acute", ["self_harm"], source="email")
    assert marker_count(dated_store) == 0


def test_a_resumed_sender_marks_the_canonical_conversation(dated_store):
    store = dated_store
    seed_conversation(store, "web-first", ANSWERS)
    store.link_sender("web-later", "web-first")        # resumed with the code elsewhere
    assert store.add_crisis_marker("web-later", "acute", ["third_person"])
    with store._session() as session:
        owner = session.execute(sql("SELECT conversation_id FROM crisis_markers")).scalar_one()
    assert owner == "web-first"
    assert store.crisis_markers("web-first") == store.crisis_markers("web-later")
    assert [m.categories for m in store.crisis_markers("web-first")] == [("third_person",)]


def test_markers_go_with_the_conversation(dated_store):
    store = dated_store
    for sender in ("web-gone", "web-kept", "web-raw"):
        seed_conversation(store, sender, ANSWERS)
        store.add_crisis_marker(sender, "acute", ["self_harm"], words=WORDS)
    store.link_sender("web-gone-2", "web-gone")
    store.add_crisis_marker("web-gone-2", "concern", ["hopelessness_burden"])
    assert marker_count(store) == 4

    store.delete_conversation("web-gone-2", tracker_now=True)   # the person's deletion
    assert store.crisis_markers("web-gone") == [] and marker_count(store) == 2
    # the database itself cascades too (ON DELETE CASCADE, SQLite foreign keys on)
    with store._session() as session:
        session.execute(sql("DELETE FROM conversations WHERE id = 'web-raw'"))
        session.commit()
    assert marker_count(store) == 1
    assert [m.categories for m in store.crisis_markers("web-kept")] == [("self_harm",)]


def test_purge_deletes_the_markers_of_expired_conversations(db_url, fixed_clock):
    store = Store(db_url, clock=fixed_clock)
    for sender in ("web-old", "web-new"):
        seed_conversation(store, sender, ANSWERS)
        store.add_crisis_marker(sender, "acute", ["danger_from_others"], words=WORDS)
    backdate(store, "web-old", fixed_clock() - timedelta(days=400))
    fixed_clock.advance(days=30)

    report = Retention(store).purge(365)              # "now" is the store's clock
    assert report.cutoff == fixed_clock() - timedelta(days=365)
    assert report.conversations == ["web-old"]
    assert store.crisis_markers("web-old") == [] and marker_count(store) == 1
    assert len(store.crisis_markers("web-new")) == 1
    assert audit_rows(store, action="purge")[0]["at"].startswith("2026-12-21 09:00:00")


def test_every_store_timestamp_comes_from_its_clock(db_url, fixed_clock):
    """Task of the clock: a test gives the same result on every day of the year."""
    store = Store(db_url, clock=fixed_clock)
    now = fixed_clock()
    store.record_consent("web-c", True)
    first = store.add_answer("web-c", "living", "Ich will tanzen.", confirmed=True)
    second = store.add_answer("web-c", "self", "Ich kann kochen.")
    store.confirm_answers("web-c", [second])
    store.correct_answer("web-c", first, "Ich will tanzen gehen.")
    store.set_question_state("web-c", "living", "answered")
    store.record_urgent("web-c", "Mir droht die Zwangsräumung", ["housing"])
    store.decide_item("web-c", "living:goal:0", "confirmed")
    store.mark_summary_confirmed("web-c")
    store.set_language_mode("web-c", True)
    store.issue_resume_code("web-c", make=lambda: "SONNE-BAUM-MOND-TEE-42")
    store.link_sender("web-c2", "web-c")
    store.delete_conversation("web-gone")            # queues a tracker deletion
    with store._session() as session:
        times = session.execute(sql("""
            SELECT created_at, updated_at, consent_at, summary_confirmed_at
              FROM conversations
            UNION ALL SELECT resume_code_at, resume_code_at, resume_code_at, resume_code_at
              FROM conversations
            UNION ALL SELECT created_at, confirmed_at, created_at, created_at FROM answers
            UNION ALL SELECT updated_at, updated_at, updated_at, updated_at FROM question_states
            UNION ALL SELECT created_at, created_at, created_at, created_at FROM urgent_needs
            UNION ALL SELECT decided_at, decided_at, decided_at, decided_at FROM item_decisions
            UNION ALL SELECT requested_at, requested_at, requested_at, requested_at
              FROM pending_tracker_deletions""")).all()
    stamps = {datetime.fromisoformat(value) for row in times for value in row
              if value is not None}
    assert stamps == {now}
    # the pending deletion is not due before the store's clock says so
    assert store.process_pending_tracker_deletions(older_than_seconds=60) == []
    fixed_clock.advance(minutes=2)
    assert store.process_pending_tracker_deletions(older_than_seconds=60) == ["web-gone"]


def test_the_default_clock_is_the_real_one(store):
    before = utcnow() - timedelta(seconds=1)
    store.record_consent("web-now", True)
    assert store.add_crisis_marker("web-now", "concern", ["passive_ideation"])
    after = utcnow() + timedelta(seconds=1)
    assert before <= store.get_conversation("web-now").consent_at <= after
    assert before <= store.crisis_markers("web-now")[0].at <= after


# ---------------------------------------------------------------- export: never


def test_the_export_shows_no_marker_and_no_marker_words(dated_store):
    store = dated_store
    seed_conversation(store, "web-x", ANSWERS)
    today = date(2026, 11, 21)
    before = json.loads(export_conversation(store, "web-x", "json", today=today)[0])
    assert store.add_crisis_marker("web-x", "acute", ["active_ideation", "plan_means"],
                                   words=WORDS)
    after = json.loads(export_conversation(store, "web-x", "json", today=today)[0])
    for profile in (before, after):     # when it was made and last touched may differ
        profile.pop("generated_at")
        profile.pop("updated_at")
    assert after == before
    raw = export_conversation(store, "web-x", "json", today=today)[0].decode()
    html = export_conversation(store, "web-x", "html", today=today)[0].decode()
    easy = export_conversation(store, "web-x", "html", easy=True, today=today)[0].decode()
    for document in (raw, html, easy):
        for trace in ("Zettel-7431", "nicht mehr leben", "Krisenhinweis", "active_ideation",
                      "plan_means", "Suizid", "crisis_marker"):
            assert trace not in document, trace
    assert "Ich möchte alleine wohnen" in html          # the export itself is complete


# ---------------------------------------------------------------- staff console


def make_config(db_url: str) -> WebConfig:
    return WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", database_url=db_url,
                     secret_key=SECRET)


@pytest.fixture()
def console(db_url: str, fixed_clock: FixedClock) -> Iterator[TestClient]:
    """The console mounted at /staff as bot/web/app.py does, on the fixed clock."""
    store = Store(db_url, clock=fixed_clock)
    app = Starlette(routes=[Mount("/staff", app=create_staff_app(
        make_config(db_url), clock=fixed_clock, store=store))])
    with TestClient(app) as client:
        yield client


@pytest.fixture()
def marked(db_url: str, fixed_clock: FixedClock) -> Store:
    """web-crisis with a concern marker at 21:44 and an acute one at 22:14 (Hamburg
    time) on 30 November; web-calm without markers, touched an hour later."""
    store = Store(db_url, clock=fixed_clock)
    seed_conversation(store, "web-crisis", ANSWERS)
    store.issue_resume_code("web-crisis", make=lambda: "MOND-FLUSS-KRAN-TEE-17")
    fixed_clock.now = EVENING - timedelta(minutes=30)
    store.add_crisis_marker("web-crisis", "concern", ["hopelessness_burden", "classifier"])
    fixed_clock.now = EVENING
    store.add_crisis_marker("web-crisis", "acute", ["active_ideation", "plan_means"],
                            source="staff_chat", words=WORDS)
    fixed_clock.advance(hours=1)
    seed_conversation(store, "web-calm", {"living": "Ich will tanzen gehen."})
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    return store


def test_list_shows_a_crisis_badge_and_filters_by_it(console, marked):
    login(console, "anna", PASSWORD)
    page = console.get("/staff/gespraeche").text
    assert page.count('href="/staff/gespraech/web-') == 2
    # the latest marker, in Hamburg time, with the number of markers
    assert "Krisenhinweis: akut, 30.11.2026, 22:14 Uhr (2 Hinweise)" in page
    assert page.count("badge-crisis ") == 1 and "badge-crisis-acute" in page
    calm_row = page[page.index('href="/staff/gespraech/web-calm"'):]
    calm_row = calm_row[:calm_row.index("</tr>")]
    assert "Krisenhinweis" not in calm_row
    assert "1 Gespräch mit Krisenhinweis." in page and 'href="/staff/gespraeche?krise=1"' in page

    only = console.get("/staff/gespraeche", params={"krise": "1"}).text
    assert only.count('href="/staff/gespraech/web-') == 1
    assert 'href="/staff/gespraech/web-crisis"' in only
    assert "Es werden nur Gespräche mit Krisenhinweis gezeigt." in only
    assert 'name="krise" value="1"' in only                 # the search keeps the filter
    assert "Zettel" not in only                             # words only on the profile
    searched = console.get("/staff/gespraeche", params={"krise": "1", "q": "tanzen"}).text
    assert "Keine Treffer" in searched
    by_code = console.get("/staff/gespraeche", params={"krise": "1", "q": "mond-fluss-kran-tee-17"})
    assert 'href="/staff/gespraech/web-crisis"' in by_code.text

    details = [r["detail"] for r in audit_rows(marked, actor="anna", action="view_list")]
    assert details == ["2 Gespräche", "2 Gespräche", "nur Krisenhinweise, 1 Treffer",
                       "Suche, nur Krisenhinweise, 0 Treffer",
                       "Suche, nur Krisenhinweise, 1 Treffer"]


def test_crisis_filter_without_any_marker(console, db_url, fixed_clock):
    seed_conversation(Store(db_url, clock=fixed_clock), "web-calm", ANSWERS)
    Accounts(db_url).create("anna", "counsellor", PASSWORD)
    login(console, "anna", PASSWORD)
    page = console.get("/staff/gespraeche").text
    assert "Krisenhinweis" not in page and "krise=1" not in page
    only = console.get("/staff/gespraeche", params={"krise": "1"}).text
    assert "Kein Gespräch hat einen Krisenhinweis." in only
    assert 'href="/staff/gespraech/web-calm"' not in only


def test_profile_page_lists_every_marker_at_the_top(console, marked):
    login(console, "anna", PASSWORD)
    page = console.get("/staff/gespraech/web-crisis")
    assert page.status_code == 200
    html = page.text
    box = html[html.index('<section class="crisis"'):]
    box = box[:box.index("</section>")]
    assert html.index('<section class="crisis"') < html.index('id="words-title"')
    assert "Krisenhinweise — bitte nachfassen" in box
    # newest first, each with time (Hamburg), level, categories in words, source
    acute, concern = box.split('<li class="crisis-marker')[1:]
    for text in ("30.11.2026, 22:14 Uhr", "akut", "Suizidgedanken, Plan oder Vorbereitung",
                 "im gemeinsamen Gespräch mit einer Fachkraft", "Worte der Person"):
        assert text in acute, text
    assert 'datetime="2026-11-30T22:14+01:00"' in acute
    for text in ("30.11.2026, 21:44 Uhr", "Sorge geäußert",
                 "Hoffnungslosigkeit / Last, unklar, vom Klassifikator erkannt", "im Web-Chat"):
        assert text in concern, text
    assert "Worte der Person" not in concern                # no words, no line
    # the person's words as text, never as HTML
    assert "„Ich will nicht mehr leben &lt;b&gt;Zettel-7431&lt;/b&gt;“" in acute
    assert "<b>Zettel" not in html

    calm = console.get("/staff/gespraech/web-calm").text
    assert "Krisenhinweise" not in calm and 'class="crisis"' not in calm
    views = [(r["action"], r["conversation_id"])
             for r in audit_rows(marked, actor="anna") if r["action"] == "view_profile"]
    assert views == [("view_profile", "web-crisis"), ("view_profile", "web-calm")]


def test_console_export_and_deletion_of_a_marked_conversation(console, marked):
    token = login(console, "anna", PASSWORD)
    for fmt in ("html", "json"):
        exported = console.get("/staff/gespraech/web-crisis/export", params={"format": fmt})
        assert exported.status_code == 200
        for trace in ("Zettel-7431", "Krisenhinweis", "active_ideation", "Suizidgedanken"):
            assert trace not in exported.text, (fmt, trace)
    gone = console.post("/staff/gespraech/web-crisis/loeschen",
                        data={"csrf": token, "confirm": "yes"}, follow_redirects=False)
    assert gone.status_code == 303
    assert marked.crisis_markers("web-crisis") == [] and marker_count(marked) == 0
    actions = [(r["action"], r["conversation_id"]) for r in audit_rows(marked, actor="anna")
               if r["action"] in ("export", "delete")]
    assert actions == [("export", "web-crisis"), ("export", "web-crisis"),
                       ("delete", "web-crisis")]

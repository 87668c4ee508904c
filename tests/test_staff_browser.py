"""The staff console in a real browser (Debian's chromium via Playwright) against the real
servers (`assistant` fixture), with accounts made by the real `lwiw staff add` command,
checked with axe-core (WCAG 2.1 A/AA) on every console page."""

from __future__ import annotations

import io
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from bot.staff import totp
from bot.staff.notes import Notes
from bot.storage.models import utcnow
from bot.web.config import load_secret
from bot.web.staff.auth import SALT
from tests.support.browser import (
    artifact,
    axe_violations,
    format_violations,
    page_opener,
)
from tests.support.staff import (
    STAFF_COOKIE,
    add_account,
    audit_rows,
    seed_conversation,
)

pytestmark = pytest.mark.slow

PASSWORD = "browser-passwort-2026"
COUNSELLOR, ADMIN = "fachkraft.browser", "leitung.browser"
ANSWERS = {
    "living": "Ich möchte alleine wohnen, mit meinem Hund.",
    "self": "Mit meinem Tablet lasse ich mir Briefe vorlesen.",
    "people": "Meine Schwester hilft mir beim Einkaufen.",
    "neighbourhood": "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle.",
}
NOTE = "Schwester kommt zur Gesamtplankonferenz mit; Termin mit ihr abstimmen."



@pytest.fixture(scope="module")
def accounts(assistant) -> None:
    url = assistant.settings.database_url
    add_account(url, COUNSELLOR, "counsellor", PASSWORD)
    add_account(url, ADMIN, "admin", PASSWORD)


@pytest.fixture()
def open_page(browser):
    with page_opener(browser, accept_downloads=True) as make:
        yield make


def check_axe(page, where: str, results: dict) -> None:
    violations = axe_violations(page)
    results[where] = violations
    if violations:
        print(f"axe violations on {where}:\n{format_violations(violations)}")
    assert violations == [], where


def log_in(page, base: str, name: str) -> None:
    page.goto(base + "/staff/")
    page.wait_for_url(re.compile(r"/staff/anmelden"))
    page.get_by_label("Anmeldename").fill(name)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r"/staff/(gespraeche|konto/zwei-faktor)$"))
    if page.url.endswith("/zwei-faktor"):       # an admin sets up the second factor first
        set_up_second_factor(page)
    page.get_by_role("heading", level=1, name="Gespräche").wait_for()


def set_up_second_factor(page) -> str:
    """As an admin with an authenticator app does it (typing in the key shown under the
    QR code); returns the secret."""
    page.get_by_role("heading", level=1, name="Zwei-Faktor-Anmeldung einrichten").wait_for()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Geben Sie zur Bestätigung den Code ein").fill(
        totp.code_at(secret, utcnow()))
    page.get_by_role("button", name="Einrichten").click()
    return secret


AXE_RESULTS: dict[str, list] = {}


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {name: (el.innerText || el.value || '').trim(),
                ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
    }""")


def test_counsellor_finds_annotates_exports_and_logs_out(assistant, accounts, open_page):
    store, base = assistant.store, assistant.web_url
    cid = seed_conversation(store, "web-browser-profile", ANSWERS, confirmed=True)
    code = store.issue_resume_code(cid, make=lambda: "LINDE-HAFEN-MOND-TEE-27")
    page, watch = open_page()

    page.goto(base + "/staff/gespraeche")               # not logged in: the login page
    page.wait_for_url(re.compile(r"/staff/anmelden\?weiter="))
    page.get_by_role("heading", level=1, name="Anmeldung").wait_for()
    check_axe(page, "login", AXE_RESULTS)
    page.screenshot(path=artifact("staff-login.png"), full_page=True)
    page.get_by_label("Anmeldename").fill(COUNSELLOR)
    page.get_by_label("Passwort").fill("falsches-passwort!")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("alert").get_by_text("Anmeldename oder Passwort ist nicht richtig.").wait_for()
    check_axe(page, "login with error", AXE_RESULTS)
    assert [re.sub(r".*status of (\d+).*", r"\1", p) for p in watch.problems] == ["400"]
    watch.problems.clear()                  # the refused login is answered with 400
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("heading", level=1, name="Gespräche").wait_for()
    check_axe(page, "conversation list", AXE_RESULTS)
    page.screenshot(path=artifact("staff-list.png"), full_page=True)

    # find the conversation by its Stadtteil, then by its resume code
    search = page.get_by_label("Suchen nach Kurzname, Fortsetzungscode oder Stadtteil")
    search.fill("Barmbek-Nord")
    search.press("Enter")
    page.get_by_text("Treffer für „Barmbek-Nord“").wait_for()
    assert page.locator(f'table.conversations a[href="/staff/gespraech/{cid}"]').count() == 1
    search = page.get_by_label("Suchen nach Kurzname, Fortsetzungscode oder Stadtteil")
    search.fill(code.lower().replace("-", " "))
    search.press("Enter")
    page.get_by_text("1 Treffer für „").wait_for()
    row = page.locator("table.conversations tbody tr")
    assert "Barmbek-Nord (Hamburg-Nord)" in row.inner_text()
    assert "4 von 6" in row.inner_text()
    assert "LINDE" not in row.inner_text()          # only a hash of the code is stored
    row.get_by_role("link", name="ohne Kurzname").click()
    page.get_by_role("heading", level=1, name="Gespräch ohne Kurzname").wait_for()
    for words in ANSWERS.values():
        assert f"„{words}“" in page.locator("main").inner_text()
    check_axe(page, "profile", AXE_RESULTS)
    page.screenshot(path=artifact("staff-profile.png"), full_page=True)

    # a note in the section "Ressourcen: sozial"
    section = page.get_by_role("region", name="Ressourcen: sozial", exact=True)
    section.get_by_text("Notiz hinzufügen").click()
    section.get_by_label("Ihre Notiz zu „Ressourcen: sozial“").fill(NOTE)
    section.get_by_role("button", name="Notiz speichern").click()
    page.get_by_role("status").get_by_text("Die Notiz wurde gespeichert.").wait_for()
    section = page.get_by_role("region", name="Ressourcen: sozial", exact=True)
    assert NOTE in section.locator(".staff-layer").inner_text()
    assert COUNSELLOR in section.locator(".note-meta").inner_text()
    check_axe(page, "profile with note", AXE_RESULTS)
    section.screenshot(path=artifact("staff-note.png"))
    notes = Notes(assistant.settings.database_url).for_conversation(cid)
    assert [(n.section, n.author, n.text) for n in notes] == [
        ("resources_social", COUNSELLOR, NOTE)]

    # export: the PDF for the Gesamtplankonferenz, with the note in its own section
    page.get_by_label("Format").select_option("pdf")
    with page.expect_download() as info:
        page.get_by_role("button", name="Herunterladen").click()
    download = info.value
    assert download.suggested_filename == f"lwiw-profil-{cid}.pdf"
    with open(download.path(), "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in
                        PdfReader(io.BytesIO(content)).pages)
    assert "Sicht der Fachkraft" in pdf_text and "Gesamtplankonferenz mit" in pdf_text
    assert ANSWERS["living"] in pdf_text
    page.get_by_label("In Leichter Sprache").check()
    page.get_by_label("Format").select_option("html")
    with page.expect_download() as easy_info:
        page.get_by_role("button", name="Herunterladen").click()
    assert easy_info.value.suggested_filename.endswith("-leichte-sprache.html")

    # log out: back at the login page, the console is closed again
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("status").get_by_text("Sie sind abgemeldet.").wait_for()
    page.goto(base + f"/staff/gespraech/{cid}")
    page.wait_for_url(re.compile(r"/staff/anmelden"))
    # what is left of the console cookie is only a login-form token, no session
    serializer = URLSafeTimedSerializer(load_secret(), salt=SALT)
    left = [serializer.loads(c["value"]) for c in page.context.cookies()
            if c["name"] == STAFF_COOKIE]
    assert left and all(set(value) == {"c"} for value in left)

    actions = [(r["action"], r["conversation_id"]) for r in
               audit_rows(store, actor=COUNSELLOR)]
    for expected in [("login_failed", None), ("login", None), ("view_list", None),
                     ("view_profile", cid), ("note_added", cid), ("export", cid),
                     ("logout", None)]:
        assert expected in actions, expected
    assert watch.problems == []


def test_admin_reads_the_audit_log_and_manages_accounts(assistant, accounts, open_page):
    page, watch = open_page()
    log_in(page, assistant.web_url, ADMIN)
    # keyboard: the skip link comes first and leads into the main content, focus is visible
    page.keyboard.press("Tab")
    assert focused(page) == {"name": "Zum Inhalt springen", "ring": True}
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "inhalt"
    for _ in range(3):
        page.keyboard.press("Tab")
        assert focused(page)["ring"], focused(page)
    page.get_by_role("navigation", name="Konsole").get_by_role("link", name="Protokoll").click()
    page.get_by_role("heading", level=1, name="Protokoll").wait_for()
    check_axe(page, "audit log", AXE_RESULTS)
    page.get_by_label("Konto").select_option(COUNSELLOR)
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"konto=fachkraft.browser"))
    actors = page.locator("table.audit tbody tr td:nth-child(2)").all_inner_texts()
    assert actors and set(actors) == {COUNSELLOR}
    page.screenshot(path=artifact("staff-audit.png"), full_page=True)

    page.get_by_role("link", name="Konten").click()
    page.get_by_role("heading", level=1, name="Konten").wait_for()
    check_axe(page, "accounts", AXE_RESULTS)
    page.get_by_label("Anmeldename").fill("neue.fachkraft")
    page.get_by_label("Erstes Passwort").fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.get_by_role("status").get_by_text("Das Konto neue.fachkraft wurde angelegt.").wait_for()
    page.get_by_role("button", name="Deaktivieren: neue.fachkraft").click()
    page.get_by_text("Das Konto neue.fachkraft wurde deaktiviert.").wait_for()
    row = page.locator("table.accounts tbody tr", has_text="neue.fachkraft")
    assert "deaktiviert" in row.inner_text()
    page.screenshot(path=artifact("staff-accounts.png"), full_page=True)
    assert watch.problems == []


def test_counselling_together_in_the_browser(assistant, accounts, open_page):
    page, watch = open_page()
    log_in(page, assistant.web_url, COUNSELLOR)
    page.get_by_role("button", name="Neues Gespräch beginnen").click()
    page.get_by_role("heading", level=1, name="Gemeinsam beraten").wait_for()
    cid = re.search(r"/gespraech/(staff-[0-9a-f]+)/chat", page.url).group(1)
    page.locator("#typing").wait_for(state="hidden")
    page.locator("#choices").get_by_role("button", name=re.compile("^Ja")).first.click()
    page.locator("#log .msg-bot", has_text="Vielen Dank").last.wait_for()
    page.locator("#choices").get_by_role("button", name="Nein, normale Sprache").click()
    page.locator("#log .msg-bot", has_text="Bevor wir anfangen").last.wait_for()
    page.locator("#choices").get_by_role("button", name="Nein", exact=True).click()
    page.locator("#progress-text", has_text="Frage 1 von 6").wait_for()
    box = page.get_by_label("Ihre Nachricht")
    box.fill("Ich möchte mit anderen Musik machen.")
    box.press("Enter")
    page.locator("#log .msg-bot", has_text="„Ich möchte mit anderen Musik machen.“").wait_for()
    check_axe(page, "chat together", AXE_RESULTS)
    page.screenshot(path=artifact("staff-chat.png"), full_page=True)
    conversation = assistant.store.get_conversation(cid)
    assert conversation.with_staff and conversation.consent_given
    assert [a.text for a in assistant.store.active_answers(cid)] == [
        "Ich möchte mit anderen Musik machen."]

    page.get_by_role("link", name="Zur Gesprächsliste").click()
    row = page.locator("table.conversations tbody tr", has=page.locator(
        f'a[href="/staff/gespraech/{cid}"]'))
    assert "gemeinsam mit Fachkraft" in row.inner_text()

    # a phone: the page does not scroll sideways (the table scrolls inside its frame)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifact("staff-list-phone.png"), full_page=True)
    page.goto(assistant.web_url + f"/staff/gespraech/{cid}")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    check_axe(page, "profile on a phone", AXE_RESULTS)
    page.screenshot(path=artifact("staff-profile-phone.png"), full_page=True)
    assert watch.problems == []
    print("axe results:", {where: len(found) for where, found in AXE_RESULTS.items()})

"""The public web chat in a real browser (Debian's chromium via Playwright) against the real
web app, Rasa server and action server (`assistant` fixture), checked with axe-core."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text as sql

from bot.catalogue import QUESTION_IDS, load_questions
from bot.resume_codes import code_hash
from bot.services import free_port
from bot.web.app import create_app
from bot.web.config import WebConfig, load_secret
from bot.web.session import COOKIE_NAME, SALT
from bot.web.texts import text
from tests.support.browser import (
    artifact,
    axe_violations,
    format_violations,
    page_opener,
)
from tests.support.loopback import uvicorn_serving

pytestmark = pytest.mark.slow

ANSWERS = {
    "living": "Ich möchte alleine wohnen, mit meinem Hund.",
    "self": "Mit meinem Tablet lasse ich mir Briefe vorlesen.",
    "people": "Meine Schwester hilft mir beim Einkaufen.",
    "neighbourhood": "Ich wohne in Barmbek-Nord und gehe gern in die Bücherhalle.",
    "professional": "Jemand, der mir bei Briefen vom Amt hilft.",
    "contribution": "Ich kann gut zuhören <b>und</b> helfe meiner Nachbarin.",
}


@pytest.fixture()
def open_page(browser):
    with page_opener(browser) as make:
        yield make


def conversation_id(page) -> str:
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    return URLSafeTimedSerializer(load_secret(), salt=SALT).loads(cookie["value"])["cid"]


def bot_says(page, fragment: str) -> None:
    """Wait until the reply has arrived and contains `fragment`."""
    page.locator("#typing").wait_for(state="hidden")
    page.locator("#log .msg-bot .msg-text", has_text=fragment).last.wait_for()


def choose(page, title: str) -> None:
    page.locator("#choices").get_by_role("button", name=title, exact=True).click()


def send(page, words: str) -> None:
    box = page.get_by_label(text("chat_input_label", False), exact=True)
    box.fill(words)
    box.press("Enter")


def check_axe(page, where: str) -> None:
    violations = axe_violations(page)
    if violations:
        print(f"axe violations on {where}:\n{format_violations(violations)}")
    assert violations == [], where


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def start_chat(page, base_url: str, consent: bool = True) -> None:
    page.goto(base_url + "/")
    name = text("consent_yes" if consent else "consent_no", False)
    page.get_by_role("button", name=name).click()
    page.wait_for_url(base_url + "/chat")


def through_onboarding(page) -> None:
    choose(page, "Nein, normale Sprache")
    choose_after(page, "Bevor wir anfangen", "Nein")
    bot_says(page, question_start(0))


def question_start(index: int, easy: bool = False) -> str:
    return load_questions()[index].question.get(easy).split("\n")[0][:40]


def choose_after(page, fragment: str, title: str) -> None:
    bot_says(page, fragment)
    choose(page, title)


def events_of(assistant, sender: str) -> list[str]:
    with assistant.store._session() as session:
        return list(session.execute(
            sql("SELECT type_name FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalars())


# ---------------------------------------------------------------- the whole conversation


def test_full_conversation_clicked_and_typed(assistant, open_page):
    page, watch = open_page()
    base = assistant.web_url
    page.goto(base + "/")
    expect_heading(page, text("start_title", False))
    check_axe(page, "consent page")
    page.screenshot(path=artifact("start-desktop.png"), full_page=True)

    start_chat(page, base)
    bot_says(page, "Vielen Dank für Ihr Einverständnis")
    log_text = page.locator("#log").inner_text()
    assert "Moin!" in log_text and "Ja, ich bin einverstanden" in log_text
    through_onboarding(page)
    assert page.locator("#progress-text").inner_text() == "Frage 1 von 6"
    assert page.locator("#choices").is_hidden()

    questions = load_questions()
    for number, question_id in enumerate(QUESTION_IDS, start=1):
        assert page.locator("#progress-text").inner_text() == f"Frage {number} von 6"
        send(page, ANSWERS[question_id])
        bot_says(page, f"„{ANSWERS[question_id]}“")
        if number == 1:
            check_axe(page, "chat page")
            page.screenshot(path=artifact("chat-desktop.png"), full_page=True)
            visit_help_and_come_back(page, base)
        choose(page, "Nein, weiter")
        if number < 6:
            bot_says(page, question_start(number))

    bot_says(page, "Stimmt das so?")
    assert f"„{ANSWERS['living']}“" in page.locator("#log .msg-bot").last.inner_text()
    choose(page, "Ja, stimmt")
    bot_says(page, "Stimmt das so?")
    choose(page, "Alles Weitere stimmt")
    bot_says(page, "Stimmen alle diese Punkte so?")           # shown together first
    choose(page, "Ja, alle stimmen")
    bot_says(page, "Ihre Übersicht ist fertig")
    bot_says(page, "nächsten Schritte")                       # next steps in the chat
    download = page.locator("#log a", has_text="Meine Übersicht als PDF")
    assert download.get_attribute("href") == "/meine-daten/export.pdf"
    assert page.locator("#choices").is_hidden()
    # the person's words were shown as text, never as HTML
    assert page.locator("#log b").count() == 0
    assert "<b>und</b>" in page.locator("#log").inner_text()

    sender = conversation_id(page)
    stored = assistant.store.active_answers(sender)
    assert [(a.question_id, a.text) for a in stored] == list(ANSWERS.items())
    assert all(a.confirmed for a in stored)
    assert assistant.store.get_conversation(sender).summary_confirmed_at is not None

    page.get_by_role("link", name=text("nav_answers", False)).click()
    expect_heading(page, text("profile_title", False))
    for question in questions:
        group = page.locator("section.answer-group", has=page.get_by_role(
            "heading", name=question.title.standard, exact=True))
        assert ANSWERS[question.id] in group.inner_text()
    check_axe(page, "answers page")
    page.screenshot(path=artifact("answers-desktop.png"), full_page=True)
    assert watch.problems == []


def visit_help_and_come_back(page, base: str) -> None:
    """'Hilfe in Not' is always there; leaving the chat for it loses nothing."""
    before = page.locator("#log .msg").count()
    page.get_by_role("link", name=text("nav_help", False)).click()
    expect_heading(page, text("help_title", False))
    link = page.get_by_role("link", name="0800 111 0 111").first
    assert link.get_attribute("href") == "tel:08001110111"
    check_axe(page, "help page")
    page.get_by_role("link", name=text("help_back", False)).click()
    page.wait_for_url(base + "/chat")
    page.locator("#log .msg").nth(before - 1).wait_for()
    time.sleep(0.5)                           # nothing new may arrive: no second greeting
    assert page.locator("#log .msg").count() == before
    assert page.locator("#choices").get_by_role("button", name="Nein, weiter").is_visible()


def expect_heading(page, name: str) -> None:
    page.get_by_role("heading", level=1, name=name).wait_for()


# ---------------------------------------------------------------- keyboard only


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {name: (el.innerText || el.getAttribute('aria-label') || '').trim(),
                id: el.id, tag: el.tagName,
                ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
    }""")


def tab_to(page, name: str, backwards: bool = False, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        assert now["ring"], f"focus not visible on {now}"
        if now["name"] == name:
            return
    raise AssertionError(f"{name!r} not reachable by keyboard")


def test_keyboard_only(assistant, open_page):
    page, watch = open_page()
    base = assistant.web_url
    page.goto(base + "/")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == text("skip_link", False) and focused(page)["ring"]
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhalt"
    tab_to(page, text("consent_yes", False))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/chat")
    bot_says(page, "Möchten Sie, dass ich in Leichter Sprache schreibe?")

    tab_to(page, "Nein, normale Sprache")
    page.keyboard.press("Enter")
    bot_says(page, "Bevor wir anfangen")
    assert focused(page)["name"] == "Ja, etwas ist dringend"   # focus follows the choices
    tab_to(page, "Nein")
    page.keyboard.press("Enter")
    bot_says(page, question_start(0))
    assert focused(page)["id"] == "message" and focused(page)["ring"]
    page.keyboard.type(ANSWERS["living"])
    page.keyboard.press("Enter")
    bot_says(page, f"„{ANSWERS['living']}“")
    assert focused(page)["id"] == "message"
    tab_to(page, "Nein, weiter", backwards=True)
    page.keyboard.press("Enter")
    bot_says(page, question_start(1))
    assert page.locator("#progress-text").inner_text() == "Frage 2 von 6"

    tab_to(page, text("chat_pause", False))
    page.keyboard.press("Enter")
    page.locator("#code-box").wait_for()
    code = page.locator("#code-value").inner_text()
    assert assistant.store.get_conversation(conversation_id(page)).resume_code_hash == (
        code_hash(code))
    assert watch.problems == []


# ---------------------------------------------------------------- Leichte Sprache


def test_leichte_sprache_switch_changes_page_copy_and_bot_texts(assistant, open_page):
    page, watch = open_page()
    base = assistant.web_url
    page.goto(base + "/")
    switch = page.get_by_role("button", name=text("easy_switch", False))
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()                                            # plain form: page reloads
    page.get_by_text(text("start_intro", True)).wait_for()
    assert text("start_intro", False) not in page.content()
    assert page.get_by_role("button", name=text("easy_switch", True)).get_attribute(
        "aria-pressed") == "true"
    check_axe(page, "consent page (Leichte Sprache)")

    page.get_by_role("button", name=text("consent_yes", True)).click()
    bot_says(page, "Ich bin ein Computer-Programm.")          # the bot speaks easy language
    bot_says(page, "Ist bei Ihnen gerade etwas dringend?")    # its language question is answered
    hint = page.locator("#message-hint")
    assert hint.inner_text() == text("chat_input_hint", True)

    page.get_by_role("button", name=text("easy_switch", True)).click()
    bot_says(page, "Gut, ab jetzt schreibe ich wieder in normaler Sprache.")
    assert hint.inner_text() == text("chat_input_hint", False)
    assert page.locator("#easy-switch button").get_attribute("aria-pressed") == "false"
    assert focused(page)["name"] == text("easy_switch", False)
    bot_says(page, "Ist gerade etwas dringend")               # the question, now standard

    page.locator("#easy-switch button").click()
    bot_says(page, "Ab jetzt schreibe ich in Leichter Sprache.")
    assert hint.inner_text() == text("chat_input_hint", True)
    choose(page, "Nein")
    bot_says(page, question_start(0, easy=True))
    sender = conversation_id(page)
    assert assistant.store.get_conversation(sender).language_mode == "easy"
    page.reload()                                             # server renders easy copy too
    assert page.locator("#message-hint").inner_text() == text("chat_input_hint", True)

    # switched on another page: that page changes at once, the bot when the chat is back
    page.get_by_role("link", name=text("nav_answers", True)).click()
    page.get_by_role("button", name=text("easy_switch", True)).click()
    page.get_by_text(text("profile_intro", False)).wait_for()
    page.get_by_role("link", name=text("nav_chat", False)).click()
    bot_says(page, "Gut, ab jetzt schreibe ich wieder in normaler Sprache.")
    assert page.locator("#message-hint").inner_text() == text("chat_input_hint", False)
    assert assistant.store.get_conversation(sender).language_mode == "standard"
    assert watch.problems == []


def test_without_consent_the_chat_answers_and_stores_nothing(assistant, open_page):
    page, watch = open_page()
    start_chat(page, assistant.web_url, consent=False)
    choose_after(page, "Bevor wir anfangen", "Nein")
    bot_says(page, "In Ordnung: Was Sie schreiben, speichere ich nicht.")
    assert "Nein, nicht speichern" in page.locator("#log .msg-you").first.inner_text()
    send(page, "was ist die eutb")
    bot_says(page, "Teilhabe")
    send(page, "Ich will alleine wohnen")
    page.locator("#typing").wait_for(state="hidden")
    sender = conversation_id(page)
    assert assistant.store.get_conversation(sender) is None
    assert assistant.store.active_answers(sender) == []
    page.get_by_role("link", name=text("nav_answers", False)).click()
    page.get_by_text(text("profile_no_consent", False)).wait_for()
    assert watch.problems == []


# ---------------------------------------------------------------- pause and resume


def test_pause_and_resume_with_the_code_in_a_fresh_browser(assistant, open_page):
    page, _ = open_page()
    base = assistant.web_url
    start_chat(page, base)
    through_onboarding(page)
    send(page, ANSWERS["living"])
    bot_says(page, f"„{ANSWERS['living']}“")
    page.get_by_role("button", name=text("chat_pause", False)).click()
    bot_says(page, "Ihr Code zum Weitermachen lautet")
    code = page.locator("#code-value").inner_text()
    first = conversation_id(page)
    assert re.fullmatch(r"[A-Z]+(-[A-Z]+){3}-\d\d", code)
    assert assistant.store.get_conversation(first).resume_code_hash == code_hash(code)
    assert code in page.locator("#log").inner_text()
    page.context.close()

    later, watch = open_page()
    later.goto(base + "/")
    later.get_by_label(text("resume_label", False)).fill(code.lower())
    later.get_by_role("button", name=text("resume_button", False)).click()
    later.wait_for_url(base + "/chat")
    bot_says(later, "Willkommen zurück!")
    bot_says(later, "Zuletzt weitergemacht am ")
    assert later.locator("#progress-text").inner_text() == "Frage 1 von 6"
    assert conversation_id(later) == first                     # the cookie moved
    new_code = later.locator("#code-value").inner_text()       # the old code is used up
    assert new_code != code and new_code in later.locator("#log").inner_text()
    assert assistant.store.get_conversation(first).resume_code_hash == code_hash(new_code)
    choose(later, "Nein, weiter")
    bot_says(later, question_start(1))
    send(later, ANSWERS["self"])
    bot_says(later, f"„{ANSWERS['self']}“")
    stored = [(a.question_id, a.text) for a in assistant.store.active_answers(first)]
    assert stored == [("living", ANSWERS["living"]), ("self", ANSWERS["self"])]
    assert watch.problems == []


# ---------------------------------------------------------------- deleting


def test_delete_everything_from_the_answers_page(assistant, open_page):
    page, watch = open_page()
    base = assistant.web_url
    start_chat(page, base)
    through_onboarding(page)
    send(page, ANSWERS["living"])
    bot_says(page, f"„{ANSWERS['living']}“")
    sender = conversation_id(page)
    assert assistant.store.active_answers(sender) and "user" in events_of(assistant, sender)

    page.get_by_role("link", name=text("nav_answers", False)).click()
    page.get_by_text(ANSWERS["living"]).wait_for()
    page.get_by_role("link", name=text("delete_start", False)).click()
    expect_heading(page, text("delete_confirm_title", False))
    check_axe(page, "delete confirmation")
    page.get_by_role("button", name=text("delete_confirm_yes", False)).click()
    page.get_by_text(text("deleted_notice", False)).wait_for()

    assert assistant.store.get_conversation(sender) is None
    assert assistant.store.active_answers(sender) == []
    assert events_of(assistant, sender) == []
    assert conversation_id(page) != sender
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, window.sessionStorage))")
    assert ANSWERS["living"] not in stored                    # the tab's copy is gone too
    assert watch.problems == []


def test_delete_inside_the_chat_removes_tracker_events_at_once(assistant, open_page):
    page, watch = open_page()
    start_chat(page, assistant.web_url)
    through_onboarding(page)
    send(page, ANSWERS["living"])
    bot_says(page, f"„{ANSWERS['living']}“")
    sender = conversation_id(page)
    send(page, "ich will meine daten löschen")
    bot_says(page, "Möchten Sie wirklich alles löschen?")
    choose(page, "Ja, alles löschen")
    bot_says(page, "Alles ist gelöscht.")
    assert assistant.store.get_conversation(sender) is None
    assert not assistant.store.has_pending_tracker_deletion(sender)
    assert "user" not in events_of(assistant, sender)          # no message of the person left
    assert ANSWERS["living"] not in page.locator("#log").inner_text()
    assert watch.problems == []


# ---------------------------------------------------------------- small screens, zoom


def test_small_screen_and_zoom(assistant, open_page):
    page, watch = open_page({"width": 360, "height": 780})
    base = assistant.web_url
    page.goto(base + "/")
    assert no_horizontal_scroll(page)
    page.screenshot(path=artifact("start-360.png"), full_page=True)
    start_chat(page, base)
    through_onboarding(page)
    send(page, ANSWERS["living"])
    bot_says(page, f"„{ANSWERS['living']}“")
    assert no_horizontal_scroll(page)
    check_axe(page, "chat page at 360 px")
    page.screenshot(path=artifact("chat-360.png"), full_page=True)
    box = page.locator("#choices button").first.bounding_box()
    assert box["height"] >= 44                                # touch target
    # 200 % zoom of a 1280 px window = 640 CSS px; WCAG reflow at 320 CSS px
    for width in (640, 320):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/chat", "/meine-daten", "/hilfe-in-not", "/"):
            page.goto(base + path)
            assert no_horizontal_scroll(page), (width, path)
    assert watch.problems == []


# ---------------------------------------------------------------- Rasa unreachable


@pytest.fixture(scope="module")
def offline_web(tmp_path_factory) -> Iterator[str]:
    """The same web app with Rasa not running (a closed port)."""
    from bot.storage.migrate import upgrade_to_head

    db_url = f"sqlite:///{tmp_path_factory.mktemp('offline') / 'web.db'}"
    upgrade_to_head(db_url)
    config = WebConfig(rasa_url=f"http://127.0.0.1:{free_port()}", database_url=db_url,
                       secret_key="rOyI5Mf_Kj7EBdq39smlwJ-htsywm43EJkdTBSYz05U")
    with uvicorn_serving(create_app(config), lifespan="auto") as url:
        yield url


def test_rasa_unreachable_keeps_the_text_and_offers_a_retry(offline_web, open_page):
    page, _ = open_page()
    start_chat(page, offline_web)
    alert = page.get_by_role("alert")
    alert.get_by_text(text("error_unavailable", False)).wait_for()
    retry = page.get_by_role("button", name=text("chat_retry", False))
    assert retry.is_visible()
    send(page, "Ich möchte tanzen gehen.")
    page.locator("#typing").wait_for(state="hidden")
    alert.get_by_text(text("error_unavailable", False)).wait_for()
    assert page.get_by_label(text("chat_input_label", False), exact=True).input_value() == (
        "Ich möchte tanzen gehen.")
    retry.click()
    page.locator("#typing").wait_for(state="hidden")
    assert retry.is_visible()
    assert page.locator("#log .msg").count() == 0


def test_erneut_senden_sends_the_same_message_id_marked_again(offline_web, open_page):
    """The web app can only tell a message whose answer got lost (not to be taken twice)
    from a new one if the browser sends the same id again (bot/web/chat.py, say)."""
    page, _ = open_page()
    bodies: list[dict] = []
    page.on("request", lambda request: bodies.append(request.post_data_json)
            if request.url.endswith("/api/message") else None)
    start_chat(page, offline_web)
    alert = page.get_by_role("alert")
    alert.get_by_text(text("error_unavailable", False)).wait_for()
    send(page, "Ich möchte tanzen gehen.")
    page.locator("#typing").wait_for(state="hidden")
    alert.get_by_text(text("error_unavailable", False)).wait_for()
    page.get_by_role("button", name=text("chat_retry", False)).click()
    page.locator("#typing").wait_for(state="hidden")
    send(page, "Etwas anderes.")                     # edited text: a new message
    page.locator("#typing").wait_for(state="hidden")
    assert [b["text"] for b in bodies] == ["Ich möchte tanzen gehen."] * 2 + ["Etwas anderes."]
    first, again, other = bodies
    assert re.fullmatch(r"[0-9a-f]{24}", first["id"])
    assert first["again"] is False and again["again"] is True and again["id"] == first["id"]
    assert other["again"] is False and other["id"] != first["id"]

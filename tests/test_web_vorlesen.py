"""Vorlesen (read aloud) in the web chat, issue 16 point 5, in a real browser (Debian's
chromium via Playwright) against the real web app on loopback with a real (temporary,
migrated) SQLite database.

The browser's speech synthesis is replaced by a recording fake (page.add_init_script): it
reports the voices a test gives it, records what is spoken (text, lang, voice) and fires
start, end and error as a browser does; a test ends an utterance when it wants to. Headless
chromium has no voices of its own, and a test run must stay silent.

Most tests talk to a scripted stand-in for Rasa on loopback, so that every bot message is
known exactly; the last one runs the real assistant (Rasa with the trained model, actions)
for one short conversation in Leichte Sprache."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from playwright.sync_api import expect

from bot.storage.migrate import upgrade_to_head
from bot.web.app import create_app
from bot.web.config import WebConfig
from bot.web.texts import text
from tests.support.browser import (
    artifact,
    axe_violations,
    format_violations,
    page_opener,
)
from tests.support.loopback import serving, uvicorn_serving

WAIT = 10_000        # ms for a state the page reaches at once (no Rasa involved)

# ---------------------------------------------------------------- the stand-in for Rasa

GREETING = ("Moin! Ich bin der LWIW-Assistent, ein Computerprogramm.",
            "Ich stelle Ihnen ein paar Fragen – eine nach der anderen.")
CONSENTED = "Vielen Dank für Ihr Einverständnis. Wie möchten Sie wohnen?"
EASY_ON = "Ab jetzt schreibe ich in Leichter Sprache.\nDas ist leichter zu lesen."
EASY_OFF = "Gut, ab jetzt schreibe ich wieder in normaler Sprache."
SUMMARY_ASK = "Zeigen Sie mir bitte meine Übersicht"
SUMMARY = "Ihre Übersicht ist fertig."
LINK_TITLE = "Meine Übersicht als PDF"


def echo(words: str) -> str:
    return f"Danke. Sie haben geschrieben: „{words}“ Erzählen Sie gern mehr."


def scripted_reply(message: str) -> list[dict]:
    """What the stand-in answers; the web app sends these messages (bot/web/chat.py)."""
    if message == "/greet":
        return [{"text": GREETING[0]}, {"text": GREETING[1]}]
    if message == "/affirm":
        return [{"text": CONSENTED}]
    if message == "/easy_language_on":
        return [{"text": EASY_ON}]
    if message == "/easy_language_off":
        return [{"text": EASY_OFF}]
    if message == SUMMARY_ASK:
        # Rasa sends the links as a custom payload of their own, after the text
        return [{"text": SUMMARY},
                {"custom": {"links": [{"title": LINK_TITLE, "href": "/meine-daten/export.pdf"}]}}]
    return [{"text": echo(message)}]


class StandInRasa(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        answer = json.dumps(scripted_reply(body["message"])).encode("utf-8")
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> Iterator[str]:
    """The real web app (uvicorn in this process) in front of the stand-in."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('vorlesen') / 'web.db'}"
    upgrade_to_head(db_url)
    with serving(StandInRasa) as rasa_url:
        config = WebConfig(rasa_url=rasa_url, database_url=db_url,
                           secret_key=secrets.token_urlsafe(32), messages_per_minute=1000)
        with uvicorn_serving(create_app(config), lifespan="auto") as url:
            yield url


# ---------------------------------------------------------------- the fake speech synthesis

def voice(name: str, lang: str, local: bool = True, default: bool = False) -> dict:
    return {"name": name, "voiceURI": name, "lang": lang, "localService": local,
            "default": default}


# the device's default is a German voice that sends the text to a server: never used
VOICES = [voice("Online Deutsch", "de-DE", local=False, default=True),
          voice("Daniel", "en-GB"), voice("Petra", "de-AT"), voice("Anna", "de-DE")]
LOCAL_GERMAN = "Anna"

FAKE_SPEECH = """
(() => {
  const spoken = [];
  let cancels = 0;
  class FakeSynthesis extends EventTarget {
    constructor(voices) {
      super();
      this.voices = voices; this.queue = []; this.current = null; this.paused = false;
    }
    get speaking() { return this.current !== null; }
    get pending() { return this.queue.length > 0; }
    getVoices() { return this.voices.slice(); }
    speak(utterance) {
      spoken.push({text: utterance.text, lang: utterance.lang,
                   voice: utterance.voice ? utterance.voice.name : null});
      this.queue.push(utterance);
      if (this.current === null) { this.next(); }
    }
    next() {
      const started = this.queue.shift() || null;
      this.current = started;
      if (started) {
        setTimeout(() => {
          if (this.current === started && started.onstart) { started.onstart(new Event("start")); }
        }, 0);
      }
    }
    cancel() {
      cancels += 1;
      const current = this.current, queued = this.queue;
      this.current = null; this.queue = [];
      if (current && current.onerror) { current.onerror({type: "error", error: "interrupted"}); }
      queued.forEach((u) => { if (u.onerror) { u.onerror({type: "error", error: "canceled"}); } });
    }
    pause() { this.paused = true; }
    resume() { this.paused = false; }
    /* test controls */
    finishCurrent() {
      const done = this.current;
      if (!done) { return null; }
      this.current = null;
      if (done.onend) { done.onend(new Event("end")); }
      if (this.current === null) { this.next(); }
      return done.text;
    }
    setVoices(voices) { this.voices = voices; this.dispatchEvent(new Event("voiceschanged")); }
  }
  /* the real utterance, but one that takes the fake voices (the real one takes only
     SpeechSynthesisVoice objects, which a page cannot make) */
  class RecordingUtterance extends window.SpeechSynthesisUtterance {
    constructor(words) { super(words); this.fakeVoice = null; }
    get voice() { return this.fakeVoice; }
    set voice(value) { this.fakeVoice = value; }
  }
  Object.defineProperty(window, "speechSynthesis",
                        {value: new FakeSynthesis(%s), configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance",
                        {value: RecordingUtterance, configurable: true, writable: true});
  Object.defineProperty(window, "__speech",
                        {value: {spoken: spoken, cancels: () => cancels}});
})();
"""

NO_SPEECH = """
delete window.speechSynthesis;
delete window.SpeechSynthesisUtterance;
"""


@pytest.fixture()
def open_page(browser):
    """`open_page(voices)`: a fresh page whose speech synthesis has these voices (None: a
    browser without speechSynthesis), and its Watch."""
    with page_opener(browser) as make:
        def opened(voices: list[dict] | None = VOICES):
            page, watch = make()
            if voices is None:
                page.add_init_script(NO_SPEECH)
            else:
                page.add_init_script(FAKE_SPEECH % json.dumps(voices))
            return page, watch
        yield opened


def spoken(page) -> list[dict]:
    return page.evaluate("() => window.__speech.spoken.slice()")


def spoken_texts(page) -> list[str]:
    return [item["text"] for item in spoken(page)]


def cancels(page) -> int:
    return page.evaluate("() => window.__speech.cancels()")


def finish_speaking(page) -> str | None:
    """The fake ends the utterance being spoken (as the voice reaching its end would)."""
    return page.evaluate("() => window.speechSynthesis.finishCurrent()")


# ---------------------------------------------------------------- the page

def start_chat(page, base: str, easy: bool = False) -> None:
    page.goto(base + "/")
    if easy:
        page.get_by_role("button", name=text("easy_switch", False)).click()
        page.get_by_text(text("start_intro", True)).wait_for()
    page.get_by_role("button", name=text("consent_yes", easy)).click()
    page.wait_for_url(base + "/chat")


def bot_message(page, fragment: str):
    """The bot's (last) message containing `fragment`, once it is there."""
    page.locator("#typing").wait_for(state="hidden")
    message = page.locator("#log .msg-bot", has=page.locator(".msg-text", has_text=fragment)).last
    message.wait_for()
    return message


def read_button(message):
    return message.locator("button.read-aloud-button")


def send(page, words: str) -> None:
    box = page.locator("#message")
    box.fill(words)
    box.press("Enter")


def excerpt(message_text: str) -> str:
    words = message_text.split()
    return " ".join(words[:6]) + (" …" if len(words) > 6 else "")


def read_label(message_text: str, easy: bool = False) -> str:
    return text("read_aloud_label", easy).replace("{excerpt}", excerpt(message_text))


def stop_label(message_text: str, easy: bool = False) -> str:
    return text("read_aloud_stop_label", easy).replace("{excerpt}", excerpt(message_text))


def auto_switch(page):
    return page.get_by_role("button", name=text("read_aloud_auto", False), exact=True)


def check_axe(page, where: str) -> None:
    violations = axe_violations(page)
    if violations:
        print(f"axe violations on {where}:\n{format_violations(violations)}")
    assert violations == [], where


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {label: el.getAttribute('aria-label') || '', text: (el.innerText || '').trim(),
                id: el.id, tag: el.tagName,
                ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
    }""")


# ---------------------------------------------------------------- reading one message

def test_vorlesen_reads_the_chosen_message_and_offers_stopp_while_speaking(web, open_page):
    page, watch = open_page()
    start_chat(page, web)
    first = bot_message(page, GREETING[0])
    second = bot_message(page, GREETING[1])
    bot_message(page, CONSENTED)
    # every message of the assistant has its button, the person's own messages none
    expect(page.locator("#log .msg-bot button.read-aloud-button")).to_have_count(3, timeout=WAIT)
    assert page.locator("#log .msg-you").count() == 1
    assert page.locator("#log .msg-you button").count() == 0
    assert page.locator("#read-aloud").is_visible()
    # standard German: offered, not switched on; nothing was read by itself
    expect(auto_switch(page)).to_have_attribute("aria-pressed", "false")
    assert spoken(page) == []

    button = page.get_by_role("button", name=read_label(GREETING[1]), exact=True)
    expect(button).to_have_text(text("read_aloud", False))
    check_axe(page, "chat with Vorlesen buttons")
    button.click()
    # the message's visible text, in German, with the local German voice
    assert spoken(page) == [{"text": GREETING[1], "lang": "de-DE", "voice": LOCAL_GERMAN}]
    speaking = read_button(second)
    expect(speaking).to_have_text(text("read_aloud_stop", False), timeout=WAIT)
    expect(speaking).to_have_attribute("aria-label", stop_label(GREETING[1]))
    check_axe(page, "chat while reading aloud")
    page.screenshot(path=artifact("chat-vorlesen.png"), full_page=True)
    assert finish_speaking(page) == GREETING[1]
    expect(speaking).to_have_text(text("read_aloud", False), timeout=WAIT)
    expect(speaking).to_have_attribute("aria-label", read_label(GREETING[1]))

    # "Stopp" stops at once, and only stops
    speaking.click()
    expect(speaking).to_have_text(text("read_aloud_stop", False), timeout=WAIT)
    before = cancels(page)
    speaking.click()
    expect(speaking).to_have_text(text("read_aloud", False), timeout=WAIT)
    assert cancels(page) > before
    assert spoken_texts(page) == [GREETING[1], GREETING[1]]

    # another message while one is read: the first one stops, its button says so
    speaking.click()
    expect(speaking).to_have_text(text("read_aloud_stop", False), timeout=WAIT)
    read_button(first).click()
    expect(read_button(first)).to_have_text(text("read_aloud_stop", False), timeout=WAIT)
    expect(speaking).to_have_text(text("read_aloud", False), timeout=WAIT)
    assert spoken_texts(page)[-1] == GREETING[0]
    assert finish_speaking(page) == GREETING[0]
    expect(read_button(first)).to_have_text(text("read_aloud", False), timeout=WAIT)

    # a message with links: its text and the links' titles, no hidden label, no button text
    send(page, SUMMARY_ASK)
    summary = bot_message(page, SUMMARY)
    summary.get_by_role("link", name=LINK_TITLE).wait_for()
    read_button(summary).click()
    said = spoken_texts(page)[-1]
    assert said == f"{SUMMARY} {LINK_TITLE}"
    assert text("chat_bot", False) not in said and text("read_aloud", False) not in said
    assert watch.problems == []                   # no script error, no CSP refusal


# ---------------------------------------------------------------- reading new messages

def test_new_messages_are_read_only_when_the_person_switched_it_on(web, open_page):
    page, watch = open_page()
    start_chat(page, web)
    bot_message(page, CONSENTED)
    expect(page.locator("#log button.read-aloud-button")).to_have_count(3, timeout=WAIT)

    send(page, "Ich möchte alleine wohnen.")
    reply = bot_message(page, echo("Ich möchte alleine wohnen."))
    expect(read_button(reply)).to_be_visible(timeout=WAIT)
    assert spoken(page) == []                     # off: nothing read by itself

    switch = auto_switch(page)
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => sessionStorage.getItem('lwiw-read-aloud')") == "on"
    send(page, "Mit meinem Hund.")
    reply = bot_message(page, echo("Mit meinem Hund."))
    expect(read_button(reply)).to_have_text(text("read_aloud_stop", False), timeout=WAIT)
    assert spoken(page) == [{"text": echo("Mit meinem Hund."), "lang": "de-DE",
                             "voice": LOCAL_GERMAN}]

    # the next message arrives while this one is still read: it stops, the new one is read
    before = cancels(page)
    send(page, "Und mit meiner Katze.")
    newer = bot_message(page, echo("Und mit meiner Katze."))
    expect(read_button(newer)).to_have_text(text("read_aloud_stop", False), timeout=WAIT)
    expect(read_button(reply)).to_have_text(text("read_aloud", False), timeout=WAIT)
    assert cancels(page) > before
    assert spoken_texts(page) == [echo("Mit meinem Hund."), echo("Und mit meiner Katze.")]
    assert finish_speaking(page) == echo("Und mit meiner Katze.")

    # the choice holds in this tab; the restored history is not read again
    page.reload()
    bot_message(page, echo("Und mit meiner Katze."))
    expect(page.locator("#log button.read-aloud-button")).to_have_count(6, timeout=WAIT)
    expect(auto_switch(page)).to_have_attribute("aria-pressed", "true")
    assert spoken(page) == []

    auto_switch(page).click()
    expect(auto_switch(page)).to_have_attribute("aria-pressed", "false")
    send(page, "Das war alles.")
    reply = bot_message(page, echo("Das war alles."))
    expect(read_button(reply)).to_be_visible(timeout=WAIT)
    assert spoken(page) == []
    assert watch.problems == []


def test_in_leichte_sprache_new_messages_are_read_unless_switched_off(web, open_page):
    page, watch = open_page()
    start_chat(page, web, easy=True)
    bot_message(page, CONSENTED)
    switch = page.get_by_role("button", name=text("read_aloud_auto", True), exact=True)
    expect(switch).to_have_attribute("aria-pressed", "true")   # nobody chose: on
    # the whole first answer (greeting and the reply to the consent), in order
    page.wait_for_function("() => window.__speech.spoken.length === 3", timeout=WAIT)
    assert spoken_texts(page) == [*GREETING, CONSENTED]
    first = read_button(bot_message(page, GREETING[0]))
    expect(first).to_have_text(text("read_aloud_stop", True), timeout=WAIT)
    expect(first).to_have_attribute("aria-label", stop_label(GREETING[0], easy=True))
    assert finish_speaking(page) == GREETING[0]
    expect(first).to_have_text(text("read_aloud", True), timeout=WAIT)
    expect(first).to_have_attribute("aria-label", read_label(GREETING[0], easy=True))
    expect(read_button(bot_message(page, GREETING[1]))).to_have_text(
        text("read_aloud_stop", True), timeout=WAIT)
    check_axe(page, "chat in Leichte Sprache while reading aloud")
    page.screenshot(path=artifact("chat-vorlesen-easy.png"), full_page=True)

    # standard German on the page's switch (no reload): the default follows, off
    page.locator("#easy-switch button").click()
    bot_message(page, EASY_OFF)
    expect(auto_switch(page)).to_have_attribute("aria-pressed", "false")
    expect(first).to_have_text(text("read_aloud", False), timeout=WAIT)
    expect(first).to_have_attribute("aria-label", read_label(GREETING[0]))
    assert EASY_OFF not in spoken_texts(page)

    # back to Leichte Sprache: on again, and the bot's answer is read (visible text: the
    # line break of Leichte Sprache is a space)
    page.locator("#easy-switch button").click()
    easy_on = read_button(bot_message(page, "Ab jetzt schreibe ich in Leichter Sprache."))
    expect(switch).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => window.__speech.spoken.length === 4", timeout=WAIT)
    assert spoken_texts(page)[-1] == " ".join(EASY_ON.split())
    expect(easy_on).to_have_text(text("read_aloud_stop", True), timeout=WAIT)

    # switched off while reading: it stops; and a person who switched it off in Leichte
    # Sprache keeps it off
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(easy_on).to_have_text(text("read_aloud", True), timeout=WAIT)
    assert page.evaluate("() => window.speechSynthesis.speaking") is False
    send(page, "Ich wohne gern hier.")
    reply = bot_message(page, echo("Ich wohne gern hier."))
    expect(read_button(reply)).to_have_text(text("read_aloud", True), timeout=WAIT)
    assert len(spoken(page)) == 4
    assert watch.problems == []


# ---------------------------------------------------------------- keyboard only

def test_vorlesen_by_keyboard_alone(web, open_page):
    page, watch = open_page()
    start_chat(page, web)
    bot_message(page, CONSENTED)
    expect(page.locator("#log button.read-aloud-button")).to_have_count(3, timeout=WAIT)
    page.locator("#message").focus()
    # backwards from the input field: the button of the last message comes first
    page.keyboard.press("Shift+Tab")
    now = focused(page)
    assert now["tag"] == "BUTTON" and now["label"] == read_label(CONSENTED), now
    assert now["ring"], "focus not visible"

    page.keyboard.press("Enter")
    assert spoken_texts(page) == [CONSENTED]
    page.wait_for_function(
        "(label) => document.activeElement.getAttribute('aria-label') === label",
        arg=stop_label(CONSENTED), timeout=WAIT)
    assert focused(page)["text"] == text("read_aloud_stop", False)   # focus stays on it
    page.keyboard.press("Space")                                   # Stopp
    page.wait_for_function(
        "(label) => document.activeElement.getAttribute('aria-label') === label",
        arg=read_label(CONSENTED), timeout=WAIT)
    page.keyboard.press("Space")
    assert spoken_texts(page) == [CONSENTED, CONSENTED]
    assert finish_speaking(page) == CONSENTED
    page.wait_for_function(
        "(label) => document.activeElement.getAttribute('aria-label') === label",
        arg=read_label(CONSENTED), timeout=WAIT)

    # the switch for new messages is reached by Tab as well
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        now = focused(page)
        assert now["ring"], f"focus not visible on {now}"
        if now["id"] == "read-aloud-auto":
            break
    else:
        raise AssertionError("the switch for new messages is not reachable by keyboard")
    page.keyboard.press("Space")
    expect(auto_switch(page)).to_have_attribute("aria-pressed", "true")
    assert watch.problems == []


# ---------------------------------------------------------------- no German voice

@pytest.mark.parametrize("voices", [
    pytest.param([], id="no-voices"),
    pytest.param([voice("Daniel", "en-GB"), voice("Amélie", "fr-FR")], id="no-german-voice"),
    pytest.param([voice("Online Deutsch", "de-DE", local=False, default=True)],
                 id="german-only-online"),
    pytest.param(None, id="no-speech-synthesis"),
])
def test_hidden_without_a_local_german_voice(web, open_page, voices):
    page, watch = open_page(voices)
    start_chat(page, web)
    bot_message(page, CONSENTED)
    if voices is None:
        assert page.evaluate("() => typeof window.speechSynthesis") == "undefined"
    else:
        assert page.evaluate("() => window.speechSynthesis.getVoices().length") == len(voices)
    send(page, "Ich möchte alleine wohnen.")
    bot_message(page, echo("Ich möchte alleine wohnen."))
    assert page.locator("#log .msg-bot").count() == 4
    assert page.locator("#log button").count() == 0
    assert page.locator("#read-aloud").is_hidden()
    if voices is not None:
        assert spoken(page) == []
    assert watch.problems == []


def test_voices_that_arrive_later_bring_the_buttons(web, open_page):
    page, watch = open_page([])
    start_chat(page, web)
    bot_message(page, CONSENTED)
    assert page.locator("#log button").count() == 0
    assert page.locator("#read-aloud").is_hidden()
    # as Chrome does: the voices come after the page, announced by voiceschanged
    page.evaluate("(voices) => window.speechSynthesis.setVoices(voices)", VOICES)
    expect(page.locator("#log .msg-bot button.read-aloud-button")).to_have_count(3, timeout=WAIT)
    expect(page.locator("#read-aloud")).to_be_visible(timeout=WAIT)
    assert spoken(page) == []                     # what was there is not read by itself
    read_button(bot_message(page, CONSENTED)).click()
    assert spoken(page)[-1]["voice"] == LOCAL_GERMAN
    # and go when the German voice does
    page.evaluate("(voices) => window.speechSynthesis.setVoices(voices)",
                  [voice("Daniel", "en-GB")])
    expect(page.locator("#log button")).to_have_count(0, timeout=WAIT)
    expect(page.locator("#read-aloud")).to_be_hidden(timeout=WAIT)
    assert watch.problems == []


# ---------------------------------------------------------------- with the real assistant

@pytest.mark.slow
def test_real_assistant_in_leichte_sprache_is_read_aloud(assistant, open_page):
    page, watch = open_page()
    start_chat(page, assistant.web_url, easy=True)
    bot_message(page, "Ist bei Ihnen gerade etwas dringend?")
    messages = page.locator("#log .msg-bot .msg-text")
    shown = [" ".join(words.split()) for words in messages.all_inner_texts()]
    assert len(shown) >= 2
    page.wait_for_function("(n) => window.__speech.spoken.length === n", arg=len(shown),
                           timeout=WAIT)
    said = spoken(page)
    assert [item["text"] for item in said] == shown            # all of it, in order
    assert {(item["lang"], item["voice"]) for item in said} == {("de-DE", LOCAL_GERMAN)}
    check_axe(page, "real chat in Leichte Sprache while reading aloud")

    before = cancels(page)
    page.locator("#choices").get_by_role("button", name="Nein", exact=True).click()
    page.wait_for_function("(n) => document.querySelectorAll('#log .msg-bot').length > n",
                           arg=len(shown), timeout=120_000)
    page.locator("#typing").wait_for(state="hidden")       # the whole answer is there
    new = [" ".join(words.split()) for words in messages.all_inner_texts()][len(shown):]
    page.wait_for_function("(n) => window.__speech.spoken.length === n",
                           arg=len(shown) + len(new), timeout=WAIT)
    assert spoken_texts(page)[len(shown):] == new            # the new answer, read by itself
    assert cancels(page) > before                 # what was still being read stopped
    expect(read_button(page.locator("#log .msg-bot").first)).to_have_text(
        text("read_aloud", True), timeout=WAIT)
    assert watch.problems == []

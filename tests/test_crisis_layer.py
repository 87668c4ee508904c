"""The crisis layer as a component (bot.crisis), in the NLU (CrisisGuard) and in the action
server (action_crisis, the caring question, escalation, markers), against a real SQLite
database. End-to-end tests through the REST channel: tests/test_e2e_crisis.py."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.crisis import ActionCrisis, ActionCrisisFollowup, says_crisis
from actions.forms import ValidateInterviewForm
from bot.crisis import ACUTE, CONCERN, assess
from bot.crisis.followup import NO, UNSURE, YES, about_unreached_help, reply
from bot.crisis.lexicon import SIGNALS_FILE, lexicon
from bot.nlp.crisis_guard import CrisisGuard, guarded_intent
from bot.settings import DATA_DIR
from tests.support.rasa_actions import domain

CRISIS_DATA = Path(__file__).parent / "data" / "crisis"
NUMBER = "0800 111 0 111"

# the hard negatives the issue names, and everyday sentences with the same words
HARD_NEGATIVES = [
    "ich will nicht mehr alleine wohnen", "ich kann keine Treppen mehr steigen",
    "meine Mutter ist vor zwei Jahren gestorben", "ich lach mich tot",
    "die Bürokratie macht mich fertig",
    "meine alten Bücher habe ich der Bücherhalle geschenkt",
    "ich will meinen Eltern nicht mehr zur Last fallen und lerne deshalb kochen",
    "ich bin letzte Woche gestürzt und hab mir das Knie aufgeschlagen",
    "ich springe im Sommer gern vom Dreier im Freibad",
    "in der Küche schneide ich Gemüse mit dem großen Messer",
    "meine Tabletten stelle ich mir selbst in die Wochenbox",
    "ich will mit dem Rauchen aufhören", "mein Leben soll wieder Sinn haben",
    # the everyday answer to "Was können Sie selbst?"
    "ich mach das selber", "ich mache es lieber selbst", "das mache ich alles selbst",
]
# one per category, written for this test
CRISIS = {
    "ich wünschte, ich würde morgen einfach nicht mehr aufwachen": CONCERN,
    "ich bin allen nur eine Last, ohne mich wären sie besser dran": CONCERN,
    "ich denke jeden Tag daran, mich umzubringen": ACUTE,
    "ich hab schon Tabletten gesammelt und einen Brief geschrieben": ACUTE,
    "ich hab mich heute wieder geritzt": ACUTE,
    "mein Sohn sagt, er will sich das Leben nehmen": ACUTE,
    "mein Mann schlägt mich gerade": ACUTE,
    "Familie ist mir wichtig, aber ich will eigentlich nicht mehr leben": ACUTE,
    "ik will nich mehr lebn": ACUTE,
}


def _nlu_examples():
    for path in sorted((DATA_DIR / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in item:
                for line in item["examples"].splitlines():
                    if line.strip().startswith("- "):
                        yield item["intent"], line.strip()[2:]


def test_hard_negatives_stay_quiet():
    assert [t for t in HARD_NEGATIVES if assess(t) is not None] == []


@pytest.mark.parametrize("text,level", CRISIS.items())
def test_each_category_is_caught_with_its_level(text, level):
    result = assess(text)
    assert result is not None and result.level == level, (text, result)


def test_nlu_training_data_agrees_with_the_crisis_layer():
    """No example of another intent is a crisis; every crisis example is one."""
    wrong = [(i, t) for i, t in _nlu_examples() if (i == "crisis") != (assess(t) is not None)]
    assert wrong == []


def test_bad_input_is_no_crisis_and_no_error():
    for text in ("", "   ", "🙂" * 500, "<script>alert(1)</script>", "\x00\x01binary",
                 "a" * 100_000):
        assert assess(text) is None


def _figures(part: str) -> tuple[dict[str, float], int, int]:
    """Recall per level; false alarms the layer decided; false alarms where it asked."""
    examples = yaml.safe_load((CRISIS_DATA / f"{part}.yml").read_text())["examples"]
    recall: dict[str, list[bool]] = {ACUTE: [], CONCERN: []}
    decided = asked = 0
    for example in examples:
        found = assess(example["text"])
        if example["label"] == "none":
            decided += found is not None and found.certain
            asked += found is not None and not found.certain
        else:
            recall[example["label"]].append(found is not None)
    return {k: sum(v) / len(v) for k, v in recall.items()}, decided, asked


# Regression guards at the figures reached (bench/crisis_eval.py prints them all): part,
# least recall acute and concern, most false alarms decided and asked. The held-out parts are
# read as figures only; where a guard moved, it followed a figure, nothing was tuned on it
# (docs/figures.md, "Crisis layer").
FIGURE_GUARDS = [
    # Sixth session (writers ah-an, asked from 0.35): every message caught, 9 everyday
    # messages caught, one of them decided. Seventh session (writers ao-at, asked from 0.32):
    # every message caught, 11 everyday messages asked, none decided. Eighth session (writers
    # au-aw, asked from 0.3, 25 everyday answers about where one lives): one concern message
    # of 119 missed, 12 asked, none decided. Ninth session (writers ax-az, asked from
    # 0.28): every message caught, 11 asked, none decided.
    ("dev", 0.99, 0.99, 1, 12),
    # 2026-12-01 (third session), after writers y and z: one acute message fewer (116 of 120)
    # and two everyday messages asked instead of decided. Fourth session (writers aa-ae,
    # n-grams of one message dropped, asked from 0.4): recall the same, 7 everyday messages
    # caught instead of 6, 2 of them decided. Fifth session (writers af, ag, the averaged
    # classifier): 3 caught, 1 decided. Sixth session: one concern message of 44 missed,
    # 5 everyday messages caught, 1 decided. Seventh session: two concern messages of 44
    # missed (one more), the same 5 everyday messages. Eighth session: one concern message
    # missed (one fewer), the same 5. Ninth session (writers ax-az, asked from 0.28): one
    # acute message more caught (117 of 120), every concern message, 6 everyday messages
    # caught (one more asked), 1 decided.
    ("heldout", 0.97, 0.99, 1, 5),
    # heldout_b.yml: other writers, written 2026-12-01 before it was read. Fifth session
    # (writers af, ag, the averaged classifier): 16 of 306 everyday messages caught instead
    # of 18, 3 decided instead of 2. Sixth session: 19 caught, 3 decided. Seventh: 17, 3.
    # Eighth (writers au-aw, asked from 0.3): 19, 3. Ninth (writers ax-az, asked from
    # 0.28): 20, 2.
    ("heldout_b", 0.98, 0.99, 2, 18),
    # heldout_c.yml: 14 other personas, written 2026-12-01 blind to the layer (first read on
    # the layer as it was, then after each session's changes). Fifth session (writers af, ag,
    # the averaged classifier): every crisis message caught, 24 everyday messages caught (4
    # decided) instead of 29 (5). Sixth session: 22 caught, 4 decided. Seventh: 24, 3.
    # Eighth: 20, 3. Ninth (writers ax-az, asked from 0.28): 21, 4.
    ("heldout_c", 0.99, 0.99, 4, 17),
    # heldout_d.yml: 15 new personas, written 2026-12-02 blind to the layer; first read on
    # the layer as it was (acute 1.0, concern 0.988, 24 everyday messages caught, 5 decided);
    # after writers af, ag and the averaged classifier one acute message of 190 missed, 18
    # everyday messages caught, 4 decided. Sixth session: 17 caught, 3 decided. Seventh
    # session: every acute message caught, two concern messages of 83 missed (one more),
    # 15 caught, 3 decided. Eighth session: the same recall, 18 caught, 2 decided. Ninth
    # session (writers ax-az, asked from 0.28): one concern message missed (one fewer), 16
    # caught, 2 decided.
    ("heldout_d", 0.99, 0.98, 2, 14),
    # heldout_e.yml: 12 new personas, written 2026-12-02 (sixth session) blind to the layer;
    # first read on the layer as committed before the session's changes (acute 0.981,
    # concern 1.0, 18 everyday messages caught, 3 decided); after writers ah-an and asking
    # from 0.35: acute 0.987, 19 caught, 4 decided. Seventh session: 18 caught, 2 decided.
    # Eighth session: acute 0.994 (153 of 154), 19 caught, 2 decided. Ninth session
    # (writers ax-az, asked from 0.28): the same recall, 19 caught, 2 decided.
    ("heldout_e", 0.99, 0.99, 2, 17),
    # heldout_f.yml: 12 new personas, written 2026-12-02 (seventh session) blind to the
    # layer; first read on the layer as committed before the session's changes (acute
    # 0.987, concern 1.0, 13 everyday messages caught, 1 decided); after writers ao-at and
    # asking from 0.32: acute 0.993 (151 of 152), 13 caught, none decided. Eighth session
    # (writers au-aw, asked from 0.3): the same recall, 10 caught, none decided.
    ("heldout_f", 0.99, 0.99, 0, 13),
    # heldout_g.yml: 12 new personas, written 2026-12-02 (eighth session) blind to the layer;
    # first read on the layer as committed before the session's changes: acute 0.993 (151 of
    # 152), concern 1.0, 20 everyday messages caught, 4 decided; after writers au-aw and
    # asking from 0.3: the same recall, 16 caught, 3 decided. Ninth session (writers ax-az,
    # asked from 0.28): the same recall, 17 caught, 4 decided.
    ("heldout_g", 0.99, 0.99, 4, 13),
    # heldout_h.yml: 12 new personas, written 2026-12-02 (ninth session) blind to the layer;
    # first read on the layer as committed before the session's changes: acute 0.993 (151 of
    # 152), concern 1.0, 16 everyday messages caught, 1 decided; after writers ax-az and
    # asking from 0.28: the same recall, 13 caught, 1 decided.
    ("heldout_h", 0.99, 0.99, 1, 12),
]


@pytest.mark.parametrize(("part", "acute", "concern", "most_decided", "most_asked"),
                         FIGURE_GUARDS)
def test_figures_do_not_fall_back(part, acute, concern, most_decided, most_asked):
    recall, decided, asked = _figures(part)
    assert recall[ACUTE] >= acute and recall[CONCERN] >= concern
    assert decided <= most_decided and asked <= most_asked


def test_guard_makes_a_crisis_and_takes_back_an_unconfirmed_guess():
    ranking = [{"name": "inform", "confidence": 0.9}, {"name": "crisis", "confidence": 0.1}]
    replacement, assessment = guarded_intent("ich bin allen nur eine Last", ranking[0],
                                             ranking)
    assert replacement == {"name": "crisis", "confidence": 1.0}
    assert assessment["level"] == CONCERN
    said_crisis = [{"name": "crisis", "confidence": 0.6}, {"name": "thank", "confidence": 0.35}]
    replacement, assessment = guarded_intent("ich bedanke mich", said_crisis[0], said_crisis)
    assert replacement == {"name": "thank", "confidence": 0.35} and assessment is None


def test_guard_component_puts_the_assessment_in_the_parse_data():
    from rasa.shared.nlu.training_data.message import Message

    message = Message.build(text="ich hab mich wieder geritzt")
    message.set("intent", {"name": "inform", "confidence": 0.8})
    message.set("intent_ranking", [{"name": "inform", "confidence": 0.8}])
    CrisisGuard({}).process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("crisis")["categories"] == ["self_harm"]


def test_followup_replies():
    assert reply("ja", "affirm", question_asked=True) == YES
    assert reply("manchmal schon", "inform", question_asked=True) == YES
    assert reply("nein, alles gut", "deny", question_asked=True) == NO
    assert reply("ich meine das ernst", "inform", question_asked=False) == YES
    # after help in English the insistence comes in English
    assert reply("I mean it", "inform", question_asked=False) == YES
    assert reply("i'm serious", "inform", question_asked=False) == YES
    # after acute help ("… Sind Sie in Gefahr? …") a typed "ja" brings the help once more;
    # a "nein" to a yes/no question asked again ("Gibt es noch mehr?"), a button or anything
    # else answers that question; a bare "nein" where an open question was asked again
    # ("Wie wollen Sie leben?") answers the help, not the question
    assert reply("ja", "affirm", question_asked=False) == YES
    assert reply("Ja!", "affirm", question_asked=False) == YES
    assert reply("/affirm", "affirm", question_asked=False) is None
    assert reply("nein", "deny", question_asked=False) is None
    assert reply("nein", "deny", question_asked=False, open_question=True) == NO
    assert reply("nein, meine Schwester", "inform", question_asked=False,
                 open_question=True) is None
    assert reply("ja, meine Schwester", "inform", question_asked=False) is None
    assert reply("Meine Schwester hilft mir", "inform", question_asked=True) is None


@pytest.mark.parametrize("text", ["weiß nicht", "weis nich", "vielleicht", "keine ahnung",
                                  "Ich weiß es nicht genau", "k.a.", "kann sein", "?",
                                  "mal so mal so"])
def test_an_unsure_answer_to_the_caring_question_is_taken_as_a_possible_yes(text):
    assert reply(text, "dont_know", question_asked=True) == UNSURE
    # after acute help (no question asked) it is no answer to anything of the layer's
    assert reply(text, "dont_know", question_asked=False) is None


@pytest.mark.parametrize(("text", "about_help"), [
    ("ich hab schon bei der telefonseelsorge angerufen aber da war besetzt", True),
    ("da geht keiner ran", True),
    ("ich kann nicht telefonieren, ich bin gehörlos", True),
    ("mein handy akku ist leer", True),
    ("bei der nummer nimmt niemand ab", True),
    ("ok, ich rufe da an", False),
    ("Ich telefoniere jeden Tag mit meiner Mutter.", False),
    ("Meine Schwester geht mit mir einkaufen.", False),
])
def test_help_not_reached_is_recognised(text, about_help):
    assert about_unreached_help(text) is about_help


@pytest.mark.parametrize("text", [
    "nein so mein ich das nicht, ich bin nur müde",
    "Nee, das war nur so dahingesagt. Der Tag war lang.",
    "nö ich bin einfach erschöpft vom amt",
    "Auf keinen Fall. Ich hab mich nur blöd ausgedrückt.",
])
def test_a_no_with_a_reason_is_a_no(text):
    assert reply(text, "crisis", question_asked=True, is_crisis=says_crisis) == NO
    # without the question, or without a check of the rest, it is no answer to it
    assert reply(text, "crisis", question_asked=False, is_crisis=says_crisis) is None
    assert reply(text, "crisis", question_asked=True) is None


@pytest.mark.parametrize("text", [
    "nein, aber manchmal wünsche ich mir, einfach nicht mehr aufzuwachen",
    "nee, ich will mich umbringen, nicht nur daran denken",
    "ne ganze Menge Gedanken daran hab ich",          # "ne" = "eine", not "nee"
    "gar nicht so selten, ehrlich gesagt",
    "nie wieder aufwachen wäre schön",
])
def test_a_no_whose_rest_is_a_crisis_or_no_no_at_all_is_not_a_no(text):
    assert reply(text, "crisis", question_asked=True, is_crisis=says_crisis) != NO


def test_a_no_taken_back_is_a_yes():
    assert reply("nein... doch, manchmal schon", "inform", question_asked=True,
                 is_crisis=says_crisis) == YES


# --- the action server -------------------------------------------------------------------

def tracker(text: str, slots: dict, intent: str = "crisis", parse: dict | None = None,
            events: list | None = None, active_loop: str | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    if parse:
        message["crisis"] = parse
    return Tracker(sender_id="p1", slots=slots, latest_message=message,
                   events=events or [{"event": "user", "text": text}], paused=False,
                   followup_action=None,
                   active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain()))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_concern_brings_numbers_and_one_question_and_a_marker(action_store):
    action_store.record_consent("p1", True)
    messages, slots = run(ActionCrisis(), tracker(
        "ich bin allen nur eine Last", {"consent": True},
        parse={"level": CONCERN, "categories": ["hopelessness_burden"]}))
    assert NUMBER in messages[0]["text"]
    assert messages[-1]["response"] == "utter_crisis_concern_question"
    assert slots["crisis_followup"] == CONCERN and slots["crisis_level"] == CONCERN
    markers = action_store.crisis_markers("p1")
    assert [(m.level, m.categories) for m in markers] == [(CONCERN, ("hopelessness_burden",))]
    assert action_store.active_answers("p1") == []


def test_a_repetition_escalates_to_acute(action_store):
    messages, slots = run(ActionCrisis(), tracker(
        "alles ist sinnlos", {"consent": False, "crisis_level": CONCERN},
        parse={"level": CONCERN, "categories": ["hopelessness_burden"]}))
    assert messages[0]["response"] == "utter_crisis_escalated"
    assert slots["crisis_level"] == ACUTE and messages[-1]["response"] == "utter_crisis_followup"
    # no consent: nothing stored, the marker waits in the tracker
    assert action_store.get_conversation("p1") is None
    assert slots["crisis_pending"][0]["level"] == ACUTE


def test_third_person_and_danger_bring_their_own_numbers(action_store):
    third, _ = run(ActionCrisis(), tracker("mein sohn will sich umbringen", {}, parse={
        "level": ACUTE, "categories": ["third_person"]}))
    assert "112" in third[0]["text"] and "Angehörige" in third[0]["text"]
    danger, _ = run(ActionCrisis(), tracker("er schlägt mich", {}, parse={
        "level": ACUTE, "categories": ["danger_from_others"]}))
    assert "110" in danger[0]["text"] and NUMBER in danger[1]["text"]


@pytest.mark.parametrize("waiting", [CONCERN, ACUTE])
def test_yes_inside_the_form_escalates_and_is_no_answer(action_store, waiting):
    """A yes to the caring question (concern), or a typed "ja" right after acute help, whose
    text asks "Sind Sie in Gefahr?": the help (again), never an answer to the guiding
    question the form asks ("Gut. Was noch?" would be the reply to a person in danger)."""
    action_store.record_consent("p1", True)
    slots = {"consent": True, "crisis_followup": waiting, "crisis_level": waiting,
             "requested_slot": "answer_living", "answer_living": "__more__",
             "ask_mode": "first"}
    events = [{"event": "slot", "name": "crisis_followup", "value": waiting},
              {"event": "user", "text": "ja"},
              {"event": "slot", "name": "answer_living", "value": "__more__"}]
    messages, result = run(ValidateInterviewForm(), tracker(
        "ja", slots, intent="affirm", events=events, active_loop="interview_form"))
    assert messages[0]["response"] == "utter_crisis_escalated"
    assert any(NUMBER in (m.get("text") or "") for m in messages)
    assert result["answer_living"] is None and result["crisis_level"] == ACUTE
    assert result["crisis_followup"] is None
    assert [m.level for m in action_store.crisis_markers("p1")] == [ACUTE]
    assert action_store.active_answers("p1") == []


def test_a_crisis_answer_is_never_stored_even_if_the_nlu_missed_it(action_store):
    action_store.record_consent("p1", True)
    text = "ich habe alles geregelt und meine Katze verschenkt, brauch ich bald nicht mehr"
    slots = {"consent": True, "requested_slot": "answer_living", "answer_living": text,
             "ask_mode": "first"}
    events = [{"event": "user", "text": text},
              {"event": "slot", "name": "answer_living", "value": text}]
    messages, result = run(ValidateInterviewForm(), tracker(
        text, slots, intent="inform", events=events, active_loop="interview_form"))
    assert any(NUMBER in (m.get("text") or "") for m in messages)
    assert result["answer_living"] is None
    assert action_store.active_answers("p1") == []


def test_no_to_the_question_outside_forms_is_thanked(action_store):
    events = [{"event": "slot", "name": "crisis_followup", "value": CONCERN},
              {"event": "user", "text": "nein"}]
    messages, slots = run(ActionCrisisFollowup(), tracker(
        "nein", {"crisis_followup": CONCERN, "stage": "done"}, intent="deny", events=events))
    assert messages[0]["response"] == "utter_crisis_concern_no"
    assert slots["crisis_followup"] is None


# --- the unsure band: ask, and on a "no" take the answer --------------------------------

UNSURE_TEXT = "irgendwie ist alles grau und ich weiß nicht, wie lange ich das noch mache"


def test_the_layer_asks_where_its_classifier_is_unsure(monkeypatch):
    """The rule around the classifier's probability (the probability itself is fixed here:
    the real classifier's figures are bench/crisis_cv.py's and bench/crisis_eval.py's)."""
    from bot.crisis import CLASSIFIER_THRESHOLD, LEXICON_VETO, UNSURE_THRESHOLD, classifier

    def assessed(text: str, probability: float):
        monkeypatch.setattr(classifier, "probability", lambda normal: probability)
        return assess(text)

    plain = "ich gehe gern im Stadtpark spazieren"
    unsure = assessed(plain, (UNSURE_THRESHOLD + CLASSIFIER_THRESHOLD) / 2)
    assert unsure.level == CONCERN and unsure.certain is False
    assert "unsure" in unsure.categories and unsure.as_dict()["certain"] is False
    assert assessed(plain, CLASSIFIER_THRESHOLD).certain is True
    assert assessed(plain, UNSURE_THRESHOLD - 0.01) is None
    # a pattern the classifier all but rules out is dropped; one it finds unlikely is asked
    # about (the pattern's category kept); otherwise the pattern decides
    explicit = "ich hab mich heute wieder geritzt"
    assert assessed(explicit, LEXICON_VETO - 0.01) is None
    doubted = assessed(explicit, LEXICON_VETO)
    assert doubted.level == CONCERN and doubted.certain is False
    assert doubted.categories == ("self_harm", "unsure")
    found = assessed(explicit, UNSURE_THRESHOLD)
    assert found.level == ACUTE and found.certain is True


OVERCOME = ("Mit 16 wollte ich mich umbringen. Seit der Therapie geht es mir gut, ich mache "
            "jetzt eine Ausbildung zur Gärtnerin.")
BACK_AGAIN = ("Mit 16 wollte ich mich umbringen. Seit der Therapie ging es mir gut, aber seit "
              "gestern sind die Gedanken wieder da.")


def test_a_crisis_told_as_past_and_overcome_is_not_asked_about_where_the_classifier_doubts(
        monkeypatch):
    """Told as past and better now: no question in the doubt band; told as back again, or a
    classifier that is sure: the layer speaks (probabilities fixed as above)."""
    from bot.crisis import CLASSIFIER_THRESHOLD, LEXICON_VETO, UNSURE_THRESHOLD, classifier

    def assessed(text: str, probability: float):
        monkeypatch.setattr(classifier, "probability", lambda normal: probability)
        return assess(text)

    # a pattern the classifier finds unlikely
    assert assessed(OVERCOME, LEXICON_VETO) is None
    assert assessed(BACK_AGAIN, LEXICON_VETO).certain is False
    assert assessed(OVERCOME, UNSURE_THRESHOLD).level == ACUTE
    # no pattern, the classifier unsure
    unsure = (UNSURE_THRESHOLD + CLASSIFIER_THRESHOLD) / 2
    dark = "Vor zwei Jahren war alles dunkel, ich war in der Klinik. Seitdem bin ich stabil."
    assert assessed(dark, unsure) is None
    assert assessed(dark + " Aber seit gestern ist es dunkel.", unsure).certain is False
    assert assessed(dark, CLASSIFIER_THRESHOLD).certain is True
    words = lexicon()
    assert words.told_as_overcome(words.normalised(
        "Damals in der Klinik, 2019. Heute bin ich stabil und arbeite."))
    assert not words.told_as_overcome(words.normalised("Heute geht es mir gut."))
    assert not words.told_as_overcome(words.normalised(
        "Früher hab ich mich geritzt, jetzt hab ich wieder angefangen."))


@pytest.mark.parametrize("said", ["ik weet dat nich", "ich weiß das nicht", "weet ik nich",
                                  "isch weiß das nisch", "Das weiß ich leider nicht so genau.",
                                  "wees ich nich, vielleicht später"])
def test_not_knowing_in_any_spelling_is_no_crisis(said):
    """The most frequent short answer: secrets in crisis messages ("die Betreuerin weiß das
    nicht", "dat weet keener") had made "weiß das" and "weet" look like a signal."""
    assert assess(said) is None


@pytest.mark.parametrize("said", ["Ik weet nich mehr wieder. Ik will dood.",
                                  "keiner weiß das, ich ritze mich jeden abend"])
def test_not_knowing_beside_a_signal_is_still_a_crisis(said):
    assert assess(said).level == ACUTE


def test_the_crisis_lexicon_has_no_repeated_keys():
    """YAML keeps only the last of two equal keys: a second `heute:` under `spellings` would
    silently drop the first one's variants."""
    class Strict(yaml.SafeLoader):
        pass

    def no_repeats(loader, node, deep=False):
        keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
        repeated = {k for k in keys if keys.count(k) > 1}
        assert not repeated, f"repeated keys in {SIGNALS_FILE.name}: {sorted(repeated)}"
        return loader.construct_mapping(node, deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_repeats)
    assert yaml.load(SIGNALS_FILE.read_text(encoding="utf-8"), Loader=Strict)["spellings"]


def _same_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def test_no_held_out_message_is_in_the_classifier_training_data():
    """Short messages recur across writers ("ich kann nicht mehr"); one that a training
    writer typed as well as a held-out writer would make the held-out figures a test on
    training data. Compared by their words (case and punctuation aside); no text printed."""
    from bot.crisis.classifier import training_examples

    held_out = {_same_words(item["text"])
                for path in sorted(CRISIS_DATA.glob("heldout*.yml"))
                for item in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]}
    assert len(held_out) > 1000
    shared = sum(_same_words(e.text) in held_out for e in training_examples())
    assert shared == 0, f"{shared} training messages are held-out messages"


def _asked_while_unsure(action_store) -> dict:
    """The unsure message inside the first guiding question: numbers and the question."""
    action_store.record_consent("p1", True)
    messages, slots = run(ActionCrisis(), tracker(
        UNSURE_TEXT, {"consent": True, "requested_slot": "answer_living"},
        parse={"level": CONCERN, "categories": ["passive_ideation", "classifier", "unsure"],
               "certain": False},
        active_loop="interview_form"))
    assert NUMBER in messages[0]["text"]
    assert messages[-1]["response"] == "utter_crisis_concern_question"
    assert slots["crisis_held"] == "answer_living" and slots["crisis_followup"] == CONCERN
    assert action_store.active_answers("p1") == []
    return slots


def _reply_in_form(reply_text: str, intent: str, asked: dict):
    slots = {"consent": True, "requested_slot": "answer_living", "ask_mode": "first",
             "answer_living": reply_text, **asked}
    events = [{"event": "user", "text": UNSURE_TEXT},
              {"event": "slot", "name": "crisis_followup", "value": CONCERN},
              {"event": "slot", "name": "crisis_held", "value": "answer_living"},
              {"event": "user", "text": reply_text},
              {"event": "slot", "name": "answer_living", "value": reply_text}]
    return run(ValidateInterviewForm(), tracker(reply_text, slots, intent=intent,
                                                events=events, active_loop="interview_form"))


def test_a_no_to_the_unsure_question_takes_the_message_as_the_answer(action_store):
    asked = _asked_while_unsure(action_store)
    messages, result = _reply_in_form("nein", "deny", asked)
    assert messages[0]["response"] == "utter_crisis_concern_no"
    assert [a.text for a in action_store.active_answers("p1")] == [UNSURE_TEXT]
    assert result["crisis_held"] is None and result["crisis_followup"] is None
    # noted like any answer; the form goes on with "Gibt es noch mehr?"
    assert messages[-1]["response"] == "utter_answer_noted"
    assert result["answer_living"] is None and result["ask_mode"] == "more"
    # the marker stays: a counsellor may still want to ask
    assert [m.level for m in action_store.crisis_markers("p1")] == [CONCERN]


def test_a_no_with_a_reason_releases_the_held_answer_though_the_nlu_says_crisis(action_store):
    """"nein, so mein ich das nicht, ich bin nur müde" looks like a crisis on its own; after
    the question it is a no: action_crisis leaves it to the form, which takes the answer."""
    asked = _asked_while_unsure(action_store)
    reply_text = "nein so mein ich das nicht, ich bin nur müde"
    crisis_messages, crisis_slots = run(ActionCrisis(), tracker(
        reply_text, {"consent": True, "requested_slot": "answer_living", **asked},
        events=[{"event": "user", "text": UNSURE_TEXT},
                {"event": "slot", "name": "crisis_followup", "value": CONCERN},
                {"event": "slot", "name": "crisis_held", "value": "answer_living"},
                {"event": "user", "text": reply_text}],
        parse={"level": CONCERN, "categories": ["classifier", "unsure"], "certain": False},
        active_loop="interview_form"))
    assert crisis_messages == [] and crisis_slots == {}
    messages, result = _reply_in_form(reply_text, "crisis", asked)
    assert messages[0]["response"] == "utter_crisis_concern_no"
    assert [a.text for a in action_store.active_answers("p1")] == [UNSURE_TEXT]
    assert result.get("crisis_level") != ACUTE
    assert [m.level for m in action_store.crisis_markers("p1")] == [CONCERN]


def _reply_outside_forms(reply_text: str, categories: list[str]):
    """The reply to the caring question after a concern outside forms, which the NLU took
    for a crisis again."""
    events = [{"event": "slot", "name": "crisis_followup", "value": CONCERN},
              {"event": "user", "text": reply_text}]
    return run(ActionCrisis(), tracker(
        reply_text, {"crisis_followup": CONCERN, "crisis_level": CONCERN, "stage": "done"},
        events=events, parse={"level": CONCERN, "categories": categories}))


def test_a_no_with_a_reason_outside_forms_is_thanked_not_escalated(action_store):
    messages, slots = _reply_outside_forms(
        "Nee, das war nur so dahingesagt. Der Tag war lang.", ["classifier"])
    assert messages[0]["response"] == "utter_crisis_concern_no"
    assert slots["crisis_followup"] is None and "crisis_level" not in slots


def test_a_no_followed_by_a_crisis_still_escalates(action_store):
    messages, slots = _reply_outside_forms(
        "nein, aber manchmal wünsche ich mir, einfach nicht mehr aufzuwachen",
        ["passive_ideation"])
    assert messages[0]["response"] == "utter_crisis_escalated"
    assert slots["crisis_level"] == ACUTE


def test_a_yes_to_the_unsure_question_escalates_and_stores_nothing(action_store):
    asked = _asked_while_unsure(action_store)
    messages, result = _reply_in_form("ja, schon", "affirm", asked)
    assert messages[0]["response"] == "utter_crisis_escalated"
    assert result["answer_living"] is None and result["crisis_held"] is None
    assert result["crisis_level"] == ACUTE
    assert action_store.active_answers("p1") == []


def test_a_no_after_a_certain_concern_takes_nothing_of_the_crisis(action_store):
    """Only the unsure band holds the whole answer: of a message the layer was sure of only
    sentences without a crisis may become the answer — here there are none."""
    action_store.record_consent("p1", True)
    _, asked = run(ActionCrisis(), tracker(
        "ich bin allen nur eine Last, ohne mich wären sie besser dran",
        {"consent": True, "requested_slot": "answer_living"},
        parse={"level": CONCERN, "categories": ["hopelessness_burden"]},
        active_loop="interview_form"))
    assert asked["crisis_held"] == "answer_living#part"
    messages, result = _reply_in_form("nein", "deny", asked)
    assert messages[0]["response"] == "utter_crisis_concern_no"
    assert action_store.active_answers("p1") == [] and result["answer_living"] is None


def test_only_a_free_text_question_holds_an_answer(action_store):
    """At consent or a yes/no question the unsure message is no answer to hold."""
    _, slots = run(ActionCrisis(), tracker(
        UNSURE_TEXT, {"requested_slot": "consent"},
        parse={"level": CONCERN, "categories": ["classifier", "unsure"], "certain": False},
        active_loop="onboarding_form"))
    assert slots["crisis_followup"] == CONCERN and slots["crisis_held"] is None


def test_only_the_sentences_without_a_crisis_are_kept_of_a_concern_message():
    from bot.crisis import without_crisis_sentences
    from bot.dialogue.crisis import held_answer, hold

    wish = "Ich möchte in Eimsbüttel bleiben, mit meinem Hund. Ich gehe gern in den Park."
    kept = without_crisis_sentences(
        f"{wish} Manchmal denke ich, es wäre besser, wenn ich nicht mehr aufwache.")
    assert kept == wish
    # nothing with content left, or a sentence that is a crisis only in its context
    assert without_crisis_sentences("Ich bin allen nur eine Last. Die wären ohne mich "
                                    "besser dran.") is None
    assert without_crisis_sentences("Ich habe alles geregelt. Bald ist es vorbei.") is None
    # the held slot says whether the whole message or only such a part may be the answer
    assert held_answer("no", hold("answer_living", whole=True)) == ("answer_living", True)
    assert held_answer("no", hold("answer_living", whole=False)) == ("answer_living", False)
    assert hold("item_decision", whole=False) is None          # only guiding answers
    assert held_answer("yes", hold("answer_living", whole=True)) is None


def test_an_unsure_message_after_an_earlier_crisis_is_asked_about_not_escalated(store):
    """After the help, "ich wohne bei meiner Mama" that the classifier doubts is no
    repetition: the caring question, and its words wait for the answer (kept on a "no")."""
    from bot.dialogue.crisis import respond

    unsure = {"level": CONCERN, "categories": ["classifier", "unsure"], "certain": False}
    turn = respond(store, "u1", unsure, previous_level=ACUTE, easy=False, consent=False,
                   text="ich wohne bei meiner Mama", held="answer_living")
    said = [reply.response for reply in turn.replies if reply.response]
    assert "utter_crisis_escalated" not in said and "utter_crisis_concern_question" in said
    assert turn.slots["crisis_held"] == "answer_living"
    assert turn.slots["crisis_level"] == ACUTE             # the highest level reached stays
    # a message the layer is sure of after an earlier crisis is a repetition: escalated
    sure = {"level": CONCERN, "categories": ["hopelessness_burden"]}
    again = respond(store, "u1", sure, previous_level=CONCERN, easy=False, consent=False,
                    text="ich bin allen nur eine Last", held="answer_living")
    assert again.replies[0].response == "utter_crisis_escalated"
    assert again.slots["crisis_level"] == ACUTE and again.slots["crisis_held"] is None

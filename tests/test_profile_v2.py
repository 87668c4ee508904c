"""Profile version 2 end to end: statuses in the person's words in the built profile (valid
against schema/profile-2.schema.json), in the export (HTML in both registers, JSON), in
"Meine Antworten" and the staff console's sections; old version-1 exports read as version
2; read-back corrections made on version-1 items carried over."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from html import unescape

import pytest
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from bot.export import export_conversation, render_html
from bot.profile import build_profile, validation_errors
from bot.profile.compat import load_profile
from bot.profile.items import V1_PREFIX
from bot.profile.migrate import migrate_conversation, migrate_decisions
from bot.profile.schema import ProfileInvalid, schema_path
from bot.web.app import create_app
from tests.support.web_app import make_config, session_of

TODAY = date(2026, 11, 21)

ANSWERS = [
    ("living", "Ich möchte nach Eimsbüttel ziehen, im Sommer 2026 hat es nicht geklappt."),
    ("living", "Ich will wieder arbeiten, am liebsten nächstes Jahr."),
    ("self", "Kochen kann ich, aber das Putzen schaffe ich nicht mehr allein. "
             "Früher hatte ich ein Hörgerät, einen Rollator habe ich."),
    ("people", "Mein Sohn hilft mir mit den Briefen."),
    ("neighbourhood", "Ich wohne in Jenfeld. In die Bücherhalle gehe ich jede Woche, "
                      "früher war ich im Sportverein. Ins Bürgerhaus komme ich nicht rein, "
                      "da gibt es keinen Aufzug."),
    ("professional", "Der Pflegedienst kommt morgens, ich hätte gern noch jemanden für die "
                     "Behördenpost."),
]


@pytest.fixture()
def store(dated_store):
    return dated_store


def fill(store, sender: str = "v2") -> str:
    store.record_consent(sender, True)
    for question_id, text in ANSWERS:
        store.add_answer(sender, question_id, text)
        store.set_question_state(sender, question_id, "answered")
    return sender


def items(profile: dict, *path: str) -> list[dict]:
    node = profile
    for key in path:
        node = node[key]
    return node


def test_schema_2_is_valid_and_version_1_is_kept_for_old_documents():
    for version in ("1", "2"):
        schema = json.loads(schema_path(version).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["properties"]["schema_version"] == {"const": version}


def test_built_profile_gives_every_status_in_the_persons_words(store):
    profile = build_profile(store, fill(store), today=TODAY)
    assert validation_errors(profile) == [] and profile["schema_version"] == "2"
    personal = {(p["kind"], p["text"]) for p in items(profile, "resources", "personal")}
    assert ("limitation", "das Putzen schaffe ich nicht mehr allein") in personal
    assert ("ability", "Kochen kann ich") in personal
    assert {(a["aid"], a["status"]) for a in items(profile, "resources", "aids")} == {
        ("hearing_aid", "used_before"), ("rollator", "used")}
    places = {p["label"]: (p["status"], p["barrier"])
              for p in items(profile, "resources", "neighbourhood")}
    assert places == {"Bücherhalle": ("uses", None), "Sportverein": ("used_before", None),
                      "Bürgerhaus": ("barrier", "keinen Aufzug")}
    professional = items(profile, "resources", "professional")
    assert [h["words"] for h in professional["received"]] == ["Pflegedienst"]
    assert [h["words"] for h in professional["wished"]] == ["jemanden für die Behördenpost"]
    # the home is where the person lives now; the wish to move is a goal
    assert profile["person"]["quarter"]["value"] == "Jenfeld"
    goals = items(profile, "will", "goals")
    moving = next(g for g in goals if g["move_to"])
    assert moving["move_to"] == "Eimsbüttel"
    # "im Sommer 2026" said in November 2026 gives no start date in the past
    assert all(g["start_date"] is None or g["start_date"] >= TODAY.isoformat() for g in goals)
    work = next(g for g in goals if "arbeiten" in g["text"])
    assert (work["start"], work["start_date"]) == ("nächstes Jahr", "2027-01-01")
    social = items(profile, "resources", "social")
    assert [(p["who"], p["helps_with"]) for p in social if p["sector"] != "professional"] == [
        ("Sohn", "den Briefen")]
    # every item keeps the exact span of the words it came from
    answers = {a["id"]: a["text"] for a in profile["answers"]}
    every = [*items(profile, "resources", "personal"), *items(profile, "resources", "aids"),
             *items(profile, "resources", "neighbourhood"), *professional["received"],
             *professional["wished"], *goals, *items(profile, "resources", "social")]
    for item in every:
        start, end = item["span"]
        assert answers[item["answer_id"]][start:end] == item["text"]


def test_schema_rejects_a_version_1_status(store):
    profile = build_profile(store, fill(store), today=TODAY)
    broken = copy.deepcopy(profile)
    broken["resources"]["neighbourhood"][0]["status"] = "wished"
    assert any("status" in e for e in validation_errors(broken))


def _sections(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(("easy", "limitation_heading", "received_heading", "wished_heading"), [
    (False, "Das fällt mir schwer", "Hilfe, die ich schon bekomme",
     "Hilfe, die ich mir wünsche"),
    (True, "Das ist schwer für mich", "Diese Hilfe bekomme ich schon",
     "Diese Hilfe wünsche ich mir"),
])
def test_export_puts_limitations_and_received_help_under_their_own_headings(
        store, easy, limitation_heading, received_heading, wished_heading):
    sender = fill(store)
    html = export_conversation(store, sender, "html", easy=easy, today=TODAY)[0].decode()
    text = _sections(html)
    ability_heading = "Das kann ich selbst"
    # the limitation stands under its own heading, never under "Das kann ich selbst"
    abilities = text.index(ability_heading)
    limitations = text.index(limitation_heading)
    assert abilities < text.index("Kochen kann ich", abilities) < limitations
    assert text.index("das Putzen schaffe ich nicht mehr allein", limitations) > limitations
    assert "das Putzen schaffe ich nicht mehr allein" not in text[abilities:limitations]
    # help the person gets is under "bekomme ich schon", the wish under its own heading
    received = text.index(received_heading)
    wished = text.index(wished_heading)
    assert received < text.index("Pflegedienst", received) < wished
    own_words = text.index("Meine Worte" if easy else "In eigenen Worten", wished)
    assert "Pflegedienst" not in text[wished:own_words]
    assert text.index("jemanden für die Behördenpost", wished) > wished
    # places: used before and out of reach with the barrier in the person's words
    assert ("komme ich nicht hin: keinen Aufzug" in text
            or "Da komme ich nicht hin: keinen Aufzug" in text)
    assert ("früher" in text) and ("hatte ich früher" in text if easy else
                                   "früher genutzt" in text)


def test_json_export_is_version_2(store):
    content, _ = export_conversation(store, fill(store), "json", today=TODAY)
    document = json.loads(content)
    assert document["schema_version"] == "2" and validation_errors(document) == []


# --- old exports -------------------------------------------------------------------------

def version_1_document(profile: dict) -> dict:
    """A version-1 export of the same conversation, as the old builder wrote it."""
    old = json.loads(re.sub(r'"(aid_v2|place_v2|personal_v2|help|home):',
                            lambda m: '"' + V1_PREFIX[m.group(1)] + ":", json.dumps(profile)))
    old["schema_version"] = "1"
    old.pop("authorship", None)                  # who is writing came with issue 16
    for answer in [*old["answers"], *old["will"]["own_words"]]:
        answer.pop("voice", None)
    for key in ("quarter", "district"):
        if old["person"][key]:
            old["person"][key].pop("span", None)
    for item in [*old["will"]["important"], *old["will"]["change"], *old["contribution"],
                 *old["resources"]["personal"], *old["resources"]["social"]]:
        item.pop("span", None)
    for goal in old["will"]["goals"]:
        for key in ("span", "move_to"):
            goal.pop(key, None)
    for aid in old["resources"]["aids"]:
        for key in ("span", "start", "start_date"):
            aid.pop(key)
        if aid["status"] == "used_before":
            aid["status"] = "used"
    for place in old["resources"]["neighbourhood"]:
        for key in ("span", "start", "start_date", "barrier"):
            place.pop(key)
        place["status"] = {"wishes": "wished", "uses": "uses"}.get(place["status"], "uses")
    for kind in ("received", "wished"):
        old["resources"]["professional"][kind] = [
            {k: v for k, v in h.items() if k in ("key", "answer_id", "confirmed", "decision",
                                                  "correction", "text")}
            for h in old["resources"]["professional"][kind]]
    return old


def test_an_old_version_1_export_is_read_as_version_2_and_renders(store):
    profile = build_profile(store, fill(store), today=TODAY)
    old = version_1_document(profile)
    assert validation_errors(old, "1") == []
    upgraded = load_profile(json.dumps(old))
    assert upgraded["schema_version"] == "2" and upgraded["upgraded_from"] == "1"
    assert validation_errors(upgraded) == []
    html = render_html(upgraded, today=TODAY)
    assert "Hilfe, die ich schon bekomme" in html
    assert load_profile(profile) is profile  # version 2 is taken as it is
    with pytest.raises(ProfileInvalid):
        load_profile({**old, "schema_version": "7"})


# --- decisions made on version-1 items ---------------------------------------------------

def test_version_1_corrections_are_carried_over_and_confirmations_never_misattached(store):
    sender = fill(store)
    answers = {a.question_id: a.id for a in store.active_answers(sender)}
    self_id = answers["self"]
    # what a person did with the version-1 read-back of the answer about themself
    store.decide_item(sender, f"aid:{self_id}:0", "corrected",
                      "Ein Hörgerät hatte ich früher mal")
    store.decide_item(sender, f"aid:{self_id}:1", "confirmed")
    carried = migrate_conversation(store, sender, today=TODAY)
    assert len(carried) == 1 and carried[0][0] == f"aid:{self_id}:0"
    profile = build_profile(store, sender, today=TODAY)
    aids = {a["aid"]: a for a in profile["resources"]["aids"]}
    assert aids["hearing_aid"]["decision"] == "corrected"
    assert aids["hearing_aid"]["correction"] == "Ein Hörgerät hatte ich früher mal"
    # the version-1 confirmation is not attached to whatever item is second now
    assert aids["rollator"]["decision"] == "open"
    assert migrate_decisions(store, today=TODAY) == {}  # nothing carried twice


# --- "Meine Antworten" and the staff console ---------------------------------------------

@pytest.fixture()
def client(db_url: str):
    with TestClient(create_app(make_config(db_url))) as test_client:
        yield test_client


def test_my_answers_page_shows_what_was_understood_under_the_new_headings(client, db_url):
    from bot.storage.repository import Store

    client.get("/")
    cid = session_of(client)["cid"]
    store = Store(db_url)
    fill(store, cid)
    page = _sections(client.get("/meine-daten").text)
    assert "So hat der Assistent Ihre Antworten verstanden" in page
    assert "Das fällt mir schwer „das Putzen schaffe ich nicht mehr allein“" in page
    assert "Hilfe, die ich schon bekomme Pflegedienst" in page
    assert "Bürgerhaus: komme ich nicht hin: keinen Aufzug" in page
    assert "Sportverein: früher" in page


def test_staff_console_sections_show_the_new_statuses(store):
    from bot.web.staff.templating import make_templates
    from bot.web.staff.texts import staff_texts

    profile = build_profile(store, fill(store), today=TODAY)
    env = make_templates().env
    for section, expected in (
            ("resources_personal", ["Das fällt der Person schwer", "früher genutzt"]),
            ("resources_neighbourhood", ["kommt nicht hin: keinen Aufzug", "früher genutzt"]),
            ("professional", ["Hilfe, die die Person schon bekommt", "Pflegedienst"])):
        html = env.get_template(f"_section_{section}.html").render(profile=profile,
                                                                    t=staff_texts())
        text = _sections(html)
        for words in expected:
            assert words in text, (section, words)

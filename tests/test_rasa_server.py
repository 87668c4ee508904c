"""bot/rasa_server.py: Rasa's server with its action-reply check and event lookup computed
once — the same answers as Rasa's own code, for valid and invalid input. That a failed
action ends the turn unsaved with an empty reply is shown with the real Rasa and action
servers (tests/test_e2e_conversation.py, the action server killed mid-conversation)."""

from __future__ import annotations

import asyncio
import dis
import json

import jsonschema
import pytest
from rasa.core import run
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.forms import ValidationAction

from bot import rasa_server

ORIGINAL_VALIDATE = RemoteAction._validate_action_result
ORIGINAL_RESOLVE = Event.resolve_by_type
ORIGINAL_RUN_ACTION = MessageProcessor._run_action
ORIGINAL_LOAD_AGENT = run.load_agent_on_start
ORIGINAL_MODEL_LOAD = RasaModel.load.__func__
ORIGINAL_SPACY_LOAD = SpacyNLP.load_model
ORIGINAL_CALL_FORMAT = RemoteAction._action_call_format
ORIGINAL_SESSION = EndpointConfig.session

VALID = {"events": [{"event": "slot", "name": "ask_mode", "value": "more"}],
         "responses": [{"response": "utter_answer_noted", "answer": "kochen"}]}
INVALID = [
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": 42}]},
    {"responses": "not a list"},
]


@pytest.fixture()
def installed():
    rasa_server.install()
    yield
    RemoteAction._validate_action_result = ORIGINAL_VALIDATE
    Event.resolve_by_type = staticmethod(ORIGINAL_RESOLVE)
    MessageProcessor._run_action = ORIGINAL_RUN_ACTION
    run.load_agent_on_start = ORIGINAL_LOAD_AGENT
    RasaModel.load = classmethod(ORIGINAL_MODEL_LOAD)
    SpacyNLP.load_model = staticmethod(ORIGINAL_SPACY_LOAD)
    RemoteAction._action_call_format = ORIGINAL_CALL_FORMAT
    EndpointConfig.session = ORIGINAL_SESSION


def test_valid_action_reply_passes_like_before(installed):
    action = RemoteAction("action_x", None)
    assert action._validate_action_result(VALID) is True
    assert ORIGINAL_VALIDATE(action, VALID) is True


@pytest.mark.parametrize("reply", INVALID)
def test_invalid_action_reply_fails_with_rasas_message(installed, reply):
    action = RemoteAction("action_x", None)
    with pytest.raises(jsonschema.ValidationError) as ours:
        action._validate_action_result(reply)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        ORIGINAL_VALIDATE(action, reply)
    assert ours.value.message == theirs.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_event_types_resolve_as_before_and_are_kept(installed):
    for event_class in (UserUttered, ActionExecuted, SlotSet):
        name = event_class.type_name
        assert Event.resolve_by_type(name) is ORIGINAL_RESOLVE(name) is event_class
        assert Event.resolve_by_type(name) is event_class            # from what was kept
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    # a stored tracker event turns into the same object
    data = {"event": "slot", "name": "ask_mode", "value": "more", "timestamp": 1.0}
    assert Event.from_parameters(data) == SlotSet("ask_mode", "more", timestamp=1.0)


def test_install_twice_wraps_the_lookup_once(installed):
    rasa_server.install()
    assert getattr(Event.resolve_by_type, "lwiw_cached", False)
    assert Event.resolve_by_type("slot") is SlotSet
    assert MessageProcessor._run_action.__wrapped__ is ORIGINAL_RUN_ACTION
    assert run.load_agent_on_start.__wrapped__ is ORIGINAL_LOAD_AGENT
    assert RasaModel.load.__wrapped__ is ORIGINAL_MODEL_LOAD
    assert SpacyNLP.load_model.__wrapped__ is ORIGINAL_SPACY_LOAD
    assert RemoteAction._action_call_format.__wrapped__ is ORIGINAL_CALL_FORMAT
    assert EndpointConfig.session.__wrapped__ is ORIGINAL_SESSION


def test_the_patches_refuse_a_rasa_version_they_were_not_written_for():
    import rasa

    assert rasa.__version__ == rasa_server.PATCHED_FOR       # the locked version passes
    rasa_server.check_version()
    with pytest.raises(rasa_server.UnexpectedRasaVersion, match="3.7.0"):
        rasa_server.check_version("3.7.0")


DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [inform]
slots:
  answer_living:
    type: text
    mappings: [{type: from_text}]
forms:
  interview_form:
    required_slots: [answer_living]
responses:
  utter_noted: [{text: "Notiert: {answer}"}]
""")


def tracker_with_words() -> DialogueStateTracker:
    words = "Ich wohne in Barmbek/Nord, 3. OG – mit Hund 🐕 und 0,5 Stellen"
    return DialogueStateTracker.from_events("person", [
        ActionExecuted("action_listen", timestamp=1.0),
        UserUttered(words, {"name": "inform", "confidence": 0.1 + 0.2},
                    parse_data={"intent_ranking": [{"name": "inform", "confidence": 1e-7}]},
                    timestamp=2.0),
        SlotSet("answer_living", words, timestamp=3.0),
    ], DOMAIN.slots)


def test_the_domain_goes_only_to_actions_that_read_it(installed):
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    tracker = tracker_with_words()
    for name in ("validate_interview_form", "action_validate_slot_mappings"):
        sent = RemoteAction(name, endpoint)._action_call_format(tracker, DOMAIN)
        assert sent == ORIGINAL_CALL_FORMAT(RemoteAction(name, endpoint), tracker, DOMAIN)
        assert sent["domain"] == DOMAIN.as_dict()
    for name in ("action_ask_answer_living", "action_crisis"):
        sent = RemoteAction(name, endpoint)._action_call_format(tracker, DOMAIN)
        full = ORIGINAL_CALL_FORMAT(RemoteAction(name, endpoint), tracker, DOMAIN)
        assert "domain" not in sent and sent == {k: v for k, v in full.items() if k != "domain"}


def _reads(function, name: str) -> bool:
    code = function.__code__
    return name in code.co_cellvars or any(
        i.opname in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE") and i.argval == name
        for i in dis.get_instructions(code))


def test_only_validation_actions_read_the_domain():
    """Every action of ours that Rasa sends no domain (rasa_sdk gives it ``{}``) never
    reads its `domain` argument; the ones that do are named so that they get it."""
    executor = ActionExecutor()
    executor.register_package("actions")
    assert len(executor.actions) > 20
    for name, run_action in executor.actions.items():
        owner = run_action.__self__
        if isinstance(owner, ValidationAction):
            assert rasa_server.needs_domain(name), name
        elif not rasa_server.needs_domain(name):
            assert not _reads(run_action.__func__, "domain"), name


def test_action_requests_carry_the_same_json_values(installed):
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    sent = RemoteAction("validate_interview_form", endpoint)._action_call_format(
        tracker_with_words(), DOMAIN)
    encoded = rasa_server.encode_json(sent)
    assert json.loads(encoded) == json.loads(json.dumps(sent)) == sent
    assert encoded != json.dumps(sent)                  # ujson's, not the standard library's

    async def session_encoder():
        async with endpoint.session() as session:
            return session.json_serialize

    assert asyncio.run(session_encoder()) is rasa_server.encode_json

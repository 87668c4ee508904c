"""bot/rasa_server.py: Rasa's server with its action-reply check and event lookup computed
once — the same answers as Rasa's own code, for valid and invalid input. That a failed
action ends the turn unsaved with an empty reply is shown with the real Rasa and action
servers (tests/test_e2e_conversation.py, the action server killed mid-conversation)."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core import run
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.utils.tensorflow.models import RasaModel

from bot import rasa_server

ORIGINAL_VALIDATE = RemoteAction._validate_action_result
ORIGINAL_RESOLVE = Event.resolve_by_type
ORIGINAL_RUN_ACTION = MessageProcessor._run_action
ORIGINAL_LOAD_AGENT = run.load_agent_on_start
ORIGINAL_MODEL_LOAD = RasaModel.load.__func__
ORIGINAL_SPACY_LOAD = SpacyNLP.load_model

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


def test_the_patches_refuse_a_rasa_version_they_were_not_written_for():
    import rasa

    assert rasa.__version__ == rasa_server.PATCHED_FOR       # the locked version passes
    rasa_server.check_version()
    with pytest.raises(rasa_server.UnexpectedRasaVersion, match="3.7.0"):
        rasa_server.check_version("3.7.0")

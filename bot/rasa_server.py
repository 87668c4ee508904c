"""`python -m bot.rasa_server run ...`: Rasa's own command line, with two fixes for speed and
one for reliability.

The speed fixes were found with py-spy on the Rasa server under bench/conversation_load.py;
neither changes what Rasa does, only how often it recomputes the same thing.

1. Rasa 3.6 checks every action server reply with ``jsonschema.validate(result, schema)``. That
function validates the *schema itself* against its meta-schema on every call, and with the
jsonschema 4.17 that Rasa allows, the meta-schema is draft 2020-12 (``$dynamicRef``): about
60 % of the Rasa server's CPU time per message went there (py-spy, bench/conversation_load.py).
Here the validator is built and the schema checked once; every reply is validated exactly
as before.
2. Loading a tracker turns every stored event into an object; for each event Rasa searches
all subclasses of ``Event`` for the type name (``Event.resolve_by_type``), about 9 % of the
server's time. The classes do not change once Rasa is imported, so the answer is kept.

The reliability fix: when an action fails (the action server is down or restarting, or
answers with an error), Rasa 3.6 logs it, drops the action's events and goes on with the
turn: the form's validation is skipped but the slot Rasa filled from the message is saved, a
form is marked as run without its `active_loop`, the rules find no next step and the person
reads "Das habe ich leider nicht verstanden" — and that half turn is saved. Here such a turn
ends at once and is not saved (the tracker is saved only at the end of a turn), and the reply
is empty: the web app answers 503 and the chat offers "Erneut senden", which sends the same
message into the unchanged conversation. Our actions can run twice for that reason and are
written for it (e.g. `Store.add_answer_once`).

The access fix: every request must carry our internal secret (bot/internal_auth.py), so that
only the web app can read or write a conversation through the REST webhook; the liveness
check ``GET /`` stays open. Rasa refuses to start without ``LWIW_INTERNAL_SECRET``.

Training and the other rasa commands stay plain ``python -m rasa``.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Same checks and the same error as RemoteAction._validate_action_result."""
    from jsonschema import exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    error = exceptions.best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        f"from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _cached_resolve_by_type(original: Any) -> Any:
    known: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        if type_name in known:
            return known[type_name]
        found = original(type_name, default)
        if found is not None and found is not default:
            known[type_name] = found
        return found

    return resolve_by_type


class TurnAborted(Exception):
    """An action of this turn failed; the turn is not saved and nothing is answered."""


def _abort_turn_on_failed_action(original: Any) -> Any:
    async def run_action(self: Any, action: Any, tracker: Any, output_channel: Any, nlg: Any,
                         prediction: Any) -> bool:
        from rasa.core.actions.action import ActionExecutionRejection

        failures: list[Exception] = []
        run = action.run

        async def watched_run(*args: Any, **kwargs: Any) -> Any:
            try:
                return await run(*args, **kwargs)
            except ActionExecutionRejection:
                raise                      # a form rejecting its slot: normal dialogue
            except Exception as error:
                failures.append(error)
                raise

        action.run = watched_run           # this instance only (Rasa makes one per step)
        result = await original(self, action, tracker, output_channel, nlg, prediction)
        if failures:
            # replies of this turn's earlier steps are not sent either: the person sends the
            # message again and gets the whole turn's replies then
            collected = getattr(output_channel, "messages", None)
            if isinstance(collected, list):
                collected.clear()
            raise TurnAborted(f"action {action.name()} failed") from failures[0]
        return result

    run_action.lwiw_aborts = True
    run_action.__wrapped__ = original
    return run_action


def _guarded_configure_app(original: Any) -> Any:
    """rasa.core.run.configure_app, whose Sanic app then refuses requests without our
    internal secret (read from the environment when the server is configured)."""

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        from bot.internal_auth import RASA_OPEN_PATHS, install_sanic_guard, secret_from_env

        secret = secret_from_env()
        return install_sanic_guard(original(*args, **kwargs), secret, RASA_OPEN_PATHS)

    configure_app.lwiw_guarded = True
    configure_app.__wrapped__ = original
    return configure_app


# the Rasa version the patches below were written and tested for (requirements.lock)
PATCHED_FOR = "3.6.21"


class UnexpectedRasaVersion(RuntimeError):
    """The patches replace private Rasa methods: on another version they may be wrong."""


def check_version(version: str | None = None) -> None:
    """Fails loudly on a Rasa version the patches were not written for."""
    if version is None:
        from rasa import __version__ as version
    if version != PATCHED_FOR:
        raise UnexpectedRasaVersion(
            f"bot/rasa_server.py patches Rasa {PATCHED_FOR}, but Rasa {version} is installed: "
            "check each patch against the new Rasa (RemoteAction._validate_action_result, "
            "MessageProcessor._run_action, rasa.core.run.configure_app, "
            "Event.resolve_by_type), then update PATCHED_FOR")


def install() -> None:
    check_version()
    from rasa.core import run
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = _validate_action_result
    if not getattr(MessageProcessor._run_action, "lwiw_aborts", False):
        MessageProcessor._run_action = _abort_turn_on_failed_action(MessageProcessor._run_action)
    if not getattr(run.configure_app, "lwiw_guarded", False):
        run.configure_app = _guarded_configure_app(run.configure_app)
    if not getattr(Event.resolve_by_type, "lwiw_cached", False):
        resolve = _cached_resolve_by_type(Event.resolve_by_type)
        resolve.lwiw_cached = True
        Event.resolve_by_type = staticmethod(resolve)


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.argv[0] = "rasa"
    main()

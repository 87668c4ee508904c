"""`python -m bot.rasa_server run ...`: Rasa's own command line, with two fixes for speed.

Both were found with py-spy on the Rasa server under bench/conversation_load.py; neither
changes what Rasa does, only how often it recomputes the same thing.

1. Rasa 3.6 checks every action server reply with ``jsonschema.validate(result, schema)``. That
function validates the *schema itself* against its meta-schema on every call, and with the
jsonschema 4.17 that Rasa allows, the meta-schema is draft 2020-12 (``$dynamicRef``): about
60 % of the Rasa server's CPU time per message went there (py-spy, bench/conversation_load.py).
Here the validator is built and the schema checked once; every reply is validated exactly
as before.
2. Loading a tracker turns every stored event into an object; for each event Rasa searches
all subclasses of ``Event`` for the type name (``Event.resolve_by_type``), about 9 % of the
server's time. The classes do not change once Rasa is imported, so the answer is kept.

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


def install() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = _validate_action_result
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

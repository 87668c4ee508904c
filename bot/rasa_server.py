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

3. Every call to the action server carried the whole domain (75 kB of JSON: every response in
both registers) and was encoded with the standard library's ``json``: encoding the request
was 8 % of the Rasa server's time under 20 conversations (py-spy). Here the domain goes
only to the actions that read it — a form's validation action (rasa_sdk's
``FormValidationAction``, which Rasa calls ``validate_<form>``) and rasa_sdk's global
``action_validate_slot_mappings``; rasa_sdk hands every other action ``{}``, which none of
ours reads (``tests/test_rasa_server.py`` checks each action's code) — and the request is
encoded with ``ujson`` (a Rasa dependency): the same JSON values, decoded alike
(``tests/test_rasa_server.py``).

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

The memory fixes (bench/memory.py: the Rasa server 1,888 -> 1,028 MB, 2026-12-01): a loaded
model predicts exactly as before (every intent ranking and FAQ ranking on 300 NLU examples
compared, value for value).

1. ``RasaModel.load`` (DIET, the FAQ selector) trains the empty model on one example to
create its variables: that traces Keras' whole training step and creates the optimizer's
slots, which the checkpoint then fills (two thirds of the FAQ selector's file) and nothing
ever reads. Here one forward pass in training mode creates the same variables, and the
checkpoint's optimizer values are left unread (``expect_partial``): about 450 MB less, and
the two models load in 8 s instead of 25. Fine-tuning (``rasa train --finetune``) keeps
Rasa's own load.
2. Rasa's graph loads the spaCy pipeline twice (the ``provide`` node and the ``run`` node of
``SpacyNLP``; only the first one's is used): here both get the same loaded pipeline (about
140 MB).
3. TensorFlow's lite utilities import JAX when it is installed (it is, beside TensorFlow):
blocked, nothing here uses it (about 50 MB).
4. After the model is loaded, the memory freed while loading is handed back to the system
(``malloc_trim``, about 16 MB; a no-op where the C library has no such call).

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


# the actions that read the domain Rasa sends: a form's validation action (Rasa names it
# validate_<form>) and rasa_sdk's global slot validation
GLOBAL_SLOT_VALIDATION = "action_validate_slot_mappings"


def needs_domain(action_name: str) -> bool:
    return action_name.startswith("validate_") or action_name == GLOBAL_SLOT_VALIDATION


def _domain_only_where_read(original: Any) -> Any:
    """RemoteAction._action_call_format without the domain for an action that never reads
    it (rasa_sdk then passes ``{}``, module docstring)."""

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        result = original(self, tracker, domain)
        if not needs_domain(self.name()):
            result.pop("domain", None)
        return result

    _action_call_format.lwiw_lean = True
    _action_call_format.__wrapped__ = original
    return _action_call_format


def encode_json(data: Any) -> str:
    """The request body for the action server: ujson (about twice as fast), the same JSON
    values as ``json.dumps`` (without its spaces; tests/test_rasa_server.py)."""
    import ujson

    return ujson.dumps(data, ensure_ascii=True, escape_forward_slashes=False)


def _fast_json_session(original: Any) -> Any:
    """EndpointConfig.session, whose requests encode their JSON body with `encode_json`."""

    def session(self: Any) -> Any:
        created = original(self)
        if not hasattr(created, "_json_serialize"):
            raise UnexpectedRasaVersion("aiohttp.ClientSession has no _json_serialize: "
                                        "check bot/rasa_server.py's session patch")
        created._json_serialize = encode_json
        return created

    session.lwiw_fast_json = True
    session.__wrapped__ = original
    return session


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


def _lean_model_load(original: Any) -> Any:
    """RasaModel.load without the training step that only creates the variables (see the
    module's docstring); the same weights, the same first prediction to trace the graph."""

    def load(cls: Any, model_file_name: str, model_data_example: Any,
             predict_data_example: Any = None, finetune_mode: bool = False, *args: Any,
             **kwargs: Any) -> Any:
        if finetune_mode:
            return original(cls, model_file_name, model_data_example, predict_data_example,
                            finetune_mode, *args, **kwargs)
        import tensorflow as tf
        from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
        from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                      run_eagerly=config.get(RUN_EAGERLY))
        batch_in, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
        model._training = True          # the layers Rasa's one-example training builds
        try:
            model.batch_loss(batch_in)
        finally:
            model._training = None
        model.load_weights(model_file_name).expect_partial()    # without optimizer slots
        if predict_data_example:
            model.run_inference(predict_data_example)
        return model

    load.lwiw_lean = True
    load.__wrapped__ = original
    return load


def release_free_memory() -> bool:
    """Hands memory freed by the C allocator back to the system (glibc's malloc_trim);
    False where there is no such call."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False


def _trimmed_after_load(original: Any) -> Any:
    """rasa.core.run.load_agent_on_start, then release_free_memory()."""

    async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
        agent = await original(*args, **kwargs)
        release_free_memory()
        return agent

    load_agent_on_start.lwiw_trimmed = True
    load_agent_on_start.__wrapped__ = original
    return load_agent_on_start


# modules that Rasa's dependencies import if installed, and that the server never uses
UNUSED = ("jax",)


def keep_unused_out() -> None:
    """`import jax` fails in this process (TensorFlow's lite utilities then go without)."""
    for name in UNUSED:
        if sys.modules.get(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]


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
            "rasa.core.run.load_agent_on_start, Event.resolve_by_type, RasaModel.load, "
            "SpacyNLP.load_model, RemoteAction._action_call_format, "
            "EndpointConfig.session), then update PATCHED_FOR")


def install() -> None:
    check_version()
    from rasa.core import run
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.core.events import Event
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.tensorflow.models import RasaModel

    RemoteAction._validate_action_result = _validate_action_result
    if not getattr(RemoteAction._action_call_format, "lwiw_lean", False):
        RemoteAction._action_call_format = _domain_only_where_read(
            RemoteAction._action_call_format)
    if not getattr(EndpointConfig.session, "lwiw_fast_json", False):
        EndpointConfig.session = _fast_json_session(EndpointConfig.session)
    if not getattr(MessageProcessor._run_action, "lwiw_aborts", False):
        MessageProcessor._run_action = _abort_turn_on_failed_action(MessageProcessor._run_action)
    if not getattr(run.configure_app, "lwiw_guarded", False):
        run.configure_app = _guarded_configure_app(run.configure_app)
    if not getattr(Event.resolve_by_type, "lwiw_cached", False):
        resolve = _cached_resolve_by_type(Event.resolve_by_type)
        resolve.lwiw_cached = True
        Event.resolve_by_type = staticmethod(resolve)
    if not getattr(run.load_agent_on_start, "lwiw_trimmed", False):
        run.load_agent_on_start = _trimmed_after_load(run.load_agent_on_start)
    if not getattr(RasaModel.load, "lwiw_lean", False):
        RasaModel.load = classmethod(_lean_model_load(RasaModel.load.__func__))
    if not hasattr(SpacyNLP.load_model, "cache_info"):
        # one loaded pipeline per name (the pipeline is only read)
        SpacyNLP.load_model = staticmethod(lru_cache(maxsize=None)(SpacyNLP.load_model))


def main() -> None:
    keep_unused_out()
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.argv[0] = "rasa"
    main()

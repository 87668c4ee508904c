"""Processes that never run a Rasa model keep TensorFlow out.

spaCy imports thinc, and thinc imports TensorFlow whenever it is installed (it is: Rasa needs
it) — about 1.5 s and several hundred MB per process, and TensorFlow's log lines on stderr,
for nothing: our spaCy pipeline and the crisis classifier do not use it. The action server,
the web app and the `lwiw` command line call `keep_tensorflow_out()` first; only the Rasa
server (bot/rasa_server.py) and `rasa train` load it. `LWIW_ALLOW_TENSORFLOW=1` turns the
block off (bench/memory.py measures the difference in the same run).
"""

from __future__ import annotations

import sys

from bot.settings import env_value

BLOCKED = ("tensorflow",)


def keep_tensorflow_out() -> bool:
    """Makes `import tensorflow` fail in this process (thinc then goes without it). Returns
    whether the block is on; a no-op when TensorFlow is already imported."""
    # only this one setting: the others are read (and checked) later, by the process itself
    if env_value("allow_tensorflow"):
        return False
    if any(name in sys.modules and sys.modules[name] is not None for name in BLOCKED):
        return False
    for name in BLOCKED:
        sys.modules[name] = None  # type: ignore[assignment]
    return True

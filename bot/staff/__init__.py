"""The Teilhabeteam's side (issue 6): staff accounts and their login, console sessions,
notes ("Sicht der Fachkraft"), the audit log, the conversation list and retention.

The web console lives in bot/web/staff/; this package holds everything that is not HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.storage.models import utcnow

Clock = Callable[[], datetime]
ROLES = ("counsellor", "admin")


def system_clock() -> datetime:
    """Now, as naive UTC (how every time is stored)."""
    return utcnow()

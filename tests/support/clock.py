"""A clock that moves only when told: tests give the same result on every day of the year."""

from __future__ import annotations

from datetime import datetime, timedelta

# the day the tests' fixed dates (TODAY = 2026-11-21 in several files) were written for
FIXED_NOW = datetime(2026, 11, 21, 9, 0, 0)


class FixedClock:
    """A clock for `Store(clock=...)` and the staff console: naive UTC, moves only when
    told, so that a test gives the same result on every day of the year."""

    def __init__(self, start: datetime = FIXED_NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

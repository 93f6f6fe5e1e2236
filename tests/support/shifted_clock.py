"""Runs the suite as if it were another day: ``DIARY_TEST_NOW=+365d`` (days ahead of the real
clock) or ``DIARY_TEST_NOW=2027-01-13T00:00:00Z`` (an instant). The check that the suite does
not age: its dates come from the real now, so they must hold on any day.

The wall clock moves (``time.time``, ``datetime.now`` and the rest, in every thread) and keeps
ticking from there; the monotonic clock, sleeps and timeouts are left alone. time-machine does
it, in this process only: a subprocess the tests start reads the real clock. Debian's
libfaketime, which would reach subprocesses too, cannot run this interpreter: faking the
monotonic clock turns every timed lock wait into one of a year, and leaving it alone makes
``time.sleep`` fail with EINVAL.
"""

import os
import re
from datetime import UTC, datetime, timedelta

import time_machine

VARIABLE = "DIARY_TEST_NOW"


def shifted_now(value: str, *, now: datetime) -> datetime:
    """The instant ``value`` names: ``+<days>d`` after ``now``, or an ISO instant with its offset."""
    days = re.fullmatch(r"\+(\d+)d", value.strip())
    if days:
        return now + timedelta(days=int(days.group(1)))
    instant = datetime.fromisoformat(value.strip())
    if instant.tzinfo is None:
        raise ValueError(f"{VARIABLE}={value!r}: give the instant's offset (Z or +hh:mm)")
    return instant.astimezone(UTC)


def real_clock() -> datetime:
    """The machine's clock, which the shifted one leaves alone: what OpenSSL checks a
    certificate's validity against."""
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(UTC)
    return datetime.now(UTC)


def _travel(value):
    if not value:
        return None
    traveller = time_machine.travel(shifted_now(value, now=datetime.now(UTC)), tick=True)
    traveller.start()
    return traveller


# Started on import (tests/conftest.py names this plugin first), not in pytest_configure: pytest
# loads the conftest files of the paths it is given before it configures, and they compute dates.
_traveller = _travel(os.environ.get(VARIABLE))


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config):
    if _traveller is not None:
        return f"{VARIABLE}: the wall clock reads {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"
    return None

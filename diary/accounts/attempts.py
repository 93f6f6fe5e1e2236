"""Guess limits that hold under concurrency (ASVS 6.3.1, 6.1.1).

A guess (a password, a one-time code, an invite) is counted in the rate
limiter's storage *before* it is checked, with the storage's atomic
increment, and given back when it turns out right. However many requests
arrive at once, at most ``amount`` guesses per key and window are ever
evaluated: the rest are answered 429 without looking at the password.
Counting after the answer, as Flask-Limiter's ``deduct_when`` does, let 24
concurrent wrong guesses all be evaluated.

What a request costs someone else, an email it sends, is counted the same
way (``take``), and never given back.
"""

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from limits import parse

from .. import database
from ..errors import ApiError, limiter_outage
from ..extensions import limiter

STEPS = 15  # a window is counted in steps of a fifteenth (a minute of "5 per 15 minutes")


@dataclass(frozen=True)
class GuessLimit:
    """At most ``limit`` (e.g. "5 per 15 minutes") unanswered-or-wrong guesses per key
    in any window of that length: a sliding window, counted in steps.

    A fixed window (the storage's own) let four guesses just before it reset
    and five just after through: nine in twenty seconds. Each guess is counted
    in the step it falls in, and a guess is refused while the steps of the last
    window (the current step and the ``STEPS`` before it: a window plus at most
    a step) hold ``amount`` already.
    """

    scope: str
    limit: str

    @property
    def item(self):
        return parse(self.limit)

    @property
    def step_seconds(self) -> float:
        return self.item.get_expiry() / STEPS

    def step_key(self, key: str, step: int) -> str:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
        parts = (prefix, "guesses", self.scope, key, str(step))
        return self.item.key_for(*(part for part in parts if part))

    def steps(self, key: str, now: float) -> list[tuple[int, str]]:
        """The (step, storage key) pairs of the window ending at ``now``, oldest first, and the
        next step: a guess counted there by a request that read the clock after this one (or
        on a host whose clock is ahead) is seen, not missed at a step's edge."""
        current = int(now // self.step_seconds)
        return [(step, self.step_key(key, step)) for step in range(current - STEPS, current + 2)]

    @property
    def key_expiry(self) -> int:
        """A step's counter outlives the windows that count it: a window and a step."""
        return math.ceil(self.item.get_expiry() + self.step_seconds)

    def step_counts(self, key: str, now: float) -> list[tuple[int, int]]:
        """(step, guesses counted in it) over the window ending at ``now``, oldest first."""
        return [(step, limiter.storage.get(storage_key)) for step, storage_key in self.steps(key, now)]

    def counted(self, key: str, now: float | None = None) -> int:
        """The guesses counted against ``key`` in the window ending at ``now`` (default: now)."""
        now = time.time() if now is None else now
        return sum(count for _, count in self.step_counts(key, now))

    def retry_after(self, counts: list[tuple[int, int]], now: float) -> int:
        """Seconds until enough of the window's guesses (``step_counts``) have aged out for one more."""
        total, free_at = sum(count for _, count in counts), now
        for step, count in counts:
            if total < self.item.amount:
                break
            total -= count
            free_at = (step + STEPS + 1) * self.step_seconds  # when that step leaves the window
        return max(1, math.ceil(free_at - now))

    def count_one(self, key: str, now: float) -> str:
        """Counts a guess in the current step; returns its storage key (to give it back)."""
        storage_key = self.step_key(key, int(now // self.step_seconds))
        limiter.storage.incr(storage_key, self.key_expiry)
        return storage_key


class _Taken:
    def __init__(self, keys):
        self._keys = keys  # (GuessLimit, storage key) pairs counted for this guess

    def succeeded(self):
        """The guess was right: it does not count against anyone."""
        _give_back(self._keys)
        self._keys = []


def _give_back(keys) -> None:
    storage = limiter.storage
    for limit, storage_key in keys:
        if storage.get(storage_key) > 0:
            storage.incr(storage_key, limit.key_expiry, amount=-1)


def take(*limits: tuple[GuessLimit, str], message: str | None = None) -> list:
    """Counts one against each ``(limit, key)``; returns the ``(limit, storage key)`` pairs counted.
    When any is used up: 429 with ``Retry-After`` (and ``message``), and nothing counted."""
    taken: list = []
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return taken
    for limit, key in limits:
        now = time.time()
        taken.append((limit, limit.count_one(key, now)))
        counts = limit.step_counts(key, now)
        if sum(count for _, count in counts) > limit.item.amount:
            # Never done, so nothing counted against any of them: a patient who taps
            # again while refused is not kept out longer than the window says.
            _give_back(taken)
            raise ApiError(429, message=message, headers={"Retry-After": str(limit.retry_after(counts, now))})
    limiter_outage(current_app).succeeded()  # counted: the storage answers (again)
    return taken


@contextmanager
def guess(*limits: tuple[GuessLimit, str]):
    """Counts one guess against each ``(limit, key)``; 429 with ``Retry-After`` when any is used up.

    Call ``.succeeded()`` on what it yields when the guess was right. A wrong
    guess (or an error) keeps its count, except a 503: the password was never checked.
    """
    attempt = _Taken(take(*limits))
    try:
        yield attempt
    except Exception as error:
        # Refused before the password was checked: the hashing is busy (503), or the database is away.
        if (isinstance(error, ApiError) and error.status == 503) or database.unavailable(error) is not None:
            attempt.succeeded()
        raise

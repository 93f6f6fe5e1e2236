"""Guess limits that hold under concurrency (ASVS 6.3.1, 6.1.1).

A guess (a password, a one-time code, an invite) is counted in the rate
limiter's storage *before* it is checked, with the storage's atomic
increment, and given back when it turns out right. However many requests
arrive at once, at most ``amount`` guesses per key and window are ever
evaluated: the rest are answered 429 without looking at the password.
Counting after the answer, as Flask-Limiter's ``deduct_when`` does, let 24
concurrent wrong guesses all be evaluated.
"""

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from limits import parse

from .. import database
from ..errors import ApiError
from ..extensions import limiter


@dataclass(frozen=True)
class GuessLimit:
    """At most ``limit`` (e.g. "5 per 15 minutes") unanswered-or-wrong guesses per key."""

    scope: str
    limit: str

    @property
    def item(self):
        return parse(self.limit)

    def storage_key(self, key: str) -> str:
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
        return self.item.key_for(*(part for part in (prefix, "guesses", self.scope, key) if part))


class _Taken:
    def __init__(self, keys):
        self._keys = keys  # (GuessLimit, storage key) pairs counted for this guess

    def succeeded(self):
        """The guess was right: it does not count against anyone."""
        for limit, key in self._keys:
            _give_back(limit, key)
        self._keys = []


def _give_back(limit: GuessLimit, key: str) -> None:
    storage = limiter.storage
    if storage.get(key) > 0:
        storage.incr(key, limit.item.get_expiry(), amount=-1)


@contextmanager
def guess(*limits: tuple[GuessLimit, str]):
    """Counts one guess against each ``(limit, key)``; 429 with ``Retry-After`` when any is used up.

    Call ``.succeeded()`` on what it yields when the guess was right. A wrong
    guess (or an error) keeps its count, except a 503: the password was never checked.
    """
    taken = []
    if current_app.config.get("RATELIMIT_ENABLED", True):
        storage = limiter.storage
        for limit, key in limits:
            storage_key = limit.storage_key(key)
            taken.append((limit, storage_key))
            if storage.incr(storage_key, limit.item.get_expiry()) > limit.item.amount:
                wait = max(1, math.ceil(storage.get_expiry(storage_key) - time.time()))
                for earlier, earlier_key in taken[:-1]:  # never evaluated, so not a guess against them
                    _give_back(earlier, earlier_key)
                raise ApiError(429, headers={"Retry-After": str(wait)})
    attempt = _Taken(taken)
    try:
        yield attempt
    except Exception as error:
        # Refused before the password was checked: the hashing is busy (503), or the database is away.
        if (isinstance(error, ApiError) and error.status == 503) or database.unavailable(error) is not None:
            attempt.succeeded()
        raise

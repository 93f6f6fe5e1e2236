"""Password hashing with argon2id (ASVS 5 appendix C), cost from configuration.

A hash costs about 270 ms of CPU and 64 MiB. So that a burst of logins cannot
starve the clinic, each worker process hashes on at most
``PASSWORD_HASH_CONCURRENCY`` threads of its own, at a lower CPU priority
(nice +10: on a busy machine the check-ins and worklists go first, on an
idle one the hash runs at full speed). A request that finds them all busy
waits up to ``PASSWORD_HASH_WAIT_SECONDS`` (one waiter per hashing thread; any
more are refused at once), then gets 503 with Retry-After.
"""

import contextlib
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from ..errors import ApiError
from ..i18n import N_

MIN_LENGTH, MAX_LENGTH = 12, 128
HASHING_NICENESS = 10
RETRY_AFTER_SECONDS = 2


class _Hashers:
    """This process's hashing threads and the semaphore in front of them (created after gunicorn forks)."""

    def __init__(self, size):
        self.size = size
        self.slots = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        self.waiting = 0
        self.pool = ThreadPoolExecutor(
            max_workers=size, thread_name_prefix="argon2", initializer=_lower_priority
        )

    def run(self, function, *args, wait):
        # At most one request waits per hashing thread: the rest are refused at once, so
        # waiting logins never take up the threads the other requests need.
        with self.lock:
            admitted = self.waiting < self.size
            self.waiting += admitted
        if not admitted:
            raise _busy()
        try:
            acquired = self.slots.acquire(timeout=wait)
        finally:
            with self.lock:
                self.waiting -= 1
        if not acquired:
            raise _busy()
        try:
            return self.pool.submit(function, *args).result()
        finally:
            self.slots.release()


def _busy():
    return ApiError(
        503,
        message=N_("Many people are logging in at once. Please try again in a moment."),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


_hashers: dict[tuple[int, int], _Hashers] = {}  # by process id and size: a forked child builds its own
_hashers_lock = threading.Lock()


def _lower_priority():
    """The hashing thread (and argon2's lane threads, which inherit it) yields the CPU to requests."""
    # On Linux a thread has a nice value of its own. Not permitted here: hash at normal priority, bounded.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


def _bounded(function, *args):
    config = current_app.config
    key = (os.getpid(), config["PASSWORD_HASH_CONCURRENCY"])
    hashers = _hashers.get(key)
    if hashers is None:
        with _hashers_lock:
            hashers = _hashers.get(key) or _hashers.setdefault(key, _Hashers(key[1]))
    return hashers.run(function, *args, wait=config["PASSWORD_HASH_WAIT_SECONDS"])


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("diary.password_hasher")
    if hasher is None:
        config = current_app.config
        hasher = PasswordHasher(
            time_cost=config["PASSWORD_HASH_TIME_COST"],
            memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
            parallelism=config["PASSWORD_HASH_PARALLELISM"],
        )
        current_app.extensions["diary.password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _bounded(_hasher().hash, password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches. With no stored hash, still spends the time of a check."""
    hasher = _hasher()
    if stored_hash is None:
        _bounded(_verify, hasher, _dummy_hash(), password + "\0")
        return False
    return _bounded(_verify, hasher, stored_hash, password)


def _verify(hasher, stored_hash, password):
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def _dummy_hash() -> str:
    dummy = current_app.extensions.get("diary.dummy_hash")
    if dummy is None:
        dummy = current_app.extensions["diary.dummy_hash"] = _bounded(_hasher().hash, "not a real password")
    return dummy


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def password_problems(password: str, context=()) -> list[str]:
    """What is wrong with a new password; ``context`` holds the user's own words (email, name).

    Length only, no composition rules (ASVS 6.2.1, 6.2.5); common passwords and
    the user's own details are refused (6.2.4, 6.2.11).
    """
    if len(password) < MIN_LENGTH:
        return [_("Use at least %(min)s characters.", min=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(max)s characters.", max=MAX_LENGTH)]
    lowered = password.lower()
    if lowered in _common_passwords():
        return [N_("This password is too common. Choose another one.")]
    words = {
        part
        for value in context
        if value
        for part in re.split(r"[^a-z0-9]+", value.lower())
        if len(part) >= 4
    }
    if any(word in lowered for word in words):
        return [N_("Do not use your name or email in your password.")]
    return []

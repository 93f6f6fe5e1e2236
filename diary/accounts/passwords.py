"""Password hashing with argon2id (ASVS 5 appendix C), cost from configuration."""
import re
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH, MAX_LENGTH = 12, 128


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
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches. With no stored hash, still spends the time of a check."""
    hasher = _hasher()
    try:
        if stored_hash is None:
            hasher.verify(_dummy_hash(), password + "\0")
            return False
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def _dummy_hash() -> str:
    dummy = current_app.extensions.get("diary.dummy_hash")
    if dummy is None:
        dummy = current_app.extensions["diary.dummy_hash"] = _hasher().hash("not a real password")
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
        return [f"Use at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    lowered = password.lower()
    if lowered in _common_passwords():
        return ["This password is too common. Choose another one."]
    words = {part for value in context if value for part in re.split(r"[^a-z0-9]+", value.lower()) if len(part) >= 4}
    if any(word in lowered for word in words):
        return ["Do not use your name or email in your password."]
    return []

"""The Redis the suite shares with CI, on 127.0.0.1:6379.

A test that needs it fails, never skips, when it is not there: CI runs Redis,
and a skipped lockout test would pass a branch that breaks the shared count.
"""

import pytest
import redis

REDIS_URL = "redis://127.0.0.1:6379"


def require_redis() -> redis.Redis:
    """A connection to the suite's Redis; fails the test with how to start one when it does not answer."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(
            f"no Redis answers at {REDIS_URL} ({type(error).__name__}): this test needs it, as CI does. "
            "Start one (e.g. `redis-server --port 6379` or `docker run -p 6379:6379 redis`).",
            pytrace=False,
        )
    return connection

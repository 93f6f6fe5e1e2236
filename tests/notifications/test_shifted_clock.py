"""The notification tests a year from now: their dates are derived from the real clock, so they
must pass on any day (tests/support/dates.py). DIARY_TEST_NOW moves the wall clock of a pytest
run in another process (tests/support/shifted_clock.py); this runs the tests that meet the real
clock in delivery (expiry, backoff, leases) and in reminders, on the database of this run."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]
SHIFTED = ["test_outbox.py", "test_reminders.py", "test_push.py", "test_provider_alerts.py"]


@pytest.mark.timeout(600)
def test_the_notification_tests_pass_a_year_from_now():
    ahead = datetime.now(UTC) + timedelta(days=365)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-m",
            "not process and not e2e",
            *(f"tests/notifications/{name}" for name in SHIFTED),
        ],
        cwd=ROOT,
        env={**os.environ, "DIARY_TEST_NOW": "+365d"},
        capture_output=True,
        text=True,
        timeout=540,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    readings = re.findall(r"DIARY_TEST_NOW: the wall clock reads (\S+)", output)
    assert len(readings) == 1, output[:2000]
    assert abs(datetime.fromisoformat(readings[0]) - ahead) < timedelta(hours=1), readings
    # Every test passed: none failed, was skipped or errored, and they are not a handful.
    [passed] = re.findall(r"^=+ (\d+) passed(?:, \d+ deselected)? in [\d.]+s", output, re.MULTILINE)
    assert int(passed) >= 50, output[-2000:]

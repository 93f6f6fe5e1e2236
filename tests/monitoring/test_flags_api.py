"""Flags through the API: what follows when a session or a check-in is recorded, moved,
changed or deleted the way the PWA does it (issue 21).

The app reads the real clock, so every date here is derived from the patient's
real today; the patient lives in a zone where it is midday now, so "an hour
ago" and "this morning" are always today.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import Diary, answers_for


def midday_zone(now=None):
    """An IANA zone where it is now between 12:00 and 13:00 (``Etc/GMT-5`` is UTC+5)."""
    offset = 12 - (now or datetime.now(UTC)).hour  # -11..12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


class Clinic:
    """One patient (their client), their care team's client, and their diary's history."""

    def __init__(self, app, make_patient, provider):
        self.patient = make_patient(provider, name="Pat Urgent", timezone_name=midday_zone())
        self.team = self.patient.provider_client
        self.pid = self.patient.user["id"]
        self.diary = Diary(app, self.patient)
        self.zone = ZoneInfo(self.patient.user["timezone"])
        self.today = datetime.now(self.zone).date()

    def day(self, offset):
        return self.today + timedelta(days=offset)

    def at(self, offset, hour):
        return datetime.combine(self.day(offset), time(hour), tzinfo=self.zone).astimezone(UTC).isoformat()

    def history(self, scores_from, scores, sessions=()):
        """Earlier days written straight into the database (no engine run until the next API call)."""
        self.diary.scores(self.day(scores_from), scores)
        for offset in sessions:
            self.diary.session(self.day(offset))

    def check_in(self, offset, total, hour=9):
        body = {"recorded_at": self.at(offset, hour), "answers": answers_for(total), "instrument": "daily"}
        response = self.patient.post("/api/v1/patients/me/entries", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def session(self, client, starts_at, status="completed"):
        body = {"status": status, "starts_at": starts_at, "route": "iv"}
        response = client.post(f"/api/v1/patients/{self.pid}/treatments", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def home_dose(self, starts_at=None):
        """The patient records a dose taken at home (an hour ago unless told)."""
        starts_at = starts_at or (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        body = {"status": "completed", "starts_at": starts_at, "route": "intranasal"}
        response = self.patient.post(f"/api/v1/patients/{self.pid}/treatments", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def flags(self):
        response = self.team.get(f"/api/v1/patients/{self.pid}/flags")
        assert response.status_code == 200
        return response.get_json()["items"]

    def flag(self, kind):
        [flag] = [f for f in self.flags() if f["kind"] == kind and f["status"] != "resolved"]
        return flag

    def worklist_row(self):
        [row] = [r for r in self.team.get("/api/v1/patients").get_json()["items"] if r["id"] == self.pid]
        return row


@pytest.fixture
def clinic(app, make_patient, provider):
    return Clinic(app, make_patient, provider)


def relief_then_worse(clinic):
    """A first course five weeks ago whose relief faded; the care team's session two days
    ago; yesterday's and this morning's check-ins severe: ``urgent``, raised today."""
    clinic.history(-45, [12] * 7 + [None] + [5] * 17 + [11] * 17, sessions=[-38])
    clinic.session(clinic.team, clinic.at(-2, 10))
    clinic.check_in(-1, 16)
    clinic.check_in(0, 17)
    urgent = clinic.flag("urgent")
    assert (urgent["status"], urgent["raised_on"]) == ("open", clinic.today.isoformat())
    return urgent


def test_the_patients_own_dose_today_leaves_an_urgent_raised_today_open(clinic):
    """Issue 21: the dose made today's check-in a session day's (not read by the rules), so the
    replay no longer raised the urgent and the flag was deleted."""
    urgent = relief_then_worse(clinic)
    before = {flag["id"] for flag in clinic.flags()}

    clinic.home_dose()

    assert clinic.flag("urgent")["id"] == urgent["id"]
    assert {flag["id"] for flag in clinic.flags()} >= before  # no flag row gone
    row = clinic.worklist_row()
    assert row["open_flags"][0] == "urgent"

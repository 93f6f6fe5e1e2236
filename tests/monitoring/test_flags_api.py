"""Flags through the API: what follows when a session or a check-in is recorded, moved,
changed or deleted the way the PWA does it (issue 21).

The app reads the real clock, so every date here is derived from the patient's
real today; the patient lives in a zone where it is midday now, so "an hour
ago" and "this morning" are always today.
"""

from datetime import UTC, date, datetime, time, timedelta
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


def relief_then_worse(clinic, sessions=(-2,)):
    """A first course five weeks ago whose relief faded; the care team's session two days
    ago (or ``sessions``); yesterday's and this morning's check-ins severe: ``urgent``,
    raised today."""
    clinic.history(-45, [12] * 7 + [None] + [5] * 17 + [11] * (min(sessions) + 19), sessions=[-38])
    for offset in sessions:
        clinic.session(clinic.team, clinic.at(offset, 10))
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


def faded_first_course(clinic):
    """A first course five weeks ago whose relief has faded: wearing_off, open, raised days ago."""
    clinic.history(-45, [12] * 7 + [None] + [5] * 17 + [11] * 20, sessions=[-38])
    assert clinic.check_in(0, 12)
    wearing = clinic.flag("wearing_off")
    assert wearing["status"] == "open" and wearing["raised_on"] < clinic.today.isoformat()
    return wearing


def by_id(clinic, flag):
    [found] = [f for f in clinic.flags() if f["id"] == flag["id"]]
    return found


def state(flag):
    return flag["status"], flag["resolution"]


def test_deleting_the_session_that_began_a_cycle_reopens_the_flags_it_closed(clinic):
    """A session recorded by mistake (another patient's, a wrong date) and deleted: the care
    team's flags it closed as new_cycle come back, acknowledged ones as acknowledged."""
    wearing = faded_first_course(clinic)
    ack = clinic.team.post(f"/api/v1/flags/{wearing['id']}/acknowledge", json={})
    assert ack.status_code == 200
    session = clinic.session(clinic.team, clinic.at(0, 8))
    assert state(by_id(clinic, wearing)) == ("resolved", "new_cycle")

    assert clinic.team.delete(f"/api/v1/treatments/{session['id']}").status_code == 204
    again = by_id(clinic, wearing)
    assert state(again) == ("acknowledged", None) and again["resolved_at"] is None
    assert clinic.worklist_row()["status"] == "wearing_off"


def test_moving_a_session_to_a_later_booking_reopens_what_it_closed(clinic):
    """Recorded as done, it was only booked: moved to tomorrow as planned, the cycle it began is gone."""
    wearing = faded_first_course(clinic)
    session = clinic.session(clinic.team, clinic.at(-1, 10))
    assert state(by_id(clinic, wearing)) == ("resolved", "new_cycle")

    body = {"status": "planned", "starts_at": clinic.at(1, 10)}
    assert clinic.team.patch(f"/api/v1/treatments/{session['id']}", json=body).status_code == 200
    assert state(by_id(clinic, wearing)) == ("open", None)
    row = clinic.worklist_row()
    assert row["open_flags"][0] == "wearing_off" and row["next_planned_by"] == "care_team"


def test_moving_a_session_onto_the_day_of_a_flag_withdraws_it_and_moving_it_back_reopens_it(clinic):
    """The care team's own session, moved onto the day whose check-in raised urgent, makes that
    check-in a session day's (not read): withdrawn, on record; moved back, the same flag reopens."""
    urgent = relief_then_worse(clinic, sessions=(-3, -2))  # a course of two sessions
    [session] = [
        t
        for t in clinic.team.get(f"/api/v1/patients/{clinic.pid}/treatments").get_json()["items"]
        if t["local_date"] == clinic.day(-2).isoformat()
    ]
    moved = {"starts_at": clinic.at(0, 11)}
    assert clinic.team.patch(f"/api/v1/treatments/{session['id']}", json=moved).status_code == 200
    withdrawn = by_id(clinic, urgent)
    assert state(withdrawn) == ("resolved", "withdrawn") and withdrawn["resolved_at"]
    assert "urgent" not in clinic.worklist_row()["open_flags"]

    back = {"starts_at": clinic.at(-2, 10)}
    assert clinic.team.patch(f"/api/v1/treatments/{session['id']}", json=back).status_code == 200
    assert state(by_id(clinic, urgent)) == ("open", None)
    assert clinic.worklist_row()["open_flags"][0] == "urgent"


def test_moving_a_session_before_a_flag_closes_it_with_the_new_cycle(clinic):
    """A session dated too late, moved to the day before the wear-off was raised: the wear-off
    belonged to no cycle that went on that long, and the new cycle closes it."""
    wearing = faded_first_course(clinic)
    session = clinic.session(clinic.team, clinic.at(0, 8))
    earlier = date.fromisoformat(wearing["raised_on"]) - timedelta(days=1)
    moved = {"starts_at": clinic.at((earlier - clinic.today).days, 10)}
    assert clinic.team.patch(f"/api/v1/treatments/{session['id']}", json=moved).status_code == 200
    assert state(by_id(clinic, wearing)) == ("resolved", "new_cycle")
    assert {f["id"] for f in clinic.flags()} >= {wearing["id"]}


def test_an_entry_patch_re_runs_the_engine(clinic):
    """The patient corrects this morning's answers: the urgent they raised is withdrawn, and
    comes back, the same flag, when the answers are put back."""
    urgent = relief_then_worse(clinic)
    [today] = [
        e
        for e in clinic.patient.get("/api/v1/patients/me/entries").get_json()["items"]
        if e["local_date"] == clinic.today.isoformat()
    ]
    patch = clinic.patient.patch(f"/api/v1/entries/{today['id']}", json={"answers": answers_for(4)})
    assert patch.status_code == 200
    assert state(by_id(clinic, urgent)) == ("resolved", "withdrawn")
    assert clinic.worklist_row()["latest_score"] == 4

    patch = clinic.patient.patch(f"/api/v1/entries/{today['id']}", json={"answers": answers_for(17)})
    assert patch.status_code == 200
    assert state(by_id(clinic, urgent)) == ("open", None)


def test_changing_an_old_entry_re_runs_the_engine_for_its_day(clinic):
    """An entry of days ago edited: the urgent raised on its day is withdrawn, though later
    check-ins came since."""
    clinic.history(-20, [12] * 7 + [None] + [5] * 6, sessions=[-13])
    ids = [clinic.diary.score(clinic.day(offset), total) for offset, total in ((-6, 16), (-5, 17))]
    clinic.history(-4, [13])
    clinic.check_in(0, 12)  # a silence of three days before today: no gap yet
    urgent = clinic.flag("urgent")
    assert urgent["raised_on"] == clinic.day(-5).isoformat()
    assert (
        clinic.patient.patch(f"/api/v1/entries/{ids[1]}", json={"answers": answers_for(6)}).status_code == 200
    )
    assert state(by_id(clinic, urgent)) == ("resolved", "withdrawn")
    assert "urgent" not in clinic.worklist_row()["open_flags"]

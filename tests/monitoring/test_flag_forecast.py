"""A plan_maintenance flag follows the current forecast (issue 24; docs/relief.md, "A flag that
follows the forecast"), through the API, on the demo clinic: the flag, the worklist and the
timeline's assessment give the same dates, the flag keeps what it said when, and a booking on
its suggested day withdraws it."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from diary.demo import service as demo
from tests.conftest import login


@pytest.fixture
def team(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return login(app, demo.PROVIDER_EMAIL, demo.PASSWORD)


def open_plans(team):
    """(worklist row, timeline, flag) of every open plan_maintenance flag in the clinic."""
    found = []
    for row in team.get("/api/v1/patients").get_json()["items"]:
        timeline = team.get(f"/api/v1/patients/{row['id']}/timeline").get_json()
        found += [
            (row, timeline, flag)
            for flag in timeline["flags"]
            if flag["kind"] == "plan_maintenance" and flag["status"] != "resolved"
        ]
    return found


def book(team, timeline, day):
    zone = ZoneInfo(timeline["patient"]["timezone"])
    starts_at = datetime.combine(date.fromisoformat(day), time(10), tzinfo=zone).astimezone(UTC)
    body = {"status": "planned", "starts_at": starts_at.isoformat(), "route": "iv"}
    response = team.post(f"/api/v1/patients/{timeline['patient']['id']}/treatments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def flag_by_id(team, pid, flag_id):
    [flag] = [f for f in team.get(f"/api/v1/patients/{pid}/flags").get_json()["items"] if f["id"] == flag_id]
    return flag


def test_every_open_plan_flag_of_the_demo_shows_the_assessments_dates(team):
    plans = open_plans(team)
    assert plans, "the demo clinic has an open plan_maintenance flag (Priya Farouk's)"
    for row, timeline, flag in plans:
        assessment, details = timeline["assessment"], flag["details"]
        dates = (assessment["predicted_wear_off_date"], assessment["suggested_session_by"])
        assert (details["predicted_wear_off_date"], details["suggested_session_by"]) == dates, row["name"]
        assert (row["predicted_wear_off_date"], row["suggested_session_by"]) == dates, row["name"]
        # the history starts with what it said on the day it was raised and ends with today's
        history = details["history"]
        assert history[0]["on"] == flag["raised_on"]
        assert {k: history[0][k] for k in dates_of(history[0])} == details["raised_with"]
        assert (history[-1]["predicted_wear_off_date"], history[-1]["suggested_session_by"]) == dates
        # listed by the flags endpoint too, with the same details
        assert flag_by_id(team, timeline["patient"]["id"], flag["id"])["details"] == details


def dates_of(entry):
    return ("predicted_wear_off_date", "suggested_session_by")


def test_the_flag_that_contradicted_its_page_now_follows_it(team):
    """Issue 24: Priya Farouk's flag said the dates of the day it was raised, a week before."""
    [(row, timeline, flag)] = [p for p in open_plans(team) if p[0]["name"] == "Priya Farouk"]
    history = flag["details"]["history"]
    assert len(history) >= 2, "the forecast moved since the flag was raised"
    assert history[0]["suggested_session_by"] < timeline["assessment"]["suggested_session_by"]


def test_a_booking_on_the_suggested_day_withdraws_each_flag_and_its_cancellation_reopens_it(team):
    for row, timeline, flag in open_plans(team):
        pid, suggested = row["id"], flag["details"]["suggested_session_by"]
        booking = book(team, timeline, suggested)
        closed = flag_by_id(team, pid, flag["id"])
        assert (closed["status"], closed["resolution"]) == ("resolved", "withdrawn"), row["name"]
        row_after = [r for r in team.get("/api/v1/patients").get_json()["items"] if r["id"] == pid][0]
        assert "plan_maintenance" not in row_after["open_flags"]

        assert team.delete(f"/api/v1/treatments/{booking['id']}").status_code == 204
        back = flag_by_id(team, pid, flag["id"])
        assert (back["status"], back["resolution"]) == (flag["status"], None)
        assert back["details"]["history"] == flag["details"]["history"]  # nothing said twice


def test_a_booking_after_the_suggested_day_leaves_the_flag_open(team):
    row, timeline, flag = next(
        p for p in open_plans(team) if p[2]["details"]["suggested_session_by"] > date.today().isoformat()
    )
    later = date.fromordinal(date.fromisoformat(flag["details"]["suggested_session_by"]).toordinal() + 1)
    book(team, timeline, later.isoformat())
    still = flag_by_id(team, row["id"], flag["id"])
    assert still["status"] == flag["status"] != "resolved"
    assert still["details"]["suggested_session_by"] == flag["details"]["suggested_session_by"]

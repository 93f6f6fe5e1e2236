"""The clinic's outcomes (issue 14): cycle rows from the replay, and figures checked by hand."""

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from diary.extensions import db
from diary.monitoring.cycles import fixed_day_score
from diary.monitoring.models import ReliefCycle
from diary.monitoring.outcomes import kaplan_meier

from .conftest import D0


def cycles_of(app, patient_id):
    with app.app_context():
        rows = db.session.scalars(
            select(ReliefCycle).where(ReliefCycle.patient_id == patient_id).order_by(ReliefCycle.cycle_start)
        ).all()
        return [{c.name: getattr(row, c.name) for c in ReliefCycle.__table__.columns} for row in rows]


def test_a_refresh_writes_the_cycles_of_the_worked_example(app, diary):
    pat = diary()
    pat.worked_example(D0)  # docs/relief.md, v1's worked example: wearing_off on day 18, duration 18 days
    pat.session(D0 + timedelta(days=25))  # a maintenance session a week after the wear-off
    pat.refresh(D0 + timedelta(days=30))
    first, second = cycles_of(app, pat.id)
    assert (first["cycle_start"], first["course_type"], first["sessions"], first["route"]) == (
        D0,
        "single_session",
        1,
        "iv",
    )
    assert (first["wore_off"], first["duration_days"], first["wear_off_date"]) == (
        True,
        18,
        D0 + timedelta(days=18),
    )
    assert first["baseline"] == 16 and first["nadir"] is not None and first["nadir"] <= 5
    assert first["after_wear_off"] is None and first["non_response"] is False
    # the response at a fixed day: the real daily score of day 7 after the session (WORKED_AFTER[6])
    assert first["fixed_day_score"] == 5
    assert (second["cycle_start"], second["course_type"], second["course_index"]) == (
        D0 + timedelta(days=25),
        "maintenance",
        1,
    )
    assert (second["wore_off"], second["duration_days"], second["after_wear_off"]) == (
        False,
        5,
        True,
    )  # censored at today

    pat.session(D0 + timedelta(days=26))  # the data changed: the rows follow, nothing duplicated
    pat.refresh(D0 + timedelta(days=30))
    assert [(c["cycle_start"], c["sessions"], c["duration_days"]) for c in cycles_of(app, pat.id)] == [
        (D0, 1, 18),
        (D0 + timedelta(days=25), 2, 4),
    ]


def test_kaplan_meier_by_hand():
    # 5 cycles: a wear-off on day 5 (S = 4/5), one censored on day 8, two wear-offs of the 3 at risk
    # on day 10 (S = 0.8 * 1/3), one censored on day 12.
    curve = kaplan_meier([(10, True), (5, True), (12, False), (8, False), (10, True)])
    assert curve["median_days"] == 10
    assert [(s["day"], s["survival"], s["at_risk"]) for s in curve["steps"]] == [
        (0, 1.0, 5),
        (5, 0.8, 5),
        (10, 0.2667, 3),
    ]
    assert (curve["cycles"], curve["wore_off"], curve["censored"]) == (5, 3, 2)
    assert kaplan_meier([(7, False)])["median_days"] is None
    # A tie: the wear-off counts before the censoring at the same day.
    assert kaplan_meier([(4, True), (4, False)])["steps"][1] == {
        "day": 4,
        "survival": 0.5,
        "at_risk": 2,
        "events": 1,
    }


def add_cycles(app, patient_id, team_id, rows):
    with app.app_context():
        for i, row in enumerate(rows):
            db.session.add(
                ReliefCycle(
                    patient_id=patient_id,
                    care_team_id=team_id,
                    course_index=row.pop("course_index", i),
                    sessions=row.pop("sessions", 1),
                    last_session=row["cycle_start"],
                    **row,
                )
            )
        db.session.commit()


def test_the_figures_of_a_small_clinic_by_hand(app, make_patient, make_provider, provider, provider_client):
    from diary.accounts.models import Patient

    ann, ben = make_patient(provider, name="Ann"), make_patient(provider, name="Ben")
    stray = make_patient(make_provider(name="Dr. Elsewhere"), name="Stray")
    with app.app_context():
        team = db.session.get(Patient, uuid.UUID(ann.user["id"])).care_team_id
        other_team = db.session.get(Patient, uuid.UUID(stray.user["id"])).care_team_id
        db.session.execute(ReliefCycle.__table__.delete())  # registration wrote none, but be sure
        db.session.commit()
    d = date(2026, 1, 5)
    add_cycles(
        app,
        uuid.UUID(ann.user["id"]),
        team,
        [
            # induction: 16 -> 6 is 10 points and 62 %: a response; relief wore off after 10 days
            {
                "cycle_start": d,
                "course_type": "induction",
                "sessions": 6,
                "route": "iv",
                "baseline": 16,
                "nadir": 6,
                "wore_off": True,
                "duration_days": 10,
                "non_response": False,
            },
            # maintenance before the wear-off (January), censored at 8 days
            {
                "cycle_start": d + timedelta(days=20),
                "course_type": "maintenance",
                "route": "iv",
                "wore_off": False,
                "duration_days": 8,
                "non_response": False,
                "after_wear_off": False,
            },
            # maintenance after the wear-off (February), wore off after 5 days
            {
                "cycle_start": d + timedelta(days=28),
                "course_type": "maintenance",
                "route": "intranasal",
                "wore_off": True,
                "duration_days": 5,
                "non_response": False,
                "after_wear_off": True,
            },
            # maintenance before the wear-off (February), wore off after 10 days
            {
                "cycle_start": d + timedelta(days=40),
                "course_type": "maintenance",
                "route": "intranasal",
                "wore_off": True,
                "duration_days": 10,
                "non_response": False,
                "after_wear_off": False,
            },
        ],
    )
    add_cycles(
        app,
        uuid.UUID(ben.user["id"]),
        team,
        [
            # induction: 12 -> 8 is 4 points but 33 %: no response by the rule
            {
                "cycle_start": d,
                "course_type": "induction",
                "sessions": 6,
                "route": "iv",
                "baseline": 12,
                "nadir": 8,
                "wore_off": False,
                "duration_days": 12,
                "non_response": False,
            },
            # induction flagged non_response: no duration, not in the curves
            {
                "cycle_start": d + timedelta(days=30),
                "course_type": "induction",
                "sessions": 4,
                "route": "iv",
                "wore_off": False,
                "duration_days": None,
                "non_response": True,
            },
            # induction without a baseline: not assessable; its duration still counts
            {
                "cycle_start": d + timedelta(days=60),
                "course_type": "induction",
                "sessions": 3,
                "route": "oral",
                "wore_off": False,
                "duration_days": 3,
                "non_response": False,
            },
            # outside the period: not counted
            {
                "cycle_start": date(2025, 6, 1),
                "course_type": "induction",
                "sessions": 3,
                "route": "iv",
                "baseline": 20,
                "nadir": 2,
                "wore_off": True,
                "duration_days": 30,
                "non_response": False,
            },
        ],
    )
    add_cycles(
        app,
        uuid.UUID(stray.user["id"]),
        other_team,
        [  # another care team: not counted
            {
                "cycle_start": d,
                "course_type": "induction",
                "sessions": 6,
                "route": "iv",
                "baseline": 20,
                "nadir": 2,
                "wore_off": True,
                "duration_days": 30,
                "non_response": False,
            },
        ],
    )

    response = provider_client.get("/api/v1/outcomes?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["response_after_induction"] == {
        "courses": 4,
        "responders": 1,
        "non_responders": 2,
        "not_assessable": 1,
        "response_rate": round(1 / 3, 4),
        # no cycle here has a day-7 score: only the one the engine judged a non-response is judged
        "fixed_day": 7,
        "responders_at_fixed_day": 0,
        "non_responders_at_fixed_day": 1,
        "not_assessable_at_fixed_day": 3,
        "response_rate_at_fixed_day": 0.0,
    }
    by_type = {g["group"]: g for g in body["relief_duration"]["by_course_type"]}
    assert set(by_type) == {"induction", "maintenance"}
    # induction: 10 (wore off), 12 (censored), 3 (censored): S(10) = 1/2, so the median is 10
    assert [(s["day"], s["survival"]) for s in by_type["induction"]["steps"]] == [(0, 1.0), (10, 0.5)]
    assert by_type["induction"]["median_days"] == 10
    # maintenance: 5 (wore off, S = 2/3), 8 (censored), 10 (wore off, S = 0)
    assert [(s["day"], s["survival"]) for s in by_type["maintenance"]["steps"]] == [
        (0, 1.0),
        (5, 0.6667),
        (10, 0.0),
    ]
    by_route = {
        g["group"]: (g["cycles"], g["wore_off"], g["median_days"])
        for g in body["relief_duration"]["by_route"]
    }
    # intranasal: 5 and 10 both wore off (S(5) = 1/2); iv: 8 censored, 10 wore off with 2 at risk (S = 1/2), 12 censored
    assert by_route == {"intranasal": (2, 2, 5), "iv": (3, 1, 10), "oral": (1, 0, None)}
    assert body["maintenance_timing"] == [
        {"month": "2026-01", "before_wear_off": 1, "after_wear_off": 0, "share_before": 1.0},
        {"month": "2026-02", "before_wear_off": 1, "after_wear_off": 1, "share_before": 0.5},
    ]

    download = provider_client.get("/api/v1/outcomes.csv?from=2026-01-01&to=2026-12-31")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == ["section", "group", "measure", "value"]
    assert ["response_after_induction", "induction", "response_rate", str(round(1 / 3, 4))] in rows
    assert ["relief_duration_by_course_type", "maintenance", "survival_day_5", "0.6667"] in rows
    assert ["maintenance_timing", "2026-02", "share_before", "0.5"] in rows

    assert provider_client.get("/api/v1/outcomes?from=2026-02-01&to=2026-01-01").status_code == 422
    assert ann.get("/api/v1/outcomes").status_code == 403


def test_a_refresh_writes_only_the_cycle_rows_that_changed(app, diary):
    pat = diary()
    pat.worked_example(D0)
    pat.session(D0 + timedelta(days=25))
    pat.refresh(D0 + timedelta(days=30))
    statements = []

    def seen(conn, cursor, statement, *args):
        if "relief_cycles" in statement and not statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement.split()[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        pat.refresh(D0 + timedelta(days=30))  # nothing changed
        assert statements == []
        pat.refresh(D0 + timedelta(days=31))  # a day on: the open cycle's duration, and only it
        assert statements == ["UPDATE"]
        statements.clear()
        pat.session(D0 + timedelta(days=31), status="planned")  # a booking: no cycle moves
        pat.refresh(D0 + timedelta(days=31))
        assert statements == []
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [(c["cycle_start"], c["duration_days"]) for c in cycles_of(app, pat.id)] == [
        (D0, 18),
        (D0 + timedelta(days=25), 6),
    ]


@pytest.mark.parametrize("query", ["to=0001-01-05", "from=0001-01-01&to=0001-01-02", "to=9999-12-31"])
def test_dates_at_the_ends_of_the_calendar_are_a_422_not_a_500(provider_client, query):
    # the fuzzer's find: 'to' near year 1 made the default 'from' (364 days before) overflow
    for path in ("/api/v1/outcomes", "/api/v1/outcomes.csv"):
        response = provider_client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query, response.status_code)
        assert response.get_json()["error"]["code"] == "validation_error"


def test_the_fixed_day_score_is_a_real_score_of_day_7_or_the_nearest_day_beside_it():
    last, today = date(2026, 3, 1), date(2026, 4, 1)
    day = lambda n: last + timedelta(days=n)  # noqa: E731
    assert fixed_day_score({day(5): 3, day(6): 4, day(7): 9, day(8): 2}, last, None, today) == 9
    assert fixed_day_score({day(6): 4, day(8): 2}, last, None, today) == 4  # day 6 before day 8
    assert fixed_day_score({day(8): 2}, last, None, today) == 2
    assert fixed_day_score({day(5): 3, day(9): 2}, last, None, today) is None  # too far from day 7
    # the next course began on day 7: its days are not this course's
    assert fixed_day_score({day(7): 9, day(8): 2}, last, day(7), today) is None
    assert fixed_day_score({day(6): 4, day(7): 9}, last, day(7), today) == 4
    assert fixed_day_score({day(7): 9}, last, None, day(6)) is None  # not yet day 7
    assert fixed_day_score({day(6): 4}, last, None, day(6)) is None  # nor a day-6 score before day 7
    assert fixed_day_score({day(6): 4}, last, None, day(7)) == 4


def test_the_response_at_the_fixed_day_beside_the_best_response(app, make_patient, provider, provider_client):
    from diary.accounts.models import Patient

    pats = [make_patient(provider, name=n) for n in ("Ann", "Ben", "Cy")]
    with app.app_context():
        team = db.session.get(Patient, uuid.UUID(pats[0].user["id"])).care_team_id
        db.session.execute(ReliefCycle.__table__.delete())
        db.session.commit()
    d = date(2026, 1, 5)
    induction = {"cycle_start": d, "course_type": "induction", "sessions": 6, "route": "iv", "baseline": 16}
    for pat, nadir, day7 in ((pats[0], 4, 6), (pats[1], 5, 12), (pats[2], 6, None)):
        # Ann: a response at best (16 -> 4) and on day 7 (16 -> 6); Ben: at best (16 -> 5) but
        # not on day 7 (12: 4 points, 25 %); Cy: at best, no score near day 7
        row = {**induction, "nadir": nadir, "fixed_day_score": day7, "duration_days": 10}
        add_cycles(app, uuid.UUID(pat.user["id"]), team, [row])
    body = provider_client.get("/api/v1/outcomes?from=2026-01-01&to=2026-12-31").get_json()
    response = body["response_after_induction"]
    assert (response["responders"], response["response_rate"]) == (3, 1.0)
    assert {k: v for k, v in response.items() if k.endswith("fixed_day") or k == "fixed_day"} == {
        "fixed_day": 7,
        "responders_at_fixed_day": 1,
        "non_responders_at_fixed_day": 1,
        "not_assessable_at_fixed_day": 1,
        "response_rate_at_fixed_day": 0.5,
    }
    rows = list(
        csv.reader(
            io.StringIO(
                provider_client.get("/api/v1/outcomes.csv?from=2026-01-01&to=2026-12-31").get_data(
                    as_text=True
                )
            )
        )
    )
    assert ["response_after_induction", "induction", "response_rate_at_fixed_day", "0.5"] in rows
    assert ["response_after_induction", "induction", "fixed_day", "7"] in rows

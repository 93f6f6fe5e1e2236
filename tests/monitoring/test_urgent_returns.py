"""``urgent`` comes back (issue 25): per run, after an acknowledgement, before the first
session, and on a severe standard GAD-7; never two open at once.

The API tests read the real clock (their patient lives where it is midday now, as
in test_flags_api.py); the service tests re-evaluate as of any instant.
"""

from datetime import timedelta

from sqlalchemy import select

from diary.accounts.models import User
from diary.extensions import db
from diary.monitoring import service
from diary.monitoring.models import Flag

from .conftest import WORKED_BASELINE
from .test_flags_api import Clinic


def urgents(clinic):
    return [f for f in clinic.flags() if f["kind"] == "urgent"]


def acknowledge(clinic, flag):
    response = clinic.team.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "called them"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def severe_then_calm(clinic):
    """Relief after a course 38 days ago, two severe days 20 and 19 days ago (an urgent then),
    calm since, and a severe check-in yesterday (a new run may begin today)."""
    calm = [5] * 17 + [18, 18] + [6] * 17
    clinic.history(-45, [12] * 7 + [None] + calm, sessions=[-38])
    clinic.check_in(-1, 17)
    [first] = urgents(clinic)
    assert (first["status"], first["raised_on"]) == ("open", clinic.day(-19).isoformat())
    assert first["details"]["reasons"] == ["severe_scores", "worse_than_baseline"]
    return first


def test_an_acknowledged_urgent_comes_back_after_a_new_run_of_severe_days(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    first = severe_then_calm(clinic)
    acknowledge(clinic, first)
    assert "urgent" not in clinic.worklist_row()["open_flags"]

    clinic.check_in(0, 18)  # 2 of the last 3 days severe again: a new run, after the acknowledgement

    by_id = {f["id"]: f for f in urgents(clinic)}
    assert by_id[first["id"]]["status"] == "acknowledged"
    [again] = [f for f in by_id.values() if f["id"] != first["id"]]
    assert (again["status"], again["raised_on"]) == ("open", clinic.today.isoformat())
    assert again["details"]["returned"] == "new_run"
    assert again["details"]["not_a_risk_assessment"] is True
    assert clinic.worklist_row()["open_flags"][0] == "urgent"


def test_a_run_logged_after_the_acknowledgement_but_dated_before_it_is_news(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    first = severe_then_calm(clinic)
    acknowledge(clinic, first)

    clinic.check_in(
        -2, 18, hour=13
    )  # a late check-in (after that day's 6): with yesterday's 17, 2 of the last 3 days severe

    [again] = [f for f in urgents(clinic) if f["id"] != first["id"]]
    assert (again["status"], again["raised_on"]) == ("open", clinic.day(-1).isoformat())
    assert again["details"]["returned"] == "new_run"
    # acknowledging it raises nothing new: the run it holds is the one the care team saw
    acknowledge(clinic, again)
    clinic.check_in(0, 9)
    assert sorted(f["status"] for f in urgents(clinic)) == ["acknowledged", "acknowledged"]


def test_a_new_run_while_the_urgent_is_open_adds_to_it(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    first = severe_then_calm(clinic)

    clinic.check_in(0, 18)

    [flag] = urgents(clinic)  # no second urgent: the open one gained the run
    assert flag["id"] == first["id"]
    assert (flag["status"], flag["raised_on"]) == ("open", first["raised_on"])
    assert flag["details"]["runs"] == 2
    assert flag["details"]["latest_run_start"] == clinic.today.isoformat()
    assert flag["details"]["score"] == 18
    # and refreshing again changes nothing
    clinic.check_in(0, 18, hour=10)
    assert [(f["id"], f["details"]["runs"]) for f in urgents(clinic)] == [(first["id"], 2)]


def test_a_pre_treatment_patient_with_severe_days_gets_an_urgent(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    clinic.history(-3, [9, 16, 9])  # one severe day: today's makes 2 of the last 3

    clinic.check_in(0, 15)

    [flag] = urgents(clinic)
    assert (flag["status"], flag["raised_on"]) == ("open", clinic.today.isoformat())
    assert flag["details"]["reasons"] == ["pre_treatment_severe_scores"]
    assert flag["details"]["pre_treatment"] is True
    row = clinic.worklist_row()
    assert (row["status"], row["open_flags"]) == ("no_treatment", ["urgent"])

    # the care team's first session: the patient has been seen, the urgent closes
    clinic.session(clinic.team, clinic.at(0, 11))
    [closed] = urgents(clinic)
    assert (closed["id"], closed["status"]) == (flag["id"], "resolved")
    assert "urgent" not in clinic.worklist_row()["open_flags"]


def test_a_standard_gad7_of_15_or_more_raises_urgent(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    form = clinic.patient.get("/api/v1/me/checkin-form").get_json()
    assert form["instrument"] == "gad7"  # the first check-in is the standard one
    from .conftest import answers_for

    body = {"recorded_at": clinic.at(0, 9), "answers": answers_for(16), "instrument": "gad7"}
    assert clinic.patient.post("/api/v1/patients/me/entries", json=body).status_code == 201

    [flag] = urgents(clinic)
    assert flag["status"] == "open"
    assert flag["details"]["reasons"] == ["standard_gad7_severe"]
    assert flag["details"]["standard_score"] == 16


def test_a_standard_gad7_below_15_raises_nothing(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    from .conftest import answers_for

    body = {"recorded_at": clinic.at(0, 9), "answers": answers_for(14), "instrument": "gad7"}
    assert clinic.patient.post("/api/v1/patients/me/entries", json=body).status_code == 201
    assert urgents(clinic) == []


# ------------------------------------------------------------------ as of any instant (service level)


def ack_as_of(diary, provider, when):
    with diary.app.app_context():
        flag = db.session.scalar(
            select(Flag).where(Flag.patient_id == diary.id, Flag.kind == "urgent", Flag.status == "open")
        )
        actor = db.session.scalar(select(User).where(User.email == provider["email"]))
        service.acknowledge_flag(flag, actor=actor, now=when)
        db.session.commit()


def test_a_run_still_going_7_days_after_its_acknowledgement_raises_a_new_urgent(diary, provider):
    pat = diary()
    d0 = pat.today() - timedelta(days=40)
    pat.scores(d0 - timedelta(days=7), WORKED_BASELINE)  # B = 16
    pat.session(d0)
    pat.scores(d0 + timedelta(days=1), [5] * 9 + [20] * 25)  # severe every day from day 10
    pat.refresh(d0 + timedelta(days=12))
    assert [(k, s, (day - d0).days) for k, s, day, _ in pat.flags() if k == "urgent"] == [
        ("urgent", "open", 11)
    ]
    ack_as_of(pat, provider, pat.at(d0 + timedelta(days=13), 9))

    pat.refresh(d0 + timedelta(days=19))  # 6 days after: nothing new
    assert [(s, (day - d0).days) for k, s, day, _ in pat.flags() if k == "urgent"] == [("acknowledged", 11)]

    pat.refresh(d0 + timedelta(days=20))  # 7 days after, the run still going: a new urgent
    assert [(s, (day - d0).days) for k, s, day, _ in pat.flags() if k == "urgent"] == [
        ("acknowledged", 11),
        ("open", 20),
    ]
    [again] = [f for f in pat.flag_rows() if f.kind == "urgent" and f.status == "open"]
    assert again.details["returned"] == "still_going"
    assert again.provider_alerted_at is None  # a new flag: the care team is alerted again

    pat.refresh(d0 + timedelta(days=25))  # not acknowledged: no third
    assert sum(1 for k, *_ in pat.flags() if k == "urgent") == 2


def test_never_two_open_urgents(diary, provider):
    """Severe runs separated by calm days, refreshed every day: one open urgent at a time."""
    pat = diary()
    d0 = pat.today() - timedelta(days=40)
    pat.scores(d0 - timedelta(days=7), WORKED_BASELINE)
    pat.session(d0)
    pat.scores(d0 + timedelta(days=1), ([5] * 4 + [19] * 3) * 5)
    for offset in range(1, 36):
        pat.refresh(d0 + timedelta(days=offset))
        assert sum(1 for k, s, *_ in pat.flags() if (k, s) == ("urgent", "open")) <= 1
    [flag] = [f for f in pat.flag_rows() if f.kind == "urgent"]
    assert flag.details["runs"] == 5

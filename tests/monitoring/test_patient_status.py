"""Patients who come and go, through the API: discharge, readmission, pauses (docs/api.md).

Dates come from the patient's real today (the API stamps with the real clock); the
data_gap test re-evaluates as of instants it passes in.
"""

from datetime import timedelta

from diary.accounts import service as accounts
from diary.extensions import db

from .conftest import D0, Diary, flag_set
from .test_flags_api import Clinic, relief_then_worse


def discharge(clinic, reason="course completed"):
    response = clinic.team.post(f"/api/v1/patients/{clinic.pid}/discharge", json={"reason": reason})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def worklist_ids(clinic, **query):
    response = clinic.team.get("/api/v1/patients", query_string=query)
    assert response.status_code == 200, response.get_json()
    return {row["id"]: row for row in response.get_json()["items"]}


def test_discharge_closes_open_flags_and_raises_none(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    relief_then_worse(clinic)
    body = discharge(clinic)
    assert (body["status"], body["discharge_reason"], body["closed_by_patient"]) == (
        "discharged",
        "course completed",
        False,
    )
    flags = clinic.flags()
    assert flags and {(f["status"], f["resolution"]) for f in flags if f["kind"] == "urgent"} == {
        ("resolved", "discharged")
    }
    assert not [f for f in flags if f["status"] != "resolved"]
    # a later evaluation raises nothing new
    clinic.diary.refresh(clinic.day(10))
    assert not [f for f in clinic.flags() if f["status"] != "resolved"]


def test_a_discharged_patient_reads_and_exports_but_cannot_check_in(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    clinic.check_in(0, 8)
    discharge(clinic)

    refused = clinic.patient.post(
        "/api/v1/patients/me/entries", json={"answers": [1, 1, 1, 1, 1, 1, 1], "instrument": "daily"}
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "discharged"
    assert clinic.patient.get("/api/v1/patients/me/entries").status_code == 200
    export = clinic.patient.get("/api/v1/patients/me/export.csv", query_string={"kind": "entries"})
    assert export.status_code == 200 and export.data.count(b"\n") >= 2
    timeline = clinic.patient.get("/api/v1/patients/me/timeline").get_json()
    assert timeline["patient"]["status"] == "discharged"


def test_the_worklist_leaves_the_discharged_out_unless_asked(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    staying = make_patient(provider, name="Pat Staying")
    discharge(clinic)
    assert set(worklist_ids(clinic)) == {staying.user["id"]}
    discharged = worklist_ids(clinic, filter="discharged")
    assert set(discharged) == {clinic.pid}
    assert discharged[clinic.pid]["patient_status"] == "discharged"


def test_readmission_makes_the_patient_active_again(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    discharge(clinic)
    response = clinic.team.post(f"/api/v1/patients/{clinic.pid}/readmit")
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["discharge_reason"]) == ("active", None)
    assert clinic.pid in worklist_ids(clinic)
    clinic.check_in(0, 8)


def test_discharge_and_readmission_are_in_the_patient_s_access_log(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    discharge(clinic)
    clinic.team.post(f"/api/v1/patients/{clinic.pid}/readmit")
    log = clinic.patient.get("/api/v1/me/access-log").get_json()["items"]
    assert {"discharge", "readmit"} <= {item["resource"] for item in log}


def test_a_pause_is_validated_and_the_care_team_sees_it(app, make_patient, provider):
    clinic = Clinic(app, make_patient, provider)
    for too_far in (clinic.today, clinic.day(61), clinic.day(-1)):
        refused = clinic.patient.patch("/api/v1/me/settings", json={"paused_until": too_far.isoformat()})
        assert refused.status_code == 422, too_far
    back = clinic.day(60).isoformat()
    response = clinic.patient.patch("/api/v1/me/settings", json={"paused_until": back})
    assert response.status_code == 200 and response.get_json()["paused_until"] == back

    row = worklist_ids(clinic)[clinic.pid]
    assert (row["patient_status"], row["paused_until"]) == ("paused", back)
    patient = clinic.team.get(f"/api/v1/patients/{clinic.pid}/timeline").get_json()["patient"]
    assert (patient["status"], patient["paused_until"]) == ("paused", back)

    resumed = clinic.patient.patch("/api/v1/me/settings", json={"paused_until": None})
    assert resumed.get_json()["paused_until"] is None
    assert worklist_ids(clinic)[clinic.pid]["patient_status"] == "active"


def test_no_data_gap_in_a_pause_and_the_silence_counts_from_its_end(app, make_patient, provider):
    paused, silent = (Diary(app, make_patient(provider, name=name)) for name in ("Pat Paused", "Pat Silent"))
    for diary in (paused, silent):
        diary.scores(D0 - timedelta(days=7), [16, 15, 17, 16, 16, 15, 17])
        diary.session(D0)
        diary.scores(D0 + timedelta(days=1), [5, 5, 5])  # then nothing from day 4
    with app.app_context():
        accounts.set_pause(
            paused.patient(), D0 + timedelta(days=14), now=paused.at(D0 + timedelta(days=4), 8)
        )
        db.session.commit()

    silent.refresh(D0 + timedelta(days=12))
    assert ("data_gap", "open") in flag_set(silent.flags())
    paused.refresh(D0 + timedelta(days=12))
    assert [f for f in paused.flags() if f[0] == "data_gap"] == []
    # paused through day 13: the gap comes data_gap_days (4) later, on day 17
    paused.refresh(D0 + timedelta(days=20))
    assert [day for kind, _s, day, _r in paused.flags() if kind == "data_gap"] == [D0 + timedelta(days=17)]

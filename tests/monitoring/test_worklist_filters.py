"""Worklist filters and search (issue 14): needs action, open flags, overdue in each patient's zone, nothing booked."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from diary.extensions import db
from diary.monitoring.models import URGENCY, PatientSummary

KIRITIMATI, PAGO_PAGO = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC-11: a day apart, always


def set_summary(app, client, **values):
    with app.app_context():
        db.session.execute(
            update(PatientSummary)
            .where(PatientSummary.patient_id == uuid.UUID(client.user["id"]))
            .values(**values)
        )
        db.session.commit()


def names(provider_client, query=""):
    response = provider_client.get(f"/api/v1/patients{query}")
    assert response.status_code == 200, response.get_json()
    return sorted(item["name"] for item in response.get_json()["items"])


def test_filters_and_search(app, make_patient, provider, provider_client):
    east = make_patient(provider, name="Ena East", timezone_name=KIRITIMATI)
    west = make_patient(provider, name="Wes West", timezone_name=PAGO_PAGO)
    flagged = make_patient(provider, name="Flo Flagged", timezone_name="Europe/Berlin")
    booked = make_patient(provider, name="Bo Booked", timezone_name="Europe/Berlin")
    calm = make_patient(provider, name="Cal Calm_%", timezone_name="Europe/Berlin")
    provider_client.get("/api/v1/patients")  # summaries exist from here on

    east_today = datetime.now(ZoneInfo(KIRITIMATI)).date()
    yesterday_east = east_today - timedelta(days=1)  # before East's today; West's today or later
    soon = datetime.now(UTC) + timedelta(days=2)
    set_summary(
        app, east, suggested_session_by=yesterday_east, urgency_date=yesterday_east, next_planned_session=soon
    )
    set_summary(
        app, west, suggested_session_by=yesterday_east, urgency_date=yesterday_east, next_planned_session=soon
    )
    set_summary(app, flagged, urgency_rank=URGENCY["wearing_off"], open_flags=["wearing_off"])
    set_summary(
        app,
        booked,
        suggested_session_by=east_today + timedelta(days=9),
        urgency_date=east_today + timedelta(days=9),
    )
    set_summary(app, calm, suggested_session_by=None, next_planned_session=None)

    assert names(provider_client) == ["Bo Booked", "Cal Calm_%", "Ena East", "Flo Flagged", "Wes West"]
    assert names(provider_client, "?filter=overdue") == [
        "Ena East"
    ]  # the same date is not yet overdue in Pago Pago
    assert names(provider_client, "?filter=open_flags") == ["Flo Flagged"]
    assert names(provider_client, "?filter=nothing_booked") == ["Bo Booked"]
    assert names(provider_client, "?filter=needs_action") == ["Bo Booked", "Ena East", "Flo Flagged"]

    assert names(provider_client, "?q=WES") == ["Wes West"]
    assert names(provider_client, "?q=e") == ["Bo Booked", "Ena East", "Flo Flagged", "Wes West"]
    assert names(provider_client, "?q=_%25") == ["Cal Calm_%"]  # LIKE's wildcards are plain characters here
    assert names(provider_client, "?q=e&filter=needs_action") == ["Bo Booked", "Ena East", "Flo Flagged"]

    bad = provider_client.get("/api/v1/patients?filter=everyone")
    assert bad.status_code == 422 and "filter" in bad.get_json()["error"]["fields"]
    assert provider_client.get("/api/v1/patients?q=").status_code == 422


def test_a_filtered_worklist_pages_within_the_filter(make_patient, provider, provider_client, app):
    patients = [make_patient(provider, name=f"Flag {n}") for n in range(3)] + [
        make_patient(provider, name="Quiet One")
    ]
    provider_client.get("/api/v1/patients")
    for client in patients[:3]:
        set_summary(app, client, urgency_rank=URGENCY["data_gap"], open_flags=["data_gap"])
    first = provider_client.get("/api/v1/patients?filter=open_flags&limit=2").get_json()
    assert [i["name"] for i in first["items"]] == ["Flag 0", "Flag 1"]
    rest = provider_client.get(
        f"/api/v1/patients?filter=open_flags&limit=2&cursor={first['next_cursor']}"
    ).get_json()
    assert [i["name"] for i in rest["items"]] == ["Flag 2"] and rest["next_cursor"] is None

"""Planned sessions as iCalendar: GET /api/v1/patients/{pid}/sessions.ics and the subscription feed."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import update

from diary.accounts.models import User
from diary.extensions import db
from tests.exports.helpers import add_session, export_events, hours_ago


@pytest.fixture
def sessions(patient, provider_client):
    pid = patient.user["id"]
    return {
        "planned": [
            add_session(
                provider_client,
                pid,
                status="planned",
                starts_at=hours_ago(-24 * 3),
                dose_mg=40,
                notes="bring a driver",
            ),
            add_session(patient, pid, status="planned", starts_at=hours_ago(-24 * 10), route="intranasal"),
        ],
        "completed": [add_session(provider_client, pid, dose_mg=35, notes="went well")],
    }


def events_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def parse_iso(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_one_event_per_planned_session(patient, sessions):
    events = events_of(patient.get("/api/v1/patients/me/sessions.ics"))
    assert set(events) == {f"{session['id']}@afterglow" for session in sessions["planned"]}
    for session in sessions["planned"]:
        event = events[f"{session['id']}@afterglow"]
        start = event.decoded("DTSTART")
        assert start.utcoffset() == timedelta(0) and start == parse_iso(session["starts_at"]).replace(
            microsecond=0
        )
        assert event.decoded("DURATION") == timedelta(hours=2)
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
        assert str(event["SUMMARY"]) == "Clinic session"


def test_dtstart_is_utc_on_the_wire(patient, sessions):
    body = patient.get("/api/v1/patients/me/sessions.ics").get_data(as_text=True)
    starts = [line for line in body.splitlines() if line.startswith("DTSTART")]
    assert len(starts) == 2 and all(line.startswith("DTSTART:") and line.endswith("Z") for line in starts)


def test_no_health_data_in_the_calendar(patient, sessions):
    response = patient.get("/api/v1/patients/me/sessions.ics")
    for event in events_of(response).values():
        assert set(event) == {"UID", "DTSTAMP", "LAST-MODIFIED", "DTSTART", "DURATION", "SUMMARY"}
    body = response.get_data(as_text=True).lower()
    for word in ("ketamine", "dose", "intranasal", "driver", "went well", "pat doe", "anxiety"):
        assert word not in body, word


def test_uids_are_stable_across_calls(patient, provider_client, sessions):
    first = events_of(patient.get("/api/v1/patients/me/sessions.ics"))
    session = sessions["planned"][0]
    moved = provider_client.patch(
        f"/api/v1/treatments/{session['id']}",
        json={"starts_at": (parse_iso(session["starts_at"]) + timedelta(hours=1)).isoformat()},
    )
    assert moved.status_code == 200
    again = events_of(provider_client.get(f"/api/v1/patients/{patient.user['id']}/sessions.ics"))
    assert set(first) == set(again)
    uid = f"{session['id']}@afterglow"
    assert again[uid].decoded("DTSTART") - first[uid].decoded("DTSTART") == timedelta(hours=1)


def test_same_body_when_nothing_changed(patient, sessions):
    assert (
        patient.get("/api/v1/patients/me/sessions.ics").get_data()
        == patient.get("/api/v1/patients/me/sessions.ics").get_data()
    )


def test_a_completed_session_leaves_the_calendar(patient, provider_client, sessions):
    session = sessions["planned"][0]
    done = provider_client.patch(
        f"/api/v1/treatments/{session['id']}",
        json={"status": "completed", "starts_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
    )
    assert done.status_code == 200
    assert set(events_of(patient.get("/api/v1/patients/me/sessions.ics"))) == {
        f"{sessions['planned'][1]['id']}@afterglow"
    }


def test_empty_calendar(patient):
    assert events_of(patient.get("/api/v1/patients/me/sessions.ics")) == {}


def test_ics_export_is_audited(app, patient, provider_client):
    patient.get("/api/v1/patients/me/sessions.ics")
    provider_client.get(f"/api/v1/patients/{patient.user['id']}/sessions.ics")
    assert export_events(app, patient.user["id"]) == [
        ("patient", "export:sessions.ics"),
        ("provider", "export:sessions.ics"),
    ]


# The subscription feed: calendar apps cannot log in, so the URL carries a secret.


def feed_url(patient):
    response = patient.post("/api/v1/patients/me/calendar-feed")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_calendar_app_subscribes_without_a_cookie(app, patient, sessions):
    feed = feed_url(patient)
    assert feed["url"].startswith("http://127.0.0.1:5000/api/v1/feeds/") and feed["url"].endswith(
        "/sessions.ics"
    )
    assert feed["webcal_url"] == "webcal://" + feed["url"].split("://", 1)[1]
    calendar_app = app.test_client()  # no session cookie at all
    response = calendar_app.get(path_of(feed["url"]))
    assert set(events_of(response)) == {f"{session['id']}@afterglow" for session in sessions["planned"]}
    assert "Set-Cookie" not in response.headers
    assert export_events(app, patient.user["id"]) == [("patient", "export:sessions.ics:feed")]


def test_the_feed_url_is_stable(patient):
    assert feed_url(patient) == feed_url(patient)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(".")[0],
        lambda token: uuid.uuid4().hex + "." + token.split(".")[1],
        lambda token: "not-a-token",
    ],
)
def test_a_wrong_token_is_404(app, patient, mangle):
    token = feed_url(patient)["url"].split("/feeds/")[1].split("/")[0]
    response = app.test_client().get(f"/api/v1/feeds/{mangle(token)}/sessions.ics")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_changing_the_password_revokes_the_feed(app, patient):
    path = path_of(feed_url(patient)["url"])
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == uuid.UUID(patient.user["id"]))
            .values(password_changed_at=datetime.now(UTC))
        )
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
    assert path_of(feed_url(patient)["url"]) != path


def test_each_patient_has_their_own_feed(app, make_patient, provider):
    one, two = make_patient(provider), make_patient(provider)
    add_session(one, "me", status="planned")
    assert events_of(app.test_client().get(path_of(feed_url(two)["url"]))) == {}


def test_only_the_patient_gets_a_feed_url(make_patient, patient, provider_client):
    pid = patient.user["id"]
    assert provider_client.post(f"/api/v1/patients/{pid}/calendar-feed").status_code == 403
    assert make_patient().post(f"/api/v1/patients/{pid}/calendar-feed").status_code == 404
    assert patient.post(f"/api/v1/patients/{pid}/calendar-feed").status_code == 200
    assert (
        patient.post("/api/v1/patients/me/calendar-feed", headers={"X-CSRF-Token": "wrong"}).status_code
        == 403
    )


def test_the_feed_is_rate_limited_per_token(app, patient):
    path = path_of(feed_url(patient)["url"])
    calendar_app = app.test_client()
    statuses = [calendar_app.get(path).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    assert calendar_app.get(path).get_json()["error"]["code"] == "rate_limited"


def test_a_spanish_patients_calendar_is_in_spanish(make_patient, provider, provider_client):
    patient = make_patient(provider, language="es")
    add_session(provider_client, patient.user["id"], status="planned", starts_at=hours_ago(-24 * 2))
    body = patient.get("/api/v1/patients/me/sessions.ics").get_data()
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Sesiones en la clínica"
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Sesión en la clínica"]

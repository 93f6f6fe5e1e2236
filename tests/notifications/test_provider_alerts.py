"""Provider alerts: one email per provider when urgent or wearing-off flags open, never two for a flag.

Flags are created directly: this tests the alerting, not the relief engine that raises them.
"""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from diary.extensions import db
from diary.monitoring.models import Flag
from diary.notifications.alerts import PROVIDER_ALERT_LIFETIME

from .conftest import DAY, NEXT, utc


def raise_flag(app, client, kind="wearing_off", at=f"{DAY}T10:00:00Z", status="open"):
    with app.app_context():
        flag = Flag(
            patient_id=uuid.UUID(client.user["id"]),
            kind=kind,
            status=status,
            occurrence=f"{kind}:{uuid.uuid4().hex[:8]}",
            raised_on=date.fromisoformat(at[:10]),
            raised_at=utc(at),
            details={"total": 17},
        )
        db.session.add(flag)
        db.session.commit()
        return flag.id


def alerted_at(app, flag_id):
    with app.app_context():
        return db.session.get(Flag, flag_id).provider_alerted_at


def test_a_wearing_off_patient_brings_one_email_to_the_care_team(clinic, app, make_provider):
    provider = make_provider(team_name="Harbour Clinic", name="Dr. Ada Hale")
    colleague = make_provider(team_name="Harbour Clinic", name="Dr. Ben Ode")
    stranger = make_provider(team_name="Elsewhere")
    pat = clinic.make_patient(provider, name="Robin Example")
    flag = raise_flag(app, pat, "wearing_off")

    lines = clinic.tick(f"{DAY}T10:05:00Z")
    assert lines["provider_alerts"] == "2 email(s) queued about 1 new flag(s)"
    for who in (provider, colleague):
        [mail] = clinic.smtp.to(who["email"])
        assert mail["Subject"] == "1 patient needs your attention"
        text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
        assert "http://127.0.0.1:5000/" in text
        for private in ("Robin", "Example", "wearing", "urgent", "17", "score"):
            assert private not in mail["Subject"] + text + html
    assert clinic.smtp.to(stranger["email"]) == []
    assert clinic.mails_to(pat) == []
    assert alerted_at(app, flag) == utc(f"{DAY}T10:05:00Z")

    clinic.tick(f"{DAY}T10:06:00Z")
    clinic.tick(f"{NEXT}T10:06:00Z")
    assert len(clinic.smtp.to(provider["email"])) == 1


def test_flags_of_one_pass_make_one_email(clinic, app, make_provider):
    provider = make_provider()
    first, second = (
        clinic.make_patient(provider),
        clinic.make_patient(provider, email=f"b-{uuid.uuid4().hex[:6]}@mail.test"),
    )
    raise_flag(app, first, "urgent")
    raise_flag(app, first, "wearing_off")
    raise_flag(app, second, "wearing_off")

    clinic.tick(f"{DAY}T10:05:00Z")
    [mail] = clinic.smtp.to(provider["email"])
    assert mail["Subject"] == "2 patients need your attention"

    raise_flag(app, second, "urgent", at=f"{DAY}T11:00:00Z")  # a new flag later: a new email
    clinic.tick(f"{DAY}T11:05:00Z")
    assert [m["Subject"] for m in clinic.smtp.to(provider["email"])] == [
        "2 patients need your attention",
        "1 patient needs your attention",
    ]


def test_other_flags_bring_no_email(clinic, app, provider):
    pat = clinic.make_patient(provider)
    for kind in ("data_gap", "plan_maintenance", "non_response"):
        raise_flag(app, pat, kind)
    raise_flag(app, pat, "urgent", status="acknowledged")  # seen before the pass ran
    assert clinic.tick(f"{DAY}T10:05:00Z")["provider_alerts"] == "0 email(s) queued about 0 new flag(s)"
    assert clinic.smtp.to(provider["email"]) == []


def test_an_alert_waits_out_an_smtp_outage_and_is_sent_once(clinic, app, provider):
    pat = clinic.make_patient(provider)
    raise_flag(app, pat, "urgent")
    clinic.smtp.stop()
    assert clinic.tick(f"{DAY}T10:05:00Z")["delivery"].startswith("0 sent, 1 to retry")
    clinic.smtp.start()
    clinic.tick(f"{DAY}T10:30:00Z")
    clinic.tick(f"{DAY}T11:30:00Z")
    assert len(clinic.smtp.to(provider["email"])) == 1


@pytest.mark.parametrize(
    ("late_by", "delivered"),
    [(-timedelta(minutes=1), True), (timedelta(0), False), (timedelta(days=1), False)],
    ids=["just-in-time", "at-expiry", "a-day-after"],
)
def test_an_alert_not_delivered_within_its_lifetime_is_cancelled_not_sent_late(
    clinic, app, provider, late_by, delivered
):
    now = datetime.now(UTC).replace(microsecond=0)
    pat = clinic.make_patient(provider)
    flag = raise_flag(app, pat, "urgent", at=(now - timedelta(minutes=5)).isoformat())
    clinic.smtp.stop()
    lines = clinic.tick(now)
    assert lines["provider_alerts"] == "1 email(s) queued about 1 new flag(s)"
    assert lines["delivery"].startswith("0 sent, 1 to retry"), lines
    [alert] = clinic.outbox()
    assert alert.expires_at == now + PROVIDER_ALERT_LIFETIME

    clinic.smtp.start()  # back, but only when the alert's lifetime is (nearly) over
    lines = clinic.tick(now + PROVIDER_ALERT_LIFETIME + late_by)
    [alert] = clinic.outbox()
    if delivered:
        assert lines["delivery"].startswith("1 sent"), lines
        assert alert.status == "sent"
        assert len(clinic.smtp.to(provider["email"])) == 1
        return
    assert lines["delivery"] == "0 sent, 0 to retry, 0 failed, 1 cancelled", lines
    assert (alert.status, alert.last_error) == ("cancelled", "expired before it could be delivered")
    assert clinic.smtp.to(provider["email"]) == []
    # The flag stays alerted (it is not queued again) and open on the care team's worklist.
    assert clinic.tick(now + PROVIDER_ALERT_LIFETIME + late_by + timedelta(minutes=1))["provider_alerts"] == (
        "0 email(s) queued about 0 new flag(s)"
    )
    assert alerted_at(app, flag) == now
    [shown] = pat.provider_client.get(f"/api/v1/patients/{pat.user['id']}/flags").get_json()["items"]
    assert (shown["id"], shown["status"]) == (str(flag), "open")
    assert clinic.smtp.to(provider["email"]) == []

"""A safety answer above 0 reaches the care team's mailbox within one run of the delivery job:
the alert is queued with the check-in, not at the next provider-alert pass (docs/api.md)."""

from datetime import UTC, datetime

from diary.scheduler.jobs import JOBS
from diary.scheduler.runner import run_job
from tests.checkins.test_checkins import post_entry

DELIVERY = next(job for job in JOBS if job.name == "delivery")


def test_the_alert_reaches_smtp_within_one_delivery_run(clinic, app, make_provider):
    provider = make_provider(team_name="Harbour Clinic", name="Dr. Ada Hale")
    colleague = make_provider(team_name="Harbour Clinic", name="Dr. Ben Ode")
    stranger = make_provider(team_name="Elsewhere")
    patient = clinic.make_patient(provider, name="Robin Example")
    response = post_entry(patient, instrument="gad7", safety=2, note="I keep thinking about it.")
    assert response.status_code == 201 and response.get_json()["crisis"]

    ok, summary = run_job(app, DELIVERY, datetime.now(UTC))  # the delivery job alone, once
    assert ok, summary
    for who in (provider, colleague):
        [mail] = clinic.smtp.to(who["email"])
        assert mail["Subject"] == "1 patient needs your attention"
        text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
        for private in ("Robin", "Example", "safety", "dead", "hurting", "crisis", "thinking", "half"):
            assert private not in mail["Subject"] + text
        assert "Robin" not in html and "safety" not in html.lower()
    assert clinic.smtp.to(stranger["email"]) == []
    assert clinic.mails_to(patient) == []

    # A retry of the check-in and the next passes send nothing more.
    again = post_entry(
        patient,
        id=response.get_json()["id"],
        instrument="gad7",
        safety=2,
        note="I keep thinking about it.",
        recorded_at=response.get_json()["recorded_at"],
    )
    assert again.status_code == 200
    lines = clinic.tick(datetime.now(UTC))
    assert lines["provider_alerts"].startswith("0 email(s)")
    assert len(clinic.smtp.to(provider["email"])) == 1

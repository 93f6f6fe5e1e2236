"""An urgent that comes back is a new flag, so the care team's alert email goes out again
(issue 25): raised by the relief engine from a real diary, sent to the aiosmtpd server."""

from datetime import timedelta

from sqlalchemy import select

from diary.accounts.models import User
from diary.extensions import db
from diary.monitoring import service
from diary.monitoring.models import Flag
from tests.monitoring.conftest import Diary

from .conftest import DAY


def test_the_alert_goes_out_again_for_an_urgent_that_comes_back(clinic, app, make_provider):
    provider = make_provider(team_name="Harbour Clinic")
    pat = Diary(app, clinic.make_patient(provider, name="Robin Example"))  # Europe/Berlin: UTC+1
    yesterday = DAY - timedelta(days=1)
    pat.scores(DAY - timedelta(days=45), [12] * 7)
    pat.session(DAY - timedelta(days=38))
    pat.scores(DAY - timedelta(days=37), [5] * 17 + [18, 18] + [6] * 17 + [17])  # to yesterday
    pat.refresh(yesterday)  # the urgent of the run 20 days ago, still open
    clinic.tick(f"{yesterday}T11:05:00Z")
    [first_mail] = clinic.smtp.to(provider["email"])
    assert first_mail["Subject"] == "1 patient needs your attention"

    with app.app_context():
        flag = db.session.scalar(select(Flag).where(Flag.patient_id == pat.id, Flag.kind == "urgent"))
        actor = db.session.scalar(select(User).where(User.email == provider["email"]))
        service.acknowledge_flag(flag, actor=actor, now=pat.at(yesterday, 13))
        db.session.commit()

    pat.score(DAY, 18, hour=9)  # a new run of severe days after the acknowledgement
    pat.refresh(DAY)
    clinic.tick(f"{DAY}T11:05:00Z")

    mails = clinic.smtp.to(provider["email"])
    assert [m["Subject"] for m in mails] == ["1 patient needs your attention"] * 2
    text = mails[1].get_body(("plain",)).get_content()
    for private in ("Robin", "urgent", "18", "score"):
        assert private not in mails[1]["Subject"] + text
    with app.app_context():
        statuses = sorted(
            (f.status, f.provider_alerted_at is not None)
            for f in db.session.scalars(select(Flag).where(Flag.patient_id == pat.id, Flag.kind == "urgent"))
        )
    assert statuses == [("acknowledged", True), ("open", True)]

"""The outbox: retries with backoff, a cap on attempts, leases that survive a crash, dedupe keys."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

from diary import scheduler
from diary.extensions import db
from diary.notifications import delivery, outbox
from diary.notifications.models import EMAIL, PROVIDER_ALERT, OutboxMessage

from .conftest import DAY, NEXT, utc

JOBS = {job.name: job for job in scheduler.JOBS}


def run(app, job, at):
    ok, summary = scheduler.run_job(app, JOBS[job], utc(at) if isinstance(at, str) else at)
    assert ok, summary
    return summary


def test_smtp_down_then_up_delivers_once(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.stop()
    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"] == "0 sent, 1 to retry, 0 failed, 0 cancelled"
    [row] = clinic.outbox()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("TransientDeliveryError: SMTP unavailable")
    assert (
        timedelta(minutes=1) <= row.next_attempt_at - utc(f"{DAY}T20:00:00+01:00") <= timedelta(minutes=1.2)
    )

    clinic.smtp.start()
    assert clinic.tick(f"{DAY}T20:00:30+01:00")["delivery"].startswith("0 sent")  # still backing off
    assert clinic.tick(f"{DAY}T20:02:00+01:00")["delivery"].startswith("1 sent")
    clinic.tick(f"{DAY}T20:30:00+01:00")
    assert len(clinic.mails_to(pat)) == 1
    [row] = clinic.outbox()
    assert (row.status, row.attempts, row.next_attempt_at) == ("sent", 2, None)
    assert timedelta(0) <= row.sent_at - utc(f"{DAY}T20:02:00+01:00") < timedelta(seconds=5)  # + time spent
    assert "SMTP unavailable" in row.last_error  # kept: it tells why the message came late


def test_failures_back_off_exponentially_up_to_a_cap_of_attempts(app, make_provider, smtp_server):
    provider = make_provider()
    smtp_server.stop()
    start = utc(f"{DAY}T10:00:00Z")
    with app.app_context():
        provider_id = uuid.UUID(provider["id"])
        outbox.enqueue(
            [
                outbox.message_row(
                    dedupe_key="test:alert",
                    kind=PROVIDER_ALERT,
                    channel=EMAIL,
                    user_id=provider_id,
                    payload={"count": 1},
                    now=start,
                )
            ]
        )
        db.session.commit()

    now, delays = start, []
    for _ in range(outbox.MAX_ATTEMPTS):
        run(app, "delivery", now)
        with app.app_context():
            row = db.session.query(OutboxMessage).one()
        if row.status == "failed":
            break
        delays.append(row.next_attempt_at - now)
        now = row.next_attempt_at
    assert row.status == "failed" and row.attempts == outbox.MAX_ATTEMPTS and row.next_attempt_at is None
    assert "SMTP unavailable" in row.last_error
    for delay, minutes in zip(delays, [1, 2, 4, 8, 16, 32, 60], strict=True):  # doubling, capped at an hour
        assert (
            timedelta(minutes=minutes) <= delay <= timedelta(minutes=minutes * 1.1 + 0.1)
        )  # + up to 10 % jitter
    assert len(delays) == outbox.MAX_ATTEMPTS - 1
    smtp_server.start()
    run(app, "delivery", now + timedelta(days=1))
    assert smtp_server.messages == []


def test_a_crash_mid_delivery_loses_nothing(clinic, app):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    run(app, "reminders", f"{DAY}T20:00:00+01:00")
    with app.app_context():  # a worker claims the message and dies before sending it
        [claim] = outbox.claim_due(utc(f"{DAY}T20:00:00+01:00")).claims
        db.session.commit()

    assert clinic.tick(f"{DAY}T20:05:00+01:00")["delivery"].startswith("0 sent")  # the lease still holds
    assert clinic.mails_to(pat) == []
    assert clinic.tick(f"{DAY}T20:10:00+01:00")["delivery"].startswith("1 sent")  # it expired
    clinic.tick(f"{DAY}T20:30:00+01:00")
    assert len(clinic.mails_to(pat)) == 1
    [row] = clinic.outbox()
    assert (row.status, row.attempts) == ("sent", 2)

    with app.app_context():  # the first worker wakes up: its late outcome changes nothing
        assert outbox.settle(claim, "failed", now=utc(f"{DAY}T20:31:00+01:00"), error="late") is False
        assert db.session.get(OutboxMessage, row.id).status == "sent"


def test_a_reminder_never_arrives_after_its_day(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.stop()
    clinic.tick(f"{DAY}T20:00:00+01:00")
    clinic.smtp.start()
    assert clinic.tick(f"{NEXT}T08:00:00+01:00")["delivery"] == "0 sent, 0 to retry, 0 failed, 1 cancelled"
    assert clinic.mails_to(pat) == []
    [row] = clinic.outbox()
    assert (row.status, row.last_error) == ("cancelled", "expired before it could be delivered")
    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 1


def test_a_message_is_stored_once_per_dedupe_key(app, provider):
    now = utc(f"{DAY}T10:00:00Z")
    row = outbox.message_row(
        dedupe_key=f"reminder:x:{DAY}:email",
        kind=PROVIDER_ALERT,
        channel=EMAIL,
        user_id=uuid.UUID(provider["id"]),
        payload={"count": 1},
        now=now,
    )
    with app.app_context():
        outbox.enqueue([row])
        outbox.enqueue([dict(row)])
        db.session.commit()
        outbox.enqueue([dict(row)])
        db.session.commit()
        assert db.session.query(OutboxMessage).count() == 1


def test_without_an_smtp_url_emails_go_to_the_log(clinic, app, caplog):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    app.config["SMTP_URL"] = None
    with caplog.at_level("INFO", logger="diary.mail"):
        assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"].startswith("1 sent")
    assert clinic.mails_to(pat) == []
    [record] = [r for r in caplog.records if r.name == "diary.mail"]
    assert "no SMTP URL" in record.getMessage() and pat.user["email"].split("@")[0] not in record.getMessage()


def test_settled_messages_are_deleted_after_the_retention_period(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.stop()
    clinic.tick(f"{DAY}T20:00:00+01:00")  # the 12th's reminder: pending (SMTP down)
    clinic.smtp.start()
    clinic.tick(f"{NEXT}T20:00:00+01:00")  # the 12th's cancelled (its day is over), the 13th's sent
    assert sorted(row.status for row in clinic.outbox()) == ["cancelled", "sent"]

    assert (
        clinic.tick(f"{DAY + timedelta(days=31)}T19:30:00+01:00")["outbox_retention"]
        == "1 old message(s) deleted"
    )  # 31 days after the 12th
    assert [row.status for row in clinic.outbox()] == ["sent"]
    assert (
        clinic.tick(f"{NEXT + timedelta(days=31)}T19:30:00+01:00")["outbox_retention"]
        == "1 old message(s) deleted"
    )
    assert len(clinic.mails_to(pat)) == 1


def test_a_tick_at_a_past_instant_beside_a_live_scheduler_sends_nothing_twice(
    app, make_provider, smtp_server
):
    """`tick --at` yesterday decides what is due; its leases still run on the real clock, so the
    live scheduler does not take over a message the tick is still sending."""
    provider = make_provider()
    past = datetime.now(UTC) - timedelta(days=1)
    with app.app_context():
        outbox.enqueue(
            [
                outbox.message_row(
                    dedupe_key="test:past",
                    kind=PROVIDER_ALERT,
                    channel=EMAIL,
                    user_id=uuid.UUID(provider["id"]),
                    payload={"count": 1},
                    now=past,
                )
            ]
        )
        db.session.commit()
    smtp_server.hold_next()  # the tick's message takes its time at the server
    tick = threading.Thread(target=run, args=(app, "delivery", past))
    tick.start()
    try:
        assert smtp_server.held.wait(30)
        live = run(app, "delivery", datetime.now(UTC))  # the live scheduler's pass meanwhile
    finally:
        smtp_server.release()
        tick.join(60)
    assert live.startswith("0 sent")
    assert len(smtp_server.messages) == 1
    with app.app_context():
        row = db.session.query(OutboxMessage).one()
        assert (row.status, row.attempts) == ("sent", 1)
        assert row.sent_at > past + timedelta(hours=23)  # when it was sent, not the simulated instant


def test_a_tick_at_a_past_instant_retries_on_the_real_clock(app, make_provider, smtp_server):
    provider = make_provider()
    smtp_server.stop()
    past = datetime.now(UTC) - timedelta(days=1)
    with app.app_context():
        outbox.enqueue(
            [
                outbox.message_row(
                    dedupe_key="test:retry",
                    kind=PROVIDER_ALERT,
                    channel=EMAIL,
                    user_id=uuid.UUID(provider["id"]),
                    payload={"count": 1},
                    now=past,
                )
            ]
        )
        db.session.commit()
    before = datetime.now(UTC)
    assert run(app, "delivery", past).startswith("0 sent, 1 to retry")
    with app.app_context():
        row = db.session.query(OutboxMessage).one()
    assert before + timedelta(minutes=1) <= row.next_attempt_at <= datetime.now(UTC) + timedelta(minutes=1.2)


def test_a_greylisted_reminder_is_retried_with_the_normal_backoff(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.refuse_sender("451 4.7.1 Greylisted, please try again later")
    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"] == "0 sent, 1 to retry, 0 failed, 0 cancelled"
    [row] = clinic.outbox()
    assert (row.status, row.attempts) == ("pending", 1) and "451" in row.last_error
    assert (
        timedelta(minutes=1) <= row.next_attempt_at - utc(f"{DAY}T20:00:00+01:00") <= timedelta(minutes=1.2)
    )  # not an hour
    clinic.smtp.refuse_sender(None)
    assert clinic.tick(f"{DAY}T20:02:00+01:00")["delivery"].startswith("1 sent")
    assert len(clinic.mails_to(pat)) == 1


def test_a_message_sent_again_after_a_crash_keeps_its_message_id(clinic, app):
    """The one way to send twice: the server accepted, the worker died before recording it.
    The second copy carries the same Message-ID, so mail systems can tell it is the same."""
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    other = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    run(app, "reminders", f"{DAY}T20:00:00+01:00")
    with app.app_context():
        settings = delivery.delivery_settings(app)
        claims = outbox.claim_due(utc(f"{DAY}T20:00:00+01:00")).claims
        db.session.commit()
        for claim in claims:
            assert delivery.send(claim, settings, now=utc(f"{DAY}T20:00:00+01:00")).status == "sent"
        db.session.remove()  # and the worker dies here, before outbox.record
    clinic.tick(f"{DAY}T20:11:00+01:00")  # the lease has expired: sent again
    first, second = clinic.mails_to(pat)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].endswith("@clinic.test>") and pat.user["id"] not in first["Message-ID"]
    assert clinic.mails_to(other)[0]["Message-ID"] != first["Message-ID"]


def test_a_reminder_refused_for_good_is_shown_to_the_patient_and_the_care_team(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    pid = pat.user["id"]
    clinic.smtp.refuse(pat.user["email"], "550 5.1.1 No such user here")
    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"] == "0 sent, 0 to retry, 1 failed, 0 cancelled"

    assert pat.get("/api/v1/me/settings").get_json()["email_reminders_failing"] is True
    team = pat.provider_client
    assert (
        team.get(f"/api/v1/patients/{pid}/timeline").get_json()["patient"]["email_reminders_failing"] is True
    )
    assert (
        team.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": 9}).get_json()[
            "email_reminders_failing"
        ]
        is True
    )

    clinic.smtp.refusals.clear()  # the address works again: the next reminder clears it
    assert clinic.tick(f"{NEXT}T20:00:00+01:00")["delivery"].startswith("1 sent")
    assert pat.get("/api/v1/me/settings").get_json()["email_reminders_failing"] is False
    assert (
        team.get(f"/api/v1/patients/{pid}/timeline").get_json()["patient"]["email_reminders_failing"] is False
    )


def test_a_reminder_that_only_waits_is_not_called_failing(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.refuse(pat.user["email"], "451 4.2.2 Mailbox full, try later")
    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"].startswith("0 sent, 1 to retry")
    assert pat.get("/api/v1/me/settings").get_json()["email_reminders_failing"] is False

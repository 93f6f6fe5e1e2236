"""Leases that run out: a batch outlasting its lease (found by review, 2026-12-06), a message
still in flight when its lease ends, and a message whose workers keep dying while they hold it."""

import logging
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from diary import scheduler
from diary.extensions import db
from diary.notifications import outbox
from diary.notifications.channels import message_id_for
from diary.notifications.models import EMAIL, FAILED, PROVIDER_ALERT, SENDING, SENT, OutboxMessage

JOBS = {job.name: job for job in scheduler.JOBS}


def run(app, at):
    ok, summary = scheduler.run_job(app, JOBS["delivery"], at)
    assert ok, summary
    return summary


def queue_alert(app, provider, key, at):
    with app.app_context():
        outbox.enqueue(
            [
                outbox.message_row(
                    dedupe_key=key,
                    kind=PROVIDER_ALERT,
                    channel=EMAIL,
                    user_id=uuid.UUID(provider["id"]),
                    payload={"count": 1},
                    now=at,
                )
            ]
        )
        db.session.commit()


def row(app, key):
    with app.app_context():
        return db.session.query(OutboxMessage).filter_by(dedupe_key=key).one()


def test_a_message_a_slow_worker_has_not_started_is_not_sent_twice_after_its_lease_ran_out(
    app, make_provider, smtp_server
):
    provider = make_provider()
    start = datetime.now(UTC)
    with app.app_context():
        outbox.enqueue(
            [
                outbox.message_row(
                    dedupe_key=f"test:{n}",
                    kind=PROVIDER_ALERT,
                    channel=EMAIL,
                    user_id=uuid.UUID(provider["id"]),
                    payload={"count": 1},
                    now=start - timedelta(seconds=10 - n),  # test:1 first, then test:2
                )
                for n in (1, 2)
            ]
        )
        db.session.commit()
    # Worker A claims both (one batch, one lease of 10 minutes) and is slow on the first.
    smtp_server.hold_next()
    worker_a = threading.Thread(target=run, args=(app, start))
    worker_a.start()
    try:
        assert smtp_server.held.wait(30)
        # 11 minutes later A is still in its batch; another scheduler (a takeover, a tick)
        # finds both leases expired and sends both.
        run(app, start + timedelta(minutes=11))
    finally:
        smtp_server.release()
        worker_a.join(60)
    ids = Counter(m["Message-ID"] for m in smtp_server.messages)
    second = message_id_for("test:2", app.config["MAIL_FROM"])
    # test:2 was never in flight when its lease ran out: the worker that took it over sends it, once.
    assert ids[second] == 1, f"test:2 sent {ids[second]} times; all: {dict(ids)}"


def test_a_message_still_in_flight_when_its_lease_runs_out_is_settled_by_the_claim_that_took_it_over(
    app, make_provider, smtp_server, caplog
):
    """The documented duplicate: worker A is still inside the send after 10 minutes, so another
    worker sends the message again (same Message-ID). The row is then the newer claim's: A's late
    outcome is refused (settle is conditional on the claim), and A says so in the log."""
    provider = make_provider()
    start = datetime.now(UTC)
    queue_alert(app, provider, "test:in-flight", start - timedelta(seconds=5))
    smtp_server.hold_next()  # A's send waits in DATA
    worker_a = threading.Thread(target=run, args=(app, start))
    with caplog.at_level(logging.WARNING, logger="diary.outbox"):
        worker_a.start()
        try:
            assert smtp_server.held.wait(30)
            assert row(app, "test:in-flight").attempts == 1
            # 11 minutes on, A's lease has run out with A still in the send: B takes the row over.
            summary = run(app, start + timedelta(minutes=11))
            assert summary.startswith("1 sent"), summary
            taken = row(app, "test:in-flight")
            assert (taken.status, taken.attempts) == (SENT, 2)
        finally:
            smtp_server.release()
            worker_a.join(60)
    assert not worker_a.is_alive()
    key_id = message_id_for("test:in-flight", app.config["MAIL_FROM"])
    assert [m["Message-ID"] for m in smtp_server.messages] == [key_id, key_id]
    settled = row(app, "test:in-flight")
    # Still B's outcome: A finished later, on the real clock, and would have stamped its own time.
    assert (settled.status, settled.attempts, settled.lease_until) == (SENT, 2, None)
    assert settled.sent_at >= start + timedelta(minutes=11)
    assert [r.getMessage() for r in caplog.records if r.name == "diary.outbox"] == [
        "outbox claim lost before it was settled"
    ]


def abandon(app, at):
    """A worker claims what is due at ``at`` and dies before it sends anything: the claim stays."""
    with app.app_context():
        batch = outbox.claim_due(at)
        db.session.commit()
        return batch


@pytest.mark.parametrize(
    ("deaths", "outcome"),
    [(outbox.MAX_ATTEMPTS - 1, SENT), (outbox.MAX_ATTEMPTS, FAILED)],
    ids=["one-attempt-left", "abandoned-too-often"],
)
def test_a_message_its_workers_keep_abandoning_is_failed_after_its_last_attempt(
    app, make_provider, smtp_server, deaths, outcome
):
    provider = make_provider()
    start = datetime.now(UTC)
    queue_alert(app, provider, "test:abandoned", start)
    at = start
    for death in range(1, deaths + 1):
        [claim] = abandon(app, at).claims
        assert claim.attempts == death
        held = row(app, "test:abandoned")
        assert (held.status, held.lease_until) == (SENDING, at + outbox.LEASE)
        at += outbox.LEASE + timedelta(minutes=1)  # the lease has run out: claimable again
    summary = run(app, at)
    settled = row(app, "test:abandoned")
    if outcome == SENT:  # the last of its attempts is still made
        assert summary.startswith("1 sent, 0 to retry, 0 failed"), summary
        assert (settled.status, settled.attempts) == (SENT, outbox.MAX_ATTEMPTS)
        assert len(smtp_server.messages) == 1
    else:
        assert summary == "0 sent, 0 to retry, 1 failed, 0 cancelled", summary
        assert (settled.status, settled.last_error) == (FAILED, "abandoned by a worker too often")
        assert (settled.lease_until, settled.next_attempt_at) == (None, None)
        assert smtp_server.messages == []
        assert run(app, at + timedelta(hours=1)).startswith(
            "0 sent, 0 to retry, 0 failed"
        )  # settled for good

"""A batch outlasting its lease (found by review, 2026-12-06): a message another worker took
over before this one started it is sent by that worker only (outbox.renew)."""

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from diary import scheduler
from diary.extensions import db
from diary.notifications import outbox
from diary.notifications.channels import message_id_for
from diary.notifications.models import EMAIL, PROVIDER_ALERT

JOBS = {job.name: job for job in scheduler.JOBS}


def run(app, at):
    ok, summary = scheduler.run_job(app, JOBS["delivery"], at)
    assert ok, summary
    return summary


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

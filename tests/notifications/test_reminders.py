"""Daily reminders end to end: settings, `scheduler tick --at`, the outbox, a real SMTP server.

The dates are after the real now, on whatever day the suite runs (tests/support/dates.py):
most tests happen on a 12 January ahead (``DAY``), the DST ones at the next clock change that
zoneinfo knows of.
"""

import uuid
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from diary.accounts.models import Patient
from diary.checkins import service as checkins
from diary.extensions import db
from diary.notifications import reminders as notifications
from diary.notifications.models import ReminderSchedule
from tests.support.dates import clock_change

from .conftest import DAY, NEXT, utc

BASE_URL = "http://127.0.0.1:5000/"
SECOND = timedelta(seconds=1)


def wall(instant, zone):
    """What the clock on the wall reads in ``zone`` at ``instant``: "02:30:00 CEST"."""
    return f"{instant.astimezone(ZoneInfo(zone)):%H:%M:%S %Z}"


def check_in(clinic, client, at):
    with clinic.app.app_context():
        patient = db.session.get(Patient, uuid.UUID(client.user["id"]))
        checkins.create_entry(
            patient,
            {"answers": [2, 1, 1, 0, 1, 2, 1], "recorded_at": utc(at)},
            actor=patient.user,
            now=utc(at),
        )
        db.session.commit()


def test_an_email_reminder_arrives_once_at_the_local_time(clinic):
    pat = clinic.patient(zone="Europe/Berlin", at=f"{DAY}T08:00:00+01:00")

    assert clinic.tick(f"{DAY}T19:59:59+01:00")["reminders"].startswith("0 message(s)")
    assert clinic.mails_to(pat) == []

    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert lines["reminders"] == "1 message(s) queued for 1 patient(s)"
    assert lines["delivery"] == "1 sent, 0 to retry, 0 failed, 0 cancelled"
    [mail] = clinic.mails_to(pat)
    assert mail["Subject"] == "Time for your daily check-in"
    assert mail["From"].addresses[0].addr_spec == "no-reply@clinic.test"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert BASE_URL in text and f'href="{BASE_URL}"' in html
    for private in ("Pat Doe", "GAD", "score", "anxiety"):  # no name, no health data
        assert private not in mail.as_string()

    clinic.tick(f"{DAY}T20:01:00+01:00")
    clinic.tick(f"{DAY}T23:59:00+01:00")
    assert len(clinic.mails_to(pat)) == 1

    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 2


def test_no_reminder_after_a_check_in_that_day(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    check_in(clinic, pat, f"{DAY}T09:30:00+01:00")

    assert (
        clinic.tick(f"{DAY}T20:00:00+01:00")["reminders"]
        == "0 message(s) queued for 0 patient(s); skipped 1 checked in"
    )
    assert clinic.mails_to(pat) == []
    clinic.tick(f"{NEXT}T20:00:00+01:00")  # the next day, no check-in yet
    assert len(clinic.mails_to(pat)) == 1


def test_a_check_in_after_queueing_cancels_the_undelivered_reminder(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.stop()
    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"].startswith("0 sent, 1 to retry")
    check_in(clinic, pat, f"{DAY}T20:01:00+01:00")
    clinic.smtp.start()

    assert clinic.tick(f"{DAY}T20:10:00+01:00")["delivery"] == "0 sent, 0 to retry, 0 failed, 1 cancelled"
    assert clinic.mails_to(pat) == []
    [row] = clinic.outbox()
    assert (row.status, row.last_error) == ("cancelled", "patient checked in")


def test_no_reminder_when_reminders_are_off(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00", reminders_enabled=False)
    with clinic.app.app_context():
        assert db.session.get(ReminderSchedule, uuid.UUID(pat.user["id"])).next_reminder_at is None
    clinic.tick(f"{DAY}T20:00:00+01:00")
    assert clinic.mails_to(pat) == []

    clinic.settings(pat, at=f"{NEXT}T10:00:00+01:00", reminders_enabled=True)
    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 1


def test_no_email_when_email_reminders_are_off_and_no_push(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00", email_reminders=False)
    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert lines["reminders"].endswith("skipped 1 without a channel")
    assert clinic.mails_to(pat) == []


def test_a_scheduler_that_was_down_catches_up_the_same_day(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.tick(f"{DAY}T23:30:00+01:00")
    assert len(clinic.mails_to(pat)) == 1


def test_a_scheduler_that_was_down_never_sends_for_a_day_that_passed(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    lines = clinic.tick(f"{NEXT}T19:00:00+01:00")  # down through the 12th's reminder
    assert lines["reminders"].endswith("skipped 1 past their day")
    assert clinic.mails_to(pat) == []
    clinic.tick(f"{NEXT}T20:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 1


def test_spring_forward_a_missing_time_fires_when_the_clocks_jump(clinic):
    # New York, the next spring: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
    jump = clock_change("America/New_York", forward=True)
    assert [wall(jump - SECOND, "America/New_York"), wall(jump, "America/New_York")] == [
        "01:59:59 EST",
        "03:00:00 EDT",
    ]
    pat = clinic.patient(zone="America/New_York", reminder="02:30", at=jump - timedelta(hours=1.5))
    clinic.tick(jump - SECOND)
    assert clinic.mails_to(pat) == []
    clinic.tick(jump)
    assert len(clinic.mails_to(pat)) == 1
    clinic.tick(jump + timedelta(minutes=30))
    next_day = jump + timedelta(hours=23.5)  # 02:30 EDT the day after
    assert wall(next_day, "America/New_York") == "02:30:00 EDT"
    clinic.tick(next_day - SECOND)
    assert len(clinic.mails_to(pat)) == 1
    clinic.tick(next_day)
    assert len(clinic.mails_to(pat)) == 2


def test_fall_back_a_repeated_time_fires_once(clinic):
    # Berlin, the next autumn: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    back = clock_change("Europe/Berlin", forward=False)
    first, second = back - timedelta(minutes=30), back + timedelta(minutes=30)
    assert [wall(first, "Europe/Berlin"), wall(second, "Europe/Berlin")] == ["02:30:00 CEST", "02:30:00 CET"]
    pat = clinic.patient(zone="Europe/Berlin", reminder="02:30", at=back - timedelta(hours=2, minutes=50))
    clinic.tick(first - SECOND)
    assert clinic.mails_to(pat) == []
    clinic.tick(first)
    assert len(clinic.mails_to(pat)) == 1
    clinic.tick(second)
    clinic.tick(second + timedelta(minutes=15))
    assert len(clinic.mails_to(pat)) == 1


def test_a_zone_change_moves_the_reminder(clinic):
    pat = clinic.patient(zone="Europe/Berlin", at=f"{DAY}T08:00:00+01:00")
    clinic.settings(pat, at=f"{DAY}T08:00:00+01:00", timezone="Asia/Tokyo")  # 16:00 in Tokyo
    clinic.tick(f"{DAY}T10:59:59Z")
    assert clinic.mails_to(pat) == []
    clinic.tick(f"{DAY}T11:00:00Z")  # 20:00 in Tokyo
    assert len(clinic.mails_to(pat)) == 1
    clinic.tick(f"{DAY}T19:00:00Z")  # 20:00 in Berlin: nothing more
    assert len(clinic.mails_to(pat)) == 1


def test_moving_the_time_after_todays_reminder_does_not_repeat_it(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.tick(f"{DAY}T20:00:00+01:00")
    clinic.settings(pat, at=f"{DAY}T20:30:00+01:00", reminder_time=time(21, 0))
    clinic.tick(f"{DAY}T21:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 1
    clinic.tick(f"{NEXT}T21:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 2


def test_a_settings_change_keeps_a_reminder_that_was_owed(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    # No pass ran at 20:00; at 20:10 the patient moves the reminder to 19:00: today's is still owed.
    clinic.settings(pat, at=f"{DAY}T20:10:00+01:00", reminder_time=time(19, 0))
    clinic.tick(f"{DAY}T20:15:00+01:00")
    assert len(clinic.mails_to(pat)) == 1


# A settings change never swallows today's reminder (found by review, 2026-12-06).


def test_moving_the_time_earlier_before_todays_reminder_sends_it_now(clinic):
    # 20:00 by default; at 19:00 (today's not yet due) the patient moves it to 18:00.
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.settings(pat, at=f"{DAY}T19:00:00+01:00", reminder_time=time(18, 0))
    for at in (f"{DAY}T19:01:00+01:00", f"{DAY}T20:00:00+01:00", f"{DAY}T23:59:00+01:00"):
        clinic.tick(at)
    assert len(clinic.mails_to(pat)) == 1
    clinic.tick(f"{NEXT}T18:00:00+01:00")
    assert len(clinic.mails_to(pat)) == 2  # and at the new time from the next day


def test_a_zone_change_that_puts_todays_reminder_in_the_past_sends_it_now(clinic):
    # London 19:30 is Berlin 20:30: not yet due in London, past in Berlin.
    pat = clinic.patient(zone="Europe/London", at=f"{DAY}T08:00:00+00:00")
    clinic.settings(pat, at=f"{DAY}T19:30:00+00:00", timezone="Europe/Berlin")
    for at in (f"{DAY}T20:31:00+01:00", f"{DAY}T23:59:00+01:00"):
        clinic.tick(at)
    assert len(clinic.mails_to(pat)) == 1


def test_fall_back_a_time_set_in_the_repeated_hour_during_it_is_not_lost(clinic):
    # Berlin, the next autumn: 02:00-03:00 happens twice. During the second 02:40 the
    # patient sets 02:50, whose first occurrence has passed.
    back = clock_change("Europe/Berlin", forward=False)
    pat = clinic.patient(zone="Europe/Berlin", at=back - timedelta(hours=15))  # 12:00 CEST the day before
    clinic.tick(back - timedelta(hours=7))  # 20:00 CEST the day before
    assert len(clinic.mails_to(pat)) == 1
    assert wall(back + timedelta(minutes=40), "Europe/Berlin") == "02:40:00 CET"
    clinic.settings(pat, at=back + timedelta(minutes=40), reminder_time=time(2, 50))
    evening = back + timedelta(hours=18)
    assert wall(evening, "Europe/Berlin") == "20:00:00 CET"
    for at in (
        back + timedelta(minutes=41),
        back + timedelta(minutes=50),
        evening,
        evening + timedelta(hours=3, minutes=59),
    ):
        clinic.tick(at)
    assert len(clinic.mails_to(pat)) == 2


def test_a_new_schedule_starts_with_the_next_reminder_not_one_already_past(clinic, app):
    # A patient registering at 21:00 is not reminded at once for 20:00: that is for a change.
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    with app.app_context():
        patient = db.session.get(Patient, uuid.UUID(pat.user["id"]))
        db.session.delete(db.session.get(ReminderSchedule, patient.id))
        db.session.flush()
        schedule = notifications.reschedule(patient, now=utc(f"{DAY}T21:00:00+01:00"))
        assert schedule.next_reminder_at == utc(f"{NEXT}T20:00:00+01:00")
        db.session.rollback()


def test_turning_email_reminders_off_stops_a_queued_email_reminder(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    clinic.smtp.stop()
    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"].startswith("0 sent, 1 to retry")
    clinic.settings(pat, at=f"{DAY}T20:01:00+01:00", email_reminders=False)
    clinic.smtp.start()
    clinic.tick(f"{DAY}T20:10:00+01:00")
    assert clinic.mails_to(pat) == []


# The day of the last reminder is taken where the patient is now (last_reminded_at).


def test_a_flight_west_does_not_skip_the_next_local_day(clinic):
    # Tokyo, reminder 08:00. The 13th's reminder goes at 08:00 JST = 12th 15:00 in Los Angeles.
    pat = clinic.patient(zone="Asia/Tokyo", reminder="08:00", at=f"{DAY}T12:00:00+09:00")
    clinic.tick(f"{NEXT}T08:00:00+09:00")
    assert len(clinic.mails_to(pat)) == 1
    # The patient flies home and sets Los Angeles at 16:00 on the 12th (local).
    clinic.settings(pat, at=f"{DAY}T16:00:00-08:00", timezone="America/Los_Angeles")
    # The 13th in Los Angeles is a new day without a reminder or a check-in.
    for at in (f"{NEXT}T08:00:00-08:00", f"{NEXT}T12:00:00-08:00", f"{NEXT}T23:59:00-08:00"):
        clinic.tick(at)
    assert len(clinic.mails_to(pat)) == 2, f"{NEXT} in Los Angeles got no reminder (41 h gap)"


def test_a_flight_east_does_not_remind_twice_on_one_local_day(clinic):
    # Los Angeles, 20:00: the 12th's reminder goes at 20:00 PST = 13th 13:00 in Tokyo.
    pat = clinic.patient(zone="America/Los_Angeles", at=f"{DAY}T08:00:00-08:00")
    clinic.tick(f"{DAY}T20:00:00-08:00")
    assert len(clinic.mails_to(pat)) == 1
    # The patient lands in Tokyo and sets the zone at 14:00 on the 13th (local).
    clinic.settings(pat, at=f"{NEXT}T14:00:00+09:00", timezone="Asia/Tokyo")
    for at in (f"{NEXT}T20:00:00+09:00", f"{NEXT}T23:59:00+09:00"):
        clinic.tick(at)
    assert len(clinic.mails_to(pat)) == 1, f"two reminders on {NEXT} in Tokyo (13:00 and 20:00)"

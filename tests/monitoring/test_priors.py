"""The clinic prior of the relief forecast: refreshed by a scheduler job, read by evaluations."""

from datetime import timedelta

from sqlalchemy import select

from diary import scheduler
from diary.extensions import db
from diary.monitoring.models import ClinicPrior

from .conftest import D0


def day(n):
    return D0 + timedelta(days=n)


def test_the_job_collects_other_patients_wear_offs_and_the_forecast_uses_them(app, diary):
    done = []
    for n in range(6):
        pat = diary(name=f"Pat {n}")
        pat.worked_example(D0)
        pat.refresh(day(21))
        done.append(pat)
    [job] = [job for job in scheduler.JOBS if job.name == "clinic_priors"]
    ok, summary = scheduler.run_job(app, job, done[0].at(day(21)))
    assert ok and summary == "1 clinic prior(s) refreshed"
    with app.app_context():
        [row] = db.session.scalars(select(ClinicPrior)).all()
        assert row.course_kind == "single" and len(row.durations) == 6
        assert all(0 < days <= 18 for _, days in row.durations)

    # A new patient of the team, a week after a single session: the clinic's cycles stand in.
    new = diary(name="Pat New")
    new.scores(day(-7), [16, 15, 17, 16, 16, 15, 17])
    new.session(D0)
    new.scores(day(1), [9, 6, 5, 5, 4, 5, 5])
    forecast = new.refresh(day(7))["assessment"]["forecast"]
    assert forecast["sources"][0] == "clinic" and "clinic's 6 cycles" in forecast["why"]
    # ... and one of the six sees only the other five
    mine = done[0].refresh(day(21), hour=13)
    assert mine["status"] == "wearing_off"


def test_without_the_job_the_fixed_prior_stands_in(app, diary):
    new = diary()
    new.scores(day(-7), [16, 15, 17, 16, 16, 15, 17])
    new.session(D0)
    new.scores(day(1), [9, 6, 5, 5, 4, 5, 5])
    forecast = new.refresh(day(7))["assessment"]["forecast"]
    assert forecast["sources"][0] == "default_prior"
    assert forecast["predicted_wear_off_date"] > (D0 + timedelta(days=7)).isoformat()

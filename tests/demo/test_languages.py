"""The demo clinic shows both languages: some patients read, and answered, in Spanish."""

from sqlalchemy import select

from diary.accounts.models import User
from diary.checkins.models import Entry
from diary.demo import histories
from diary.extensions import db


def test_every_fourth_patient_from_the_second_is_spanish():
    assert [histories.demo_language(n) for n in range(1, 11)] == [
        "en", "es", "en", "en", "en", "es", "en", "en", "en", "es",
    ]  # fmt: skip


def test_seeded_patients_and_their_entries_carry_their_language(app, runner):
    assert runner.invoke(args=["demo", "--patients", "3", "--days", "30"]).exit_code == 0
    with app.app_context():
        rows = db.session.execute(
            select(User.email, User.language, Entry.language).join(Entry, Entry.patient_id == User.id)
        ).all()
    by_email = {email: (user, entry) for email, user, entry in rows}
    assert by_email["demo.patient02@afterglow.test"] == ("es", "es")
    assert by_email["demo.patient01@afterglow.test"] == ("en", "en")
    assert all(user == entry for user, entry in by_email.values())

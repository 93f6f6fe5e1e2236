"""POST check-in and GET a year of entries, against the bare route (issue: foundation)."""

import itertools
import uuid
from datetime import timedelta

from diary.checkins.models import Entry
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import PASSWORD

from .harness import BARE_PATH, make_app, serve, time_call
from .seed import seed_patients


def run(report, database_url=None):
    app = make_app(database_url)
    with app.app_context():
        [(patient_id, email)] = seed_patients(1, days=365, with_logins=True)
    with serve(app) as http:
        http.login(email, PASSWORD)
        bare = time_call(lambda: http.request("GET", BARE_PATH))
        report.add("bare Flask JSON route (reference)", bare, bare)

        counter = itertools.count()

        def check_in():
            status, _ = http.request(
                "POST",
                "/api/v1/patients/me/entries",
                {"id": str(uuid.uuid4()), "answers": [1, 1, 2, 0, 1, next(counter) % 4, 1]},
            )
            assert status == 201, status

        report.add("POST check-in", time_call(check_in), bare, "goal <= 2x")
        year = time_call(
            lambda: http.request(
                "GET", "/api/v1/patients/me/entries?from={}&to={}".format(*_year(app, patient_id))
            ),
            number=10,
        )
        report.add("GET entries, a year of data", year, bare)


def _year(app, patient_id):
    with app.app_context():
        today = utcnow().date()
        count = db.session.query(Entry).filter_by(patient_id=patient_id).count()
        assert count >= 365, count
    return today - timedelta(days=364), today

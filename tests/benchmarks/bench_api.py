"""POST check-in and GET a year of entries, under gunicorn, each beside /healthz (issue: foundation).

The patient has a year of check-ins dated across it, with a session every three
weeks, so a check-in re-evaluates a real history (from its stored checkpoint).
"""

import itertools
import uuid
from datetime import timedelta

from diary.db_types import utcnow
from tests.conftest import PASSWORD

from .harness import make_app, serve
from .seed import seed_patients


def run(report, database_url=None):
    app = make_app(database_url)
    with app.app_context():
        [(_patient_id, email)] = seed_patients(1, days=365, with_logins=True, session_every=21)
        today = utcnow().date()
    with serve(app) as http:
        http.login(email, PASSWORD)
        counter = itertools.count()

        def check_in():
            status, _ = http.request(
                "POST",
                "/api/v1/patients/me/entries",
                {"id": str(uuid.uuid4()), "answers": [1, 1, 2, 0, 1, next(counter) % 4, 1]},
            )
            assert status == 201, status

        report.against_healthz("POST check-in, a year of history", http, check_in, "goal <= 2x")
        year = f"/api/v1/patients/me/entries?from={today - timedelta(days=364)}&to={today}"
        status, body = http.request("GET", year)
        assert status == 200 and len(body["items"]) >= 365, (status, len(body["items"]))
        report.against_healthz(
            "GET entries, a year of data", http, lambda: http.request("GET", year), number=5
        )

"""Shared set-up for the export tests: check-ins and sessions through the API."""

from datetime import UTC, datetime, timedelta

from tests.checkins.test_checkins import iso


def hours_ago(hours):
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def add_entry(client, pid="me", answers=(1, 2, 0, 3, 1, 1, 2), **fields):
    response = client.post(f"/api/v1/patients/{pid}/entries", json={"answers": list(answers), **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_session(client, pid, status="completed", starts_at=None, **fields):
    if starts_at is None:
        starts_at = hours_ago(30) if status == "completed" else hours_ago(-24 * 5)
    body = {"status": status, "starts_at": iso(starts_at), "route": "iv", "dose_mg": 35, **fields}
    response = client.post(f"/api/v1/patients/{pid}/treatments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def export_events(app, patient_id):
    """The (actor role, resource) of every export audited for ``patient_id``."""
    import uuid

    from sqlalchemy import select

    from diary.audit.models import AuditEvent
    from diary.extensions import db

    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.patient_id == uuid.UUID(patient_id), AuditEvent.action == "export")
            .order_by(AuditEvent.at)
        ).all()
        return [(row.actor_role, row.resource) for row in rows]

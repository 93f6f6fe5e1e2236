"""Who reaches which patient (diary/accounts/access.py): a provider reaches exactly the patients
of the care teams they are on, whoever on the team invited them, and gets 404 for anyone else."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from diary.accounts.models import CareTeam, User
from diary.extensions import db
from diary.monitoring.models import Flag
from tests.conftest import login
from tests.exports.helpers import add_entry, add_session

# What a provider reads about one patient, each path answering 200 or 404 as a whole.
PATIENT_READS = (
    "/api/v1/patients/{pid}/timeline",
    "/api/v1/patients/{pid}/flags",
    "/api/v1/patients/{pid}/entries",
    "/api/v1/patients/{pid}/treatments",
)
# Exports: a fresh document each time (a bundle id, a timestamp), so only their status is compared.
EXPORTS = ("/api/v1/patients/{pid}/fhir", "/api/v1/patients/{pid}/export.csv?kind=entries")


def raise_flag(app, patient, kind="urgent"):
    now = datetime.now(UTC)
    with app.app_context():
        flag = Flag(
            patient_id=uuid.UUID(patient.user["id"]),
            kind=kind,
            occurrence=f"{kind}:{uuid.uuid4().hex[:8]}",
            raised_on=now.date(),
            raised_at=now,
            details={"total": 17},
        )
        db.session.add(flag)
        db.session.commit()
        return str(flag.id)


def worklist_ids(client):
    response = client.get("/api/v1/patients")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["next_cursor"] is None
    return {item["id"] for item in body["items"]}


def reads(client, patient):
    """Every read of ``patient``'s record: {path: (status, body)}, the exports' status only."""
    answers = {}
    for template in PATIENT_READS:
        response = client.get(template.format(pid=patient.user["id"]))
        answers[template] = (response.status_code, response.get_json())
    for template in EXPORTS:
        answers[template] = (client.get(template.format(pid=patient.user["id"])).status_code, None)
    return answers


def join_team(app, provider, team_name):
    """Puts ``provider`` on a second care team (the command line makes each provider on one)."""
    with app.app_context():
        user = db.session.get(User, uuid.UUID(provider["id"]))
        user.care_teams.append(db.session.scalar(select(CareTeam).where(CareTeam.name == team_name)))
        db.session.commit()


def test_a_second_provider_on_the_team_sees_the_same_patients_flags_and_timelines(
    app, make_provider, make_patient
):
    first = make_provider(team_name="Harbour Clinic", name="Dr. Ada Hale")
    second = make_provider(team_name="Harbour Clinic", name="Dr. Ben Ode")
    elsewhere = make_provider(team_name="Elsewhere")
    invited_by_first, invited_by_second = make_patient(first), make_patient(second)
    stranger = make_patient(elsewhere)
    for patient in (invited_by_first, invited_by_second):
        add_entry(patient, recorded_at=(datetime.now(UTC) - timedelta(hours=3)).isoformat(), note="a note")
        add_session(patient.provider_client, patient.user["id"])
        raise_flag(app, patient)
    first_client, second_client = login(app, first["email"]), login(app, second["email"])

    team = {invited_by_first.user["id"], invited_by_second.user["id"]}
    assert worklist_ids(first_client) == worklist_ids(second_client) == team
    for patient in (invited_by_first, invited_by_second):
        seen_by_first, seen_by_second = reads(first_client, patient), reads(second_client, patient)
        assert {status for status, _ in seen_by_first.values()} == {200}
        assert seen_by_second == seen_by_first
        assert len(seen_by_first["/api/v1/patients/{pid}/flags"][1]["items"]) == 1
    for client in (first_client, second_client):
        assert {status for status, _ in reads(client, stranger).values()} == {404}

    # One's acknowledgement is the other's too: the flag is the team's, not a provider's.
    pid = invited_by_second.user["id"]
    [flag] = second_client.get(f"/api/v1/patients/{pid}/flags").get_json()["items"]
    response = first_client.post(f"/api/v1/flags/{flag['id']}/acknowledge", json={"note": "called"})
    assert response.status_code == 200, response.get_json()
    [seen] = second_client.get(f"/api/v1/patients/{pid}/flags").get_json()["items"]
    assert seen["status"] == "acknowledged"


def test_a_provider_on_two_teams_sees_both_teams_patients_and_nothing_else(app, make_provider, make_patient):
    north, south, west = (make_provider(team_name=name) for name in ("North", "South", "West"))
    both = make_provider(team_name="North", name="Dr. Two Teams")
    join_team(app, both, "South")
    of_north, of_south, of_west = make_patient(north), make_patient(south), make_patient(west)
    flags = {patient.user["id"]: raise_flag(app, patient) for patient in (of_north, of_south, of_west)}
    client = login(app, both["email"])

    assert worklist_ids(client) == {of_north.user["id"], of_south.user["id"]}
    for patient in (of_north, of_south):
        answers = reads(client, patient)
        assert {status for status, _ in answers.values()} == {200}, answers
        # The same record the patient's own team reads.
        assert answers == reads(patient.provider_client, patient)

    # West's patient is nobody to them: every read, write and their flag answer 404.
    pid = of_west.user["id"]
    assert {status for status, _ in reads(client, of_west).values()} == {404}
    assert client.patch(f"/api/v1/patients/{pid}", json={"intake_baseline": 16}).status_code == 404
    session = {
        "status": "planned",
        "starts_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "route": "iv",
    }
    assert client.post(f"/api/v1/patients/{pid}/treatments", json=session).status_code == 404
    assert client.post(f"/api/v1/patients/{of_south.user['id']}/treatments", json=session).status_code == 201
    response = client.post(f"/api/v1/flags/{flags[pid]}/acknowledge", json={"note": "x"})
    assert response.status_code == 404
    # And West's provider, on one team, reaches neither North's nor South's patients.
    west_client = of_west.provider_client
    assert worklist_ids(west_client) == {pid}
    for patient in (of_north, of_south):
        assert {status for status, _ in reads(west_client, patient).values()} == {404}

"""``make loadtest``: concurrent clients against gunicorn on loopback, each figure beside /healthz.

    python -m tests.benchmarks.loadtest [--against DIR] [--patients 1000] [--days 365]
        [--clients 16] [--seconds 8] [--rounds 2] [--workers CORES]

For each tree (this one, and ``--against`` another checkout with its own .venv,
e.g. ``git worktree add /tmp/before <commit>``) it seeds a clinic of its own
(a PostgreSQL schema, or a SQLite file without DIARY_TEST_DATABASE_URL):
``--patients`` patients with ``--days`` days of check-ins and a session every
three weeks, dated across the year; it then starts gunicorn with that tree's
code and drives each request of the mix (healthz, GET /auth/session, POST
check-in, a worklist page, a 2-year timeline) with ``--clients`` keep-alive
clients for ``--seconds``. Phases are interleaved: /healthz, then the request,
tree by tree, round by round, so each ratio comes from neighbouring seconds.
It prints throughput / /healthz, p50/p95/p99, and the CPU per request spent in
the gunicorn workers and in the PostgreSQL backends serving them. A last phase
checks in while 50 logins arrive at once (the p99 against the check-in phase).

Loopback only; every phase is bounded in time and every run in requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
PASSWORD = "correct horse battery staple"  # tests.conftest.PASSWORD (the seed runs outside this tree)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIX = ("session", "checkin", "worklist", "timeline")
# What Chromium sends: the server answers zstd (diary/compression.py), as it does the PWA.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


# ------------------------------------------------------------------ seeding
# Runs inside the target tree's interpreter (``loadtest.py seed``): it imports
# only models that every tree of the project has.


def seed(url, patients, days, large=0):  # noqa: C901 (a benchmark's setup script, read top to bottom)
    os.environ["DIARY_DATABASE_URL"] = url
    from sqlalchemy import insert, text

    from diary import create_app
    from diary.accounts import passwords
    from diary.accounts.models import Patient, User
    from diary.checkins.models import Entry
    from diary.extensions import db
    from diary.treatments.models import Treatment

    app = create_app({"SECRET_KEY": "loadtest", "PASSWORD_HASH_MEMORY_KIB": 65536})
    rng = random.Random(15)
    with app.app_context():
        db.create_all()
        password_hash = passwords.hash_password(PASSWORD)
        now = datetime.now(UTC).replace(microsecond=0)
        team, provider = team_with_provider(db, "Load team", "provider@load.test", password_hash)
        ids = []
        users, rows, entries, sessions = [], [], [], []

        def flush():
            if users:
                db.session.execute(insert(User.__table__), users)
                db.session.execute(insert(Patient.__table__), rows)
            for table, batch in ((Entry.__table__, entries), (Treatment.__table__, sessions)):
                if batch:
                    db.session.execute(insert(table), batch)
            for batch in (users, rows, entries, sessions):
                batch.clear()

        for number in range(patients):
            patient_id = uuid.uuid4()
            ids.append(str(patient_id))
            users.append(
                patient_user_row(
                    patient_id, f"patient-{number}@load.test", f"Patient {number:06d}", password_hash, now
                )
            )
            rows.append(
                {
                    "id": patient_id,
                    "care_team_id": team.id,
                    "reminder_time": datetime.min.time().replace(hour=20),
                    "reminders_enabled": True,
                    "email_reminders": True,
                }
            )
            level = rng.randint(6, 16)
            for day in range(
                days, 0, -1
            ):  # a check-in most days, across the year, scores that drift and recover after each session
                if rng.random() < 0.15:
                    continue
                recorded = now - timedelta(days=day, hours=rng.randint(1, 10))
                since_session = day % 21
                score = max(0, min(21, level - 6 + since_session // 3 + rng.randint(-2, 2)))
                answers = [score // 7 + (1 if i < score % 7 else 0) for i in range(7)]
                entries.append(
                    {
                        "id": uuid.uuid4(),
                        "patient_id": patient_id,
                        "recorded_at": recorded,
                        "local_date": recorded.date(),
                        **{f"item_{i + 1}": a for i, a in enumerate(answers)},
                        "total": sum(answers),
                        "side_effects": [],
                        "created_at": recorded,
                        "updated_at": recorded,
                    }
                )
                if since_session == 0:
                    starts = recorded - timedelta(hours=2)
                    sessions.append(
                        session_row(
                            patient_id, starts, starts, route="iv", dose_mg=35.0, recorded_by_id=provider.id
                        )
                    )
            if len(entries) >= 20000:
                flush()
        flush()
        db.session.commit()
        _refresh_summaries(db, now)
        if large:
            seed_large_team(db, large, password_hash, now, rng)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        print(json.dumps({"patients": ids}))


def patient_user_row(patient_id, email, name, password_hash, now):
    """A patient's ``users`` row for a bulk insert."""
    return {
        "id": patient_id,
        "email": email,
        "name": name,
        "role": "patient",
        "password_hash": password_hash,
        "timezone": "UTC",
        "created_at": now,
        "updated_at": now,
        "password_changed_at": now,
        "mfa_enabled": False,
        "mfa_required": False,
    }


def session_row(patient_id, starts, now, **extra):
    """A completed session's ``treatments`` row, recorded by the care team, for a bulk insert."""
    return {
        "id": uuid.uuid4(),
        "patient_id": patient_id,
        "status": "completed",
        "starts_at": starts,
        "local_date": starts.date(),
        "side_effects": [],
        "recorded_by_role": "provider",
        "created_at": now,
        "updated_at": now,
        **extra,
    }


def team_with_provider(db, name, email, password_hash):
    """A care team and its one provider, flushed."""
    from sqlalchemy import insert

    from diary.accounts.models import CareTeam, User, care_team_members

    team = CareTeam(name=name)
    provider = User(email=email, name=f"{name} provider", role="provider", password_hash=password_hash)
    db.session.add_all([team, provider])
    db.session.flush()
    db.session.execute(insert(care_team_members), [{"care_team_id": team.id, "provider_id": provider.id}])
    return team, provider


def seed_large_team(db, count, password_hash, now, rng):
    """A team of ``count`` patients for the worklist at scale (provider large@load.test): users,
    patients and the summaries the worklist reads, as a relief pass leaves them (urgent, wearing
    off, sessions due, nothing), and no diaries: the worklist reads nothing else.
    ``make bench`` uses it too."""
    from sqlalchemy import insert

    from diary.accounts.models import Patient, User
    from diary.monitoring.models import NO_FLAG_RANK, URGENCY, PatientSummary

    team, _ = team_with_provider(db, "Large team", "large@load.test", password_hash)
    kinds = ("urgent", "wearing_off", "data_gap", "plan_maintenance")
    for first in range(0, count, 5000):
        users, rows, summaries = [], [], []
        for number in range(first, min(first + 5000, count)):
            patient_id = uuid.uuid4()
            name = f"Large {number:06d}"
            users.append(patient_user_row(patient_id, f"large-{number}@load.test", name, password_hash, now))
            rows.append({"id": patient_id, "care_team_id": team.id})
            kind = rng.choice((*kinds, None, None, None, None, None, None))
            suggested = (now + timedelta(days=rng.randint(-10, 40))).date() if rng.random() < 0.6 else None
            summaries.append(
                {
                    "patient_id": patient_id,
                    "care_team_id": team.id,
                    "name": name,
                    "status": "relief" if suggested else "no_treatment",
                    "open_flags": [kind] if kind else [],
                    "urgency_rank": URGENCY[kind] if kind else NO_FLAG_RANK,
                    "urgency_date": suggested or datetime(9999, 12, 31).date(),
                    "suggested_session_by": suggested,
                    "evaluated_on": now.date(),
                    "evaluated_at": now,
                    "next_evaluation_at": now + timedelta(days=2),  # nothing re-evaluates during the run
                }
            )
        db.session.execute(insert(User.__table__), users)
        db.session.execute(insert(Patient.__table__), rows)
        db.session.execute(insert(PatientSummary.__table__), summaries)
    db.session.commit()


def _refresh_summaries(db, now):
    try:
        from diary.monitoring.evaluation import refresh_all
    except ImportError:  # trees before issue 10 kept it in the service
        from diary.monitoring.service import refresh_all
    refresh_all(now=now)
    db.session.commit()


# ------------------------------------------------------------------ the client


class Connection:
    """One keep-alive HTTP/1.1 connection with its own session cookie and CSRF token."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None
        self.cookie = None
        self.csrf = None

    async def request(self, method, path, body=None):
        reused = self.writer is not None
        try:
            return await self._request(method, path, body)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            if not reused:
                raise
            return await self._request(method, path, body)  # the server closed an idle keep-alive connection

    async def _request(self, method, path, body=None):  # noqa: C901 (one HTTP/1.1 exchange, each branch a protocol case)
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        head = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
            "Accept: application/json",
        ]
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        if self.csrf and method != "GET":
            head.append(f"X-CSRF-Token: {self.csrf}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "set-cookie":
                self.cookie = value.strip().split(";", 1)[0]
            headers[name] = value.strip()
        if "content-length" in headers:
            data = await self.reader.readexactly(int(headers["content-length"]))
        else:
            data = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, data

    async def json(self, method, path, body=None):
        status, headers, data = await self.request(method, path, body)
        data = decoded(data, headers.get("content-encoding"))
        parsed = json.loads(data) if data else None
        if isinstance(parsed, dict) and "csrf_token" in parsed:
            self.csrf = parsed["csrf_token"]
        return status, parsed

    async def login(self, email):
        await self.json("GET", "/api/v1/auth/session")
        status, body = await self.json("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"login {email}: {status} {body}")

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def decoded(data, encoding):
    """A body as sent with ``Content-Encoding: encoding`` (only the few answers the setup reads)."""
    if encoding == "gzip":
        import gzip

        return gzip.decompress(data)
    if encoding == "br":
        import brotli

        return brotli.decompress(data)
    if encoding == "zstd":
        from backports import zstd

        return zstd.decompress(data)
    return data


def checkin_body():
    return {
        "id": str(uuid.uuid4()),
        "answers": [random.randint(0, 3) for _ in range(7)],
        "recorded_at": datetime.now(UTC).isoformat(),
    }


@dataclass
class Target:
    label: str
    tree: Path
    port: int = 0
    url: str | None = None
    drop: object = None
    server: subprocess.Popen | None = None
    patients: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)

    @property
    def python(self):
        return str(self.tree / ".venv" / "bin" / "python")

    def worker_pids(self):
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def request_for(kind, connection, target, index):
    if kind == "healthz":
        return connection.request("GET", "/healthz")
    if kind == "session":
        return connection.request("GET", "/api/v1/auth/session")
    if kind == "checkin":
        return connection.request(
            "POST", f"/api/v1/patients/{target.patients[index]}/entries", checkin_body()
        )
    if kind in ("worklist", "worklist-large"):
        return connection.request("GET", "/api/v1/patients")
    if kind == "timeline":
        today = datetime.now(UTC).date()
        pid = target.patients[(index * 37) % len(target.patients)]
        return connection.request(
            "GET", f"/api/v1/patients/{pid}/timeline?from={today - timedelta(days=730)}&to={today}"
        )
    raise ValueError(kind)


ROLE = {
    "healthz": "anonymous",
    "session": "patient",
    "checkin": "patient",
    "worklist": "provider",
    "worklist-large": "large-provider",
    "timeline": "provider",
}


async def connections_for(target, kind, count):
    role = ROLE[kind]
    pool = target.clients.setdefault(role, [])
    while len(pool) < count:
        connection = Connection(target.port)
        index = len(pool)
        if role == "patient":
            await connection.login(f"patient-{index}@load.test")
        elif role == "provider":
            await connection.login("provider@load.test")
        elif role == "large-provider":
            await connection.login("large@load.test")
        pool.append(connection)
    return pool[:count]


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def database_pids(target):
    if not target.url or not target.url.startswith("postgresql"):
        return []
    import psycopg

    with psycopg.connect(
        os.environ["DIARY_TEST_DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
    ) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (f"loadtest-{target.label}",)
        ).fetchall()
    return [row[0] for row in rows]


@dataclass
class Phase:
    kind: str
    count: int
    errors: int
    seconds: float
    latencies: list
    worker_cpu: float
    database_cpu: float

    @property
    def rate(self):
        return self.count / self.seconds

    def percentile(self, q):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_phase(target, kind, clients, seconds, *, burst=0, max_requests=200_000):
    connections = await connections_for(target, kind, clients)
    workers = target.worker_pids()
    database = database_pids(target)
    latencies, errors = [], [0]
    deadline = time.perf_counter() + seconds
    budget = [max_requests]

    async def drive(index, connection):
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            status, _headers, _data = await request_for(kind, connection, target, index)
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                errors[0] += 1

    async def logins():
        await asyncio.sleep(min(1.0, seconds / 4))
        fresh = [Connection(target.port) for _ in range(burst)]
        results = await asyncio.gather(
            *(c.login(f"patient-{i % len(target.patients)}@load.test") for i, c in enumerate(fresh)),
            return_exceptions=True,
        )
        for c in fresh:
            c.close()
        return sum(1 for r in results if isinstance(r, Exception))

    cpu_before, db_before = cpu_seconds(workers), cpu_seconds(database)
    started = time.perf_counter()
    tasks = [drive(i, c) for i, c in enumerate(connections)]
    if burst:
        tasks.append(logins())
    outcome = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    phase = Phase(
        kind,
        len(latencies),
        errors[0],
        elapsed,
        latencies,
        cpu_seconds(workers) - cpu_before,
        cpu_seconds(database) - db_before,
    )
    if burst:
        phase.refused_logins = outcome[-1]
    return phase


# ------------------------------------------------------------------ the servers


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_for(target):
    base = os.environ.get("DIARY_TEST_DATABASE_URL")
    if not base:
        folder = Path(tempfile.mkdtemp(prefix=f"loadtest-{target.label}-"))
        return f"sqlite:///{folder / 'diary.sqlite3'}", lambda: shutil.rmtree(folder, ignore_errors=True)
    from sqlalchemy import create_engine, text

    schema = f"loadtest_{target.label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}&application_name=loadtest-{target.label}", drop


def start(target, args):
    target.url, target.drop = database_for(target)
    instance = tempfile.mkdtemp(prefix=f"loadtest-instance-{target.label}-")
    env = {
        **os.environ,
        "PYTHONPATH": str(target.tree),
        "DIARY_SECRET_KEY": "loadtest",
        "DIARY_INSTANCE_PATH": instance,
    }
    env.pop("DIARY_TEST_DATABASE_URL", None)
    began = time.perf_counter()
    out = subprocess.run(
        [target.python, str(HERE), "seed", target.url, str(args.patients), str(args.days), str(args.large)],
        cwd=target.tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"seeding {target.label} failed:\n{out.stderr[-3000:]}")
    target.patients = json.loads(out.stdout.strip().splitlines()[-1])["patients"]
    print(
        f"{target.label}: seeded {len(target.patients)} patients x {args.days} days"
        f" in {time.perf_counter() - began:.0f} s ({target.tree})",
        flush=True,
    )
    target.port = free_port()
    env.update(
        {
            "DIARY_DATABASE_URL": target.url,
            "DIARY_LOG_LEVEL": "WARNING",
            "DIARY_BIND": f"127.0.0.1:{target.port}",
            "DIARY_WORKERS": str(args.workers),
            "DIARY_TIMEOUT": "300",
            # Several workers count logins together, as in production: gunicorn.conf.py refuses memory://.
            "DIARY_RATELIMIT_STORAGE_URL": os.environ.get("DIARY_RATELIMIT_STORAGE_URL")
            or "redis://127.0.0.1:6379",
        }
    )
    # Every tree runs under this tree's gunicorn.conf.py: the same server, so the figures compare the apps.
    command = [
        target.python,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{target.port}",
        "--workers",
        str(args.workers),
        "--timeout",
        "300",
        "--max-requests",  # no worker recycling mid-phase: it would restart the CPU counters and the latencies
        "0",
    ] + (["--worker-class", args.worker_class] if args.worker_class else [])
    log = open(Path(instance) / "gunicorn.log", "w")  # noqa: SIM115 (the server's, for as long as it runs)
    target.server = subprocess.Popen(
        command, cwd=target.tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", target.port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit(f"{target.label}: gunicorn did not start (see {log.name})")


def stop(target):
    if target.server is not None:
        os.killpg(target.server.pid, signal.SIGTERM)
        try:
            target.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(target.server.pid, signal.SIGKILL)
    if target.drop:
        target.drop()


# ------------------------------------------------------------------ the run


def line(label, kind, phase, healthz):
    per_request = lambda cpu: 1000 * cpu / phase.count if phase.count else float("nan")  # noqa: E731
    ratio = phase.rate / healthz.rate if healthz else 1.0
    return (
        f"{label:<8} {kind:<9} {phase.rate:8.1f}/s  {ratio:5.2f} of healthz  "
        f"p50 {1000 * phase.percentile(0.5):7.1f}  "
        f"p95 {1000 * phase.percentile(0.95):7.1f}  p99 {1000 * phase.percentile(0.99):7.1f} ms  "
        f"cpu/req workers {per_request(phase.worker_cpu):6.2f} db {per_request(phase.database_cpu):5.2f} ms"
        + (f"  ({phase.errors} errors)" if phase.errors else "")
    )


async def measure(targets, args):  # noqa: C901 (the A B A B measuring loop, kept whole to read as one schedule)
    results = {}
    mix = tuple(args.mix or MIX) + (("worklist-large",) if args.large else ())
    for target in targets:  # warm every worker and log every client in before anything is timed
        for kind in ("healthz", *mix):
            await run_phase(target, kind, args.clients, 1.0)
    for round_ in range(args.rounds):
        print(f"\n-- round {round_ + 1} (load average {os.getloadavg()[0]:.2f})", flush=True)
        for kind in mix:
            for target in targets:
                healthz = await run_phase(target, "healthz", args.clients, args.seconds)
                phase = await run_phase(target, kind, args.clients, args.seconds)
                results.setdefault((target.label, kind), []).append(phase.rate / healthz.rate)
                if round_ == 0 and kind == "checkin":
                    results.setdefault((target.label, "checkin-p99"), []).append(phase.percentile(0.99))
                print(line(target.label, "healthz", healthz, None), flush=True)
                print(line(target.label, kind, phase, healthz), flush=True)
    if args.burst:
        print(f"\n-- check-ins with a burst of {args.burst} logins", flush=True)
        for target in targets:
            quiet = await run_phase(target, "checkin", args.clients, args.seconds)
            loud = await run_phase(target, "checkin", args.clients, args.seconds, burst=args.burst)
            print(line(target.label, "checkin", quiet, None), flush=True)
            print(
                line(target.label, "+logins", loud, None)
                + f"  p99 x{loud.percentile(0.99) / quiet.percentile(0.99):.2f}"
                f"  ({loud.refused_logins} logins refused)",
                flush=True,
            )
    print("\n-- median throughput / healthz over the rounds")
    for target in targets:
        print(
            f"{target.label:<8} "
            + "  ".join(
                f"{kind} {statistics.median(results[(target.label, kind)]):.2f}"
                for kind in mix
                if (target.label, kind) in results
            )
        )
    if args.large and (targets[0].label, "worklist") in results:
        print(f"\n-- a worklist page at {args.large:,} patients costs, against one at {args.patients:,}")
        for target in targets:
            small = statistics.median(results[(target.label, "worklist")])
            large = statistics.median(results[(target.label, "worklist-large")])
            print(f"{target.label:<8} {small / large:.2f}x (throughput ratio; goal <= 1.3x)")


def main(argv):
    if argv and argv[0] == "seed":
        return seed(argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
    parser = argparse.ArgumentParser(prog="make loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--against", type=Path, help="another checkout (with its .venv) measured in the same run, interleaved"
    )
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--large",
        type=int,
        default=0,
        help="a second team of this many patients (summaries, no diaries): its worklist page against the first's",
    )
    parser.add_argument(
        "--mix", nargs="+", choices=MIX, help=f"only these requests (default: {' '.join(MIX)})"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument(
        "--worker-class",
        help="instead of gunicorn.conf.py's gthread: e.g. sync (no keep-alive, as issue 15's first figures)",
    )
    parser.add_argument("--burst", type=int, default=50, help="logins at once in the last phase (0: skip it)")
    args = parser.parse_args(argv)
    targets = [Target("after", ROOT)] + ([Target("before", args.against.resolve())] if args.against else [])
    print(
        f"database: {'PostgreSQL' if os.environ.get('DIARY_TEST_DATABASE_URL') else 'SQLite'}; "
        f"cores: {os.cpu_count()}; "
        f"workers: {args.workers} {args.worker_class or 'gthread'}; clients: {args.clients}; "
        f"load average {os.getloadavg()}",
        flush=True,
    )
    try:
        for target in targets:
            start(target, args)
        asyncio.run(measure(targets, args))
    finally:
        for target in targets:
            stop(target)


if __name__ == "__main__":
    main(sys.argv[1:])

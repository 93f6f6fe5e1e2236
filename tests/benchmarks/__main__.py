"""``make bench``: runs every benchmark module and prints ratios to the bare route.

``python -m tests.benchmarks [name ...]`` runs only the named modules (e.g. ``api``).
Set DIARY_TEST_DATABASE_URL to run them on PostgreSQL.
"""

import importlib
import os
import pkgutil
import sys

import tests.benchmarks as package
from tests.benchmarks.harness import Report
from tests.conftest import PG_URL, create_pg_schema


def main(selected):
    names = sorted(
        module.name for module in pkgutil.iter_modules(package.__path__) if module.name.startswith("bench_")
    )
    if selected:
        names = [name for name in names if name.removeprefix("bench_") in selected]
    print(f"database: {'PostgreSQL' if PG_URL else 'SQLite'}; cores: {os.cpu_count()}")
    report = Report()
    for name in names:
        print(f"\n== {name.removeprefix('bench_')}")
        url, drop = create_pg_schema("bench") if PG_URL else (None, lambda: None)
        try:
            importlib.import_module(f"tests.benchmarks.{name}").run(report, url)
        finally:
            drop()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Treatment courses: sessions less than ``course_gap_days`` apart form one (RELIEF.md). PURE.

The relief engine groups sessions the same way inside its replay; this is the
grouping for callers outside it (the monitoring's flag resolutions, the demo's
archetype check). It belongs in the relief package's public API once that exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def latest_course_start_with(
    session_days: Iterable[date], chosen: Iterable[date], today: date, gap_days: int
) -> date | None:
    """The first day of the latest course, as of ``today``, that holds one of the ``chosen`` days."""
    wanted = set(chosen)
    start = previous = found = None
    for day in sorted({day for day in session_days if day <= today}):
        if previous is None or (day - previous).days >= gap_days:
            start = day
        if day in wanted:
            found = start
        previous = day
    return found


def courses(session_days: Iterable[date], gap_days: int) -> list[list[date]]:
    """The distinct session days grouped into courses, in order."""
    grouped: list[list[date]] = []
    for day in sorted(set(session_days)):
        if grouped and (day - grouped[-1][-1]).days < gap_days:
            grouped[-1].append(day)
        else:
            grouped.append([day])
    return grouped


def course_start(session_days: Iterable[date], today: date, gap_days: int) -> date | None:
    """The first day of the current course as of ``today``, or None before any session."""
    start = previous = None
    for day in sorted({day for day in session_days if day <= today}):
        if previous is None or (day - previous).days >= gap_days:
            start = day
        previous = day
    return start

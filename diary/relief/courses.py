"""Treatment courses: sessions less than ``course_gap_days`` apart form one (docs/relief.md). PURE.

The one home of the grouping: the replay walks these courses, and the
monitoring layer (flag resolutions, outcome cycle rows) and the demo's
archetype check ask the same questions of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


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
    grouped = courses((day for day in session_days if day <= today), gap_days)
    return grouped[-1][0] if grouped else None


def latest_course_start_with(
    session_days: Iterable[date], chosen: Iterable[date], today: date, gap_days: int
) -> date | None:
    """The first day of the latest course, as of ``today``, that holds one of the ``chosen`` days."""
    wanted = set(chosen)
    found = None
    for course in courses((day for day in session_days if day <= today), gap_days):
        if wanted.intersection(course):
            found = course[0]
    return found

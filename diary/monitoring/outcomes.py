"""The clinic's outcomes over a period: response after induction (at the best level reached, and
at a fixed day after the course), how long relief lasts (Kaplan-Meier, by course type and by route),
and maintenance before or after the wear-off.

Counted from the care team's ReliefCycle rows (written by every refresh) in one
query; nothing is replayed per request. A cycle belongs to the period when its
course started in it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from .. import relief
from ..accounts.models import care_team_members
from ..extensions import db
from .cycles import FIXED_RESPONSE_DAY
from .models import COURSE_TYPES, INDUCTION, ReliefCycle

#: The response after induction (docs/api.md, "Relief monitoring"): at least this many points
#: and this share below baseline.
RESPONSE_POINTS, RESPONSE_SHARE = 4, 0.5


def responded(baseline, level) -> bool | None:
    """Whether ``level`` (the nadir, or the fixed day's score) is a response against ``baseline``;
    None when the cycle has no baseline or level to judge by."""
    if baseline is None or level is None or baseline <= 0:
        return None
    improvement = baseline - level
    return improvement >= RESPONSE_POINTS and improvement >= RESPONSE_SHARE * baseline


KEYS = {True: "responders", False: "non_responders", None: "not_assessable"}


def _rate(counts: dict) -> float | None:
    """Responders among the courses judged (those with too little data left out)."""
    judged = counts["responders"] + counts["non_responders"]
    return round(counts["responders"] / judged, 4) if judged else None


def kaplan_meier(cycles: list[tuple[int, bool]]) -> dict:
    """The Kaplan-Meier curve of ``(days, wore_off)`` pairs: a step at each day with a
    wear-off (``relief.kaplan_meier_table``, ties as there). The median is the first day
    the survival is at most one half, or None."""
    ordered = sorted(cycles)
    survival, median = 1.0, None
    steps = [{"day": 0, "survival": 1.0, "at_risk": len(ordered)}]
    for day, at_risk, events in relief.kaplan_meier_table(ordered):
        survival *= (at_risk - events) / at_risk
        steps.append({"day": day, "survival": round(survival, 4), "at_risk": at_risk, "events": events})
        if median is None and survival <= 0.5 + 1e-12:
            median = day
    return {
        "cycles": len(ordered),
        "wore_off": sum(1 for _, w in ordered if w),
        "censored": sum(1 for _, w in ordered if not w),
        "median_days": median,
        "longest_days": ordered[-1][0] if ordered else 0,
        "steps": steps,
    }


def outcomes(provider, start: date, end: date) -> dict:
    teams = select(care_team_members.c.care_team_id).where(care_team_members.c.provider_id == provider.id)
    c = ReliefCycle
    rows = db.session.execute(
        select(
            c.course_type,
            c.route,
            c.duration_days,
            c.wore_off,
            c.non_response,
            c.baseline,
            c.nadir,
            c.after_wear_off,
            c.cycle_start,
            c.fixed_day_score,
        ).where(c.care_team_id.in_(teams), c.cycle_start >= start, c.cycle_start <= end)
    ).all()

    response = {"courses": 0, "responders": 0, "non_responders": 0, "not_assessable": 0}
    fixed = {"responders": 0, "non_responders": 0, "not_assessable": 0}
    by_type, by_route = defaultdict(list), defaultdict(list)
    months = defaultdict(lambda: {"before": 0, "after": 0})
    for row in rows:
        if row.course_type == INDUCTION:
            response["courses"] += 1
            verdict = False if row.non_response else responded(row.baseline, row.nadir)
            key = KEYS[verdict]
            response[key] += 1
            # a course the engine judged a non-response responded on no day (as at the best level)
            fixed_verdict = False if row.non_response else responded(row.baseline, row.fixed_day_score)
            fixed[KEYS[fixed_verdict]] += 1
        if row.duration_days is not None and not row.non_response:
            by_type[row.course_type].append((row.duration_days, row.wore_off))
            by_route[row.route or "unknown"].append((row.duration_days, row.wore_off))
        if row.after_wear_off is not None:
            months[row.cycle_start.strftime("%Y-%m")]["after" if row.after_wear_off else "before"] += 1
    response["response_rate"] = _rate(response)
    # Beside the best level reached: the same rule on the one daily score of a fixed day (trials
    # judge response at fixed time points; the best of many noisy days flatters).
    response["fixed_day"] = FIXED_RESPONSE_DAY
    response.update({f"{key}_at_fixed_day": value for key, value in fixed.items()})
    response["response_rate_at_fixed_day"] = _rate(fixed)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "response_after_induction": response,
        "relief_duration": {
            "by_course_type": [{"group": t, **kaplan_meier(by_type[t])} for t in COURSE_TYPES if by_type[t]],
            "by_route": [{"group": r, **kaplan_meier(by_route[r])} for r in sorted(by_route)],
        },
        "maintenance_timing": [
            {
                "month": m,
                "before_wear_off": v["before"],
                "after_wear_off": v["after"],
                "share_before": round(v["before"] / (v["before"] + v["after"]), 4),
            }
            for m, v in sorted(months.items())
        ],
    }


def outcomes_csv(figures: dict) -> str:
    """The same figures as one long table: section, group, measure, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "group", "measure", "value"])
    writer.writerow(["period", "", "from", figures["from"]])
    writer.writerow(["period", "", "to", figures["to"]])
    for measure, value in figures["response_after_induction"].items():
        writer.writerow(["response_after_induction", "induction", measure, "" if value is None else value])
    for section, groups in figures["relief_duration"].items():
        for group in groups:
            for measure in ("cycles", "wore_off", "censored", "median_days"):
                writer.writerow(
                    [
                        f"relief_duration_{section}",
                        group["group"],
                        measure,
                        "" if group[measure] is None else group[measure],
                    ]
                )
            for step in group["steps"][1:]:
                writer.writerow(
                    [
                        f"relief_duration_{section}",
                        group["group"],
                        f"survival_day_{step['day']}",
                        step["survival"],
                    ]
                )
    for month in figures["maintenance_timing"]:
        for measure in ("before_wear_off", "after_wear_off", "share_before"):
            writer.writerow(["maintenance_timing", month["month"], measure, month[measure]])
    return out.getvalue()

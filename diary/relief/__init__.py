"""Relief: when is a ketamine treatment wearing off? PURE: no Flask, no database.

The package: ``params`` (ReliefParams and its parsing from configuration),
``events`` (kinds, statuses, Event), ``forecast`` (the wear-off forecasts),
``replay`` (the rules, day by day), ``assessment`` (today's state),
``courses`` (sessions grouped into courses) and ``checkpoint`` (the state
before the open course, which the caller keeps so the next evaluation walks
the open cycle alone).
docs/relief.md has the first rules (``ReliefParams(rules="v1")``) and
the default ones (v2).
"""

from .assessment import Assessment
from .checkpoint import Checkpoint
from .courses import course_start, courses, latest_course_start_with
from .events import (
    AWAITING_RESPONSE,
    BASES,
    CYCLE_CENSORED,
    DATA_GAP,
    EVENT_KINDS,
    FLAG_KINDS,
    HISTORY,
    INFO_KINDS,
    NO_BASELINE,
    NO_TREATMENT,
    NON_RESPONSE,
    NOTICE_BASELINE_FROM_COURSE,
    NOTICE_BASELINE_FROM_INTAKE,
    NOTICE_CYCLE_INACTIVE,
    PLAN_MAINTENANCE,
    PRIOR,
    RELIEF,
    STATUSES,
    TREND,
    URGENT,
    WEARING_OFF,
    Event,
)
from .forecast import PRIOR_KINDS, kaplan_meier_median, kaplan_meier_table, prior_kind
from .params import DEFAULT_PARAMS, RULES, ReliefParams, parse_relief_params
from .replay import Evaluation, PriorDurations, assess, evaluate, evaluate_from, replay

__all__ = [
    "AWAITING_RESPONSE",
    "BASES",
    "CYCLE_CENSORED",
    "DATA_GAP",
    "DEFAULT_PARAMS",
    "EVENT_KINDS",
    "FLAG_KINDS",
    "HISTORY",
    "INFO_KINDS",
    "NO_BASELINE",
    "NO_TREATMENT",
    "NON_RESPONSE",
    "NOTICE_BASELINE_FROM_COURSE",
    "NOTICE_BASELINE_FROM_INTAKE",
    "NOTICE_CYCLE_INACTIVE",
    "PLAN_MAINTENANCE",
    "PRIOR",
    "PRIOR_KINDS",
    "PriorDurations",
    "RELIEF",
    "RULES",
    "STATUSES",
    "TREND",
    "URGENT",
    "WEARING_OFF",
    "Assessment",
    "Checkpoint",
    "Evaluation",
    "Event",
    "ReliefParams",
    "assess",
    "evaluate",
    "evaluate_from",
    "course_start",
    "courses",
    "kaplan_meier_median",
    "kaplan_meier_table",
    "latest_course_start_with",
    "parse_relief_params",
    "prior_kind",
    "replay",
]

"""Relief: when is a ketamine treatment wearing off? PURE: no Flask, no database.

The package: ``params`` (ReliefParams and its parsing from configuration),
``events`` (kinds, statuses, Event), ``history`` (History: a patient's data,
one immutable value), ``replay`` (the entry points), ``walk`` (the day-by-day
walk), ``state`` (the run's and the cycle's state), ``rules/`` (each rule a
function over that state, and the v1 and v2 rule sets), ``forecast`` (the
wear-off forecasts), ``assessment`` (today's state), ``courses`` (sessions
grouped into courses) and ``checkpoint`` (the state before the open course,
which the caller keeps so the next evaluation walks the open cycle alone).
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
from .history import History
from .params import DEFAULT_PARAMS, RULES, ReliefParams, parse_relief_params
from .replay import Evaluation, PriorDurations, assess, evaluate, evaluate_from, replay
from .rules import reads_clinic_prior

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
    "History",
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
    "reads_clinic_prior",
    "replay",
]

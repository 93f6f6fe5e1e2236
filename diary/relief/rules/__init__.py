"""The relief rules, one small function each, and the two rule sets. PURE.

Each rule reads and updates the open cycle's state (state.Cycle) and the
run's (state.Run) on a day, and emits its events there. The rules both rule
sets share are the walk's own (walk.py): the baseline and the nadir
(``baseline``), ``non_response``, ``urgent`` and ``data_gap``. A ``RuleSet``
holds those that differ: v1 (docs/relief.md) detects the wear-off with 3 of the
last 4 scores (``wearing_off``) and plans from past durations or a line
(``plan_maintenance_v1``); v2 (docs/relief.md, the default) has a wider nadir,
a CUSUM (``cusum``) and a predictive forecast (``plan_maintenance_v2``).
``ReliefParams.rules`` picks one, once per replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..assessment import Outlook
from ..history import History
from ..params import ReliefParams
from ..state import Cycle, Run
from . import baseline, cusum, plan_maintenance_v1, plan_maintenance_v2, wearing_off
from .forecast_prior import clinic_prior, own_prior


@dataclass(frozen=True)
class RuleSet:
    """The rules that differ between v1 and v2."""

    name: str
    #: (own, clinic) durations from the History's prior_durations: v1 reads them
    #: as the patient's own earlier wear-offs, v2 as the clinic's.
    priors: Callable[[History], tuple[tuple[float, ...], dict[str, tuple[float, ...]]]]
    #: when a cycle opens, before any of its days (the forecast's starting point)
    open_cycle: Callable[[Run, Cycle], None]
    #: a later session of the same course (TL has moved)
    later_session: Callable[[Run, Cycle], None]
    #: the level a logged day offers as the nadir, from S(t)
    nadir_level: Callable[[Run, Cycle, float | None], float | None]
    #: on a logged day, while the cycle has neither worn off nor failed to respond
    wearing_off: Callable[[Run, Cycle, int, float], None]
    #: on every day after TL, while no plan_maintenance, wearing_off nor non_response
    plan_maintenance: Callable[[Run, Cycle, int], None]
    #: the assessment's prediction on the replay's last day
    outlook: Callable[[Run, Cycle, int], Outlook]

    @property
    def reads_clinic_prior(self) -> bool:
        """prior_durations are other patients' cycles (the caller computes them)."""
        return self.priors is clinic_prior


V1 = RuleSet(
    "v1",
    own_prior,
    plan_maintenance_v1.open_cycle,
    plan_maintenance_v1.later_session,
    baseline.smoothed_level,
    wearing_off.wearing_off,
    plan_maintenance_v1.plan_maintenance,
    plan_maintenance_v1.outlook,
)
V2 = RuleSet(
    "v2",
    clinic_prior,
    plan_maintenance_v2.open_cycle,
    plan_maintenance_v2.later_session,
    baseline.nadir_level,
    cusum.wearing_off,
    plan_maintenance_v2.plan_maintenance,
    plan_maintenance_v2.outlook,
)
RULE_SETS = {rules.name: rules for rules in (V1, V2)}


def rule_set(params: ReliefParams) -> RuleSet:
    """The rule set ``params.rules`` names."""
    return RULE_SETS[params.rules]


def reads_clinic_prior(params: ReliefParams) -> bool:
    """Whether the rules take the clinic's durations as ``prior_durations`` (v2) or the patient's own (v1)."""
    return rule_set(params).reads_clinic_prior

"""What prior_durations mean to each rule set. PURE."""

from __future__ import annotations

from ..forecast import PRIOR_KINDS
from ..history import History


def own_prior(history: History) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]]]:
    """v1: the patient's earlier wear-off durations, the oldest forecast history; no clinic prior."""
    if history.prior_per_kind:
        raise ValueError("v1 takes the patient's own prior durations as one list")
    return history.prior_durations[PRIOR_KINDS[0]], {kind: () for kind in PRIOR_KINDS}


def clinic_prior(history: History) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]]]:
    """v2: other patients' cycles of each kind of course, the prior behind a short history."""
    return (), dict(history.prior_durations)

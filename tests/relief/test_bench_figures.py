"""The engine on a small fixed-seed draw of the relief bench must not get worse than the committed figures.

The bench (../shared/relief-bench/cohort.py, beside the clone) is called by path
(tests/benchmarks/relief_cohorts.py). Better figures are welcome: commit them here.
"""

from diary.relief import ReliefParams
from tests.benchmarks.relief_cohorts import cohorts, judge

SEED, FIRST, MAINTENANCE = 7, 100, 50
# (figure, "higher" or "lower" is better, the committed value)
COMMITTED = {
    "first": [
        ("sensitivity", "higher", 0.96),
        ("false_early", "lower", 0.013),
        ("median_delay_days", "lower", 2.0),
    ],
    "maintenance": [
        ("sensitivity", "higher", 0.949),
        ("false_early", "lower", 0.01),
        ("median_delay_days", "lower", 1),
        ("plan_lead2_share", "higher", 0.678),
        ("plan_too_early_share", "lower", 0.113),
        ("plan_missing_share", "lower", 0.085),
    ],
}


def test_the_default_engine_is_no_worse_than_the_committed_figures():
    results = judge(cohorts(SEED, FIRST, MAINTENANCE), ReliefParams())
    worse = []
    for scenario, figures in COMMITTED.items():
        for name, better, committed in figures:
            value = results[scenario][name]
            if value is None or (value < committed if better == "higher" else value > committed):
                worse.append(f"{scenario}.{name}: {value} (committed {committed})")
    assert not worse, worse

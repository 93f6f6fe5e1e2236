"""``make relief-report``: the relief engine's figures for v1 and v2, and the trade-off picture.

    .venv/bin/python -m tests.benchmarks.relief_report [--seed 2027] [--quick]

Prints the figures of v1 and v2 on our cohorts (relief_cohorts.py), and on the
outside relief bench's when it is beside the clone (``load_bench``; without it,
a line says so and the report goes on with ours). Then it moves each engine's
plan_maintenance knob (v2: plan_probability; v1: suggest_days_before) and draws
the share of flags >= 2 days ahead against the share > 10 days early. The
picture of the bench at the default seed is docs/relief-tradeoff.svg; any other
(our cohorts, another seed) goes to the temporary directory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from diary.relief import ReliefParams

from .relief_cohorts import cohorts, judge, load_bench

DOCS = Path(__file__).resolve().parents[2] / "docs"
V2_KNOB = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
V1_KNOB = (0, 1, 2, 3, 4, 5, 6, 8)


def line(label: str, result: dict[str, dict[str, Any]]) -> str:
    f, m = result["first"], result["maintenance"]
    return (
        f"{label:<28} first: sens {f['sensitivity']} false-early {f['false_early']} "
        f"median {f['median_delay_days']} "
        f"p90 {f['p90_delay_days']} | maintenance: sens {m['sensitivity']} false-early {m['false_early']} "
        f"median {m['median_delay_days']} plan>=2d {m['plan_lead2_share']} "
        f"plan>10d {m['plan_too_early_share']} "
        f"missing {m['plan_missing_share']} median lead {m['median_plan_lead_days']} "
        f"| booking on time {m.get('booking_on_time_share')} early {m.get('booking_early_share')} "
        f"late {m.get('booking_late_share')}"
    )


def frontier(
    patients: dict[str, list[dict[str, Any]]], rules: str, bench: Any | None
) -> list[tuple[Any, float, float]]:
    only = {"first": [], "maintenance": patients["maintenance"]}
    points = []
    for knob in V2_KNOB if rules == "v2" else V1_KNOB:
        params = (
            ReliefParams(plan_probability=knob)
            if rules == "v2"
            else ReliefParams(rules="v1", suggest_days_before=knob)
        )
        m = judge(only, params, bench=bench)["maintenance"]
        points.append((knob, m["plan_too_early_share"], m["plan_lead2_share"]))
        print(
            f"  {rules} {knob}: >10 d early {m['plan_too_early_share']}, "
            f">= 2 d ahead {m['plan_lead2_share']}, "
            f"missing {m['plan_missing_share']}",
            flush=True,
        )
    return points


def svg(curves: dict[str, list[tuple[Any, float, float]]], title: str) -> str:
    w, h, left, bottom, top, right = 640, 440, 70, 60, 40, 20
    xmax, ymax = 0.5, 1.0

    def x(v: float) -> float:
        return left + (w - left - right) * min(v, xmax) / xmax

    def y(v: float) -> float:
        return h - bottom - (h - bottom - top) * v / ymax

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{w / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>',
        # the goal: <= 5 % too early, >= 75 % ahead
        f'<rect x="{x(0)}" y="{y(1)}" width="{x(0.05) - x(0)}" height="{y(0.75) - y(1)}" '
        'fill="#d9f2d9" stroke="#5a5"/>',
        f'<text x="{x(0.05) + 4}" y="{y(0.75) - 4}" fill="#383">goal</text>',
    ]
    for i in range(6):
        v = i * 0.1
        out.append(f'<line x1="{x(v)}" y1="{y(0)}" x2="{x(v)}" y2="{y(1)}" stroke="#eee"/>')
        out.append(f'<text x="{x(v)}" y="{y(0) + 16}" text-anchor="middle">{v:.1f}</text>')
    for i in range(6):
        v = i * 0.2
        out.append(f'<line x1="{x(0)}" y1="{y(v)}" x2="{x(xmax)}" y2="{y(v)}" stroke="#eee"/>')
        out.append(f'<text x="{x(0) - 6}" y="{y(v) + 4}" text-anchor="end">{v:.1f}</text>')
    out.append(f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(xmax)}" y2="{y(0)}" stroke="black"/>')
    out.append(f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}" stroke="black"/>')
    out.append(
        f'<text x="{(x(0) + x(xmax)) / 2}" y="{h - 18}" text-anchor="middle">'
        "share of cycles flagged more than 10 days early</text>"
    )
    out.append(
        f'<text x="18" y="{(y(0) + y(1)) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {(y(0) + y(1)) / 2})">'
        "share of cycles flagged >= 2 days ahead</text>"
    )
    # issue 12: a forecaster that knew each patient's true typical duration, from past cycles alone
    out.append(f'<rect x="{x(0.05) - 4}" y="{y(0.58) - 4}" width="8" height="8" fill="none" stroke="#555"/>')
    out.append(
        f'<text x="{x(0.05)}" y="{y(0.58) - 9}" font-size="10" fill="#555" text-anchor="middle">'
        "oracle (issue 12)</text>"
    )
    colours = {"v1": "#c0392b", "v2": "#2060c0"}
    for k, (name, points) in enumerate(curves.items()):
        colour = colours.get(name.split()[0], "#555")
        path = " ".join(f"{x(a):.1f},{y(b):.1f}" for _, a, b in sorted(points, key=lambda p: p[1]))
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for knob, a, b in points:
            out.append(f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="3.5" fill="{colour}"/>')
            out.append(
                f'<text x="{x(a) + 5:.1f}" y="{y(b) + 12:.1f}" font-size="10" fill="{colour}">{knob}</text>'
            )
        out.append(f'<text x="{x(0.3)}" y="{y(0.25) + 18 * k}" fill="{colour}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--quick", action="store_true", help="a quarter of the patients")
    args = ap.parse_args(argv)
    size = (100, 50) if args.quick else (400, 200)
    bench = load_bench()
    if bench is None:
        print("RELIEF_BENCH names no relief bench script: our cohorts only.", flush=True)
    sources = [("ours", None)] + ([("bench", bench)] if bench else [])
    for label, source in sources:
        patients = cohorts(args.seed, *size, bench=source)
        for rules in ("v1", "v2"):
            print(
                line(
                    f"{label} seed {args.seed} {rules}",
                    judge(patients, ReliefParams(rules=rules), bench=source),
                ),
                flush=True,
            )
    label, source = sources[-1]
    drawn = cohorts(args.seed, *size, bench=source)
    curves = {
        "v1 (suggest_days_before)": frontier(drawn, "v1", source),
        "v2 (plan_probability)": frontier(drawn, "v2", source),
    }
    # docs/ holds the bench's picture at its default seed; any other goes to the temporary directory
    target = (
        DOCS / "relief-tradeoff.svg"
        if source is not None and args.seed == 2027 and not args.quick
        else Path(tempfile.gettempdir()) / f"relief-tradeoff-{label}-{args.seed}.svg"
    )
    cohort = "the relief bench" if source is not None else "our cohorts"
    target.write_text(
        svg(curves, f"plan_maintenance on {cohort} (seed {args.seed}, maintenance scenario)") + "\n"
    )
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

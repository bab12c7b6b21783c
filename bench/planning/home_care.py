"""Benchmark (a): continuity-first plans of generated municipal instances, side by side.

    .venv/bin/python bench/planning/home_care.py [--sizes 60x15,300x60] [--time-limit 240]

For each size (customers x staff, 14 days, generator seed ``--seed``) it plans three times,
each with the same wall-clock limit on the same two cores:

- **ours**: the continuity-first planner (``Weights()``);
- **travel-only**: the same planner with the continuity weights at zero;
- **pyvrp**: PyVRP 0.14's travel-only plan, a relaxation (no breaks, no synchronised double
  staffing; see ``pyvrp_baseline.py``),

and prints, from one run: median distinct staff and median lower bound over the national
indicator's customers (65+, two visits a day), the median gap, the share of visits by the fast
omsorgskontakt (median per customer, and pooled over the visits the contact could make), total
travel minutes, unplanned visits, whether the independent checker accepts the plan, and the
solve time. Targets (issue 6): distinct <= bound + 1, FOK share >= 70 % where shifts allow,
travel <= 1.10 x PyVRP's travel-only plan, 300 x 14 days in <= 300 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))
sys.path.insert(0, str(HERE))

from pyvrp_baseline import pyvrp_travel_only  # noqa: E402

from fastkontakt.domain.continuity import continuity_report  # noqa: E402
from fastkontakt.domain.planning import Plan, Weights, check_plan, plan  # noqa: E402
from fastkontakt.domain.planning.generator import generate  # noqa: E402


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def row(name: str, result: Plan, seconds: float) -> list[str]:
    report = continuity_report(result)
    problems = check_plan(result)
    return [
        name,
        _num(report.median_distinct_staff),
        _num(report.median_lower_bound),
        _num(report.median_gap),
        _pct(report.median_contact_share),
        _pct(report.contact_share_where_possible),
        str(report.travel_minutes),
        str(report.unplanned_visits),
        "ok" if not problems else f"{len(problems)} problems",
        f"{seconds:.0f}",
    ]


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="60x15,300x60")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds per plan (default: 60 for up to 100 customers, else 240)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"# Home-care planning, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"{_cpu()}, {os.cpu_count()} cores, seed {args.seed}")
    header = ["plan", "distinct", "bound", "gap", "FOK med", "FOK where possible", "travel min",
              "unplanned", "checker", "seconds"]
    for size in args.sizes.split(","):
        customers, staff = (int(x) for x in size.split("x"))
        limit = args.time_limit or (60.0 if customers <= 100 else 240.0)
        instance = generate(customers=customers, staff=staff, seed=args.seed)
        print(f"\n## {customers} customers, {staff} staff, {instance.days} days, "
              f"{len(instance.visits)} visits, time limit {limit:g} s")
        rows = [header]
        results = {}
        for name in ("ours", "travel-only", "pyvrp travel-only"):
            started = time.monotonic()
            if name == "ours":
                result = plan(instance, time_limit=limit, weights=Weights())
            elif name == "travel-only":
                result = plan(instance, time_limit=limit, weights=Weights.travel_only())
            else:
                result = pyvrp_travel_only(instance, time_limit=limit)
            elapsed = time.monotonic() - started
            results[name] = result
            rows.append(row(name, result, elapsed))
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        for r in rows:
            print("| " + " | ".join(cell.rjust(widths[i]) for i, cell in enumerate(r)) + " |")
        yardstick = max(1, results["pyvrp travel-only"].travel_minutes())
        print(f"travel ours / pyvrp travel-only = "
              f"{results['ours'].travel_minutes() / yardstick:.3f}; "
              f"travel-only / pyvrp travel-only = "
              f"{results['travel-only'].travel_minutes() / yardstick:.3f}", flush=True)


if __name__ == "__main__":
    main()

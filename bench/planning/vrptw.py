"""Benchmark (b): routing quality on Solomon and Gehring-Homberger VRPTW instances.

    .venv/bin/python bench/planning/vrptw.py [--time-limit 20]

Our routing core (:mod:`fastkontakt.domain.planning.routing`, OR-Tools guided local search) and
PyVRP 0.14 solve each instance at the same time limit, each on one core (the two run side by
side), with integer distances and times: Euclidean distances times 1000, rounded, for ours;
times 10 for PyVRP (its own scaling for Solomon: at 1000 its penalty manager struggles to find
feasible solutions, while ours does better with the finer resolution). The fleet is fixed to
the best-known solution's size; capacities hold. Reported distances are recomputed
exactly (unrounded Euclidean, the convention of the best-known values in
``/work/shared/bench/vrptw-reference.md``, from the LKH-3 tours). Instance files are in
``instances/``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

from fastkontakt.domain.planning.routing import (  # noqa: E402
    RoutingProblem,
    RoutingVehicle,
    solve,
)

OURS_SCALE = 1000
PYVRP_SCALE = 10
# Best-known distances (exact Euclidean) and fleet sizes, from the LKH-3 tours.
BEST_KNOWN = {
    "C101": (828.937, 10),
    "R101": (1650.798, 19),
    "RC101": (1696.945, 14),
    "R201": (1252.372, 4),
    "RC208": (828.141, 3),
    "R1_2_1": (4784.110, 20),
}


def read_vrp(path: Path) -> dict:
    section = ""
    coords, demand, windows = {}, {}, {}
    header = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line in ("EOF", "-1"):
            continue
        if line.endswith("_SECTION"):
            section = line
            continue
        if ":" in line and not section:
            key, value = line.split(":", 1)
            header[key.strip()] = value.strip()
            continue
        parts = line.split()
        if section == "NODE_COORD_SECTION":
            coords[int(parts[0])] = (float(parts[1]), float(parts[2]))
        elif section == "DEMAND_SECTION":
            demand[int(parts[0])] = int(parts[1])
        elif section == "TIME_WINDOW_SECTION":
            windows[int(parts[0])] = (int(parts[1]), int(parts[2]))
    ids = sorted(coords)
    xy = np.array([coords[i] for i in ids])
    return {
        "xy": xy,
        "demand": [demand[i] for i in ids],
        "windows": [windows[i] for i in ids],
        "service": int(header["SERVICE_TIME"]),
        "capacity": int(header["CAPACITY"]),
    }


def exact(xy: np.ndarray) -> np.ndarray:
    return np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))


def route_distance(d: np.ndarray, routes: list[list[int]]) -> float:
    total = 0.0
    for route in routes:
        if route:
            stops = [0, *route, 0]
            total += sum(d[a, b] for a, b in zip(stops, stops[1:], strict=False))
    return total


def ours(name: str, seconds: float) -> tuple[str, float, int, int, float]:
    data = read_vrp(HERE / "instances" / f"{name}.vrp")
    d = exact(data["xy"])
    scaled = np.round(d * OURS_SCALE).astype(np.int64)
    n = len(data["xy"]) - 1
    _, fleet = BEST_KNOWN[name]
    depot_open, depot_close = data["windows"][0]
    problem = RoutingProblem(
        travel=scaled,
        places=list(range(1, n + 1)),
        service=[data["service"] * OURS_SCALE] * n,
        earliest=[data["windows"][i][0] * OURS_SCALE for i in range(1, n + 1)],
        latest=[data["windows"][i][1] * OURS_SCALE for i in range(1, n + 1)],
        vehicles=[RoutingVehicle(0, 0, depot_open * OURS_SCALE, depot_close * OURS_SCALE)] * fleet,
        penalties=[10**10] * n,
        loads=data["demand"][1:],
        capacity=data["capacity"],
    )
    started = time.monotonic()
    solution = solve(problem, time_limit=seconds)
    elapsed = time.monotonic() - started
    routes = [[node + 1 for node, _ in route] for route in solution.routes]
    return ("ours", route_distance(d, routes), sum(1 for r in routes if r),
            len(solution.dropped), elapsed)


def pyvrp_solve(name: str, seconds: float) -> tuple[str, float, int, int, float]:
    import warnings

    import pyvrp
    from pyvrp.stop import MaxRuntime

    warnings.simplefilter("ignore")  # PyVRP's penalty warnings while it searches

    data = read_vrp(HERE / "instances" / f"{name}.vrp")
    d = exact(data["xy"])
    scaled = np.round(d * PYVRP_SCALE).astype(np.int64)
    n = len(data["xy"]) - 1
    _, fleet = BEST_KNOWN[name]
    depot_open, depot_close = data["windows"][0]
    problem = pyvrp.ProblemData(
        locations=[pyvrp.Location(float(x), float(y)) for x, y in data["xy"]],
        clients=[
            pyvrp.Client(location=i, delivery=[data["demand"][i]],
                         service_duration=data["service"] * PYVRP_SCALE,
                         tw_early=data["windows"][i][0] * PYVRP_SCALE,
                         tw_late=data["windows"][i][1] * PYVRP_SCALE)
            for i in range(1, n + 1)
        ],
        depots=[pyvrp.Depot(location=0, tw_early=depot_open * PYVRP_SCALE,
                            tw_late=depot_close * PYVRP_SCALE)],
        vehicle_types=[pyvrp.VehicleType(num_available=fleet, capacity=[data["capacity"]],
                                         tw_early=depot_open * PYVRP_SCALE,
                                         tw_late=depot_close * PYVRP_SCALE)],
        distance_matrices=[scaled],
        duration_matrices=[scaled],
    )
    started = time.monotonic()
    result = pyvrp.Model.from_data(problem).solve(MaxRuntime(seconds), seed=1, display=False)
    elapsed = time.monotonic() - started
    routes = [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in result.best.routes()]
    missing = n - sum(len(r) for r in routes)
    if not result.best.is_feasible():
        missing = max(missing, 1)
    return ("pyvrp", route_distance(d, routes), len(routes), missing, elapsed)


def run(job: tuple[str, str, float]) -> tuple[str, float, int, int, float]:
    solver, name, seconds = job
    return ours(name, seconds) if solver == "ours" else pyvrp_solve(name, seconds)


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
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--instances", default=",".join(BEST_KNOWN))
    args = parser.parse_args()
    names = args.instances.split(",")
    print(f"# VRPTW routing quality, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
          f"{_cpu()}, {os.cpu_count()} cores, "
          f"{args.time_limit:g} s per solver and instance, one core each")
    print(f"{'instance':9} {'best':>9} {'veh':>3} | {'ours':>9} {'gap':>7} {'dropped':>7} | "
          f"{'pyvrp':>9} {'gap':>7} {'missing':>7} | {'ours/pyvrp':>10}")
    with ProcessPoolExecutor(max_workers=2) as pool:
        for name in names:
            best, fleet = BEST_KNOWN[name]
            mine, theirs = pool.map(run, [("ours", name, args.time_limit),
                                          ("pyvrp", name, args.time_limit)])
            print(f"{name:9} {best:9.3f} {fleet:3d} | {mine[1]:9.3f} "
                  f"{(mine[1] / best - 1) * 100:+6.2f}% {mine[3]:7d} | {theirs[1]:9.3f} "
                  f"{(theirs[1] / best - 1) * 100:+6.2f}% {theirs[3]:7d} | "
                  f"{mine[1] / theirs[1]:10.4f}", flush=True)


if __name__ == "__main__":
    main()

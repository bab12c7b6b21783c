"""Reading and writing planning files: instances and plans.

The formats are ``fastkontakt-planning-instance/1`` and ``fastkontakt-plan/1``.

Both formats are described in ``docs/planning-formats.md``. Readers check a whole document and
raise :class:`InvalidPlanningFile` with every problem found, each located by its JSON path
(``customers[3].visits[0].start_between[1]: expected a time HH:MM``), as the scenario reader
does. Writers produce the canonical form the readers accept, so ``read(write(x)) == x``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final, get_args

from fastkontakt.domain.errors import InvalidInput, Problem
from fastkontakt.domain.json_input import InvalidJson, json_decode
from fastkontakt.domain.model import VisitKind
from fastkontakt.domain.planning.model import (
    WEEKDAYS,
    Absence,
    Break,
    Customer,
    Instance,
    Location,
    Plan,
    PlannedBreak,
    PlannedVisit,
    Shift,
    SpeedModel,
    StaffMember,
    VisitDemand,
)
from fastkontakt.domain.text import text_normalised, text_problem, text_shown

INSTANCE_FORMAT: Final = "fastkontakt-planning-instance/1"
PLAN_FORMAT: Final = "fastkontakt-plan/1"
VISIT_KINDS: Final = get_args(VisitKind)
_TIME: Final = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidPlanningFile(InvalidInput):
    """A planning file broke its format; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "\n".join(str(p) for p in problems))


class _Bad:
    """A value that could not be read; its problem is already reported."""


_BAD: Final[Any] = _Bad()  # typed Any: it stands in for any value not read


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def report(self, path: str, message: str) -> Any:
        self.problems.append(Problem(path or "$", message))
        return _BAD

    def object(
        self, raw: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.report(path, "expected an object")
            return None
        for key in raw:
            if key not in required and key not in optional:
                shown = text_shown(str(key))
                self.report(f"{path}.{shown}" if path else shown, "unknown key")
        for key in required:
            if key not in raw:
                self.report(f"{path}.{key}" if path else key, "required")
        return raw

    def text(self, raw: Any, path: str) -> Any:
        if type(raw) is not str or not raw.strip():
            return self.report(path, "expected a non-empty string")
        refused = text_problem(raw)
        if refused is not None:
            return self.report(path, refused)
        return text_normalised(raw)

    def integer(self, raw: Any, path: str, low: int, high: int) -> Any:
        if type(raw) is not int or not low <= raw <= high:
            return self.report(path, f"expected a whole number from {low} to {high}")
        return raw

    def number(self, raw: Any, path: str, low: float, high: float) -> Any:
        if type(raw) not in (int, float) or not low <= raw <= high:
            return self.report(path, f"expected a number from {low} to {high}")
        return float(raw)

    def time(self, raw: Any, path: str) -> Any:
        match = _TIME.fullmatch(raw) if type(raw) is str else None
        if match is None or (match.group(1) == "24" and match.group(2) != "00"):
            return self.report(path, "expected a time HH:MM (00:00-24:00)")
        return int(match.group(1)) * 60 + int(match.group(2))

    def day(self, raw: Any, path: str) -> Any:
        if type(raw) is str and _DATE.fullmatch(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        return self.report(path, "expected a date YYYY-MM-DD")

    def list(self, raw: Any, path: str) -> list[Any]:
        if type(raw) is not list:
            self.report(path, "expected a list")
            return []
        return raw

    def names(self, raw: Any, path: str) -> Any:
        items = [self.text(x, f"{path}[{i}]") for i, x in enumerate(self.list(raw, path))]
        return _BAD if any(x is _BAD for x in items) else frozenset(items)

    def location(self, raw: Any, path: str) -> Any:
        data = self.object(raw, path, ("lat", "lon"))
        if data is None:
            return _BAD
        lat = self.number(data.get("lat"), f"{path}.lat", -90, 90) if "lat" in data else _BAD
        lon = self.number(data.get("lon"), f"{path}.lon", -180, 180) if "lon" in data else _BAD
        return _BAD if _BAD in (lat, lon) else Location(lat, lon)

    def window(self, raw: Any, path: str) -> Any:
        items = self.list(raw, path)
        if len(items) != 2:
            return self.report(path, "expected [earliest, latest] as two times HH:MM")
        first, last = self.time(items[0], f"{path}[0]"), self.time(items[1], f"{path}[1]")
        if _BAD in (first, last):
            return _BAD
        if last < first:
            return self.report(f"{path}[1]", "is before the earliest time")
        return (first, last)


def _fmt_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- instance ------------------------------------------------------------------------------


def _read_demand(r: _Reader, raw: Any, path: str) -> Any:
    data = r.object(
        raw, path, ("id", "kind", "days", "start_between", "duration"),
        ("staff", "competences", "delegations"),
    )
    if data is None:
        return _BAD
    values: dict[str, Any] = {}
    values["id"] = r.text(data.get("id"), f"{path}.id") if "id" in data else _BAD
    kind: Any = data.get("kind")
    if "kind" in data and kind not in VISIT_KINDS:
        r.report(f"{path}.kind", "expected one of: " + ", ".join(VISIT_KINDS))
        kind = _BAD
    days: Any = _BAD
    if "days" in data:
        raw_days = data["days"]
        if raw_days == "daily":
            days = tuple(WEEKDAYS)
        else:
            items = r.list(raw_days, f"{path}.days")
            bad = [i for i, d in enumerate(items) if d not in WEEKDAYS]
            for i in bad:
                r.report(f"{path}.days[{i}]", "expected one of: " + ", ".join(WEEKDAYS))
            if type(raw_days) is list and not items:
                r.report(f"{path}.days", "expected at least one weekday")
            elif type(raw_days) is list and len(set(items)) != len(items):
                r.report(f"{path}.days", "a weekday is listed more than once")
            elif items and not bad:
                days = tuple(d for d in WEEKDAYS if d in items)
    window = r.window(data.get("start_between"), f"{path}.start_between") \
        if "start_between" in data else _BAD
    duration = r.integer(data.get("duration"), f"{path}.duration", 1, 24 * 60) \
        if "duration" in data else _BAD
    staff = r.integer(data.get("staff", 1), f"{path}.staff", 1, 2)
    competences = r.names(data.get("competences", []), f"{path}.competences")
    delegations = r.names(data.get("delegations", []), f"{path}.delegations")
    if window is not _BAD and duration is not _BAD and window[1] + duration > 24 * 60:
        r.report(f"{path}.duration", "the visit would end after midnight")
        return _BAD
    parts = [values["id"], kind, days, window, duration, staff, competences, delegations]
    if any(p is _BAD for p in parts):
        return _BAD
    return VisitDemand(values["id"], kind, days, window[0], window[1], duration, staff,
                       competences, delegations)


def _read_customer(r: _Reader, raw: Any, path: str, staff_ids: set[str]) -> Any:
    data = r.object(
        raw, path, ("id", "location", "born", "visits"), ("fast_omsorgskontakt", "name")
    )
    if data is None:
        return _BAD
    cid = r.text(data.get("id"), f"{path}.id") if "id" in data else _BAD
    location = r.location(data.get("location"), f"{path}.location") if "location" in data \
        else _BAD
    born = r.day(data.get("born"), f"{path}.born") if "born" in data else _BAD
    contact = data.get("fast_omsorgskontakt")
    if contact is not None:
        contact = r.text(contact, f"{path}.fast_omsorgskontakt")
        if contact is not _BAD and contact not in staff_ids:
            contact = r.report(f"{path}.fast_omsorgskontakt", f"unknown staff id {contact!r}")
    demands = []
    seen: dict[str, int] = {}
    for i, item in enumerate(r.list(data.get("visits", []), f"{path}.visits")):
        demand = _read_demand(r, item, f"{path}.visits[{i}]")
        raw_id = item.get("id") if isinstance(item, dict) else None
        if type(raw_id) is str:
            if raw_id in seen:
                demand = r.report(f"{path}.visits[{i}].id",
                                  f"duplicate id {raw_id!r} (also at visits[{seen[raw_id]}])")
            seen.setdefault(raw_id, i)
            if "/" in raw_id:
                demand = r.report(f"{path}.visits[{i}].id", "must not contain '/'")
        demands.append(demand)
    if any(x is _BAD for x in [cid, location, born, contact, *demands]):
        return _BAD
    return Customer(cid, location, born, contact, tuple(demands))


def _read_shift(r: _Reader, raw: Any, path: str) -> Any:
    data = r.object(raw, path, ("date", "from", "to"), ("breaks",))
    if data is None:
        return _BAD
    day = r.day(data.get("date"), f"{path}.date") if "date" in data else _BAD
    start = r.time(data.get("from"), f"{path}.from") if "from" in data else _BAD
    end = r.time(data.get("to"), f"{path}.to") if "to" in data else _BAD
    if _BAD not in (start, end) and end <= start:
        end = r.report(f"{path}.to", "the shift must end after it starts (same day)")
    breaks = []
    for i, item in enumerate(r.list(data.get("breaks", []), f"{path}.breaks")):
        bpath = f"{path}.breaks[{i}]"
        bdata = r.object(item, bpath, ("start_between", "minutes"))
        if bdata is None:
            breaks.append(_BAD)
            continue
        window = r.window(bdata.get("start_between"), f"{bpath}.start_between") \
            if "start_between" in bdata else _BAD
        minutes = r.integer(bdata.get("minutes"), f"{bpath}.minutes", 1, 24 * 60) \
            if "minutes" in bdata else _BAD
        if _BAD in (window, minutes, start, end):
            breaks.append(_BAD)
            continue
        if window[0] < start or window[1] + minutes > end:
            breaks.append(r.report(f"{bpath}.start_between", "the break must fit in the shift"))
            continue
        breaks.append(Break(window[0], window[1], minutes))
    if any(x is _BAD for x in [day, start, end, *breaks]):
        return _BAD
    return Shift(day, start, end, tuple(breaks))


def _read_staff(r: _Reader, raw: Any, path: str) -> Any:
    data = r.object(
        raw, path, ("id", "location", "shifts"),
        ("competences", "delegations", "absences", "name"),
    )
    if data is None:
        return _BAD
    sid = r.text(data.get("id"), f"{path}.id") if "id" in data else _BAD
    location = r.location(data.get("location"), f"{path}.location") if "location" in data \
        else _BAD
    competences = r.names(data.get("competences", []), f"{path}.competences")
    delegations = r.names(data.get("delegations", []), f"{path}.delegations")
    shifts = [
        _read_shift(r, item, f"{path}.shifts[{i}]")
        for i, item in enumerate(r.list(data.get("shifts", []), f"{path}.shifts"))
    ]
    good = [s for s in shifts if isinstance(s, Shift)]
    for i, shift in enumerate(good):
        for other in good[:i]:
            if other.day == shift.day and other.start < shift.end and shift.start < other.end:
                r.report(f"{path}.shifts[{shifts.index(shift)}]",
                         "overlaps another shift of the same day")
    absences = []
    for i, item in enumerate(r.list(data.get("absences", []), f"{path}.absences")):
        apath = f"{path}.absences[{i}]"
        adata = r.object(item, apath, ("from", "to"))
        if adata is None:
            absences.append(_BAD)
            continue
        first = r.day(adata.get("from"), f"{apath}.from") if "from" in adata else _BAD
        last = r.day(adata.get("to"), f"{apath}.to") if "to" in adata else _BAD
        if _BAD not in (first, last) and last < first:
            last = r.report(f"{apath}.to", '"to" is before "from"')
        absences.append(_BAD if _BAD in (first, last) else Absence(first, last))
    if any(x is _BAD for x in [sid, location, competences, delegations, *shifts, *absences]):
        return _BAD
    return StaffMember(sid, location, competences, delegations, tuple(shifts), tuple(absences))


def _read_instance(r: _Reader, raw: Any, path: str) -> Instance | None:
    data = r.object(
        raw, path, ("format", "start", "days", "customers", "staff"), ("speed", "name")
    )
    if data is None:
        return None
    p = (lambda key: f"{path}.{key}") if path else (lambda key: key)
    if "format" in data and data["format"] != INSTANCE_FORMAT:
        r.report(p("format"), f"expected {INSTANCE_FORMAT!r}")
    start = r.day(data.get("start"), p("start")) if "start" in data else _BAD
    days = r.integer(data.get("days"), p("days"), 1, 366) if "days" in data else _BAD
    speed: Any = SpeedModel()
    if "speed" in data:
        sdata = r.object(data["speed"], p("speed"), (), ("kmh", "detour", "stop_minutes"))
        if sdata is not None:
            kmh = r.number(sdata.get("kmh", speed.kmh), p("speed") + ".kmh", 1, 200)
            detour = r.number(sdata.get("detour", speed.detour), p("speed") + ".detour", 1, 5)
            stop = r.integer(sdata.get("stop_minutes", speed.stop_minutes),
                             p("speed") + ".stop_minutes", 0, 120)
            speed = _BAD if _BAD in (kmh, detour, stop) else SpeedModel(kmh, detour, stop)
    staff_raw = r.list(data.get("staff", []), p("staff"))
    staff = [_read_staff(r, item, f"{p('staff')}[{i}]") for i, item in enumerate(staff_raw)]
    staff_ids: set[str] = set()
    seen: dict[str, int] = {}
    for i, item in enumerate(staff_raw):
        sid = item.get("id") if isinstance(item, dict) else None
        if type(sid) is str:
            if sid in seen:
                r.report(f"{p('staff')}[{i}].id",
                         f"duplicate id {sid!r} (also at staff[{seen[sid]}])")
            seen.setdefault(sid, i)
            staff_ids.add(sid)
    customers_raw = r.list(data.get("customers", []), p("customers"))
    customers = [
        _read_customer(r, item, f"{p('customers')}[{i}]", staff_ids)
        for i, item in enumerate(customers_raw)
    ]
    seen = {}
    for i, item in enumerate(customers_raw):
        cid = item.get("id") if isinstance(item, dict) else None
        if type(cid) is str:
            if cid in seen:
                r.report(f"{p('customers')}[{i}].id",
                         f"duplicate id {cid!r} (also at customers[{seen[cid]}])")
            seen.setdefault(cid, i)
            if "/" in cid:
                r.report(f"{p('customers')}[{i}].id", "must not contain '/'")
    if r.problems or any(x is _BAD for x in [start, days, speed, *staff, *customers]):
        return None
    return Instance(start, days, tuple(customers), tuple(staff), speed)


def parse_instance(data: bytes | str) -> Instance:
    """Read an instance document; raise :class:`InvalidPlanningFile` with every problem."""
    raw = _load(data)
    r = _Reader()
    instance = _read_instance(r, raw, "")
    if instance is None:
        raise InvalidPlanningFile(r.problems or [Problem("$", "invalid instance")])
    return instance


def _load(data: bytes | str) -> Any:
    try:
        return json_decode(data)
    except InvalidJson as invalid:
        raise InvalidPlanningFile([invalid.problem]) from None


def instance_to_json(instance: Instance) -> dict[str, Any]:
    def place(location: Location) -> dict[str, float]:
        return {"lat": location.lat, "lon": location.lon}

    def demand(d: VisitDemand) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": d.id,
            "kind": d.kind,
            "days": "daily" if d.weekdays == tuple(WEEKDAYS) else list(d.weekdays),
            "start_between": [_fmt_time(d.earliest), _fmt_time(d.latest)],
            "duration": d.duration,
            "staff": d.staff_count,
        }
        if d.competences:
            doc["competences"] = sorted(d.competences)
        if d.delegations:
            doc["delegations"] = sorted(d.delegations)
        return doc

    return {
        "format": INSTANCE_FORMAT,
        "start": instance.start.isoformat(),
        "days": instance.days,
        "speed": {
            "kmh": instance.speed.kmh,
            "detour": instance.speed.detour,
            "stop_minutes": instance.speed.stop_minutes,
        },
        "customers": [
            {
                "id": c.id,
                "location": place(c.location),
                "born": c.born.isoformat(),
                "fast_omsorgskontakt": c.fast_omsorgskontakt,
                "visits": [demand(d) for d in c.demands],
            }
            for c in instance.customers
        ],
        "staff": [
            {
                "id": s.id,
                "location": place(s.location),
                "competences": sorted(s.competences),
                "delegations": sorted(s.delegations),
                "shifts": [
                    {
                        "date": shift.day.isoformat(),
                        "from": _fmt_time(shift.start),
                        "to": _fmt_time(shift.end),
                        "breaks": [
                            {
                                "start_between": [_fmt_time(b.earliest), _fmt_time(b.latest)],
                                "minutes": b.minutes,
                            }
                            for b in shift.breaks
                        ],
                    }
                    for shift in s.shifts
                ],
                "absences": [
                    {"from": a.start.isoformat(), "to": a.end.isoformat()} for a in s.absences
                ],
            }
            for s in instance.staff
        ],
    }


# --- plan ----------------------------------------------------------------------------------


def plan_to_json(plan: Plan) -> dict[str, Any]:
    return {
        "format": PLAN_FORMAT,
        "stats": dict(plan.stats),
        "visits": [
            {"visit": p.visit, "start": _fmt_time(p.start), "staff": list(p.staff)}
            for p in plan.visits
        ],
        "breaks": [
            {"staff": b.staff, "date": b.day.isoformat(), "start": _fmt_time(b.start),
             "minutes": b.minutes}
            for b in plan.breaks
        ],
        "unplanned": list(plan.unplanned),
        "instance": instance_to_json(plan.instance),
    }


def parse_plan(data: bytes | str) -> Plan:
    """Read a plan document (with its instance); every problem with its path."""
    raw = _load(data)
    r = _Reader()
    doc = r.object(raw, "", ("format", "instance", "visits", "breaks", "unplanned"), ("stats",))
    if doc is None:
        raise InvalidPlanningFile(r.problems)
    if "format" in doc and doc["format"] != PLAN_FORMAT:
        r.report("format", f"expected {PLAN_FORMAT!r}")
    instance = _read_instance(r, doc.get("instance"), "instance") if "instance" in doc else None
    visits = []
    for i, item in enumerate(r.list(doc.get("visits", []), "visits")):
        path = f"visits[{i}]"
        fields = r.object(item, path, ("visit", "start", "staff"))
        if fields is None:
            continue
        vid = r.text(fields.get("visit"), f"{path}.visit") if "visit" in fields else _BAD
        if instance is not None and vid is not _BAD and vid not in instance.visit_by_id:
            vid = r.report(f"{path}.visit", f"unknown visit {vid!r}")
        start = r.time(fields.get("start"), f"{path}.start") if "start" in fields else _BAD
        staff = [r.text(s, f"{path}.staff[{k}]")
                 for k, s in enumerate(r.list(fields.get("staff", []), f"{path}.staff"))]
        if _BAD not in (vid, start, *staff):
            visits.append(PlannedVisit(vid, start, tuple(staff)))
    breaks = []
    for i, item in enumerate(r.list(doc.get("breaks", []), "breaks")):
        path = f"breaks[{i}]"
        fields = r.object(item, path, ("staff", "date", "start", "minutes"))
        if fields is None:
            continue
        staff_id = r.text(fields.get("staff"), f"{path}.staff") if "staff" in fields else _BAD
        day = r.day(fields.get("date"), f"{path}.date") if "date" in fields else _BAD
        start = r.time(fields.get("start"), f"{path}.start") if "start" in fields else _BAD
        minutes = r.integer(fields.get("minutes"), f"{path}.minutes", 1, 24 * 60) \
            if "minutes" in fields else _BAD
        if _BAD not in (staff_id, day, start, minutes):
            breaks.append(PlannedBreak(staff_id, day, start, minutes))
    unplanned = []
    for i, item in enumerate(r.list(doc.get("unplanned", []), "unplanned")):
        vid = r.text(item, f"unplanned[{i}]")
        if instance is not None and vid is not _BAD and vid not in instance.visit_by_id:
            vid = r.report(f"unplanned[{i}]", f"unknown visit {vid!r}")
        if vid is not _BAD:
            unplanned.append(vid)
    stats = doc.get("stats", {})
    if not isinstance(stats, dict):
        r.report("stats", "expected an object")
        stats = {}
    if r.problems or instance is None:
        raise InvalidPlanningFile(r.problems or [Problem("instance", "invalid instance")])
    return Plan(instance, tuple(visits), tuple(breaks), tuple(unplanned), dict(stats))

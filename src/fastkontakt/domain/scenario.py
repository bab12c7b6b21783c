"""Reading and writing scenario files, format ``fastkontakt-scenario/1`` (``spec/scenario.md``).

:func:`parse_scenario` checks a whole document and reports every problem it finds at once, each
located by its JSON path (``patients[3].contacts[0].staff: unknown staff id "SE…"``), because a
person fixing a file wants the full list rather than one error per run. :func:`scenario_to_json`
writes the canonical form: every key of every object, in the order of the tables in the spec.

The format is described once, as a table of :class:`_ObjectSpec` per object; the same tables
drive reading and writing so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, cast

from fastkontakt.domain.errors import InvalidIdentifier, InvalidScenario, Problem
from fastkontakt.domain.identifiers import parse_personal_id
from fastkontakt.domain.json_input import InvalidJson, json_decode
from fastkontakt.domain.model import (
    CONTACT_KINDS,
    NEEDS,
    POLICY_NAMES,
    PROFESSIONS,
    REQUEST_KINDS,
    RESIDENCES,
    SERVICES,
    UNIT_TYPES,
    VISIT_KINDS,
    Absence,
    Contact,
    ContactRequest,
    HomeCareDecision,
    ImplementationPlan,
    InformationTransfer,
    InpatientStay,
    Patient,
    PostalAddress,
    Scenario,
    Sip,
    Staff,
    Unit,
    Visit,
)
from fastkontakt.domain.postal import postal_code_normalised
from fastkontakt.domain.text import text_normalised, text_problem, text_shown

FORMAT: Final = "fastkontakt-scenario/1"

__all__ = ["FORMAT", "parse_scenario", "scenario_from_json", "scenario_to_json"]


class _Invalid:
    """Marks a value that could not be read; its problem has already been reported."""


_INVALID: Final = _Invalid()
# ``date.fromisoformat`` also takes ``20260101`` and week dates; files must say ``YYYY-MM-DD``.
_DATE_SHAPE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_KEY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHOWN_MAX: Final = 60


class _Context:
    """What one validation run has learnt so far: problems, known ids, ids already seen."""

    __slots__ = ("dates", "problems", "seen", "staff_ids", "unit_ids")

    def __init__(self, unit_ids: set[str], staff_ids: set[str]) -> None:
        self.problems: list[Problem] = []
        self.unit_ids = unit_ids
        self.staff_ids = staff_ids
        # Per kind of id (unit, staff, patient, contact, sip): id -> path of its first object.
        self.seen: dict[str, dict[str, str]] = {}
        # Big files repeat the same few hundred dates; parse each once.
        self.dates: dict[str, date] = {}

    def report(self, path: str, message: str) -> _Invalid:
        self.problems.append(Problem(path or "$", message))
        return _INVALID


Reader = Callable[[Any, _Context, str], Any]
"""Reads one JSON value at a path: returns the model value, or reports and returns _INVALID."""


def _show(value: object) -> str:
    """A JSON rendering of an offending value for a message, cut short when long.

    Characters the text rule refuses are shown escaped, so that the message line itself can be
    printed and read as it is (``text_shown``).
    """
    try:
        shown = text_shown(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        shown = repr(value)
    if len(shown) > _SHOWN_MAX:
        shown = shown[: _SHOWN_MAX - 1] + "…"
    return shown


def _child(path: str, key: object) -> str:
    """The path of a key as written in a file; odd keys are quoted: ``units[0]["na me"]``."""
    if not isinstance(key, str) or not _PLAIN_KEY.fullmatch(key):
        return f"{path or '$'}[{text_shown(json.dumps(str(key), ensure_ascii=False))}]"
    return f"{path}.{key}" if path else key


# --- readers of single values --------------------------------------------------------------


def _text(raw: Any, ctx: _Context, path: str) -> Any:
    if type(raw) is not str:
        return ctx.report(path, "expected a string")
    if not raw or raw.isspace():
        return ctx.report(path, "expected a non-empty string")
    refused = text_problem(raw)
    if refused is not None:
        return ctx.report(path, refused)
    return text_normalised(raw)


def _boolean(raw: Any, ctx: _Context, path: str) -> Any:
    if raw is True or raw is False:
        return raw
    return ctx.report(path, "expected true or false")


def _date(raw: Any, ctx: _Context, path: str) -> Any:
    if type(raw) is not str:
        return ctx.report(path, "expected a date as a string YYYY-MM-DD")
    known = ctx.dates.get(raw)
    if known is not None:
        return known
    if _DATE_SHAPE.fullmatch(raw):
        try:
            parsed = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            ctx.dates[raw] = parsed
            return parsed
    return ctx.report(path, f"invalid date {_show(raw)} (expected YYYY-MM-DD)")


def _one_of(allowed: tuple[str, ...]) -> Reader:
    allowed_set = frozenset(allowed)
    message = "expected one of: " + ", ".join(allowed)

    def read(raw: Any, ctx: _Context, path: str) -> Any:
        if type(raw) is str and raw in allowed_set:
            return raw
        return ctx.report(path, message)

    return read


def _reference(kind: str) -> Reader:
    """A unit or staff id that must name an object of the scenario."""

    def read(raw: Any, ctx: _Context, path: str) -> Any:
        value = _text(raw, ctx, path)
        if value is _INVALID:
            return value
        known = ctx.unit_ids if kind == "unit" else ctx.staff_ids
        if value not in known:
            return ctx.report(path, f"unknown {kind} id {_show(value)}")
        return value

    return read


def _remember(ctx: _Context, kind: str, value: str, path: str) -> Any:
    """Record an id; report it when an object of the same kind already has it."""
    seen = ctx.seen.setdefault(kind, {})
    owner = path.rpartition(".")[0]
    first = seen.setdefault(value, owner)
    if first != owner:
        return ctx.report(path, f"duplicate id {_show(value)} (also at {first})")
    return value


def _unique_id(kind: str) -> Reader:
    """An id that no other object of ``kind`` in the whole scenario may carry."""

    def read(raw: Any, ctx: _Context, path: str) -> Any:
        value = _text(raw, ctx, path)
        if value is _INVALID:
            return value
        return _remember(ctx, kind, value, path)

    return read


def _patient_id(raw: Any, ctx: _Context, path: str) -> Any:
    value = _text(raw, ctx, path)
    if value is _INVALID:
        return value
    # Files carry the full 12 digits: the 10-digit forms need a reading date to fix the century.
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return ctx.report(
            path, f"invalid personnummer {_show(value)} (expected 12 digits YYYYMMDDNNNC)"
        )
    try:
        parse_personal_id(value)
    except InvalidIdentifier as error:
        kind = "samordningsnummer" if int(value[6:8]) > 60 else "personnummer"
        return ctx.report(path, f"invalid {kind} {_show(value)} ({error})")
    return _remember(ctx, "patient", value, path)


def _postal_code(raw: Any, ctx: _Context, path: str) -> Any:
    value = _text(raw, ctx, path)
    if value is _INVALID:
        return value
    code = postal_code_normalised(value)
    if code is None:
        return ctx.report(path, f"invalid postcode {_show(value)} (expected NNN NN, e.g. 972 31)")
    return code


def _format(raw: Any, ctx: _Context, path: str) -> Any:
    if raw == FORMAT and type(raw) is str:
        return raw
    return ctx.report(path, f"expected {_show(FORMAT)}")


def _list_of(item: Reader) -> Reader:
    def read(raw: Any, ctx: _Context, path: str) -> Any:
        if type(raw) is not list:
            return ctx.report(path, "expected a list")
        values = [item(element, ctx, f"{path}[{index}]") for index, element in enumerate(raw)]
        if any(value is _INVALID for value in values):
            return _INVALID
        return tuple(values)

    return read


# --- objects ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    """The JSON key."""
    attr: str | None
    """The model attribute; None for keys that are checked but not kept (``format``)."""
    read: Reader
    required: bool = False
    nullable: bool = False
    """``null`` is allowed and means None."""


Check = Callable[[dict[str, Any], _Context, str], bool]
"""A check across the fields of one object; reports and returns False when it fails."""


class _ObjectSpec:
    """How one kind of JSON object maps onto its model dataclass."""

    __slots__ = ("by_key", "checks", "fields", "model", "required")

    def __init__(
        self, model: type[Any], fields: tuple[_Field, ...], checks: tuple[Check, ...]
    ) -> None:
        self.model = model
        self.fields = fields
        self.checks = checks
        self.by_key: dict[str, _Field] = {field.key: field for field in fields}
        self.required = tuple(field for field in fields if field.required)


def _read_object(spec: _ObjectSpec, raw: Any, ctx: _Context, path: str) -> Any:
    if not isinstance(raw, dict):
        return ctx.report(path, "expected an object")
    by_key = spec.by_key
    values: dict[str, Any] = {}
    valid = True
    if isinstance(raw, _DuplicateKeys):
        for key in raw.duplicates:
            ctx.report(_child(path, key), "duplicate key")
        valid = False
    for key, element in raw.items():
        field = by_key.get(key)
        if field is None:
            ctx.report(_child(path, key), "unknown key")
            valid = False
            continue
        if element is None and field.nullable:
            value = None
        else:
            value = field.read(element, ctx, f"{path}.{key}" if path else key)
            if value is _INVALID:
                valid = False
                continue
        if field.attr is not None:
            values[field.attr] = value
    for field in spec.required:
        if field.key not in raw:
            ctx.report(f"{path}.{field.key}" if path else field.key, "required")
            valid = False
    for check in spec.checks:
        valid = check(values, ctx, path) and valid
    return spec.model(**values) if valid else _INVALID


def _object(spec: _ObjectSpec) -> Reader:
    def read(raw: Any, ctx: _Context, path: str) -> Any:
        return _read_object(spec, raw, ctx, path)

    return read


def _ends_after_start(values: dict[str, Any], ctx: _Context, path: str) -> bool:
    start, end = values.get("start"), values.get("end")
    if start is None or end is None or end >= start:
        return True
    ctx.report(f"{path}.to", f'"to" ({end.isoformat()}) is before "from" ({start.isoformat()})')
    return False


def _units_listed_once(values: dict[str, Any], ctx: _Context, path: str) -> bool:
    units = values.get("units") or ()
    if len(set(units)) == len(units):
        return True
    ctx.report(f"{path}.units", "a unit is listed more than once")
    return False


def _spec(model: type[Any], *fields: _Field, checks: tuple[Check, ...] = ()) -> _ObjectSpec:
    return _ObjectSpec(model, fields, checks)


def _required(key: str, read: Reader, attr: str | None = None) -> _Field:
    return _Field(key, attr or key, read, required=True)


def _optional(key: str, read: Reader, attr: str | None = None, *, nullable: bool = False) -> _Field:
    return _Field(key, attr or key, read, nullable=nullable)


_unit_ref = _reference("unit")
_staff_ref = _reference("staff")

# Field order is the order of the tables in scenario.md, which is also the canonical key order.
_ADDRESS = _spec(
    PostalAddress,
    _optional("care_of", _text, nullable=True),
    _required("street", _text),
    _required("postal_code", _postal_code),
    _required("city", _text),
)
_UNIT = _spec(
    Unit,
    _required("id", _unique_id("unit")),
    _required("name", _text),
    _required("type", _one_of(UNIT_TYPES)),
    _optional("address", _object(_ADDRESS), nullable=True),
)
_ABSENCE = _spec(
    Absence,
    _required("from", _date, "start"),
    _required("to", _date, "end"),
    checks=(_ends_after_start,),
)
_STAFF = _spec(
    Staff,
    _required("id", _unique_id("staff")),
    _required("name", _text),
    _required("profession", _one_of(PROFESSIONS)),
    _optional("licensed", _boolean),
    _required("units", _list_of(_unit_ref)),
    _optional("eligible", _boolean),
    _optional("employment_end", _date, nullable=True),
    _optional("absences", _list_of(_object(_ABSENCE))),
    checks=(_units_listed_once,),
)
_CONTACT = _spec(
    Contact,
    _required("id", _unique_id("contact")),
    _required("kind", _one_of(CONTACT_KINDS)),
    _required("staff", _staff_ref),
    _required("unit", _unit_ref),
    _optional("coordinating", _boolean),
    _required("from", _date, "start"),
    _optional("to", _date, "end", nullable=True),
    _optional("informed", _date, nullable=True),
    _optional("local_title", _text, nullable=True),
    checks=(_ends_after_start,),
)
_REQUEST = _spec(
    ContactRequest,
    _required("kind", _one_of(REQUEST_KINDS)),
    _required("unit", _unit_ref),
    _required("date", _date),
)
_STAY = _spec(
    InpatientStay,
    _required("unit", _unit_ref),
    _required("admitted", _date),
    _optional("outpatient_unit", _unit_ref, nullable=True),
    _optional("needs_municipal_care", _boolean),
    _optional("ready_for_discharge", _date, nullable=True),
    _optional("discharged", _date, nullable=True),
)
_HOME_CARE = _spec(
    HomeCareDecision,
    _required("unit", _unit_ref),
    _required("from", _date, "start"),
    _optional("to", _date, "end", nullable=True),
    _required("services", _list_of(_one_of(SERVICES))),
    _optional("no_contact_reason", _text, nullable=True),
    checks=(_ends_after_start,),
)
_PLAN = _spec(
    ImplementationPlan,
    _required("established", _date),
    _optional("updated_by_contact", _date, nullable=True),
    _optional("revisions", _list_of(_date)),
)
_SIP = _spec(
    Sip,
    _required("id", _unique_id("sip")),
    _required("created", _date),
    _optional("invited", _date, nullable=True),
    _optional("coordinator", _staff_ref, nullable=True),
)
_TRANSFER = _spec(
    InformationTransfer,
    _required("to", _text, "recipient"),
    _required("date", _date),
    _required("consent", _boolean),
)
_VISIT = _spec(
    Visit,
    _required("date", _date),
    _required("staff", _staff_ref),
    _optional("kind", _one_of(VISIT_KINDS)),
)
_PATIENT = _spec(
    Patient,
    _required("id", _patient_id),
    _required("name", _text),
    _optional("residence", _one_of(RESIDENCES)),
    _optional("residence_from", _date, nullable=True),
    _optional("residence_no_contact_reason", _text, nullable=True),
    _optional("home_health_care", _boolean),
    _optional("listed_at", _unit_ref, nullable=True),
    _optional("life_threatening_since", _date, nullable=True),
    _optional("needs", _list_of(_one_of(NEEDS))),
    _optional("contacts", _list_of(_object(_CONTACT))),
    _optional("requests", _list_of(_object(_REQUEST))),
    _optional("inpatient_stays", _list_of(_object(_STAY))),
    _optional("home_care", _list_of(_object(_HOME_CARE))),
    _optional("implementation_plan", _object(_PLAN), nullable=True),
    _optional("sips", _list_of(_object(_SIP))),
    _optional("information_transfers", _list_of(_object(_TRANSFER))),
    _optional("visits", _list_of(_object(_VISIT))),
    _optional("address", _object(_ADDRESS), nullable=True),
)
_SCENARIO = _spec(
    Scenario,
    _Field("format", None, _format, required=True),
    # as_of and policy are defaults for command-line options; null reads as "not given".
    _optional("as_of", _date, nullable=True),
    _optional("policy", _one_of(POLICY_NAMES), nullable=True),
    _optional("units", _list_of(_object(_UNIT))),
    _optional("staff", _list_of(_object(_STAFF))),
    _optional("patients", _list_of(_object(_PATIENT))),
)
_SPEC_OF: Final[dict[type[Any], _ObjectSpec]] = {
    spec.model: spec
    for spec in (
        _ADDRESS,
        _UNIT,
        _ABSENCE,
        _STAFF,
        _CONTACT,
        _REQUEST,
        _STAY,
        _HOME_CARE,
        _PLAN,
        _SIP,
        _TRANSFER,
        _VISIT,
        _PATIENT,
    )
}


# --- JSON text ---------------------------------------------------------------------------


class _DuplicateKeys(dict[str, Any]):
    """A JSON object that named some key twice (``json`` would silently keep the last)."""

    duplicates: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _DuplicateKeys(pairs)
    seen: set[str] = set()
    repeated: list[str] = []
    for key, _ in pairs:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    marked.duplicates = tuple(repeated)
    return marked


def _declared_ids(document: dict[str, Any], key: str) -> set[str]:
    """Ids of the units or staff, gathered first so references may point forwards."""
    items = document.get(key)
    if type(items) is not list:
        return set()
    ids = (item.get("id") for item in items if isinstance(item, dict))
    # Normalised as _text normalises the references that must match them.
    return {
        text_normalised(value)
        for value in ids
        if type(value) is str and value and not value.isspace()
    }


# --- public functions ----------------------------------------------------------------------


def parse_scenario(text: str | bytes) -> Scenario:
    """Parse and validate a scenario document; raise :class:`InvalidScenario` with every problem.

    Bytes are read as UTF-8 (a byte-order mark is allowed).
    """
    try:
        document = json_decode(text, object_pairs_hook=_object_pairs)
    except InvalidJson as invalid:
        raise InvalidScenario([invalid.problem]) from None
    return scenario_from_json(document)


def scenario_from_json(document: object) -> Scenario:
    """Validate an already parsed JSON document; raise :class:`InvalidScenario` when it breaks
    the format, listing every problem in document order."""
    if isinstance(document, dict):
        ctx = _Context(_declared_ids(document, "units"), _declared_ids(document, "staff"))
    else:
        ctx = _Context(set(), set())
    scenario = _read_object(_SCENARIO, document, ctx, "")
    if ctx.problems:
        raise InvalidScenario(ctx.problems)
    return cast(Scenario, scenario)


def _dump_value(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is tuple:
        return [_dump_value(element) for element in value]
    if isinstance(value, date):
        return value.isoformat()
    return _dump_object(_SPEC_OF[kind], value)


def _dump_object(spec: _ObjectSpec, obj: Any) -> dict[str, Any]:
    return {
        field.key: _dump_value(getattr(obj, field.attr))
        for field in spec.fields
        if field.attr is not None
    }


def scenario_to_json(scenario: Scenario) -> dict[str, Any]:
    """The canonical JSON form: every key of every object, defaults and nulls included.

    ``format`` comes first, then ``as_of`` and ``policy`` when set, then units, staff and
    patients, each sorted by id; nested lists keep their order.
    """
    document: dict[str, Any] = {"format": FORMAT}
    if scenario.as_of is not None:
        document["as_of"] = scenario.as_of.isoformat()
    if scenario.policy is not None:
        document["policy"] = scenario.policy
    document["units"] = [
        _dump_object(_UNIT, unit) for unit in sorted(scenario.units, key=lambda u: u.id)
    ]
    document["staff"] = [
        _dump_object(_STAFF, staff) for staff in sorted(scenario.staff, key=lambda s: s.id)
    ]
    document["patients"] = [
        _dump_object(_PATIENT, patient) for patient in sorted(scenario.patients, key=lambda p: p.id)
    ]
    return document

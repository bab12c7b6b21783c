"""The ``fastkontakt`` command: check scenario files, load and export the registry, seed a demo.

``fastkontakt compliance FILE`` needs no database and does not start Django; every other
command sets Django up first. Invalid input prints one line per problem and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar
from zoneinfo import ZoneInfo

from fastkontakt.domain.errors import DomainError, InvalidScenario, Refusal
from fastkontakt.domain.model import POLICY_NAMES, Scenario
from fastkontakt.domain.rules import Directory, Finding, evaluate, policy_named
from fastkontakt.domain.scenario import parse_scenario, scenario_to_json
from fastkontakt.runtime import clock

if TYPE_CHECKING:
    from fastkontakt.domain.rules import Policy
    from fastkontakt.registry.services import LoadSummary

_T = TypeVar("_T")
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class UsageProblems(Exception):
    """Problems to print one per line before exiting with status 2."""

    def __init__(self, lines: Iterable[str]) -> None:
        super().__init__()
        self.lines = list(lines)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (expected YYYY-MM-DD)") from None


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    import django

    django.setup()


def _read_scenario(path: str) -> Scenario:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise UsageProblems([f"{path}: cannot read: {error.strerror}"]) from None
    try:
        return parse_scenario(data)
    except InvalidScenario as invalid:
        raise UsageProblems(str(p) for p in invalid.problems) from None


def _write_findings(
    findings: Iterable[Finding], *, as_of: date, policy: Policy, fmt: str, out: TextIO
) -> None:
    if fmt == "json":
        document = {
            "as_of": as_of.isoformat(),
            "policy": policy.name,
            "findings": [f.as_json() for f in findings],
        }
        json.dump(document, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    rows = [
        (
            f.patient,
            f.rule,
            f.contact or "-",
            f.due.isoformat() if f.due else "-",
            "FÖRSENAD" if f.overdue else "",
            f.message,
        )
        for f in findings
    ]
    header = ("Person", "Regel", "Kontakt", "Senast", "", "Beskrivning")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    out.write(f"Regelkontroll {as_of.isoformat()}, policy {policy.name}: {len(rows)} fynd\n")
    for row in [header, *rows]:
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])))
        out.write("  " + row[5] + "\n")


def cmd_compliance(args: argparse.Namespace, out: TextIO) -> int:
    fmt = args.format or ("text" if out.isatty() else "json")
    if args.db:
        if args.file:
            raise UsageProblems(["give either FILE or --db, not both"])
        _setup_django()
        from fastkontakt.compliance.selectors import findings_from_registry
        from fastkontakt.registry.selectors import region_policy_get

        as_of = args.as_of or clock.today()
        policy = policy_named(args.policy) if args.policy else region_policy_get()
        findings: Iterable[Finding] = findings_from_registry(as_of=as_of, policy=policy)
    else:
        if not args.file:
            raise UsageProblems(["give a scenario FILE or --db"])
        scenario = _read_scenario(args.file)
        as_of = args.as_of or scenario.as_of or clock.today()
        policy = policy_named(args.policy or scenario.policy or "national")
        findings = evaluate(
            sorted(scenario.patients, key=lambda p: p.id),
            Directory.of(scenario.units, scenario.staff),
            as_of=as_of,
            policy=policy,
        )
    _write_findings(findings, as_of=as_of, policy=policy, fmt=fmt, out=out)
    return EXIT_OK


def _write_summary(summary: LoadSummary, out: TextIO) -> None:
    out.write(
        f"Inläst: {summary.units} enheter, {summary.staff} medarbetare, {summary.patients} "
        f"personer ({summary.patients_created} nya), {summary.contacts} kontakter, "
        f"{summary.dependent_rows} rader om personerna.\n"
    )


def cmd_load(args: argparse.Namespace, out: TextIO) -> int:
    """The operator's region-wide load of a file of record (ADR 0012): no unit's ownership
    applies, and every person in it is logged as written by the operator (basis system)."""
    scenario = _read_scenario(args.file)  # validate fully before touching the database
    _setup_django()
    from fastkontakt.access.actors import system_actor
    from fastkontakt.registry.services import scenario_load

    actor = system_actor(_cli_actor_name())
    _write_summary(scenario_load(scenario=scenario, actor=actor), out)
    return EXIT_OK


def _cli_actor_name() -> str:
    try:
        return f"cli:{os.getlogin()}"
    except OSError:
        return f"cli:{os.environ.get('USER', 'okänd')}"


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    _setup_django()
    from django.db import transaction

    from fastkontakt.access.actors import system_actor
    from fastkontakt.access.services import system_read_log
    from fastkontakt.registry.selectors import scenario_export

    with transaction.atomic():
        scenario = scenario_export()
        # An export discloses every person in it: each is logged as read by the operator.
        system_read_log(
            actor=system_actor(_cli_actor_name()),
            personal_ids=[patient.id for patient in scenario.patients],
            what="scenario.export",
        )
    text = json.dumps(scenario_to_json(scenario), ensure_ascii=False, indent=1) + "\n"
    if args.out and args.out != "-":
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return EXIT_OK


def cmd_seed_demo(args: argparse.Namespace, out: TextIO) -> int:
    if args.people < 1:
        raise UsageProblems(["--people must be at least 1"])
    _setup_django()
    from fastkontakt.demo.contact_details import demo_contact_details_fill
    from fastkontakt.demo.population import demo_scenario
    from fastkontakt.registry.selectors import person_count
    from fastkontakt.registry.services import scenario_load, scenario_replace

    existing = person_count()
    if existing and not args.replace:
        out.write(
            f"Registret innehåller redan {existing} personer; demoregionen läses inte in "
            "(--replace ersätter hela registret).\n"
        )
        return EXIT_OK
    scenario = demo_scenario(people=args.people, seed=args.seed, as_of=args.as_of or clock.today())
    write = scenario_replace if existing else scenario_load
    _write_summary(write(scenario=scenario), out)
    demo_contact_details_fill(seed=args.seed)
    from fastkontakt.demo.planning import planning_demo_seed

    out.write(f"{planning_demo_seed(as_of=scenario.as_of or clock.today(), seed=args.seed)}\n")
    return EXIT_OK


def cmd_demo_login(args: argparse.Namespace, out: TextIO) -> int:
    _setup_django()
    from fastkontakt.demo.login import demo_totp_code, demo_user_ensure

    if args.code:
        out.write(f"{demo_totp_code()}\n")
        return EXIT_OK

    username, password, secret = demo_user_ensure()
    out.write(
        f"Demoinloggning: användarnamn {username}, lösenord {password}\n"
        f"Engångskoder (TOTP): lägg in nyckeln {secret} i en autentiseringsapp, eller skriv\n"
        "  fastkontakt demo-login --code\n"
        "för demoanvändarens aktuella kod.\n"
        "Invånarsidorna: /invanare/ har en demoinloggning (bara i utveckling, aldrig i "
        "produktion).\n"
    )
    return EXIT_OK


def cmd_accesslog_verify(args: argparse.Namespace, out: TextIO) -> int:
    _setup_django()
    from fastkontakt.access.accesslog import accesslog_verify

    checkpoint: dict[int, tuple[int, str]] = {}
    path = Path(args.checkpoint) if args.checkpoint else None
    if path is not None and path.exists():
        try:
            saved = json.loads(path.read_text("utf-8"))
            checkpoint = {int(c): (int(seq), str(h)) for c, (seq, h) in saved["heads"].items()}
        except (ValueError, KeyError, TypeError):
            print(f"{path}: inte en kontrollpunkt från accesslog verify", file=sys.stderr)
            return EXIT_INVALID
    result = accesslog_verify(checkpoint=checkpoint)
    if result.ok:
        out.write(f"Åtkomstloggen är hel: {result.entries} poster i {len(result.heads)} kedjor\n")
        for chain, (seq, head) in sorted(result.heads.items()):
            out.write(f"  kedja {chain}: post {seq}, kedjevärde {head}\n")
        if path is not None:
            heads = {str(c): [seq, h] for c, (seq, h) in sorted(result.heads.items())}
            path.write_text(json.dumps({"heads": heads}, indent=1) + "\n", "utf-8")
            out.write(f"Kontrollpunkten är sparad i {path}.\n")
        return EXIT_OK
    assert result.broken_at is not None  # noqa: S101 - not ok means broken somewhere
    chain, seq = result.broken_at
    print(
        f"Åtkomstloggen är bruten i kedja {chain} vid post {seq}: {result.reason} "
        f"({result.entries} poster före den stämmer)",
        file=sys.stderr,
    )
    return EXIT_FAILED


def cmd_accesslog_partitions(args: argparse.Namespace, out: TextIO) -> int:
    _setup_django()
    from fastkontakt.access.accesslog import accesslog_partitions_ensure

    created = accesslog_partitions_ensure(months_ahead=args.months)
    out.write(
        f"{len(created)} nya månadspartitioner"
        + (f": {', '.join(created)}" if created else "")
        + "\n"
    )
    return EXIT_OK


def cmd_accesslog_grants(args: argparse.Namespace, out: TextIO) -> int:
    _setup_django()
    from fastkontakt.access.accesslog import accesslog_grants

    try:
        out.write(accesslog_grants(args.role))
    except ValueError:
        print("Rollnamnet får bara innehålla bokstäver, siffror och _.", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_findings_refresh(args: argparse.Namespace, out: TextIO) -> int:
    """The nightly refresh of everyone's stored findings (ADR 0020)."""
    _setup_django()
    from fastkontakt.compliance.store import findings_refresh_everyone

    result = findings_refresh_everyone(as_of=args.as_of, workers=args.workers)
    out.write(
        f"{result.people} personer omräknade: {result.added} nya avvikelser, "
        f"{result.resolved} åtgärdade, {result.updated} ändrade\n"
    )
    return EXIT_OK


def cmd_sync(args: argparse.Namespace, out: TextIO) -> int:
    """Apply a source system's file (NDJSON, one FHIR resource per line; ADR 0024). A full file
    (the default) also ends what disappeared from the kinds it carries; lines that cannot be
    read are reported with their numbers, the others applied, and then nothing is ended
    (an unread line could be a record that is still there): exit status 2."""
    _setup_django()
    from dataclasses import replace

    from fastkontakt.access.actors import system_actor
    from fastkontakt.fhir.feeds import feed_file_read
    from fastkontakt.registry.services.feeds import feed_apply

    def lines_read(count: int) -> None:
        print(f"{count:,} rader lästa".replace(",", " "), file=sys.stderr)

    def records_written(done: int, total: int) -> None:
        if total > 5000:
            print(f"{done} av {total} ändrade poster skrivna", file=sys.stderr)

    try:
        with open(args.file, encoding="utf-8") as lines:
            read = feed_file_read(lines, progress=lines_read)
    except OSError as error:
        raise UsageProblems([f"{args.file}: kan inte läsas ({error.strerror})"]) from None
    except UnicodeDecodeError:
        raise UsageProblems([f"{args.file}: filen är inte UTF-8"]) from None
    for problem in read.problems:
        print(str(problem), file=sys.stderr)
    actor = replace(system_actor(_cli_actor_name()), region_wide=True)
    full = not args.incremental and not read.problems
    result = feed_apply(actor=actor, items=read.items, full=full, progress=records_written)
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    out.write(
        f"{read.lines} rader: {result.created} nya, {result.updated} ändrade, "
        f"{result.ended} avslutade, {result.unchanged} oförändrade, {result.stale} äldre än "
        f"registrets, {len(read.problems) + len(result.problems)} fel\n"
    )
    if read.problems and not args.incremental:
        out.write("Inget avslutades eftersom filen hade rader som inte kunde läsas.\n")
    return EXIT_INVALID if read.problems or result.problems else EXIT_OK


def cmd_api_client(args: argparse.Namespace, out: TextIO) -> int:
    """Register a FHIR API client: with ``--jwks`` its public keys for SMART Backend Services
    (ADR 0023); in development it also gets a static token, printed this once only."""
    jwks = None
    if args.jwks:
        try:
            jwks = json.loads(Path(args.jwks).read_bytes())
        except OSError as error:
            raise UsageProblems([f"{args.jwks}: kan inte läsas: {error.strerror}"]) from None
        except ValueError:
            raise UsageProblems([f"{args.jwks}: inte giltig JSON"]) from None
    _setup_django()
    from fastkontakt.fhir.clients import api_client_create

    client, token = api_client_create(
        name=args.name,
        unit_hsa_id=args.unit,
        scopes=args.scope,
        region=args.region,
        granted_by=args.granted_by or "",
        jwks=jwks,
    )
    region = f", regionsomfattande, given av {client.region_granted_by}" if client.region else ""
    out.write(f"API-klient {client.name} (enhet {args.unit}, {client.scopes}{region}).\n")
    if jwks is not None:
        count = len(client.jwks["keys"])
        keys = "1 publik nyckel" if count == 1 else f"{count} publika nycklar"
        out.write(f"client_id för SMART Backend Services: {client.name} ({keys}).\n")
    if token is not None:
        out.write(f"Token (bara för utveckling; visas bara nu; spara den säkert):\n{token}\n")
    return EXIT_OK


def cmd_enrolment_code(args: argparse.Namespace, out: TextIO) -> int:
    """Issue a user's one-time enrolment code for setting up a code app; shown this once."""
    _setup_django()
    from fastkontakt.access.actors import system_actor
    from fastkontakt.access.enrolment import enrolment_code_issue

    enrolment, code = enrolment_code_issue(
        actor=system_actor(_cli_actor_name()),
        username=args.username,
        replace_device=args.replace_device,
    )
    expires = enrolment.expires_at.astimezone(STOCKHOLM)
    out.write(
        f"Registreringskod för {args.username}, gäller en gång till {expires:%Y-%m-%d %H:%M}.\n"
        f"Visas bara nu; lämna den till användaren personligen:\n{code}\n"
    )
    return EXIT_OK


def _read_planning_file(path: str, parse: Callable[[bytes], _T]) -> _T:
    from fastkontakt.domain.planning.formats import InvalidPlanningFile

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise UsageProblems([f"{path}: cannot read: {error.strerror}"]) from None
    try:
        return parse(data)
    except InvalidPlanningFile as invalid:
        raise UsageProblems(str(p) for p in invalid.problems) from None


def cmd_plan(args: argparse.Namespace, out: TextIO) -> int:
    """Plan an instance file; needs no database."""
    from dataclasses import replace

    from fastkontakt.domain.planning import Weights, plan
    from fastkontakt.domain.planning.formats import parse_instance, parse_plan, plan_to_json

    if args.time_limit <= 0:
        raise UsageProblems(["--time-limit must be more than 0 seconds"])
    if args.days is not None and args.days < 1:
        raise UsageProblems(["--days must be at least 1"])
    instance = _read_planning_file(args.file, parse_instance)
    if args.days is not None and args.days != instance.days:
        instance = replace(instance, days=args.days)
    previous = _read_planning_file(args.previous, parse_plan) if args.previous else None
    weights = Weights.travel_only() if args.travel_only else Weights()
    result = plan(instance, time_limit=args.time_limit, weights=weights, previous_plan=previous)
    text = json.dumps(plan_to_json(result), ensure_ascii=False, indent=1) + "\n"
    if args.out and args.out != "-":
        Path(args.out).write_text(text, encoding="utf-8")
        stats = result.stats
        out.write(
            f"Planerat: {len(result.visits)} besök, {len(result.unplanned)} oplanerade, "
            f"restid {stats['travel_minutes']} min, {stats['seconds']} s -> {args.out}\n"
        )
    else:
        out.write(text)
    return EXIT_OK


def cmd_plan_report(args: argparse.Namespace, out: TextIO) -> int:
    """Continuity measures, travel and unplanned visits of a plan file; needs no database."""
    from fastkontakt.domain.continuity import continuity_report
    from fastkontakt.domain.planning.checker import check_plan
    from fastkontakt.domain.planning.explain import explain_unplanned, explanation_text
    from fastkontakt.domain.planning.formats import parse_plan

    result = _read_planning_file(args.file, parse_plan)
    problems = check_plan(result)
    if problems:
        raise UsageProblems(str(p) for p in problems)
    report = continuity_report(result)
    explained = explain_unplanned(result)
    said = {
        vid: explanation_text(e, result.instance.visit_by_id[vid])
        for vid, e in explained.items()
    }

    def show(value: float | None, percent: bool = False) -> str:
        if value is None:
            return "-"
        return f"{value * 100:.1f} %" if percent else f"{value:g}"

    if args.format == "json":
        document = {
            "median_distinct_staff": report.median_distinct_staff,
            "median_lower_bound": report.median_lower_bound,
            "median_gap": report.median_gap,
            "median_contact_share": report.median_contact_share,
            "contact_share_where_possible": report.contact_share_where_possible,
            "travel_minutes": report.travel_minutes,
            "planned_visits": report.planned_visits,
            "unplanned_visits": report.unplanned_visits,
            "customers": [
                {
                    "customer": c.customer,
                    "included": c.included,
                    "visits": c.visits,
                    "distinct_staff": c.distinct_staff,
                    "lower_bound": c.lower_bound if c.included else None,
                    "visits_by_contact": c.visits_by_contact,
                    "contact_possible": c.contact_possible,
                }
                for c in report.customers
            ],
            "unplanned": [
                {
                    "visit": vid,
                    **explained[vid].as_json(),
                    "text": said[vid][0],
                    "proposals_text": said[vid][1],
                }
                for vid in result.unplanned
            ],
        }
        json.dump(document, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    included = [c for c in report.customers if c.included]
    out.write(
        f"Plan {result.instance.start.isoformat()} + {result.instance.days} dagar: "
        f"{report.planned_visits} besök planerade, {report.unplanned_visits} oplanerade, "
        f"restid {report.travel_minutes} min\n"
        f"Kunder i indikatorn (65+, minst två besök/dag 07-22): {len(included)}\n"
        f"Median olika personal: {show(report.median_distinct_staff)}"
        f" (nedre gräns {show(report.median_lower_bound)}, gap {show(report.median_gap)})\n"
        f"Andel besök av fast omsorgskontakt: median {show(report.median_contact_share, True)},"
        f" där schemat tillåter {show(report.contact_share_where_possible, True)}\n"
    )
    if result.unplanned:
        out.write("Ej planerade besök:\n")
        for vid in result.unplanned:
            reason, proposals = said[vid]
            out.write(f"  {vid}: {reason}\n")
            for proposal in proposals:
                out.write(f"    Förslag: {proposal}\n")
    if args.customers:
        out.write("Kund  Besök  Personal  Gräns  Av FOK\n")
        for c in included:
            share = show(c.contact_share, True)
            out.write(f"{c.customer}  {c.visits}  {c.distinct_staff}  {c.lower_bound}  {share}\n")
    return EXIT_OK


def _unit_by_hsa_id(hsa_id: str) -> int:
    from fastkontakt.registry.models import Unit

    pk = Unit.objects.filter(hsa_id=hsa_id).values_list("pk", flat=True).first()
    if pk is None:
        raise UsageProblems([f"--unit: ingen enhet har HSA-id {hsa_id!r}"])
    return pk


def cmd_visits_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import a unit's visits made (``docs/visits-import.md``): the operator acts for the unit
    named (region-wide, as ``load``), but only the unit's own customers' visits are taken."""
    from dataclasses import replace

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        raise UsageProblems([f"{args.file}: cannot read: {error.strerror}"]) from None
    _setup_django()
    from fastkontakt.access.accesslog import access_scope
    from fastkontakt.access.actors import system_actor
    from fastkontakt.registry.services.visits import visits_import

    actor = replace(system_actor(_cli_actor_name()), region_wide=True)
    with access_scope():
        result = visits_import(actor=actor, unit_pk=_unit_by_hsa_id(args.unit), data=data)
    out.write(
        f"Inläst: {result.lines} besök i filen, {result.created} nya, {result.already} redan "
        f"inlästa, {result.people} personer med nya besök.\n"
    )
    return EXIT_OK


def cmd_visits_report(args: argparse.Namespace, out: TextIO) -> int:
    """The national continuity indicator from the visits made at a unit, against its plan."""
    if not 1 <= args.days <= 366:
        raise UsageProblems(["--days must be 1-366"])
    _setup_django()
    from fastkontakt.access.accesslog import access_scope
    from fastkontakt.access.actors import system_actor
    from fastkontakt.access.services import system_read_log
    from fastkontakt.planning.instances import customer_id
    from fastkontakt.planning.visits_made import default_period_start, period_comparison
    from fastkontakt.registry.models import Person

    unit_pk = _unit_by_hsa_id(args.unit)
    start = args.start or default_period_start(unit_pk=unit_pk)
    period = period_comparison(unit_pk=unit_pk, start=start, days=args.days)
    numbers = dict(
        Person.objects.filter(pk__in=[c.person_pk for c in period.customers]).values_list(
            "pk", "personal_id"
        )
    )
    with access_scope():
        # The figures are the customers' data: each one counted is logged as read.
        system_read_log(
            actor=system_actor(_cli_actor_name()),
            personal_ids=sorted(numbers.values()),
            what="visits.report",
        )
    made = {r.customer: r for r in period.indicator.customers}

    def show(value: float | None, percent: bool = False) -> str:
        if value is None:
            return "-"
        return f"{value * 100:.1f} %" if percent else f"{value:g}"

    if args.format == "json":
        document = {
            "start": period.start.isoformat(),
            "days": period.days,
            "planned_days": period.planned_days,
            "compared_days": period.compared_days,
            "median_distinct_staff_made": period.median_made,
            "median_distinct_staff_planned": period.median_planned,
            "contact_share_made": period.contact_share_made,
            "contact_share_planned": period.contact_share_planned,
            "visits_made": period.visits_made,
            "visits_planned": period.visits_planned,
            "missed": period.missed,
            "extra": period.extra,
            "customers": [
                {
                    "customer": numbers[c.person_pk],
                    "included": c.included,
                    "visits_made": c.made.visits,
                    "distinct_staff_made": c.made.distinct_staff,
                    "visits_by_contact_made": c.made.visits_by_contact,
                    "visits_planned": c.planned.visits if c.planned else None,
                    "distinct_staff_planned": c.planned.distinct_staff if c.planned else None,
                    "visits_by_contact_planned": (
                        c.planned.visits_by_contact if c.planned else None
                    ),
                    "missed": c.missed,
                    "extra": c.extra,
                }
                for c in period.customers
            ],
        }
        json.dump(document, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    included = [c for c in period.customers if c.included]
    out.write(
        f"Utförda besök {period.start.isoformat()} + {period.days} dagar: "
        f"{period.visits_made} räknade besök, planerat {show(period.visits_planned)} "
        f"({period.planned_days} dagar med plan), {period.missed} missade och {period.extra} "
        f"extra under {period.compared_days} dagar som passerat\n"
        f"Kunder i indikatorn (65+, minst två utförda besök/dag 07-22): {len(included)}\n"
        f"Median olika personal: utfört {show(period.median_made)}, "
        f"planerat {show(period.median_planned)}\n"
        f"Andel besök av fast omsorgskontakt: utfört {show(period.contact_share_made, True)}, "
        f"planerat {show(period.contact_share_planned, True)}\n"
    )
    if args.customers:
        out.write("Kund  Besök  Personal utfört/planerat  Av FOK utfört/planerat\n")
        for c in included:
            row = made[customer_id(c.person_pk)]
            planned = c.planned
            out.write(
                f"{numbers[c.person_pk]}  {row.visits}  {row.distinct_staff}/"
                f"{planned.distinct_staff if planned else '-'}  "
                f"{show(row.contact_share if c.has_contact else None, True)}/"
                f"{show(planned.contact_share if planned and c.has_contact else None, True)}\n"
            )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """Replace this process by gunicorn with the repository's settings (runtime.gunicorn_conf):
    signals (Ctrl-C, SIGTERM, SIGHUP for a graceful reload) go straight to its master."""
    if args.port is not None:
        os.environ["PORT"] = str(args.port)
    if args.bind:
        os.environ["FASTKONTAKT_BIND"] = args.bind
    if args.workers is not None:
        os.environ["WEB_CONCURRENCY"] = str(args.workers)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fastkontakt.settings")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:fastkontakt.runtime.gunicorn_conf",
        "fastkontakt.wsgi:application",
    ]
    out.flush()
    os.execv(sys.executable, command)  # noqa: S606 - our own interpreter, fixed arguments


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    """The one-command demo: one web process and one worker, stopped together (Ctrl-C)."""
    import signal
    import subprocess
    import time

    # The demo stops at Ctrl-C within seconds: no half-minute grace for requests in flight.
    env = {
        "FASTKONTAKT_LOG_FORMAT": "text",
        "FASTKONTAKT_GRACEFUL_TIMEOUT": "3",
        **os.environ,
    }
    me = [sys.executable, "-m", "fastkontakt.cli"]
    port = str(args.port or os.environ.get("PORT", "8000"))
    processes = [
        subprocess.Popen([*me, "serve", "--port", port, "--workers", "1"], env=env),  # noqa: S603
        subprocess.Popen([*me, "worker"], env=env),  # noqa: S603
    ]

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                process.kill()
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, out: TextIO) -> int:
    _setup_django()
    from fastkontakt.runtime.worker import worker_run

    worker_run(
        queues=args.queues,
        interval=args.interval,
        schedule=not args.no_schedule,
        batch=args.batch,
        max_tasks=args.max_tasks,
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fastkontakt", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    compliance = commands.add_parser("compliance", help="evaluate the rules (rules.md)")
    compliance.add_argument("file", nargs="?", help="scenario file ('-' for standard input)")
    compliance.add_argument("--db", action="store_true", help="evaluate the registry instead")
    compliance.add_argument("--as-of", type=_iso_date, help="evaluation day (YYYY-MM-DD)")
    compliance.add_argument("--policy", choices=POLICY_NAMES)
    compliance.add_argument("--format", choices=("json", "text"))
    compliance.set_defaults(handler=cmd_compliance)

    load = commands.add_parser("load", help="import a scenario file (all or nothing)")
    load.add_argument("file")
    load.set_defaults(handler=cmd_load)

    export = commands.add_parser("export", help="write the registry as a scenario file")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.set_defaults(handler=cmd_export)

    seed = commands.add_parser("seed-demo", help="create a synthetic demo region")
    seed.add_argument("--people", type=int, default=2000)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--as-of", type=_iso_date)
    seed.add_argument("--replace", action="store_true", help="clear the registry first")
    seed.set_defaults(handler=cmd_seed_demo)

    login = commands.add_parser("demo-login", help="create the demo user (new password)")
    login.add_argument(
        "--code", action="store_true", help="print the demo user's current one-time code instead"
    )
    login.set_defaults(handler=cmd_demo_login)

    accesslog = commands.add_parser("accesslog", help="the access log")
    accesslog_commands = accesslog.add_subparsers(dest="accesslog_command", required=True)
    verify = accesslog_commands.add_parser("verify", help="check every hash chain of the log")
    verify.add_argument(
        "--checkpoint",
        help="JSON file of the heads of an earlier run: they must still be there (finds removed "
        "newest entries); rewritten with today's heads when the log is whole",
    )
    verify.set_defaults(handler=cmd_accesslog_verify)
    partitions = accesslog_commands.add_parser(
        "partitions", help="create the log's monthly partitions ahead (PostgreSQL)"
    )
    partitions.add_argument("--months", type=int, default=24)
    partitions.set_defaults(handler=cmd_accesslog_partitions)
    grants = accesslog_commands.add_parser(
        "grants", help="print the GRANT statements for the application's database role"
    )
    grants.add_argument("role")
    grants.set_defaults(handler=cmd_accesslog_grants)

    findings = commands.add_parser("findings", help="the stored findings of the registry")
    findings_commands = findings.add_subparsers(dest="findings_command", required=True)
    refresh = findings_commands.add_parser(
        "refresh", help="evaluate everyone again and store what changed (the nightly job)"
    )
    refresh.add_argument("--as-of", type=_iso_date, help="evaluation day (default: today)")
    refresh.add_argument(
        "--workers",
        type=int,
        help="processes on PostgreSQL (default: FASTKONTAKT_REFRESH_WORKERS, else one per core)",
    )
    refresh.set_defaults(handler=cmd_findings_refresh)

    planning = commands.add_parser("plan", help="plan home-care visits (no database)")
    planning.add_argument("file", help="instance file ('-' for standard input)")
    planning.add_argument("--days", type=int, help="days to plan (default: the file's)")
    planning.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    planning.add_argument("--out", help="plan file to write (default: standard output)")
    planning.add_argument("--previous", help="plan to change as little as possible")
    planning.add_argument("--travel-only", action="store_true", help="ignore continuity")
    planning.set_defaults(handler=cmd_plan)

    plan_report = commands.add_parser("plan-report", help="continuity measures of a plan")
    plan_report.add_argument("file", help="plan file ('-' for standard input)")
    plan_report.add_argument("--format", choices=("json", "text"), default="text")
    plan_report.add_argument("--customers", action="store_true", help="one line per customer")
    plan_report.set_defaults(handler=cmd_plan_report)

    visits_in = commands.add_parser("visits-import", help="import a unit's visits made (CSV)")
    visits_in.add_argument("file", help="CSV file from the time reporting ('-' for stdin)")
    visits_in.add_argument("--unit", required=True, help="HSA-id of the home-care unit")
    visits_in.set_defaults(handler=cmd_visits_import)

    visits_report = commands.add_parser(
        "visits-report", help="continuity indicator of the visits made, against the plan"
    )
    visits_report.add_argument("--unit", required=True, help="HSA-id of the home-care unit")
    visits_report.add_argument(
        "--from", dest="start", type=_iso_date, help="first day (default: the plan's)"
    )
    visits_report.add_argument("--days", type=int, default=14)
    visits_report.add_argument("--format", choices=("json", "text"), default="text")
    visits_report.add_argument("--customers", action="store_true", help="one line per customer")
    visits_report.set_defaults(handler=cmd_visits_report)

    sync = commands.add_parser(
        "sync", help="apply a source system's NDJSON file of FHIR resources (ADR 0024)"
    )
    sync.add_argument("file", help="NDJSON, one resource per line")
    sync.add_argument(
        "--incremental",
        action="store_true",
        help="the file holds changes only: end nothing that is not in it",
    )
    sync.set_defaults(handler=cmd_sync)

    api_client = commands.add_parser(
        "api-client", help="register a FHIR API client (its keys, scopes; a dev token)"
    )
    api_client.add_argument("name", help="the client's name (a-z, 0-9, . _ -)")
    api_client.add_argument("--unit", required=True, help="HSA-id of the unit it acts for")
    api_client.add_argument(
        "--scope", action="append", required=True, help="e.g. system/CareTeam.read (repeatable)"
    )
    api_client.add_argument(
        "--jwks",
        metavar="FILE",
        help="the client's public keys, a JWK Set (JSON), for SMART Backend Services",
    )
    api_client.add_argument(
        "--region",
        action="store_true",
        help="may load the region's directory and populations, not only its unit's (ADR 0012)",
    )
    api_client.add_argument(
        "--granted-by",
        metavar="USERNAME",
        help="the system administrator who grants --region (required with it)",
    )
    api_client.set_defaults(handler=cmd_api_client)

    enrolment = commands.add_parser(
        "enrolment-code", help="issue a user's one-time code for setting up a code app"
    )
    enrolment.add_argument("username")
    enrolment.add_argument(
        "--replace-device",
        action="store_true",
        help="the user has lost the code app: remove it so that a new one can be set up",
    )
    enrolment.set_defaults(handler=cmd_enrolment_code)

    serve = commands.add_parser("serve", help="run the web application under gunicorn")
    serve.add_argument("--port", type=int, help="port on 127.0.0.1 (default: $PORT or 8000)")
    serve.add_argument("--bind", help="address:port to listen on (overrides --port)")
    serve.add_argument("--workers", type=int, help="gunicorn worker processes (default 2)")
    serve.set_defaults(handler=cmd_serve)

    run = commands.add_parser("run", help="one web process and one worker together (demo)")
    run.add_argument("--port", type=int, help="port on 127.0.0.1 (default: $PORT or 8000)")
    run.set_defaults(handler=cmd_run)

    worker = commands.add_parser("worker", help="run background jobs and the schedule")
    worker.add_argument("--queues", default="*", help="queues to take jobs from (default: all)")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    worker.add_argument("--no-schedule", action="store_true", help="do not run the schedule")
    worker.add_argument("--batch", action="store_true", help="stop when the queue is empty")
    worker.add_argument("--max-tasks", type=int, help="stop after this many jobs")
    worker.set_defaults(handler=cmd_worker)

    commands.add_parser("manage", help="run a Django management command", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    try:
        if argv[:1] == ["manage"]:
            _setup_django()
            from django.core.management import execute_from_command_line

            execute_from_command_line(["fastkontakt manage", *argv[1:]])
            return EXIT_OK
        args = build_parser().parse_args(argv)
        code: int = args.handler(args, out)
    except UsageProblems as problems:
        for line in problems.lines:
            print(line, file=sys.stderr)
        return EXIT_INVALID
    except Refusal as refused:
        for line in [str(p) for p in refused.problems] or [str(refused)]:
            print(line, file=sys.stderr)
        return EXIT_INVALID
    except DomainError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except Exception as error:
        # Django is imported only by the commands that need a database.
        exceptions = sys.modules.get("django.core.exceptions")
        if exceptions is not None and isinstance(error, exceptions.ImproperlyConfigured):
            # A deployment without its settings (no DJANGO_SECRET_KEY in production): one line.
            print(f"fastkontakt: {error}", file=sys.stderr)
            return EXIT_FAILED
        db = sys.modules.get("django.db")
        if db is None or not isinstance(error, db.DatabaseError):
            raise
        print(
            f"database: {error}".splitlines()[0]
            + " (is it reachable and migrated? fastkontakt manage migrate)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return code


if __name__ == "__main__":
    raise SystemExit(main())

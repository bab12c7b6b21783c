"""The Swedish wording of the letters, in plain language (klarspråk), kept apart from layout.

What each kind of contact does is taken from the seeds: Socialstyrelsen's overview and
comparison table (fast vårdkontakt, fast läkarkontakt, fast omsorgskontakt), the home-care
routine (fast omsorgskontakt, kontaktansvarig), Region Norrbotten's guideline (samordningsansvar,
SIP) and Region Gävleborg's routine (behandlande roll). Every text comes in two forms: to the
person ("du") and to a relative ("din närstående"), so that neither reads as a form letter
with the other's pronouns.

Dates are written with our own month names, not the active translation's, so that a letter
reads the same whatever language the user's session happens to be in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def long_date(day: date) -> str:
    """``2026-03-01`` as ``1 mars 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def personal_id_display(number: str) -> str:
    """The 12-digit personnummer as people write it: ``19400101-1234``."""
    return f"{number[:8]}-{number[8:]}" if len(number) == 12 else number


def genitive(name: str) -> str:
    """Swedish genitive of a name: "Karin Linds", but "Lars Jonas" (no s after s, x or z)."""
    return name if name[-1:].lower() in {"s", "x", "z"} else f"{name}s"


@dataclass(frozen=True, slots=True)
class KindWording:
    label: str
    """The kind in running text, indefinite: "fast vårdkontakt"."""
    predicate_person: str
    """What the contact is to the reader, after the contact's name: "är din fasta vårdkontakt"."""
    predicate_relative: str
    """The same told to a relative; ``{genitive}`` and ``{name}`` are the person's name."""
    possessive_person: str
    """After a local title, "… – det är din fasta vårdkontakt"; empty when that reads badly
    and the letter writes "… – behandlande roll" instead."""
    possessive_relative: str
    meaning_person: str
    meaning_relative: str


KINDS: dict[str, KindWording] = {
    "fast_vardkontakt": KindWording(
        label="fast vårdkontakt",
        predicate_person="är din fasta vårdkontakt",
        predicate_relative="är {genitive} fasta vårdkontakt",
        possessive_person="din fasta vårdkontakt",
        possessive_relative="{genitive} fasta vårdkontakt",
        meaning_person=(
            "En fast vårdkontakt är en person i vården som hjälper dig att hålla ihop din vård. "
            "Din fasta vårdkontakt kan berätta hur det går med vården, hjälpa dig med kontakter "
            "med andra inom hälso- och sjukvården och vara kontaktperson för socialtjänsten och "
            "andra myndigheter, till exempel Försäkringskassan. Målet är att du ska känna dig "
            "trygg och att vården ska hänga ihop."
        ),
        meaning_relative=(
            "En fast vårdkontakt är en person i vården som hjälper din närstående att hålla ihop "
            "sin vård. Den fasta vårdkontakten kan berätta hur det går med vården, hjälpa till "
            "med kontakter med andra inom hälso- och sjukvården och vara kontaktperson för "
            "socialtjänsten och andra myndigheter, till exempel Försäkringskassan. Målet är att "
            "din närstående ska känna sig trygg och att vården ska hänga ihop."
        ),
    ),
    "fast_lakarkontakt": KindWording(
        label="fast läkarkontakt",
        predicate_person="är din fasta läkarkontakt",
        predicate_relative="är {genitive} fasta läkarkontakt",
        possessive_person="din fasta läkarkontakt",
        possessive_relative="{genitive} fasta läkarkontakt",
        meaning_person=(
            "En fast läkarkontakt är en läkare på den vårdcentral där du är listad. Din fasta "
            "läkarkontakt ser till att du blir undersökt och får den vård du behöver, samordnar "
            "dina undersökningar och behandlingar och berättar om ditt hälsotillstånd och vilka "
            "behandlingar som finns. Du ska kunna vara med och påverka din vård, och din fasta "
            "läkarkontakt hjälper dig också att hitta rätt i andra kontakter med vården."
        ),
        meaning_relative=(
            "En fast läkarkontakt är en läkare på den vårdcentral där din närstående är listad. "
            "Den fasta läkarkontakten ser till att din närstående blir undersökt och får den vård "
            "som behövs, samordnar undersökningar och behandlingar och berättar om "
            "hälsotillståndet och vilka behandlingar som finns. Din närstående ska kunna vara med "
            "och påverka sin vård och får hjälp att hitta rätt i andra kontakter med vården."
        ),
    ),
    "fast_omsorgskontakt": KindWording(
        label="fast omsorgskontakt",
        predicate_person="är din fasta omsorgskontakt",
        predicate_relative="är {genitive} fasta omsorgskontakt",
        possessive_person="din fasta omsorgskontakt",
        possessive_relative="{genitive} fasta omsorgskontakt",
        meaning_person=(
            "En fast omsorgskontakt är en undersköterska i hemtjänsten som du träffar ofta. Din "
            "fasta omsorgskontakt gör så många av dina besök som möjligt, planerar och följer upp "
            "din hjälp tillsammans med dig i din genomförandeplan och ser till att hemtjänsten "
            "och hälso- och sjukvården samarbetar. Du och dina närstående kan vända er till din "
            "fasta omsorgskontakt med frågor om din hjälp."
        ),
        meaning_relative=(
            "En fast omsorgskontakt är en undersköterska i hemtjänsten som din närstående träffar "
            "ofta. Den fasta omsorgskontakten gör så många av besöken som möjligt, planerar och "
            "följer upp hjälpen tillsammans med din närstående i genomförandeplanen och ser till "
            "att hemtjänsten och hälso- och sjukvården samarbetar. Du som närstående kan också "
            "vända dig till den fasta omsorgskontakten med frågor."
        ),
    ),
    "behandlande_roll": KindWording(
        label="behandlande roll",
        predicate_person="har en behandlande roll för dig",
        predicate_relative="har en behandlande roll för {name}",
        possessive_person="",
        possessive_relative="",
        meaning_person=(
            "Den som har en behandlande roll samordnar det du behöver för en viss sjukdom eller "
            "ett sammansatt sjukdomstillstånd. Du kan ha flera behandlande roller och samtidigt en "
            "fast vårdkontakt. Samma person kan också vara både din behandlande roll och din "
            "fasta vårdkontakt."
        ),
        meaning_relative=(
            "Den som har en behandlande roll samordnar det din närstående behöver för en viss "
            "sjukdom eller ett sammansatt sjukdomstillstånd. Man kan ha flera behandlande roller "
            "och samtidigt en fast vårdkontakt, och samma person kan ha båda uppdragen."
        ),
    ),
    "sip_samordnare": KindWording(
        label="samordningsansvarig för SIP",
        predicate_person="är samordningsansvarig för din SIP",
        predicate_relative="är samordningsansvarig för {genitive} SIP",
        possessive_person="",
        possessive_relative="",
        meaning_person=(
            "En SIP, samordnad individuell plan, görs när du behöver hjälp från både regionen "
            "och kommunen. Den som är samordningsansvarig kallar till mötet om planen, leder "
            "mötet och ger dig planen. Den samordningsansvariga är också kontaktperson för "
            "socialtjänsten och andra myndigheter, till exempel Försäkringskassan."
        ),
        meaning_relative=(
            "En SIP, samordnad individuell plan, görs när någon behöver hjälp från både regionen "
            "och kommunen. Den som är samordningsansvarig kallar till mötet om planen, leder "
            "mötet och ger din närstående planen. Den samordningsansvariga är också "
            "kontaktperson för socialtjänsten och andra myndigheter, till exempel "
            "Försäkringskassan."
        ),
    ),
    "kontaktansvarig": KindWording(
        label="kontaktansvarig",
        predicate_person="är kontaktansvarig för dig",
        predicate_relative="är kontaktansvarig för {name}",
        possessive_person="",
        possessive_relative="",
        meaning_person=(
            "Den kontaktansvariga är din särskilda kontaktperson i hemtjänsten. Du och dina "
            "närstående kan vända er dit med frågor om din hjälp. Rollen ersätts efter hand av "
            "fast omsorgskontakt, som har ett större uppdrag: att göra de flesta av dina besök "
            "och att samordna din hjälp."
        ),
        meaning_relative=(
            "Den kontaktansvariga är din närståendes särskilda kontaktperson i hemtjänsten. Du "
            "som närstående kan vända dig dit med frågor om hjälpen. Rollen ersätts efter hand "
            "av fast omsorgskontakt, som har ett större uppdrag: att göra de flesta av besöken "
            "och att samordna hjälpen."
        ),
    ),
}

COORDINATING_PERSON = (
    "{name} har också samordningsansvar. Det betyder att {name} håller ihop alla dina fasta "
    "vårdkontakter, har överblick över hela din vård och kallar till ett SIP-möte om du behöver "
    "hjälp från både regionen och kommunen."
)
COORDINATING_RELATIVE = (
    "{name} har också samordningsansvar. Det betyder att {name} håller ihop alla din närståendes "
    "fasta vårdkontakter, har överblick över hela vården och kallar till ett SIP-möte när hjälp "
    "behövs från både regionen och kommunen."
)


def _for(template: str, relative_of: str | None) -> str:
    if relative_of is None:
        return template
    return template.format(genitive=genitive(relative_of), name=relative_of)


def predicate(kind: str, *, relative_of: str | None) -> str:
    """What the contact is to the person, after their name: "är din fasta vårdkontakt"."""
    wording = KINDS[kind]
    template = wording.predicate_person if relative_of is None else wording.predicate_relative
    return _for(template, relative_of)


def role_line(kind: str, local_title: str, *, coordinating: bool, relative_of: str | None) -> str:
    """The role as the letter states it, with the unit's own title first when there is one:
    "patientansvarig sjuksköterska – det är din fasta vårdkontakt"."""
    wording = KINDS[kind]
    label = wording.label + (" med samordningsansvar" if coordinating else "")
    if not local_title:
        return label[:1].upper() + label[1:]
    possessive = wording.possessive_person if relative_of is None else wording.possessive_relative
    if possessive:
        return f"{local_title} – det är {_for(possessive, relative_of)}"
    return f"{local_title} – {label}"


def meaning(kind: str, *, to_relative: bool) -> str:
    wording = KINDS[kind]
    return wording.meaning_relative if to_relative else wording.meaning_person


def coordinating_text(name: str, *, to_relative: bool) -> str:
    template = COORDINATING_RELATIVE if to_relative else COORDINATING_PERSON
    return template.format(name=name)


_PAST = {"är": "var", "har": "hade"}


def past(predicate_text: str) -> str:
    """The predicate in the past tense: "är din …" as "var din …", "har en …" as "hade en …"."""
    verb, _, rest = predicate_text.partition(" ")
    return f"{_PAST.get(verb, verb)} {rest}"


#: The kinds a title can name as "en ny fast vårdkontakt"; the others are roles, not contacts.
FIXED_CONTACT_KINDS = frozenset({"fast_vardkontakt", "fast_lakarkontakt", "fast_omsorgskontakt"})


def title(kinds: list[str], *, handover: bool, relative_of: str | None) -> str:
    """The letter's heading."""
    who = "Du" if relative_of is None else relative_of
    if handover:
        if len(kinds) > 1:
            return f"{who} har fått nya fasta kontakter"
        if kinds[0] in FIXED_CONTACT_KINDS:
            return f"{who} har fått en ny {KINDS[kinds[0]].label}"
        return f"{who} har fått en ny kontaktperson"
    wording = KINDS[kinds[0]]
    possessive = wording.possessive_person if relative_of is None else wording.possessive_relative
    return f"Information om {_for(possessive, relative_of) if possessive else wording.label}"


def introduction(*, handover: bool, relative_of: str | None) -> str:
    if relative_of is None:
        opening = ""
        what = "vad uppdraget innebär för dig"
    else:
        opening = f"Du får det här brevet eftersom du är närstående till {relative_of}. "
        what = "vad uppdraget innebär"
    if handover:
        return (
            f"{opening}Den som hade uppdraget tidigare har det inte längre. Här får du veta vem "
            f"som har tagit över, hur du kommer i kontakt och {what}."
        )
    return f"{opening}Här får du veta vem som har uppdraget, hur du kommer i kontakt och {what}."


def how_to_reach(name: str, unit_name: str, staff_phone: str, unit_phone: str) -> str:
    """Only what the register knows: a number we do not have is not made up."""
    if staff_phone and unit_phone:
        return f"Ring {name} på {staff_phone}. Du kan också ringa {unit_name} på {unit_phone}."
    if staff_phone:
        return f"Ring {name} på {staff_phone}."
    if unit_phone:
        return f"Ring {unit_name} på {unit_phone} och fråga efter {name}."
    return (
        f"Vi har inget telefonnummer till {name} eller {unit_name} i vårt register. Ring "
        f"enhetens växel och fråga efter {name}."
    )


def period(start: date, end: date | None) -> str:
    text = f"från och med {long_date(start)}"
    return f"{text} till och med {long_date(end)}" if end else text


def previous_holder(
    name: str, kind: str, end: date | None, successor: str, *, relative_of: str | None
) -> str:
    """Who had the role before a handover, and that their assignment has ended."""
    before = past(predicate(kind, relative_of=relative_of))
    if end is not None:
        return (
            f"{name} {before} till och med {long_date(end)}. Det uppdraget har upphört och "
            f"{successor} har tagit över."
        )
    return f"{name} {before} tidigare. {successor} har tagit över uppdraget."


def closing(unit_name: str, *, relative_of: str | None) -> str:
    if relative_of is None:
        return (
            f"Om du har frågor, eller önskemål om vem som ska ha uppdraget, kan du höra av dig "
            f"till {unit_name}."
        )
    return f"Om du har frågor kan du höra av dig till {unit_name}."


# --- fast omsorgskontakt: the genomförandeplan and the difference from kontaktansvarig -------
# From the home-care routine (seed 002): the plan is drawn up with the customer at the first
# meeting from the decision on the services granted, the fast omsorgskontakt updates it within
# 14 days and revises it when needed and at least every six months; and "inform the customer
# and relatives ... what the assignment means and how it differs from kontaktansvarig". The
# differences are the assignment of the routine and Socialstyrelsen's table (seed 000), and
# the law (4 kap. 2 b § and 3 kap. 3 d § SoL): everyone with home care is offered one, and it
# is an undersköterska.

PLAN_HEADING_PERSON = "Din genomförandeplan"
PLAN_HEADING_RELATIVE = "Genomförandeplanen"
PLAN_PERSON = (
    "Genomförandeplanen beskriver hur du får den hjälp som kommunen har beviljat dig i ditt "
    "biståndsbeslut: vad som ska göras och hur du vill ha det. Planen görs tillsammans med dig "
    "vid det första mötet med hemtjänsten. Inom 14 dagar efter det mötet går {name} igenom "
    "planen med dig och uppdaterar den. Sedan ses planen över när dina behov ändras, och minst "
    "var sjätte månad. Säg till {name} om något i planen inte stämmer."
)
PLAN_RELATIVE = (
    "Genomförandeplanen beskriver hur din närstående får den hjälp som kommunen har beviljat i "
    "biståndsbeslutet: vad som ska göras och hur din närstående vill ha det. Planen görs "
    "tillsammans med din närstående vid det första mötet med hemtjänsten. Inom 14 dagar efter "
    "det mötet går {name} igenom planen och uppdaterar den. Sedan ses planen över när behoven "
    "ändras, och minst var sjätte månad."
)
DIFFERENCE_HEADING = "Skillnaden mot kontaktansvarig"
DIFFERENCE_HAD_PERSON = (
    "Du har haft {previous} som kontaktansvarig i hemtjänsten. Fast omsorgskontakt ersätter den "
    "rollen. Enligt socialtjänstlagen ska alla som har hemtjänst erbjudas en fast "
    "omsorgskontakt, och uppdraget är större. Skillnaderna är att din fasta omsorgskontakt:"
)
DIFFERENCE_HAD_RELATIVE = (
    "{person} har haft {previous} som kontaktansvarig i hemtjänsten. Fast omsorgskontakt "
    "ersätter den rollen. Enligt socialtjänstlagen ska alla som har hemtjänst erbjudas en fast "
    "omsorgskontakt, och uppdraget är större. Skillnaderna är att den fasta omsorgskontakten:"
)
DIFFERENCE_PERSON = (
    "Tidigare hade hemtjänsten kontaktansvariga. Fast omsorgskontakt ersätter den rollen. "
    "Enligt socialtjänstlagen ska alla som har hemtjänst erbjudas en fast omsorgskontakt, och "
    "uppdraget är större. Skillnaderna är att din fasta omsorgskontakt:"
)
DIFFERENCE_RELATIVE = (
    "Tidigare hade hemtjänsten kontaktansvariga. Fast omsorgskontakt ersätter den rollen. "
    "Enligt socialtjänstlagen ska alla som har hemtjänst erbjudas en fast omsorgskontakt, och "
    "uppdraget är större. Skillnaderna är att den fasta omsorgskontakten:"
)
DIFFERENCES_PERSON = (
    "alltid är undersköterska",
    "gör det mesta av omsorgen hos dig, så att du träffar färre olika personer, och följer hur "
    "du mår över tid",
    "planerar och följer upp din hjälp tillsammans med dig och håller din genomförandeplan aktuell",
    "samordnar din hjälp: möten och uppföljningar, till exempel med biståndshandläggaren, "
    "SIP-möten och kontakter med hälso- och sjukvården",
    "kan göra vissa sjukvårdsuppgifter när hälso- och sjukvården har gett instruktioner eller "
    "lämnat över uppgiften genom delegering",
)
DIFFERENCES_RELATIVE = (
    "alltid är undersköterska",
    "gör det mesta av omsorgen hos din närstående, så att det blir färre olika personer som "
    "kommer, och följer hur din närstående mår över tid",
    "planerar och följer upp hjälpen tillsammans med din närstående och håller "
    "genomförandeplanen aktuell",
    "samordnar hjälpen: möten och uppföljningar, till exempel med biståndshandläggaren, "
    "SIP-möten och kontakter med hälso- och sjukvården",
    "kan göra vissa sjukvårdsuppgifter när hälso- och sjukvården har gett instruktioner eller "
    "lämnat över uppgiften genom delegering",
)


@dataclass(frozen=True, slots=True)
class HomeCareSections:
    """What a fast omsorgskontakt letter says beyond the role: the plan and the difference."""

    plan_heading: str
    plan: str
    difference_heading: str
    difference_intro: str
    differences: tuple[str, ...]


def home_care_sections(name: str, previous: str, *, relative_of: str | None) -> HomeCareSections:
    """For the fast omsorgskontakt ``name``; ``previous`` is the person's kontaktansvarig, if
    they had one (the routine's "för den som redan har en kontaktansvarig")."""
    if relative_of is None:
        intro = DIFFERENCE_HAD_PERSON.format(previous=previous) if previous else DIFFERENCE_PERSON
        return HomeCareSections(
            PLAN_HEADING_PERSON,
            PLAN_PERSON.format(name=name),
            DIFFERENCE_HEADING,
            intro,
            DIFFERENCES_PERSON,
        )
    intro = (
        DIFFERENCE_HAD_RELATIVE.format(person=relative_of, previous=previous)
        if previous
        else DIFFERENCE_RELATIVE
    )
    return HomeCareSections(
        PLAN_HEADING_RELATIVE,
        PLAN_RELATIVE.format(name=name),
        DIFFERENCE_HEADING,
        intro,
        DIFFERENCES_RELATIVE,
    )


# --- the window and the letterhead ------------------------------------------------------

NO_ADDRESS_TITLE = "Adress saknas"
NO_ADDRESS_TEXT = (
    "Postas inte som det är: registret har ingen postadress. Lämna brevet personligen, eller "
    "registrera adressen och skriv ett nytt brev."
)

"""factory_boy factories for registry rows, for tests that need a few rows and not a scenario."""

from __future__ import annotations

from datetime import date

import factory

from fastkontakt.domain.identifiers import make_personal_id
from fastkontakt.registry.models import Contact, Person, Staff, StaffUnit, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    hsa_id = factory.Sequence(lambda n: f"SE2321000032-u{n}")
    name = factory.Sequence(lambda n: f"Vårdcentralen {n}")
    type = "primarvard"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    hsa_id = factory.Sequence(lambda n: f"SE2321000032-s{n}")
    name = factory.Sequence(lambda n: f"Medarbetare {n}")
    profession = "sjukskoterska"
    licensed = True


class StaffUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUnit

    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    personal_id = factory.Sequence(lambda n: make_personal_id(date(1940, 1, 1), n % 1000))
    name = factory.Sequence(lambda n: f"Person {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    external_id = factory.Sequence(lambda n: f"k{n}")
    person = factory.SubFactory(PersonFactory)
    kind = "fast_vardkontakt"
    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)
    start = date(2026, 1, 1)

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "fastkontakt.fhir"
    verbose_name = "FHIR-API"

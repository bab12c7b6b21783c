from django.apps import AppConfig


class CitizenConfig(AppConfig):
    name = "fastkontakt.citizen"
    verbose_name = "Invånare"

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "fastkontakt.planning"
    verbose_name = "Besöksplanering"

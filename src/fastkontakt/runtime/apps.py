from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "fastkontakt.runtime"
    verbose_name = "Drift"

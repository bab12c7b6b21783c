from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fastkontakt.registry"
    verbose_name = "Register"

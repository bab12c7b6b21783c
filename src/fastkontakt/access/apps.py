from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "fastkontakt.access"
    label = "access"
    verbose_name = "Behörigheter och åtkomstlogg"

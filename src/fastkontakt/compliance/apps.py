from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "fastkontakt.compliance"
    verbose_name = "Regelefterlevnad"

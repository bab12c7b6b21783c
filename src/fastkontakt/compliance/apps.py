from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "fastkontakt.compliance"
    verbose_name = "Regelefterlevnad"

    def ready(self) -> None:
        from fastkontakt.access.accesslog import write_hook_add
        from fastkontakt.compliance.store import findings_refresh_written

        # Every write refreshes the findings of the people it touched, in its transaction.
        write_hook_add(findings_refresh_written)

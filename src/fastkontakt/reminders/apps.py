from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "fastkontakt.reminders"
    verbose_name = "Påminnelser"

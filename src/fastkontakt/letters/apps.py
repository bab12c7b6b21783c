from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "fastkontakt.letters"
    verbose_name = "Brev"

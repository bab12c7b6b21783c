from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fastkontakt.web"
    label = "web"
    verbose_name = "Webbsidor"

"""The user's own page for the daily reminder mail: the hour, or none at all."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fastkontakt.reminders.services import mail_preference_get, mail_preference_set
from fastkontakt.web.forms import Form

OFF = "av"
HOURS = [(str(h), f"kl. {h:02d}.00") for h in range(24)]


class MailSettingsForm(Form):
    hour = forms.ChoiceField(label="Skicka påminnelsen", choices=[*HOURS, (OFF, "Aldrig")])


@require_http_methods(["GET", "POST"])
def mail_settings(request: HttpRequest) -> HttpResponse:
    user_pk = int(request.user.pk)  # type: ignore[arg-type]
    if request.method == "POST":
        form = MailSettingsForm(request.POST)
        if form.is_valid():
            choice = form.cleaned_data["hour"]
            current, _ = mail_preference_get(user_pk=user_pk)
            mail_preference_set(
                user_pk=user_pk,
                hour=current if choice == OFF else int(choice),
                opted_out=choice == OFF,
            )
            messages.success(request, "Dina val för påminnelser är sparade.")
            return redirect("web:mail_settings")
    else:
        hour, opted_out = mail_preference_get(user_pk=user_pk)
        form = MailSettingsForm(initial={"hour": OFF if opted_out else str(hour)})
    email = getattr(request.user, "email", "")
    return render(request, "web/mail_settings.html", {"form": form, "email": email})

"""The pages, in Swedish.

Each area's view module ends with its own ``urlpatterns``; they are included here under the
``web`` namespace, so every page is reversed as ``web:<name>``.
"""

from django.urls import include, path

from fastkontakt.web.views import accesslog, accounts, people, reminders

app_name = "web"

urlpatterns = [
    path("", people.home, name="home"),
    path("konto/logga-in/", accounts.login_view, name="login"),
    path("konto/kod/", accounts.otp_verify, name="otp_verify"),
    path("konto/ny-kod/", accounts.otp_setup, name="otp_setup"),
    path("konto/logga-ut/", accounts.logout_view, name="logout"),
    path("personer/", people.search, name="search"),
    path("personer/<int:person_pk>/", people.person_detail, name="person"),
    path("personer/<int:person_pk>/adress/", people.person_address, name="person_address"),
    path("nodatkomst/", people.emergency_access, name="emergency"),
    path("logg/", accesslog.review, name="accesslog"),
    path("konto/paminnelser/", reminders.mail_settings, name="mail_settings"),
    path("arbetslista/", include("fastkontakt.web.views.worklist")),
    path("kontakter/", include("fastkontakt.web.views.contacts")),
    path("vard/", include("fastkontakt.web.views.care")),
    path("arbetsbelastning/", include("fastkontakt.web.views.caseload")),
    path("brev/", include("fastkontakt.web.views.letters")),
    path("planering/", include("fastkontakt.web.views.planning")),
    path("planering/", include("fastkontakt.web.views.planning_visits")),
]

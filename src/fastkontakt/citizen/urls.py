"""The citizen pages under /invanare/ (Swedish paths, as the person reads them)."""

from django.urls import path

from fastkontakt.citizen import views

app_name = "citizen"

urlpatterns = [
    path("", views.start, name="start"),
    path("logga-in/", views.sign_in, name="sign_in"),
    path("inloggning/", views.callback, name="callback"),
    path("demo/", views.demo_sign_in, name="demo"),
    path("logga-ut/", views.sign_out, name="sign_out"),
    path("vem/", views.choose_person, name="choose"),
    path("vem/<int:person_pk>/", views.switch, name="switch"),
    path("kontakter/", views.contacts, name="contacts"),
    path("brev/", views.letters, name="letters"),
    path("brev/<int:letter_pk>/", views.letter, name="letter"),
    path("brev/<int:letter_pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("be-om-kontakt/", views.ask, name="ask"),
    path("valj-lakare/", views.physician, name="physician"),
    path("narstaende/", views.relatives, name="relatives"),
    path("narstaende/<int:grant_pk>/aterkalla/", views.relative_withdraw, name="withdraw"),
    path("vem-har-last/", views.accesslog, name="accesslog"),
    path("vem-har-last/pdf/", views.accesslog_pdf, name="accesslog_pdf"),
]

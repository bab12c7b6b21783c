"""URL configuration: the Django admin for now; the pages and the FHIR API come later."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Fast kontakt"
admin.site.site_title = "Fast kontakt"
admin.site.index_title = "Registret över fasta kontakter"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]

"""Network URLs, one module per area (each area owns its views and templates)."""

from django.urls import include, path

urlpatterns = [
    path("", include("maillage.network.urls_pages")),  # my network, invitations, connections
    path("", include("maillage.network.urls_suggestions")),  # people you may know, introductions
    path("", include("maillage.network.urls_crm")),  # notes, tags, reminders, contact import
]

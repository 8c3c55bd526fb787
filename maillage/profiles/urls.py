"""Profile URLs, one module per area (each area owns its views and templates)."""

from django.urls import include, path

urlpatterns = [
    path("", include("maillage.profiles.urls_page")),  # /in/<address>/, sitemap, vCard, QR
    path("", include("maillage.profiles.urls_edit")),  # /profile/edit/…
    path("", include("maillage.profiles.urls_media")),  # photo and cover uploads, staff review
    path("", include("maillage.profiles.urls_importer")),  # LinkedIn archive import
    path("", include("maillage.profiles.urls_viewers")),  # who viewed my profile, work e-mail
    path("", include("maillage.profiles.urls_endorsements")),  # endorsements, recommendations
]

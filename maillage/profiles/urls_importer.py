"""Importing a LinkedIn data export into one's own profile."""

from django.urls import path

from . import views_importer

urlpatterns = [
    path(
        "profile/import/linkedin/",
        views_importer.import_upload,
        name="profile_import_linkedin",
    ),
    path(
        "profile/import/linkedin/preview/",
        views_importer.import_preview,
        name="profile_import_linkedin_preview",
    ),
    path(
        "profile/import/linkedin/cancel/",
        views_importer.import_cancel,
        name="profile_import_linkedin_cancel",
    ),
]

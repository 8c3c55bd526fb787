from django.urls import path

from . import views_media

urlpatterns = [
    path("profile/photo/", views_media.photo_page, name="profile_photo"),
    path("profile/photo/remove/", views_media.photo_remove, name="profile_photo_remove"),
    path("profile/cover/", views_media.cover_page, name="profile_cover"),
    path("profile/cover/remove/", views_media.cover_remove, name="profile_cover_remove"),
    path("staff/impersonation/", views_media.impersonation_review, name="staff_impersonation"),
    path(
        "staff/impersonation/<uuid:flag_id>/",
        views_media.impersonation_decide,
        name="staff_impersonation_decide",
    ),
]

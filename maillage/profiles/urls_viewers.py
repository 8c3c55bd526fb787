"""Who viewed my profile, and verified work e-mail."""

from django.urls import path

from . import views_viewers

urlpatterns = [
    path("profile/viewers/", views_viewers.profile_viewers, name="profile_viewers"),
    path("profile/work-email/", views_viewers.work_email, name="work_email"),
    path(
        "profile/work-email/<uuid:public_id>/remove/",
        views_viewers.work_email_remove,
        name="work_email_remove",
    ),
    path(
        "profile/work-email/<uuid:public_id>/resend/",
        views_viewers.work_email_resend,
        name="work_email_resend",
    ),
    path(
        "profile/work-email/confirm/<str:token>/",
        views_viewers.work_email_confirm,
        name="work_email_confirm",
    ),
]

"""Editing one's own profile: /profile/edit/ and the in-place section URLs under it."""

from django.urls import path

from . import views_edit

urlpatterns = [
    path("profile/edit/", views_edit.profile_edit, name="profile_edit"),
    path(
        "profile/edit/public-page/",
        views_edit.profile_edit_public_page,
        name="profile_edit_public_page",
    ),
    path(
        "profile/edit/skills/<str:key>/order/",
        views_edit.profile_edit_skill,
        name="profile_edit_skill",
    ),
    path("profile/edit/<slug:section>/", views_edit.profile_edit_card, name="profile_edit_card"),
    path(
        "profile/edit/<slug:section>/edit/",
        views_edit.profile_edit_section,
        name="profile_edit_section",
    ),
    path(
        "profile/edit/<slug:section>/audience/",
        views_edit.profile_edit_audience,
        name="profile_edit_audience",
    ),
    path("profile/edit/<slug:section>/add/", views_edit.profile_edit_add, name="profile_edit_add"),
    path(
        "profile/edit/<slug:section>/<str:key>/edit/",
        views_edit.profile_edit_item,
        name="profile_edit_item",
    ),
    path(
        "profile/edit/<slug:section>/<str:key>/delete/",
        views_edit.profile_edit_delete,
        name="profile_edit_delete",
    ),
]

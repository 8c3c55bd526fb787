"""People you may know and introductions (views in views_suggestions.py)."""

from django.urls import path

from . import views_suggestions as views

urlpatterns = [
    path("network/suggestions/", views.network_suggestions, name="network_suggestions"),
    path(
        "network/suggestions/block/",
        views.network_suggestions_block,
        name="network_suggestions_block",
    ),
    path(
        "network/suggestions/<uuid:public_id>/dismiss/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    path("in/<slug:address>/introduce/", views.introduction_request, name="introduction_request"),
    path("network/introductions/", views.introductions, name="introductions"),
    path(
        "network/introductions/<uuid:public_id>/",
        views.introduction_detail,
        name="introduction_detail",
    ),
    path(
        "network/introductions/<uuid:public_id>/forward/",
        views.introduction_forward,
        name="introduction_forward",
    ),
    path(
        "network/introductions/<uuid:public_id>/decline/",
        views.introduction_decline,
        name="introduction_decline",
    ),
    path(
        "network/introductions/<uuid:public_id>/accept/",
        views.introduction_accept,
        name="introduction_accept",
    ),
    path(
        "network/introductions/<uuid:public_id>/ignore/",
        views.introduction_ignore,
        name="introduction_ignore",
    ),
    path(
        "network/introductions/<uuid:public_id>/withdraw/",
        views.introduction_withdraw,
        name="introduction_withdraw",
    ),
]

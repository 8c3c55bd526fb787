"""The network on the profile: mutual connections, endorsements, recommendations."""

from django.urls import path

from . import views, views_endorsements

urlpatterns = [
    path("in/<slug:address>/mutual/", views.profile_mutual, name="profile_mutual"),
    path(
        "in/<slug:address>/skills/<int:skill_id>/endorse/",
        views_endorsements.skill_endorse,
        name="skill_endorse",
    ),
    path(
        "in/<slug:address>/skills/<int:skill_id>/unendorse/",
        views_endorsements.skill_unendorse,
        name="skill_unendorse",
    ),
    path(
        "in/<slug:address>/skills/<int:skill_id>/endorsements/",
        views_endorsements.skill_endorsers,
        name="skill_endorsers",
    ),
    path(
        "profile/endorsements/visibility/",
        views_endorsements.endorsements_visibility,
        name="endorsements_visibility",
    ),
    path(
        "in/<slug:address>/recommendations/",
        views_endorsements.profile_recommendations,
        name="profile_recommendations",
    ),
    path(
        "in/<slug:address>/recommend/request/",
        views_endorsements.recommendation_request,
        name="recommendation_request",
    ),
    path(
        "in/<slug:address>/recommend/",
        views_endorsements.recommendation_write,
        name="recommendation_write",
    ),
    path("recommendations/", views_endorsements.recommendations_page, name="recommendations"),
    path(
        "recommendations/<uuid:public_id>/write/",
        views_endorsements.recommendation_write_request,
        name="recommendation_write_request",
    ),
    *[
        path(
            f"recommendations/<uuid:public_id>/{action}/",
            views_endorsements.recommendation_transition,
            {"action": action},
            name=f"recommendation_{action}",
        )
        for action in views_endorsements.TRANSITIONS
    ],
]

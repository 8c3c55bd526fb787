"""Reach and engagement for the author (owner: analytics helper)."""

from django.urls import path

from . import views_analytics

urlpatterns = [
    path("posts/<uuid:public_id>/analytics/", views_analytics.post_analytics, name="post_analytics"),
    path("activity/", views_analytics.activity, name="activity"),
]

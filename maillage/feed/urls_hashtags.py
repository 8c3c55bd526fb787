"""Hashtag pages (owner: posts helper)."""

from django.urls import path

from . import views_hashtags as views

urlpatterns = [
    path("hashtag/<str:key>/", views.hashtag, name="hashtag"),
    path("hashtag/<str:key>/follow/", views.hashtag_follow, name="hashtag_follow"),
    path("hashtag/<str:key>/unfollow/", views.hashtag_unfollow, name="hashtag_unfollow"),
]

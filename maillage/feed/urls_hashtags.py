"""Hashtag pages (owner: posts helper)."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [
    path("hashtag/<str:key>/", lambda request, key: HttpResponse(key), name="hashtag"),
]

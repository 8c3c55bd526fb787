from django.urls import path

from . import views

urlpatterns = [
    path("network/", views.network_home, name="network"),
]

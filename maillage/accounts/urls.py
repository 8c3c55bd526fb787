from django.urls import path

from . import views

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path("join/<str:code>/", views.signup_invitation, name="signup_invitation"),
    path("network/", views.network_directory, name="network"),
]

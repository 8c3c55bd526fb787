from django.urls import path

from . import views

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path("join/<str:code>/", views.signup_invitation, name="signup_invitation"),
    path("members/", views.network_directory, name="members"),
]

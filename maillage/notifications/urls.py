from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/badge/", views.notifications_badge, name="notifications_badge"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notifications_unsubscribe,
        name="notifications_unsubscribe",
    ),
]

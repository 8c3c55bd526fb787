from django.urls import path

from . import views, views_attachments, views_search

urlpatterns = [
    path("messaging/", views.inbox, name="messaging"),
    path("messaging/new/", views.message_new, name="message_new"),
    path("messaging/settings/", views.messaging_settings, name="messaging_settings"),
    path("messaging/badge/", views.nav_badge, name="messaging_badge"),
    path("messaging/search/", views_search.messaging_search, name="messaging_search"),
    path(
        "messaging/attachments/<uuid:public_id>/",
        views_attachments.attachment_download,
        name="message_attachment",
    ),
    path("messaging/messages/<uuid:public_id>/edit/", views.message_edit, name="message_edit"),
    path(
        "messaging/messages/<uuid:public_id>/delete/", views.message_delete, name="message_delete"
    ),
    path("messaging/<uuid:public_id>/", views.conversation, name="conversation"),
    path(
        "messaging/<uuid:public_id>/messages/",
        views.conversation_messages,
        name="conversation_messages",
    ),
    path("messaging/<uuid:public_id>/send/", views.message_send, name="message_send"),
    path("messaging/<uuid:public_id>/accept/", views.request_accept, name="request_accept"),
    path("messaging/<uuid:public_id>/decline/", views.request_decline, name="request_decline"),
    path("messaging/<uuid:public_id>/read/", views.conversation_read, name="conversation_read"),
    path(
        "messaging/<uuid:public_id>/unread/", views.conversation_unread, name="conversation_unread"
    ),
    path("messaging/<uuid:public_id>/mute/", views.conversation_mute, name="conversation_mute"),
    path(
        "messaging/<uuid:public_id>/archive/",
        views.conversation_archive,
        name="conversation_archive",
    ),
    path("messaging/<uuid:public_id>/leave/", views.conversation_leave, name="conversation_leave"),
    path(
        "messaging/<uuid:public_id>/rename/", views.conversation_rename, name="conversation_rename"
    ),
    path("messaging/<uuid:public_id>/add/", views.participants_add, name="participants_add"),
    path("messaging/<uuid:public_id>/remove/", views.participant_remove, name="participant_remove"),
]

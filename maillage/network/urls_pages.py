"""My network: the overview, invitations, connections, followers, settings, exports and the
actions on a person (URLs carry public ids, never integer keys)."""

from django.urls import path

from . import views

urlpatterns = [
    path("network/", views.network_home, name="network"),
    path("network/invitations/", views.network_invitations, name="network_invitations"),
    path("network/followers/", views.network_followers, name="network_followers"),
    path("network/connections/", views.network_connections, name="network_connections"),
    path(
        "network/connections/export.csv",
        views.connections_export_csv,
        name="connections_export_csv",
    ),
    path(
        "network/connections/export.vcf",
        views.connections_export_vcard,
        name="connections_export_vcard",
    ),
    path("network/settings/", views.network_settings, name="network_settings"),
    path("network/invite/<uuid:public_id>/", views.invite, name="network_invite"),
    path(
        "network/invitations/<uuid:public_id>/accept/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "network/invitations/<uuid:public_id>/ignore/",
        views.invitation_ignore,
        name="invitation_ignore",
    ),
    path(
        "network/invitations/<uuid:public_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "network/connections/<uuid:public_id>/remove/",
        views.connection_remove,
        name="connection_remove",
    ),
    path("network/follow/<uuid:public_id>/", views.follow, name="follow"),
    path("network/unfollow/<uuid:public_id>/", views.unfollow, name="unfollow"),
    path("network/block/<uuid:public_id>/", views.block, name="block"),
    path("network/unblock/<uuid:public_id>/", views.unblock, name="unblock"),
    path("network/mute/<uuid:public_id>/", views.mute, name="mute"),
    path("network/unmute/<uuid:public_id>/", views.unmute, name="unmute"),
    path("in/<slug:address>/connections/", views.member_connections, name="member_connections"),
]

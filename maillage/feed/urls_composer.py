"""The composer's URLs: compose, drafts and scheduled posts, polls, mentions, post files."""

from django.urls import path

from . import views_composer as views

urlpatterns = [
    path("posts/new/", views.compose, name="compose"),
    path("posts/drafts/", views.drafts, name="drafts"),
    path("posts/mentions/", views.mention_suggest, name="mention_suggest"),
    path("posts/<uuid:public_id>/draft/", views.draft_edit, name="draft_edit"),
    path("posts/<uuid:public_id>/publish/", views.post_publish_now, name="post_publish_now"),
    path("posts/<uuid:public_id>/schedule/", views.draft_schedule, name="draft_schedule"),
    path("posts/<uuid:public_id>/unschedule/", views.draft_unschedule, name="draft_unschedule"),
    path("posts/<uuid:public_id>/discard/", views.draft_delete, name="draft_delete"),
    path("posts/<uuid:public_id>/vote/", views.poll_vote, name="poll_vote"),
    path(
        "posts/<uuid:public_id>/images/<uuid:image_id>/",
        views.post_media_image,
        name="post_media_image",
    ),
    path("posts/<uuid:public_id>/document/", views.post_document, name="post_document"),
    path("posts/<uuid:public_id>/preview-image/", views.link_preview_image, name="link_preview_image"),
]

"""A post and what one does on it (owner: posts helper)."""

from django.urls import path

from . import views_posts as views

urlpatterns = [
    path("posts/<uuid:public_id>/", views.post_page, name="post"),
    path("posts/<uuid:public_id>/edit/", views.post_edit, name="post_edit"),
    path("posts/<uuid:public_id>/delete/", views.post_delete, name="post_delete"),
    path("posts/<uuid:public_id>/comment/", views.post_comment, name="post_comment"),
    path("posts/<uuid:public_id>/react/", views.post_react, name="post_react"),
    path("posts/<uuid:public_id>/reactions/", views.post_reactions, name="post_reactions"),
    path("posts/<uuid:public_id>/repost/", views.post_repost, name="post_repost"),
    path("posts/<uuid:public_id>/save/", views.post_save, name="post_save"),
    path("posts/<uuid:public_id>/unsave/", views.post_unsave, name="post_unsave"),
    path("posts/<uuid:public_id>/report/", views.post_report, name="post_report"),
    path("comments/<uuid:public_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<uuid:public_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<uuid:public_id>/react/", views.comment_react, name="comment_react"),
    path("comments/<uuid:public_id>/reactions/", views.comment_reactions, name="comment_reactions"),
    path("comments/<uuid:public_id>/report/", views.comment_report, name="comment_report"),
    path("saved/", views.saved, name="saved"),
    path("staff/reports/", views.staff_reports, name="staff_reports"),
    path("in/<slug:address>/posts/", views.member_posts, name="member_posts"),
]

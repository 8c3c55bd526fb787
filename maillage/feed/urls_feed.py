"""The home feed (views_feed.py)."""

from django.urls import path

from . import views_feed

urlpatterns = [
    path("home/", views_feed.home, name="home"),
    path("feed/page/", views_feed.feed_page_view, name="feed_page"),
    path("feed/order/", views_feed.feed_order, name="feed_order"),
    path("feed/new/", views_feed.feed_new, name="feed_new"),
    path("posts/<uuid:public_id>/why/", views_feed.post_why, name="post_why"),
    path("posts/<uuid:public_id>/hide/", views_feed.post_hide, name="post_hide"),
    path("posts/<uuid:public_id>/unhide/", views_feed.post_unhide, name="post_unhide"),
]

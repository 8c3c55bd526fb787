"""Feed URLs, one module per area (each area owns its views and templates)."""

from django.urls import include, path

urlpatterns = [
    path("", include("maillage.feed.urls_feed")),  # home feed, live pill, order, why
    path("", include("maillage.feed.urls_composer")),  # compose, drafts, scheduled, media, polls
    path("", include("maillage.feed.urls_posts")),  # post page, comments, reactions, reposts…
    path("", include("maillage.feed.urls_hashtags")),  # hashtag pages and follows
    path("", include("maillage.feed.urls_analytics")),  # reach, activity
]

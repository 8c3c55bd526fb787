"""Live feed events through the member's WebSocket (core/realtime.py).

* `feed.new_post` — a post entered the feed of the members who may see it and would have it in
  their feed (followers of the author — connections follow each other — and followers of its
  hashtags, minus those who muted the author). The event carries only the post's public id:
  open feeds show a "N new posts" pill and fetch the posts through the normal, audience-checked
  pages.
* `feed.post_deleted` — open feeds remove the card at once.

The services call these inside their transaction; nothing leaves before the commit, and the
fan-out (one audience check per recipient) runs in ONE background task, never in the request.
"""

from __future__ import annotations

from maillage.core.tasks import enqueue_on_commit

EVENT_NEW_POST = "feed.new_post"
EVENT_POST_DELETED = "feed.post_deleted"


def post_published(*, post) -> None:
    from .tasks_feed import push_new_post

    enqueue_on_commit(push_new_post, post.pk)


def post_deleted(*, post_public_id, author_id) -> None:
    from .tasks_feed import push_post_deleted

    enqueue_on_commit(push_post_deleted, str(post_public_id), author_id)


def comment_changed(*, comment) -> None:
    """No live push for comments on purpose: a comment would fan out to every feed that shows
    the post for a number few people watch; the post's author is told by a notification
    (notify.py) and the count is fresh on the next page. The post page may add a push here."""
    return None

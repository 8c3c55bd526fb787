"""Feed notifications (owner: notifications helper — replace this first version)."""

from __future__ import annotations


def post_mentions(*, post, member_ids) -> None:
    pass


def post_reposted(*, post) -> None:
    pass


def comment_created(*, comment, mention_ids) -> None:
    pass


def comment_mentions(*, comment, member_ids) -> None:
    pass


def reaction_added(*, reaction) -> None:
    pass

"""NUL characters (which PostgreSQL cannot store) are taken out of member text, not stored and
not a server error, on every database."""

import pytest

from maillage.feed import services
from maillage.feed.services import PostInput
from maillage.network.tests.factories import member

pytestmark = pytest.mark.django_db


def test_nul_characters_are_taken_out_of_posts_and_comments():
    author = member()
    post = services.post_create(author=author, data=PostInput(body="<scr\x00ipt>bon\x00jour"))
    assert "\x00" not in post.body and "bonjour" in post.body
    comment = services.comment_create(author=author, post=post, body="a\x00b")
    assert comment.body == "ab"


def test_a_post_of_nul_characters_only_is_empty():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.post_create(author=member(), data=PostInput(body="\x00\x00"))

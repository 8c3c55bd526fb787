"""Feed notifications: who is told about what (never about a post they may not see, checked when
created and again when shown), grouping of reactions and comments, un-reacting, and the pinned
query count of the notifications page full of feed notifications."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maillage.core.audience import Audience
from maillage.feed import services
from maillage.feed.models import Comment, Post
from maillage.feed.services import PostInput
from maillage.network.tests.factories import block, connect, follow, member
from maillage.notifications.models import Kind, Notification
from maillage.notifications.selectors import notifications_page

pytestmark = pytest.mark.django_db

AUDIENCES = [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS]
RELATIONS = ["connection", "follower", "second", "stranger", "blocked"]


def mention(user) -> str:
    return f"@[{user.get_full_name()}]({user.public_id})"


def publish(author, body="Hello network", audience=Audience.PUBLIC) -> Post:
    return services.post_create(author=author, data=PostInput(body=body, audience=audience))


def relate(author, other, relation: str) -> None:
    if relation == "connection":
        connect(author, other)
    elif relation == "follower":
        follow(other, author)
    elif relation == "second":
        middle = member()
        connect(author, middle)
        connect(middle, other)
    elif relation == "blocked":
        block(author, other)


def may_see(relation: str, audience: str) -> bool:
    if relation == "blocked":
        return False
    return audience != Audience.CONNECTIONS or relation == "connection"


FEED_KINDS = {
    Kind.POST_MENTION, Kind.COMMENT_MENTION, Kind.POST_COMMENT, Kind.COMMENT_REPLY,
    Kind.POST_REACTION, Kind.COMMENT_REACTION, Kind.POST_REPOST,
}


def shown(user) -> list:
    """The feed notifications on the member's page (following someone tells them too)."""
    return [i for i in notifications_page(member=user).items if i.notification.kind in FEED_KINDS]


def texts(user) -> list[str]:
    return [item.text for item in shown(user)]


def kinds_for(user) -> list[str]:
    rows = Notification.objects.filter(recipient=user, kind__in=FEED_KINDS)
    return sorted(rows.values_list("kind", flat=True))


def narrow(post: Post, audience: str) -> None:
    services.post_update(post=post, editor=post.author, body=post.body, post_audience=audience)


@pytest.fixture
def cast():
    """The post's author, a connection of theirs who acts (comments, replies, reacts)."""
    author, actor = member(member__first_name="Alice"), member(member__first_name="Camille")
    connect(author, actor)
    return author, actor


# --- The matrix: notified exactly when the recipient may see the post ---------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_mention_in_a_post(cast, relation, audience):
    author, _actor = cast
    other = member()
    relate(author, other, relation)
    if relation == "blocked":
        with pytest.raises(ValidationError):
            publish(author, f"Hi {mention(other)}", audience)
    else:
        publish(author, f"Hi {mention(other)}", audience)
    expected = [Kind.POST_MENTION] if may_see(relation, audience) else []
    assert kinds_for(other) == expected
    assert len(shown(other)) == len(expected)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_mention_in_a_comment(cast, relation, audience):
    author, actor = cast
    other = member()
    relate(author, other, relation)
    post = publish(author, audience=audience)
    services.comment_create(author=actor, post=post, body=f"Look {mention(other)}")
    expected = [Kind.COMMENT_MENTION] if may_see(relation, audience) else []
    assert kinds_for(other) == expected
    assert len(shown(other)) == len(expected)


def _commented_then_narrowed(author, other, relation, audience):
    """`other` commented while the post was public; then the audience is what the test says and
    `other` stands in `relation` to the author."""
    post = publish(author)
    mine = services.comment_create(author=other, post=post, body="First!")
    relate(author, other, relation)
    narrow(post, audience)
    post.refresh_from_db()
    return post, mine


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_reply_to_a_comment(cast, relation, audience):
    author, actor = cast
    other = member()
    post, mine = _commented_then_narrowed(author, other, relation, audience)
    services.comment_create(author=actor, post=post, body="Agreed", parent=mine)
    expected = [Kind.COMMENT_REPLY] if may_see(relation, audience) else []
    assert kinds_for(other) == expected
    assert len(shown(other)) == len(expected)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_reaction_to_a_comment(cast, relation, audience):
    author, actor = cast
    other = member()
    post, mine = _commented_then_narrowed(author, other, relation, audience)
    services.reaction_set(member=actor, kind="like", comment=Comment.objects.get(pk=mine.pk))
    expected = [Kind.COMMENT_REACTION] if may_see(relation, audience) else []
    assert kinds_for(other) == expected
    assert len(shown(other)) == len(expected)


@pytest.mark.parametrize("repost_audience", [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS])
@pytest.mark.parametrize("relation", ["connection", "follower", "second", "stranger"])
def test_repost_is_told_to_the_original_author_who_may_see_it(relation, repost_audience):
    """The original's author is told only if the repost is shown to them (a repost for the
    reposter's connections only does not reach a non-connection)."""
    author, reposter = member(), member()
    relate(author, reposter, relation)
    original = publish(author)
    services.repost_create(member=reposter, original=original, post_audience=repost_audience)
    expected = [Kind.POST_REPOST] if may_see(relation, repost_audience) else []
    assert kinds_for(author) == expected
    assert len(shown(author)) == len(expected)


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("relation", RELATIONS)
def test_comments_and_reactions_reach_the_post_author_from_whoever_may_act(relation, audience):
    author, other = member(), member()
    relate(author, other, relation)
    post = publish(author, audience=audience)
    acted = True
    try:
        services.comment_create(author=other, post=post, body="Nice")
        services.reaction_set(member=other, kind="celebrate", post=post)
    except ValidationError:
        acted = False
    assert acted == may_see(relation, audience)
    assert kinds_for(author) == ([Kind.POST_COMMENT, Kind.POST_REACTION] if acted else [])
    assert len(shown(author)) == (2 if acted else 0)


def test_nobody_is_told_about_their_own_doing():
    author = member()
    post = publish(author, f"Me {mention(author)}")
    comment = services.comment_create(author=author, post=post, body="Me again")
    services.comment_create(author=author, post=post, body="Reply", parent=comment)
    services.reaction_set(member=author, kind="like", post=post)
    services.reaction_set(member=author, kind="like", comment=comment)
    assert not Notification.objects.exists()


def test_one_notification_per_person_the_most_specific():
    """The post author mentioned in a reply to their own comment hears of the mention only."""
    author, actor = member(), member()
    connect(author, actor)
    post = publish(author)
    top = services.comment_create(author=author, post=post, body="Question?")
    services.comment_create(author=actor, post=post, body=f"{mention(author)} yes", parent=top)
    assert kinds_for(author) == [Kind.COMMENT_MENTION]
    third = member()
    theirs = services.comment_create(author=third, post=post, body="Hm")
    services.comment_create(author=actor, post=post, body="Sure", parent=theirs)
    assert kinds_for(third) == [Kind.COMMENT_REPLY]
    # The post author hears of the comments on their post (grouped).
    assert kinds_for(author) == [Kind.COMMENT_MENTION, Kind.POST_COMMENT]


def test_a_mention_added_by_editing_is_told_once():
    author, friend = member(), member()
    connect(author, friend)
    post = publish(author, "Draft thoughts")
    services.post_update(post=post, editor=author, body=f"With {mention(friend)}")
    services.post_update(post=post, editor=author, body=f"With {mention(friend)}, edited")
    assert kinds_for(friend) == [Kind.POST_MENTION]
    comment = services.comment_create(author=author, post=post, body="More")
    services.comment_update(comment=comment, editor=author, body=f"More {mention(friend)}")
    assert kinds_for(friend) == [Kind.COMMENT_MENTION, Kind.POST_MENTION]


# --- Shown only while still visible ------------------------------------------------------------


def test_a_mention_disappears_when_the_audience_narrows():
    author, follower = member(), member()
    follow(follower, author)
    post = publish(author, f"Hi {mention(follower)}", Audience.MEMBERS)
    assert len(shown(follower)) == 1
    narrow(post, Audience.CONNECTIONS)
    assert shown(follower) == []
    page = _client(follower).get(reverse("notifications")).content.decode()
    assert "mentioned you" not in page


def test_notifications_about_a_deleted_post_disappear(cast):
    author, actor = cast
    friend = member()
    connect(author, friend)
    post = publish(author, f"Hi {mention(friend)}")
    comment = services.comment_create(author=friend, post=post, body="Thanks")
    services.reaction_set(member=actor, kind="like", comment=comment)
    services.reaction_set(member=actor, kind="like", post=post)
    assert len(shown(friend)) == 2 and len(shown(author)) == 2
    services.post_delete(post=post, member=author)
    assert shown(friend) == [] and shown(author) == []


def test_a_reply_disappears_once_the_post_author_blocks_the_replied_to(cast):
    author, actor = cast
    other = member()
    post = publish(author)
    mine = services.comment_create(author=other, post=post, body="First")
    services.comment_create(author=actor, post=post, body="Second", parent=mine)
    services.reaction_set(member=actor, kind="like", comment=mine)
    assert sorted(n.notification.kind for n in shown(other)) == [Kind.COMMENT_REACTION, Kind.COMMENT_REPLY]
    block(author, other)
    assert shown(other) == []
    # Gone from the unread count too, and nothing new is created for them afterwards.
    assert Notification.objects.filter(recipient=other).count() == 0
    services.comment_create(author=actor, post=post, body="Third", parent=mine)
    assert Notification.objects.filter(recipient=other).count() == 0


def test_a_repost_notification_disappears_when_its_original_is_deleted():
    author, reposter = member(), member()
    original = publish(author)
    services.repost_create(member=reposter, original=original)
    assert len(shown(author)) == 1
    services.post_delete(post=original, member=author)
    assert shown(author) == []


# --- Grouping ----------------------------------------------------------------------------------


def _reactors(post, n, start=0):
    people = []
    for i in range(n):
        person = member(member__first_name=f"P{start + i:02d}", member__last_name="Reactor")
        services.reaction_set(member=person, kind="like", post=post)
        people.append(person)
    return people


def test_reactions_pile_up_into_one_notification():
    author = member()
    post = publish(author)
    people = _reactors(post, 12)
    assert Notification.objects.filter(recipient=author).count() == 1
    [item] = shown(author)
    assert item.text == "P11 Reactor, P10 Reactor and 10 others reacted to your post."
    assert item.actor == people[-1]
    assert Notification.objects.get().data["count"] == 12
    # Changing one's reaction does not count twice.
    services.reaction_set(member=people[0], kind="love", post=post)
    assert Notification.objects.get().data["count"] == 12


def test_one_and_two_reactions_read_naturally():
    author = member()
    post = publish(author)
    _reactors(post, 1)
    assert texts(author) == ["P00 Reactor reacted to your post."]
    _reactors(post, 1, start=1)
    assert texts(author) == ["P01 Reactor and P00 Reactor reacted to your post."]
    _reactors(post, 1, start=2)
    assert texts(author) == ["P02 Reactor, P01 Reactor and 1 other reacted to your post."]


def test_a_read_group_stays_and_a_new_one_starts():
    author = member()
    post = publish(author)
    _reactors(post, 3)
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    _reactors(post, 2, start=3)
    assert Notification.objects.filter(recipient=author).count() == 2
    assert texts(author)[0] == "P04 Reactor and P03 Reactor reacted to your post."


def test_comments_group_and_link_to_the_latest():
    author = member()
    post = publish(author)
    people = [member(member__first_name=f"C{i}", member__last_name="Commenter") for i in range(4)]
    for person in people:
        last = services.comment_create(author=person, post=post, body="Well said")
    services.comment_create(author=people[0], post=post, body="Again")  # already counted
    [item] = shown(author)
    assert item.text == "C0 Commenter, C3 Commenter and 2 others commented on your post."
    assert Notification.objects.get().data["count"] == 4
    assert item.url.endswith("#comment-" + str(Comment.objects.order_by("-pk").first().public_id))
    assert last.public_id  # the anchor follows the newest comment


def test_unreacting_takes_the_actor_out_and_an_empty_group_goes():
    author = member()
    post = publish(author)
    a, b, c = _reactors(post, 3)
    services.reaction_clear(member=c, post=post)
    assert texts(author) == ["P01 Reactor and P00 Reactor reacted to your post."]
    assert Notification.objects.get().data["count"] == 2
    services.reaction_clear(member=a, post=post)
    services.reaction_clear(member=b, post=post)
    assert not Notification.objects.exists()
    assert shown(author) == []
    # Reacting, un-reacting, reacting again: one reaction, counted once.
    services.reaction_set(member=a, kind="like", post=post)
    services.reaction_clear(member=a, post=post)
    services.reaction_set(member=a, kind="funny", post=post)
    assert Notification.objects.get().data["count"] == 1
    assert texts(author) == ["P00 Reactor reacted to your post."]


def test_unreacting_on_a_comment_too():
    author, other = member(), member()
    post = publish(author)
    comment = services.comment_create(author=other, post=post, body="Mine")
    services.reaction_set(member=author, kind="like", comment=comment)
    assert kinds_for(other) == [Kind.COMMENT_REACTION]
    services.reaction_clear(member=author, comment=comment)
    assert kinds_for(other) == []


def test_blocked_and_departed_actors_drop_out_of_the_names_and_the_count():
    author = member()
    post = publish(author)
    people = _reactors(post, 4)
    block(author, people[3])
    left = people[2]
    left.is_active = False
    left.save()
    [item] = shown(author)
    assert item.text == "P01 Reactor and P00 Reactor reacted to your post."
    assert item.actor == people[1]
    block(people[1], author)
    block(people[0], author)
    assert shown(author) == []


# --- The page ----------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _many_feed_notifications(me, n):
    friend = member()
    connect(me, friend)
    for i in range(n):
        mine = publish(me, f"Post {i}")
        theirs = publish(friend, f"Theirs {i} {mention(me)}")
        comment = services.comment_create(author=me, post=theirs, body="Mine")
        reactor = member()
        services.reaction_set(member=reactor, kind="like", post=mine)
        services.reaction_set(member=friend, kind="like", post=mine)
        services.comment_create(author=reactor, post=mine, body="Hi")
        services.comment_create(author=friend, post=theirs, body="Re", parent=comment)
        services.reaction_set(member=friend, kind="love", comment=comment)
        services.repost_create(member=reactor, original=mine)


@pytest.mark.parametrize("n", [2, 6])
def test_notifications_page_query_count_does_not_grow(django_assert_max_num_queries, n):
    me = member(address="me-notif")
    _many_feed_notifications(me, n)
    client = _client(me)
    client.get(reverse("notifications"))
    # session, user, the page, posts, comments, grouped actors, blocks and connections
    with django_assert_max_num_queries(9):
        response = client.get(reverse("notifications"))
    items = response.context["page"].items
    assert len(items) == min(6 * n, 20)
    assert {i.notification.kind for i in items} >= {
        Kind.POST_MENTION, Kind.POST_REACTION, Kind.POST_COMMENT, Kind.COMMENT_REPLY, Kind.COMMENT_REACTION,
    }


def test_the_page_shows_the_words_and_links_to_the_post(cast):
    author, actor = cast
    post = publish(author, "Our **new** office opens")
    services.reaction_set(member=actor, kind="like", post=post)
    page = _client(author).get(reverse("notifications")).content.decode()
    assert "Camille" in page and "reacted to your post" in page
    assert "Our new office opens" in page  # the excerpt reads as text: no markdown marks
    assert str(post.public_id) in page or reverse("home") in page


# --- Deletions leave no phantom unread count -----------------------------------------------------


def test_deleting_a_post_deletes_its_notifications_and_its_comments(cast):
    from maillage.notifications.selectors import unread_count

    author, actor = cast
    friend = member()
    connect(author, friend)
    post = publish(author, f"Hi {mention(friend)}")
    comment = services.comment_create(author=friend, post=post, body="Thanks")
    services.reaction_set(member=actor, kind="like", comment=comment)
    services.repost_create(member=actor, original=post)
    assert kinds_for(friend) == [Kind.COMMENT_REACTION, Kind.POST_MENTION]
    assert kinds_for(author) == [Kind.POST_COMMENT, Kind.POST_REPOST]
    services.post_delete(post=post, member=author)
    assert kinds_for(friend) == [] and kinds_for(author) == []
    assert unread_count(friend.pk) == 0


def test_deleting_a_comment_takes_its_author_out_of_the_group(cast):
    author, actor = cast
    other = member(member__first_name="Other", member__last_name="Person")
    post = publish(author)
    first = services.comment_create(author=actor, post=post, body="One")
    services.comment_create(author=actor, post=post, body="Two")
    reply = services.comment_create(author=other, post=post, body="Three", parent=first)
    services.reaction_set(member=author, kind="like", comment=reply)
    assert Notification.objects.get(kind=Kind.POST_COMMENT).data["count"] == 2
    # The reply goes with its parent: its author has nothing left on the post.
    services.comment_delete(comment=first, member=author)
    assert Notification.objects.get(kind=Kind.POST_COMMENT).data["count"] == 1
    assert kinds_for(other) == []
    assert texts(author) == ["Camille " + actor.last_name + " commented on your post."]

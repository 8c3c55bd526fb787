"""Polls: bad input creates nothing; one vote per member, changeable until the poll closes;
results shown after voting, to the author and once closed; only those who see the post vote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.core.audience import Audience
from maillage.feed import polls, services
from maillage.feed.models import Poll, PollOption, PollVote, Post

from .factories import block, connect, member

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def poll_post(author, *, options=("Train", "Bike", "Car"), days=7, audience="public", **kw):
    return services.post_create(
        author=author,
        data=services.PostInput(
            body="Quick question", audience=audience,
            poll=polls.PollInput(question="How do you commute?", options=list(options), duration_days=days),
            **kw,
        ),
    )


def counts():
    return (Post.objects.count(), Poll.objects.count(), PollOption.objects.count())


@pytest.mark.parametrize(
    ("question", "options", "days", "field", "message"),
    [
        ("Q?", ["Only one"], 7, "poll_option_2", "at least 2 options"),
        ("Q?", ["Yes", "yes"], 7, "poll_option_2", "same as option 1"),
        ("Q?", ["Été", "ete "], 7, "poll_option_2", "same as option 1"),
        ("Q?", ["Yes", "", "No"], 7, "poll_option_2", "Option 2 is empty"),
        ("Q?", ["Yes", "x" * 31], 7, "poll_option_2", "at most 30 characters"),
        ("Q?", ["A", "B", "C", "D", "E"], 7, "poll_option_1", "at most 4 options"),
        ("", ["A", "B"], 7, "poll_question", "Ask a question"),
        ("Q" * 141, ["A", "B"], 7, "poll_question", "at most 140 characters"),
        ("Q?", ["A", "B"], 5, "poll_duration", "1 day, 3 days, 1 week or 2 weeks"),
    ],
    ids=["one-option", "duplicate", "duplicate-accents", "empty", "long-option", "five-options",
         "no-question", "long-question", "bad-duration"],
)
def test_bad_polls_create_nothing(question, options, days, field, message):
    author = member()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.post_create(
            author=author,
            data=services.PostInput(poll=polls.PollInput(question=question, options=options, duration_days=days)),
        )
    assert any(message in m for m in caught.value.message_dict[field])
    assert counts() == before


def test_a_poll_is_stored_with_its_options_and_closing_time():
    post = poll_post(member(), days=3)
    poll = post.poll
    assert [o.label for o in poll.options.all()] == ["Train", "Bike", "Car"]
    assert abs((poll.closes_at - post.published_at) - timedelta(days=3)) < timedelta(seconds=5)


def test_one_vote_per_member_changeable_with_counts_kept():
    author, voter = member(), member()
    post = poll_post(author)
    train, bike, _car = post.poll.options.all()
    polls.poll_vote(member=voter, post=post, option=train)
    polls.poll_vote(member=voter, post=post, option=train)  # again: nothing changes
    assert PollVote.objects.filter(voter=voter).count() == 1
    polls.poll_vote(member=voter, post=post, option=bike.pk)
    train.refresh_from_db()
    bike.refresh_from_db()
    post.poll.refresh_from_db()
    assert (train.vote_count, bike.vote_count, post.poll.vote_count) == (0, 1, 1)
    assert PollVote.objects.get(voter=voter).option_id == bike.pk


def test_a_vote_on_a_closed_poll_is_refused_and_changes_nothing():
    author, voter = member(), member()
    post = poll_post(author)
    option = post.poll.options.first()
    Poll.objects.filter(pk=post.poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    post = Post.objects.get(pk=post.pk)
    with pytest.raises(ValidationError) as caught:
        polls.poll_vote(member=voter, post=post, option=option)
    assert "This poll is closed" in caught.value.messages[0]
    assert PollVote.objects.count() == 0
    option.refresh_from_db()
    assert option.vote_count == 0


def test_an_option_of_another_poll_is_refused():
    author, voter = member(), member()
    post, other = poll_post(author), poll_post(author)
    with pytest.raises(ValidationError):
        polls.poll_vote(member=voter, post=post, option=other.poll.options.first())
    assert PollVote.objects.count() == 0


VIEWERS = ["author", "connection", "member", "blocked", "anonymous"]
MAY_VOTE = {
    Audience.PUBLIC: {"author", "connection", "member"},
    Audience.MEMBERS: {"author", "connection", "member"},
    Audience.CONNECTIONS: {"author", "connection"},
}


@pytest.fixture
def world():
    author, friend, someone, blocker = member(), member(), member(), member()
    connect(author, friend)
    block(blocker, author)
    return {"author": author, "connection": friend, "member": someone, "blocked": blocker, "anonymous": None}


@pytest.mark.parametrize("audience", list(MAY_VOTE))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_members_who_see_the_post_vote(client, world, audience, viewer):
    post = poll_post(world["author"], audience=audience)
    option = post.poll.options.first()
    if world[viewer] is not None:
        client.force_login(world[viewer])
    response = client.post(reverse("poll_vote", args=[post.public_id]), {"option": option.pk})
    if viewer in MAY_VOTE[audience]:
        assert response.status_code == 302
        assert PollVote.objects.filter(voter=world[viewer]).count() == 1
    else:
        assert response.status_code in (302, 404)
        if viewer == "anonymous":
            assert reverse("account_login") in response["Location"]
        else:
            assert response.status_code == 404
        assert PollVote.objects.count() == 0


def test_a_draft_poll_takes_no_votes(world, client):
    post = poll_post(world["author"], draft=True)
    client.force_login(world["connection"])
    response = client.post(reverse("poll_vote", args=[post.public_id]), {"option": post.poll.options.first().pk})
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        polls.poll_vote(member=world["author"], post=post, option=post.poll.options.first())


def test_results_after_voting_to_the_author_and_once_closed():
    author, voter, other = member(), member(), member()
    post = poll_post(author)
    poll = post.poll
    assert polls.poll_results_for(voter, [poll])[poll.pk].show_results is False
    assert polls.poll_results_for(author, [poll])[poll.pk].show_results is True
    assert polls.poll_results_for(None, poll).show_results is False
    polls.poll_vote(member=voter, post=post, option=poll.options.first())
    poll.refresh_from_db()
    state = polls.poll_results_for(voter, poll)
    assert state.show_results and state.voted and state.total == 1
    assert [r.percent for r in state.options] == [100, 0, 0]
    assert state.options[0].mine
    assert polls.poll_results_for(other, poll).show_results is False
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    poll.refresh_from_db()
    closed = polls.poll_results_for(other, poll)
    assert closed.show_results and closed.closed and not closed.can_vote
    assert closed.options[0].leading


def test_results_for_many_polls_in_two_queries(django_assert_num_queries):
    author, voter = member(), member()
    all_polls = [poll_post(author).poll for _ in range(6)]
    fresh = list(Poll.objects.filter(pk__in=[p.pk for p in all_polls]).select_related("post"))
    with django_assert_num_queries(2):  # options, the viewer's votes
        states = polls.poll_results_for(voter, fresh)
    assert len(states) == 6


def test_vote_with_htmx_returns_the_poll_with_results(client):
    author, voter = member(), member()
    post = poll_post(author)
    option = post.poll.options.all()[1]
    client.force_login(voter)
    response = client.post(reverse("poll_vote", args=[post.public_id]), {"option": option.pk}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="poll-{post.public_id}"' in html
    assert "100%" in html and "Your vote" in html
    assert "Change your vote" in html


def test_vote_on_a_closed_poll_shows_a_clear_message(client):
    author, voter = member(), member()
    post = poll_post(author)
    Poll.objects.filter(pk=post.poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    client.force_login(voter)
    url = reverse("poll_vote", args=[post.public_id])
    response = client.post(url, {"option": post.poll.options.first().pk}, **HTMX)
    assert "This poll is closed" in response.content.decode()
    response = client.post(url, {"option": post.poll.options.first().pk}, follow=True)
    assert "This poll is closed" in response.content.decode()
    assert PollVote.objects.count() == 0


def test_a_scheduled_poll_runs_its_full_duration_from_publication():
    author = member()
    post = poll_post(author, days=1, publish_at=timezone.now() + timedelta(days=2))
    assert post.status == "scheduled"
    services.posts_publish_due()  # not due yet: nothing happens
    post.refresh_from_db()
    assert post.status == "scheduled"
    # Two days later (moved back in time rather than waiting): the post was written two days ago.
    two_days_ago = timezone.now() - timedelta(days=2)
    Post.objects.filter(pk=post.pk).update(created_at=two_days_ago, publish_at=timezone.now() - timedelta(seconds=1))
    Poll.objects.filter(post=post).update(closes_at=two_days_ago + timedelta(days=1))
    services.posts_publish_due()
    post.refresh_from_db()
    poll = Poll.objects.get(post=post)
    assert post.status == "published"
    assert abs(poll.closes_at - (post.published_at + timedelta(days=1))) < timedelta(seconds=5)

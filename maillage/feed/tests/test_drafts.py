"""Drafts and scheduled posts: listed (with their time) for their author only, editable,
published now, rescheduled, moved back to drafts or deleted; the worker's task publishes due
posts, which only then reach other members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.core.management.commands import worker
from maillage.feed import access, polls, services
from maillage.feed.models import Post, PostStatus
from maillage.feed.tasks_composer import posts_publish_due_task

from .composer_files import jpeg
from .factories import connect, member

pytestmark = pytest.mark.django_db


def later(**kw):
    return timezone.now() + timedelta(**kw)


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def draft(author, body="A draft", **kw):
    return services.post_create(author=author, data=services.PostInput(body=body, draft=True, **kw))


def scheduled(author, body="Scheduled", when=None, **kw):
    return services.post_create(
        author=author, data=services.PostInput(body=body, publish_at=when or later(hours=2), **kw)
    )


def test_scheduling_in_the_past_creates_nothing():
    author = member()
    with pytest.raises(ValidationError) as caught:
        scheduled(author, when=timezone.now() - timedelta(minutes=1))
    assert "at least five minutes from now" in caught.value.message_dict["publish_at"][0]
    assert Post.objects.count() == 0


def test_the_task_publishes_due_posts_which_only_then_reach_others():
    author, friend = member(), member()
    connect(author, friend)
    post = scheduled(author, audience="connections")
    assert worker.periodic_tasks().count(posts_publish_due_task) == 1

    posts_publish_due_task.call()  # not due yet
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    assert not access.can_view_post(friend, post)
    assert not access.visible_posts(friend).filter(pk=post.pk).exists()

    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert posts_publish_due_task.call() == 1
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and post.published_at is not None
    assert access.can_view_post(friend, post)
    assert access.visible_posts(friend).filter(pk=post.pk).exists()
    assert posts_publish_due_task.call() == 0  # idempotent


def test_the_worker_batch_mode_runs_the_task(monkeypatch):
    author = member()
    post = scheduled(author)
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    worker.run_periodic_now()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


# --- Pages ------------------------------------------------------------------------------------


def test_drafts_page_lists_drafts_and_scheduled_with_the_time(client):
    author, other = member(), member()
    d = draft(author, "My draft text")
    when = later(days=3)
    s = scheduled(author, "My scheduled text", when=when)
    draft(other, "Someone else's draft")
    client.force_login(author)
    response = client.get(reverse("drafts"))
    html = response.content.decode()
    assert "My draft text" in html and "My scheduled text" in html
    assert "Someone else" not in html
    assert response.context["scheduled"] == [s] and response.context["drafts"] == [d]
    assert "Scheduled for" in html
    assert reverse("draft_edit", args=[d.public_id]) in html


def test_drafts_page_is_empty_with_a_hint(client):
    client.force_login(member())
    html = client.get(reverse("drafts")).content.decode()
    assert "No scheduled posts" in html and "No drafts" in html


def test_drafts_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    author = member()
    client.force_login(author)
    draft(author, images=[(jpeg(size=(20, 20)), "a")])
    scheduled(author, poll=polls.PollInput(question="Q?", options=["A", "B"]))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("drafts"))
    for _ in range(4):
        draft(author, images=[(jpeg(size=(20, 20)), "a")])
        scheduled(author, poll=polls.PollInput(question="Q?", options=["A", "B"]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("drafts"))
    assert len(response.context["drafts"]) == 5


@pytest.mark.parametrize("name", ["draft_edit", "post_publish_now", "draft_schedule", "draft_unschedule", "draft_delete"])
def test_others_get_404_and_change_nothing(client, name):
    author, friend = member(), member()
    connect(author, friend)
    post = scheduled(author)
    client.force_login(friend)
    url = reverse(name, args=[post.public_id])
    assert client.post(url, {"body": "Hacked", "publish_at": local(later(days=1))}).status_code == 404
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED and post.body == "Scheduled"


@pytest.mark.parametrize("name", ["post_publish_now", "draft_schedule", "draft_unschedule", "draft_delete"])
def test_actions_need_login_and_post(client, name):
    author = member()
    post = draft(author)
    url = reverse(name, args=[post.public_id])
    assert reverse("account_login") in client.post(url)["Location"]
    client.force_login(author)
    assert client.get(url).status_code == 405


def test_published_posts_are_not_drafts(client):
    author = member()
    post = services.post_create(author=author, data=services.PostInput(body="Out"))
    client.force_login(author)
    assert client.get(reverse("draft_edit", args=[post.public_id])).status_code == 404
    assert client.post(reverse("draft_delete", args=[post.public_id])).status_code == 404
    assert Post.objects.filter(pk=post.pk).exists()


def test_edit_a_draft_then_schedule_it(client):
    author = member()
    post = draft(author)
    client.force_login(author)
    url = reverse("draft_edit", args=[post.public_id])
    assert "A draft" in client.get(url).content.decode()
    response = client.post(url, {"body": "Better text", "audience": "connections", "publish_at": "", "action": "save"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.body, post.audience, post.status) == ("Better text", "connections", PostStatus.DRAFT)
    when = later(days=2)
    client.post(url, {"body": "Better text", "audience": "connections", "publish_at": local(when), "action": "save"})
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    assert abs(post.publish_at - when) < timedelta(minutes=1)


def test_edit_with_bad_input_changes_nothing(client):
    author = member()
    post = scheduled(author)
    client.force_login(author)
    url = reverse("draft_edit", args=[post.public_id])
    response = client.post(url, {"body": "New", "audience": "public", "publish_at": local(timezone.now() - timedelta(hours=1)), "action": "save"})
    assert response.status_code == 400
    assert "at least five minutes from now" in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Scheduled" and post.status == PostStatus.SCHEDULED  # the text edit rolled back too
    response = client.post(url, {"body": "x" * 3001, "audience": "public", "action": "save"})
    assert response.status_code == 400 and "at most 3000 characters" in response.content.decode()


def test_publish_now_from_the_edit_page_and_the_list(client):
    author = member()
    first, second = draft(author), scheduled(author)
    client.force_login(author)
    client.post(reverse("draft_edit", args=[first.public_id]), {"body": "Now", "audience": "public", "action": "publish"})
    client.post(reverse("post_publish_now", args=[second.public_id]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == PostStatus.PUBLISHED
    assert first.body == "Now"


def test_an_empty_draft_cannot_be_published(client):
    author = member()
    post = draft(author, "")
    client.force_login(author)
    response = client.post(reverse("post_publish_now", args=[post.public_id]), follow=True)
    assert "Write something" in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT


def test_reschedule_cancel_and_delete(client):
    author = member()
    post = scheduled(author)
    client.force_login(author)
    when = later(days=5)
    client.post(reverse("draft_schedule", args=[post.public_id]), {"publish_at": local(when)})
    post.refresh_from_db()
    assert abs(post.publish_at - when) < timedelta(minutes=1)
    response = client.post(reverse("draft_schedule", args=[post.public_id]), {"publish_at": local(timezone.now())}, follow=True)
    assert "at least five minutes from now" in response.content.decode()
    post.refresh_from_db()
    assert abs(post.publish_at - when) < timedelta(minutes=1)
    client.post(reverse("draft_unschedule", args=[post.public_id]))
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT and post.publish_at is None
    client.post(reverse("draft_delete", args=[post.public_id]))
    assert not Post.objects.filter(pk=post.pk).exists()

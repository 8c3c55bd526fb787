"""Browser test: post analytics, the activity page and the notifications page full of feed
notifications, in English and French, on a desktop and a phone — axe finds nothing serious,
nothing scrolls sideways, no script error. With MAILLAGE_SHOTS=<folder>, screenshots are saved
there."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.feed import services
from maillage.feed.impressions import impressions_store
from maillage.feed.models import Post
from maillage.feed.services import PostInput
from maillage.network.tests.factories import connect, follow, member

from .conftest import run_axe
from .test_account_journey import logged_in_context_cookie

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = ["Camille", "Jean", "Léa", "Hugo", "Inès", "Louis", "Chloé", "Nathan", "Manon", "Lucas",
         "Sarah", "Théo", "Emma", "Jules", "Zoé", "Adam"]


def mention(user) -> str:
    return f"@[{user.get_full_name()}]({user.public_id})"


def build():
    me = member(member__first_name="Alice", member__last_name="Moreau", address="alice-moreau")
    people = [member(member__first_name=name, member__last_name="Durand") for name in FIRST]
    for person in people[:6]:
        connect(me, person)
    for person in people[6:]:
        follow(person, me)
    extra = [member() for _ in range(40)]
    for person in extra[:20] + [member() for _ in range(60)]:
        follow(person, me)
    today = timezone.localdate()
    posts = []
    bodies = [
        "Nous recrutons deux développeuses et développeurs pour l'équipe de Lyon — écrivez-moi !",
        "Retour sur la conférence #DjangoCon : trois idées pour des pages plus rapides.",
        "Merci à toutes les personnes venues à notre atelier sur l'accessibilité.",
        "A short note on keyset pagination, and why offsets hurt on big tables.",
    ]
    for index, body in enumerate(bodies):
        post = services.post_create(author=me, data=PostInput(body=body))
        Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(days=12 - 3 * index))
        posts.append(post)
    viewers = people + extra
    rows = []
    for index, post in enumerate(posts):
        for offset in range(12 - 3 * index, -1, -1):
            count = max(0, 30 - 3 * offset - 4 * index) if offset < 10 else 2
            for viewer in viewers[(offset * 7) % 20 : (offset * 7) % 20 + count]:
                rows.append([post.pk, viewer.pk, (today - timedelta(days=offset)).isoformat()])
    impressions_store(rows=rows)
    main = posts[0]
    for person, kind in zip(people[:12], ["like", "celebrate", "love", "like", "insightful", "like",
                                          "support", "funny", "like", "celebrate", "like", "love"], strict=True):
        services.reaction_set(member=person, kind=kind, post=main)
    for person in people[:4]:
        services.comment_create(author=person, post=main, body="Bravo, belle initiative !")
    friend = people[0]
    theirs = services.post_create(author=friend, data=PostInput(body=f"Merci {mention(me)} pour l'atelier"))
    mine = services.comment_create(author=me, post=theirs, body="Avec plaisir, à refaire !")
    services.comment_create(author=people[1], post=theirs, body="Oui, vivement la suite", parent=mine)
    services.reaction_set(member=people[2], kind="love", comment=mine)
    services.repost_create(member=people[3], original=posts[1])
    return me, main


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_analytics_activity_and_notifications_pages(live_server, new_page):
    me, main = build()
    shots = os.environ.get("MAILLAGE_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    pages = {
        "analytics": reverse("post_analytics", args=[main.public_id]),
        "activity": reverse("activity"),
        "notifications": reverse("notifications"),
    }
    cookie = logged_in_context_cookie(me, live_server.url)
    problems = []
    for locale, language in (("en-US", "en"), ("fr-FR", "fr")):
        me.language = language
        me.save(update_fields=["language"])
        for width in (1280, 375):
            page = new_page(locale=locale, width=width, height=900)
            page.context.add_cookies([cookie])
            for name, url in pages.items():
                page.goto(live_server.url + url)
                page.wait_for_load_state("networkidle")
                where = f"{name} {language} {width}px"
                if not no_sideways_scroll(page):
                    problems.append(f"{where}: scrolls sideways")
                for violation in run_axe(page):
                    problems.append(f"{where}: {violation['id']} {violation['nodes']}")
                if shots:
                    page.screenshot(path=f"{shots}/{name}-{language}-{width}.png", full_page=True)
            assert page.js_errors == []
            page.context.close()
    assert problems == [], "\n".join(problems)

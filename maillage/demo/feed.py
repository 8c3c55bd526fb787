"""The demo network's feed: posts of the last five weeks with their comments, reactions, reposts,
polls, hashtags, mentions and the impressions behind their reach — so the home feed is alive on
first start.

Two halves, like the network: `demo_feed_plan(specs, network, now)` decides everything as plain
data (a fixed seed: the same plan for the same members and the same `now`), and
`demo_feed_load(...)` writes it with bulk inserts. Every rule the feed services keep is kept here
from the network plan: nobody comments, reacts, votes, saves or is counted as a viewer on a post
their audience does not include, nor across a block; reposts only of posts shown to the public or
to members, never more widely; counters equal what the rows say; texts are rendered by the
services' own renderer, with mentions resolved.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import feed_catalog as cat
from .catalog import CITIES, SECTORS
from .generate import AS_OF, SEED, MemberSpec
from .network import _FEMALE_FIRST, ADMIN, CAMILLE, FREELANCE, NetworkPlan, pair

PUBLIC, MEMBERS, CONNECTIONS = "public", "members", "connections"
REACTIONS = ("like", "celebrate", "support", "love", "insightful", "funny")
# How often each kind is picked, by topic family (Like most, Celebrate for good news...).
REACTION_WEIGHTS = {
    "default": (60, 9, 5, 8, 15, 3),
    "news": (48, 35, 3, 12, 1, 1),  # launches, new jobs, congratulations, certifications
    "ideas": (55, 3, 3, 6, 32, 1),  # recaps, data, security, articles
    "people": (55, 8, 15, 12, 6, 4),  # remote work, teams, CSR, questions
    "comment": (74, 3, 2, 8, 8, 5),
}
TOPIC_FAMILY = {
    "launch": "news", "newjob": "news", "congrats": "news", "training": "news",
    "recap": "ideas", "data": "ideas", "cyber": "ideas", "article": "ideas",
    "remote": "people", "team": "people", "csr": "people", "question": "people",
}  # fmt: skip
GENERIC_TOPICS = ("hiring", "event", "training", "remote", "csr", "cyber", "data", "article",
                  "question", "team", "congrats", "poll", "recap")  # fmt: skip
NEEDS_EMPLOYER = ("{org}", "{at_org}")
DAYS = 35
TARGET_POSTS = 480  # before reposts
MENTION_MARK = re.compile(r"@@(\d+)")  # a member index in a planned text, replaced by their id


@dataclass
class PollPlan:
    question: str
    options: tuple[str, ...]
    closes_after_days: int
    votes: list[tuple[int, int, float]] = field(default_factory=list)  # voter, option, days ago


@dataclass
class PostPlan:
    author: int
    days_ago: float  # published (drafts: written)
    topic: str
    audience: str
    language: str
    body: str = ""
    mentions: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    repost_of: int | None = None  # index into FeedPlan.posts
    plain_repost: bool = False
    article: int | None = None  # index into feed_catalog.ARTICLES
    preview: bool = True
    poll: PollPlan | None = None
    status: str = "published"
    publish_in_days: float | None = None  # scheduled


@dataclass
class CommentPlan:
    post: int
    author: int
    parent: int | None
    body: str
    mentions: tuple[int, ...]
    days_ago: float


@dataclass
class FeedPlan:
    posts: list[PostPlan] = field(default_factory=list)
    comments: list[CommentPlan] = field(default_factory=list)
    # (member, post index or None, comment index or None, kind, days ago)
    reactions: list[tuple[int, int | None, int | None, str, float]] = field(default_factory=list)
    impressions: set[tuple[int, int, float]] = field(default_factory=set)  # post, viewer, days ago
    follows: list[tuple[int, str]] = field(default_factory=list)  # member, hashtag name
    saved: list[tuple[int, int]] = field(default_factory=list)  # member, post


# --- Who may see what (the audience rules, on the network plan) ------------------------------


class _World:
    def __init__(self, specs: list[MemberSpec], network: NetworkPlan) -> None:
        self.n = len(specs)
        self.adj = network.neighbours()
        self.blocked = {pair(a, b) for a, b in network.blocks}
        self.followers: dict[int, set[int]] = defaultdict(set)
        for a, b in network.follows:
            self.followers[b].add(a)
        for a, b in network.connections:
            self.followers[a].add(b)
            self.followers[b].add(a)
        self.muters: dict[int, set[int]] = defaultdict(set)
        for muter, muted in network.mutes:
            self.muters[muted].add(muter)

    def is_blocked(self, a: int, b: int) -> bool:
        return a != b and pair(a, b) in self.blocked

    def sees(self, viewer: int, post: PostPlan, posts: list[PostPlan]) -> bool:
        if viewer == post.author:
            return True
        if post.status != "published" or self.is_blocked(viewer, post.author):
            return False
        if post.audience == CONNECTIONS and viewer not in self.adj[post.author]:
            return False
        if post.repost_of is not None:
            return self.sees(viewer, posts[post.repost_of], posts)
        return True


# --- Texts ------------------------------------------------------------------------------------


def _a(phrase: str) -> str:
    for article, joined in (("le ", "au "), ("les ", "aux ")):
        if phrase.startswith(article):
            return joined + phrase[len(article) :]
    return "à " + phrase


def _de(phrase: str) -> str:
    for article, joined in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return joined + phrase[len(article) :]
    return "de " + phrase


def _employer(spec: MemberSpec) -> tuple[str, str] | None:
    """(name, French "at" phrase) of the member's current employer; None for freelancers."""
    current = next((p for p in spec.positions if p.end_date is None), None)
    if current is None or current.organization_name in FREELANCE:
        return None
    name = current.organization_name
    for city in CITIES.values():
        for institution, phrase in (*city.institutions, city.hospital):
            if institution == name:
                return name, phrase
    return name, f"chez {name}"


def _sector_of(spec: MemberSpec):
    return next((s for s in SECTORS if spec.industry in (s.industry_fr, s.industry_en)), SECTORS[0])


def _gendered(spec: MemberSpec) -> dict[str, str]:
    female = spec.first_name in _FEMALE_FIRST
    if spec.language != "fr":
        return dict.fromkeys(
            ("e", "ravi", "fier", "heureux", "curieux", "preneur", "interesse"), ""
        )
    return {
        "e": "e" if female else "",
        "ravi": "ravie" if female else "ravi",
        "fier": "fière" if female else "fier",
        "heureux": "heureuse" if female else "heureux",
        "curieux": "curieuse" if female else "curieux",
        "preneur": "preneuse" if female else "preneur",
        "interesse": "intéressée" if female else "intéressé",
    }


def mention_token(spec: MemberSpec, index: int) -> str:
    return f"@[{spec.first_name} {spec.last_name}](@@{index})"


class _Writer:
    def __init__(self, specs: list[MemberSpec], world: _World, rng: random.Random) -> None:
        self.specs = specs
        self.world = world
        self.rng = rng

    def fill(self, template: str, author: int, **extra: str) -> str:
        spec = self.specs[author]
        fr = spec.language == "fr"
        sector = _sector_of(spec)
        interest = self.rng.choice(sector.interests)[0 if fr else 1]
        event = self.rng.choice(cat.SECTOR_EVENTS[sector.key])[0 if fr else 1]
        employer = _employer(spec)
        values = {
            "org": employer[0] if employer else "",
            "at_org": (employer[1] if fr else f"at {employer[0]}") if employer else "",
            "city": spec.city,
            "school": spec.education[0].school if spec.education else "",
            "domain": sector.domain[0 if fr else 1],
            "interest": interest,
            "Interest": interest[:1].upper() + interest[1:],
            "a_interest": _a(interest),
            "event": event,
            "a_event": _a(event),
            "de_event": _de(event),
            "mention": "",
            "url": "",
            "first": "",
            **_gendered(spec),
            **extra,
        }
        return template.format(**values)

    def usable(self, template: str, author: int, mention: bool) -> bool:
        spec = self.specs[author]
        if "{mention}" in template and not mention:
            return False
        if any(m in template for m in NEEDS_EMPLOYER) and _employer(spec) is None:
            return False
        return "{school}" not in template or bool(spec.education)

    def hashtags(self, author: int, topic: str) -> tuple[str, ...]:
        spec = self.specs[author]
        lang = 0 if spec.language == "fr" else 1
        if self.rng.random() < 0.12:
            return ()
        own = list(cat.TOPIC_TAGS[topic][lang])
        tags = self.rng.sample(own, k=min(len(own), self.rng.choice((1, 2, 2, 3))))
        if self.rng.random() < 0.7:
            tags.append(cat.SECTOR_TAGS[_sector_of(spec).key][lang])
        return tuple(dict.fromkeys(tags))


# --- The plan ---------------------------------------------------------------------------------


def demo_feed_plan(specs: list[MemberSpec], network: NetworkPlan, now: datetime) -> FeedPlan:
    rng = random.Random(f"{SEED}:feed")
    world = _World(specs, network)
    writer = _Writer(specs, world, rng)
    plan = FeedPlan()
    n = len(specs)

    _plan_follows(plan, specs, rng)
    tag_followers: dict[str, set[int]] = defaultdict(set)
    for member, tag in plan.follows:
        tag_followers[tag.casefold()].add(member)

    # Who posts: a few very active members, many occasional ones, and lurkers who never do.
    activity = [0.0] * n
    hubs = set(network.hubs)
    for i in range(2, n):
        if rng.random() < 0.35:
            continue
        activity[i] = min(6.0, rng.paretovariate(1.3)) * (1.6 if i in hubs else 1.0)
    target = min(TARGET_POSTS, max(20, int(n * 2.2)))
    authors = rng.choices(range(n), weights=activity, k=target) if any(activity) else []

    used: set[tuple[int, str]] = set()  # (author, template): nobody says the same thing twice
    for author in authors:
        days = _post_days_ago(rng, now)
        post = _plan_post(writer, author, days, rng, used)
        if post is not None:
            plan.posts.append(post)
    _plan_camille(plan, specs, world, writer, now)
    _plan_reposts(plan, specs, world, writer, rng)
    # Oldest first, as they were published (drafts and scheduled posts at the end); reposts
    # point at their original by index, so point again once sorted.
    originals = {id(p): plan.posts[p.repost_of] for p in plan.posts if p.repost_of is not None}
    plan.posts.sort(key=lambda p: (p.status != "published", -p.days_ago))
    position = {id(p): i for i, p in enumerate(plan.posts)}
    for post in plan.posts:
        if post.repost_of is not None:
            post.repost_of = position[id(originals[id(post)])]

    for index, post in enumerate(plan.posts):
        if post.status == "published":
            _plan_engagement(plan, index, post, world, writer, tag_followers, rng, now)
    _plan_saved(plan, world, rng)
    return plan


def _post_days_ago(rng: random.Random, now: datetime) -> float:
    """Recent days are busier; posts go out in working hours."""
    days = DAYS * rng.random() ** 1.6
    moment = now - timedelta(days=days)
    hour = rng.uniform(7.5, 20.5)
    moment = moment.replace(hour=int(hour), minute=int(hour % 1 * 60), second=rng.randrange(60))
    if moment > now - timedelta(minutes=20):
        moment -= timedelta(days=1)
    return max(0.0, (now - moment).total_seconds() / 86400)


def _plan_post(
    writer: _Writer, author: int, days: float, rng: random.Random, used: set[tuple[int, str]]
) -> PostPlan | None:
    spec = writer.specs[author]
    fr = spec.language == "fr"
    sector = _sector_of(spec)
    friends = sorted(writer.world.adj[author])
    topics = list(cat.SECTOR_TOPICS[sector.key]) * 3 + list(GENERIC_TOPICS)
    if _recent_starter(spec):
        topics += ["newjob"] * 6
    posts_by_topic = cat.POSTS_FR if fr else cat.POSTS_EN
    for _attempt in range(12):
        topic = rng.choice(topics)
        mention = bool(friends) and rng.random() < 0.6
        templates = [
            t
            for t in posts_by_topic[topic]
            if writer.usable(t, author, mention) and ((author, t) not in used or topic == "poll")
        ]
        if topic == "article" and not any(a[0] == spec.language for a in cat.ARTICLES):
            templates = []
        if templates:
            break
    else:
        return None
    template = rng.choice(templates)
    used.add((author, template))
    mentions: tuple[int, ...] = ()
    extra = {}
    if "{mention}" in template:
        pool = (
            [f for f in friends if _recent_starter(writer.specs[f])] if topic == "congrats" else []
        )
        other = rng.choice(pool or friends)
        mentions = (other,)
        extra["mention"] = mention_token(writer.specs[other], other)
    article = None
    if topic == "article":
        choices = [i for i, a in enumerate(cat.ARTICLES) if a[0] == spec.language]
        article = rng.choice(choices)
        extra["url"] = cat.ARTICLES[article][1]
    body = writer.fill(template, author, **extra)
    poll = None
    if topic == "poll":
        question, options = rng.choice(cat.POLLS_FR if fr else cat.POLLS_EN)
        poll = PollPlan(question, options, rng.choice((1, 3, 7, 7, 14)))
    tags = writer.hashtags(author, topic)
    if tags:
        body += "\n\n" + " ".join(f"#{t}" for t in tags)
    audience = rng.choices((PUBLIC, MEMBERS, CONNECTIONS), weights=(68, 20, 12))[0]
    if topic in ("hiring", "event", "launch"):
        audience = PUBLIC
    return PostPlan(
        author=author,
        days_ago=days,
        topic=topic,
        audience=audience,
        language=spec.language,
        body=body,
        mentions=mentions,
        tags=tags,
        article=article,
        preview=rng.random() < 0.85,
        poll=poll,
    )


def _recent_starter(spec: MemberSpec) -> bool:
    current = next((p for p in spec.positions if p.end_date is None), None)
    return (
        current is not None
        and current.organization_name not in FREELANCE
        and (AS_OF - current.start_date).days < 150
    )


def _plan_camille(plan, specs, world, writer, now) -> None:
    friends = sorted(world.adj[CAMILLE] - {ADMIN})
    rng = random.Random(f"{SEED}:feed:camille")
    for days, topic, audience, text in cat.CAMILLE_POSTS:
        mentions: tuple[int, ...] = ()
        if "{mention}" in text and friends:
            other = rng.choice(friends)
            mentions = (other,)
            text = text.replace("{mention}", mention_token(specs[other], other))
        plan.posts.append(
            PostPlan(CAMILLE, days, topic, audience, "fr", text, mentions, _tags_in(text))
        )
    days, audience, text, question, options = cat.CAMILLE_POLL
    plan.posts.append(
        PostPlan(CAMILLE, days, "poll", audience, "fr", text, (), _tags_in(text),
                 poll=PollPlan(question, options, 7))
    )  # fmt: skip
    for k, text in enumerate(cat.CAMILLE_DRAFTS):
        plan.posts.append(
            PostPlan(CAMILLE, 2.0 + 3 * k, "draft", PUBLIC, "fr", text, (), _tags_in(text),
                     status="draft")
        )  # fmt: skip
    text = cat.CAMILLE_SCHEDULED
    plan.posts.append(
        PostPlan(CAMILLE, 1.0, "event", PUBLIC, "fr", text, (), _tags_in(text),
                 status="scheduled", publish_in_days=2.4)
    )  # fmt: skip


def _tags_in(text: str) -> tuple[str, ...]:
    from maillage.feed.text import hashtags_in

    return tuple(hashtags_in(text))


def _plan_reposts(plan, specs, world, writer, rng) -> None:
    """About one post in twelve is a repost of a post shown to the public or to members, by
    someone who follows its author; a third of them with a comment of their own."""
    originals = [
        i for i, p in enumerate(plan.posts) if p.status == "published" and p.audience != CONNECTIONS
    ]
    done: set[tuple[int, int]] = set()
    for _ in range(len(plan.posts) // 12):
        index = rng.choice(originals)
        original = plan.posts[index]
        fans = sorted(world.followers[original.author])
        if not fans or original.days_ago < 0.3:
            continue
        member = rng.choice(fans)
        if (member, index) in done or world.is_blocked(member, original.author):
            continue
        done.add((member, index))
        spec = specs[member]
        plain = rng.random() < 0.65
        body = (
            ""
            if plain
            else writer.fill(
                rng.choice(cat.REPOSTS_FR if spec.language == "fr" else cat.REPOSTS_EN), member
            )
        )
        audience = original.audience
        if audience == PUBLIC and rng.random() < 0.2:
            audience = MEMBERS
        plan.posts.append(
            PostPlan(member, original.days_ago * rng.uniform(0.2, 0.9), "repost", audience,
                     spec.language, body, repost_of=index, plain_repost=plain)
        )  # fmt: skip


def _plan_engagement(plan, index, post, world, writer, tag_followers, rng, now) -> None:
    specs = writer.specs
    author = post.author
    posts = plan.posts
    reach = 0.75 if author == CAMILLE else 0.5
    seen: dict[int, float] = {}

    def maybe_see(viewer: int, chance: float) -> None:
        if viewer in seen or viewer == author or viewer in world.muters[author]:
            return
        if rng.random() < chance and world.sees(viewer, post, posts):
            delay = rng.expovariate(1.6)
            # Within the post's age: a post an hour old was seen in the last hour, not at once.
            seen[viewer] = (
                post.days_ago - delay if delay < post.days_ago else post.days_ago * rng.random()
            )

    circle = sorted(world.adj[author] | world.followers[author])
    for viewer in circle:
        maybe_see(viewer, reach)
    if post.audience != CONNECTIONS:
        for tag in post.tags:
            for viewer in sorted(tag_followers.get(tag.casefold(), ())):
                maybe_see(viewer, 0.3)
        for _ in range(rng.randint(0, 6)):
            maybe_see(rng.randrange(world.n), 1.0)
    # Reposts show the original to the reposter's own circle.
    if post.repost_of is not None:
        for viewer in sorted(world.adj[author]):
            maybe_see(viewer, 0.3)

    for viewer, when in seen.items():
        plan.impressions.add((index, viewer, when))
        if rng.random() < 0.25 and when > 1.2:
            plan.impressions.add((index, viewer, when - rng.uniform(1, min(when, 4))))

    family = REACTION_WEIGHTS[TOPIC_FAMILY.get(post.topic, "default")]
    react_chance = 0.3 if author == CAMILLE else 0.2
    viewers = sorted(seen)
    for viewer in viewers:
        if rng.random() < react_chance:
            kind = rng.choices(REACTIONS, weights=family)[0]
            plan.reactions.append((viewer, index, None, kind, _after(rng, seen[viewer])))

    if post.poll is not None:
        closes = post.days_ago - post.poll.closes_after_days
        for viewer in viewers:
            if rng.random() < 0.55 and seen[viewer] > closes:
                choice = rng.choices(
                    range(len(post.poll.options)), weights=range(len(post.poll.options) + 1, 1, -1)
                )[0]
                post.poll.votes.append((viewer, choice, _after(rng, seen[viewer])))

    # Comments, in the commenter's language, about the post's topic; replies one level deep.
    if post.plain_repost:
        return
    topic = post.topic if post.topic in cat.COMMENTS_FR else "article"
    comment_chance = (0.08 if post.topic in ("question", "newjob", "congrats") else 0.035) * (
        1.5 if author == CAMILLE else 1
    )
    commenters = [v for v in viewers if rng.random() < comment_chance][:9]
    for commenter in commenters:
        spec = specs[commenter]
        pool = (cat.COMMENTS_FR if spec.language == "fr" else cat.COMMENTS_EN)[topic]
        when = _after(rng, seen[commenter])
        top = len(plan.comments)
        plan.comments.append(
            CommentPlan(index, commenter, None, writer.fill(rng.choice(pool), commenter), (), when)
        )
        _plan_comment_reactions(plan, top, post, viewers, seen, world, rng)
        if rng.random() < 0.45:
            _plan_reply(plan, index, post, top, author, commenter, when, True, world, writer, rng)
        if rng.random() < 0.15:
            other = rng.choice(viewers)
            if other not in (commenter, author):
                _plan_reply(
                    plan, index, post, top, other, commenter, when, False, world, writer, rng
                )


def _after(rng: random.Random, days_ago: float) -> float:
    """A moment a little after `days_ago` (never in the future)."""
    delay = rng.expovariate(8)
    return days_ago - delay if delay < days_ago else days_ago * rng.random()


def _plan_reply(
    plan, index, post, top, replier, answered, when, by_author, world, writer, rng
) -> None:
    if world.is_blocked(replier, answered) or world.is_blocked(replier, post.author):
        return
    spec = writer.specs[replier]
    fr = spec.language == "fr"
    if by_author:
        pool = cat.AUTHOR_REPLIES_FR if fr else cat.AUTHOR_REPLIES_EN
    else:
        pool = cat.OTHER_REPLIES_FR if fr else cat.OTHER_REPLIES_EN
    template = rng.choice(pool)
    answered_spec = writer.specs[answered]
    mentions: tuple[int, ...] = ()
    if rng.random() < 0.4 and "{first}" in template:
        # Mention the person answered, as the composer writes it.
        first = mention_token(answered_spec, answered)
        mentions = (answered,)
    else:
        first = answered_spec.first_name
    body = writer.fill(template, replier, first=first)
    plan.comments.append(CommentPlan(index, replier, top, body, mentions, _after(rng, when)))


def _plan_comment_reactions(plan, comment, post, viewers, seen, world, rng) -> None:
    commenter = plan.comments[comment].author
    candidates = [post.author, *rng.sample(viewers, k=min(len(viewers), 6))]
    for member in dict.fromkeys(candidates):
        chance = 0.5 if member == post.author else 0.25
        if member == commenter or world.is_blocked(member, commenter) or rng.random() >= chance:
            continue
        kind = rng.choices(REACTIONS, weights=REACTION_WEIGHTS["comment"])[0]
        plan.reactions.append(
            (member, None, comment, kind, _after(rng, plan.comments[comment].days_ago))
        )


def _plan_follows(plan: FeedPlan, specs: list[MemberSpec], rng: random.Random) -> None:
    plan.follows.extend(
        (CAMILLE, tag) for tag in ("accessibilité", "UX", "numérique", "télétravail")
    )
    for member in range(2, len(specs)):
        if rng.random() < 0.45:
            continue
        spec = specs[member]
        lang = 0 if spec.language == "fr" else 1
        sector = _sector_of(spec)
        pool = [cat.SECTOR_TAGS[sector.key][lang]]
        for topic in cat.SECTOR_TOPICS[sector.key]:
            pool.extend(cat.TOPIC_TAGS[topic][lang])
        pool = list(dict.fromkeys(pool))
        for tag in rng.sample(pool, k=min(len(pool), rng.randint(1, 4))):
            plan.follows.append((member, tag))


def _plan_saved(plan: FeedPlan, world: _World, rng: random.Random) -> None:
    seen_by: dict[int, list[int]] = defaultdict(list)
    for post, viewer, _when in sorted(plan.impressions):
        seen_by[viewer].append(post)
    savers = [CAMILLE] * 4 + rng.sample(range(2, world.n), k=min(world.n - 2, 25))
    done = set()
    for member in savers:
        options = sorted(set(seen_by.get(member, ())))
        if options:
            post = rng.choice(options)
            if (member, post) not in done:
                done.add((member, post))
                plan.saved.append((member, post))


# --- Loading ----------------------------------------------------------------------------------


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def demo_feed_load(
    *, specs: list[MemberSpec], users: list, network: NetworkPlan, now: datetime | None = None
) -> FeedPlan | None:
    """Write the feed, dated from `now`, when the demo members have not posted anything yet
    (first start). A refresh leaves an existing feed alone: what members posted, commented or
    reacted since is theirs, and rewriting hundreds of posts would make every refresh slow.
    Runs inside the demo loader's transaction; returns None when there was nothing to do."""
    from django.utils import timezone

    from maillage.feed.models import Post

    if Post.objects.filter(author_id__in=[u.pk for u in users]).exists():
        return None
    now = now or timezone.now()
    plan = demo_feed_plan(specs, network, now)
    _Store(plan, users, now).run()
    return plan


def _insert(model, objs: list) -> None:
    """INSERT model instances as they are (see `_insert_values`)."""
    fields = [f.attname for f in model._meta.local_concrete_fields if not f.primary_key]
    _insert_values(model, fields, [tuple(getattr(o, name) for name in fields) for o in objs])


def _insert_values(model, names: list[str], rows: list[tuple]) -> None:
    """INSERT rows in one `executemany`: unlike bulk_create, the creation dates set on them are
    kept (`auto_now_add` would overwrite them with now), and tens of thousands of reactions and
    impressions cost no model instance each. Values are adapted by the fields' own rules."""
    from django.db import connection, models

    if not rows:
        return
    by_attname = {f.attname: f for f in model._meta.local_concrete_fields}
    fields = [by_attname[name] for name in names]
    ops = connection.ops

    def adapter(f):
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, models.JSONField | models.UUIDField | models.FileField):
            return lambda value, f=f: f.get_db_prep_save(value, connection)
        return None

    adapters = [adapter(f) for f in fields]
    # Table and column names come from the model, values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    if any(adapters):
        rows = [
            tuple(v if a is None or v is None else a(v) for a, v in zip(adapters, row, strict=True))
            for row in rows
        ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class _Store:
    def __init__(self, plan: FeedPlan, users: list, now: datetime) -> None:
        self.plan = plan
        self.now = now
        self.ids = [u.pk for u in users]
        self.rendered: dict[tuple[str, tuple[int, ...]], str] = {}

    def at(self, days_ago: float) -> datetime:
        return self.now - timedelta(days=days_ago)

    def day(self, days_ago: float) -> date:
        from django.utils import timezone

        return timezone.localtime(self.at(days_ago)).date()

    def render(self, body: str, mentions: tuple[int, ...]) -> str:
        """The services' renderer; the many identical short comments are rendered once."""
        from maillage.feed.services import _render

        key = (body, mentions)
        if key not in self.rendered:
            self.rendered[key] = _render(body, [self.people[i] for i in mentions])
        return self.rendered[key]

    def text(self, body: str) -> str:
        return MENTION_MARK.sub(lambda m: str(self.people[int(m.group(1))].public_id), body)

    def run(self) -> None:
        from maillage.accounts.models import User
        from maillage.feed.models import HashtagFollow

        # Hashtag follows are part of the plan (the posts were checked absent by the caller).
        HashtagFollow.objects.filter(member_id__in=self.ids).delete()
        by_pk = {u.pk: u for u in User.objects.filter(pk__in=self.ids).select_related("profile")}
        self.people = [by_pk[pk] for pk in self.ids]
        self._hashtags()
        self._previews()
        self._posts()
        self._polls()
        self._comments()
        self._reactions_and_reach()
        self._recount_hashtags()
        self._camille_notifications()

    def _hashtags(self) -> None:
        from maillage.feed.models import Hashtag
        from maillage.feed.text import hashtag_key, hashtags_in

        names: dict[str, str] = {}
        for post in self.plan.posts:
            for name in hashtags_in(post.body):
                names.setdefault(hashtag_key(name), name)
        for _member, name in self.plan.follows:
            names.setdefault(hashtag_key(name), name)
        Hashtag.objects.bulk_create(
            [Hashtag(key=k, name=v) for k, v in names.items()], ignore_conflicts=True
        )
        self.hashtag_ids = dict(Hashtag.objects.filter(key__in=names).values_list("key", "pk"))

    def _previews(self) -> None:
        from maillage.feed.models import LinkPreview

        wanted = {
            url_hash(url): LinkPreview(
                url=url, url_hash=url_hash(url), status=LinkPreview.Status.READY, title=title,
                description=description, site_name=site, fetched_at=self.now,
            )
            for _lang, url, title, description, site in cat.ARTICLES
        }  # fmt: skip
        LinkPreview.objects.bulk_create(list(wanted.values()), ignore_conflicts=True)
        self.preview_ids = dict(
            LinkPreview.objects.filter(url_hash__in=wanted).values_list("url_hash", "pk")
        )

    def _posts(self) -> None:
        from maillage.feed.models import Mention, Post, PostHashtag
        from maillage.feed.text import hashtag_key, hashtags_in

        plan = self.plan
        reactions: dict[int, list[str]] = defaultdict(list)
        for _member, post, _comment, kind, _when in plan.reactions:
            if post is not None:
                reactions[post].append(kind)
        comments = Counter(c.post for c in plan.comments)
        reposts = Counter(p.repost_of for p in plan.posts if p.repost_of is not None)
        self.impressions = {
            (post, viewer, self.day(when)) for post, viewer, when in plan.impressions
        }
        impressions = Counter(post for post, _viewer, _day in self.impressions)
        viewers = Counter(post for post, _viewer in {(p, v) for p, v, _d in self.impressions})

        rows: list[Post] = []
        for index, p in enumerate(plan.posts):
            body = self.text(p.body)
            when = self.at(p.days_ago)
            kinds = reactions.get(index, [])
            preview = None
            if p.article is not None and p.preview:
                preview = self.preview_ids.get(url_hash(cat.ARTICLES[p.article][1]))
            rows.append(
                Post(
                    author_id=self.ids[p.author],
                    kind="repost" if p.plain_repost else "post",
                    audience=p.audience,
                    body=body,
                    body_html=self.render(body, p.mentions),
                    language=p.language,
                    status=p.status,
                    publish_at=self.at(-p.publish_in_days) if p.publish_in_days else None,
                    published_at=when if p.status == "published" else None,
                    link_preview_id=preview,
                    reaction_count=len(kinds),
                    reaction_counts=dict(Counter(kinds)),
                    comment_count=comments.get(index, 0),
                    repost_count=reposts.get(index, 0),
                    impression_count=impressions.get(index, 0),
                    viewer_count=viewers.get(index, 0),
                    created_at=when,
                    updated_at=when,
                )
            )
        # Originals first: reposts need their primary key.
        originals = [r for r, p in zip(rows, plan.posts, strict=True) if p.repost_of is None]
        _insert(Post, originals)
        found = self._pks(Post, originals)
        answers = []
        for row, p in zip(rows, plan.posts, strict=True):
            if p.repost_of is not None:
                row.repost_of_id = found[rows[p.repost_of].public_id]
                answers.append(row)
        _insert(Post, answers)
        found.update(self._pks(Post, answers))
        self.post_ids = [found[r.public_id] for r in rows]

        links, mentions = [], []
        for index, p in enumerate(plan.posts):
            keys = dict.fromkeys(hashtag_key(name) for name in hashtags_in(p.body))
            links.extend(
                PostHashtag(post_id=self.post_ids[index], hashtag_id=self.hashtag_ids[k])
                for k in keys
                if k
            )
            mentions.extend(
                Mention(post_id=self.post_ids[index], member_id=self.ids[m]) for m in p.mentions
            )
        PostHashtag.objects.bulk_create(links, batch_size=500)
        Mention.objects.bulk_create(mentions, batch_size=500)

    @staticmethod
    def _pks(model, rows) -> dict:
        """Primary keys of rows just inserted, by public id."""
        if not rows:
            return {}
        return dict(
            model.objects.filter(public_id__in=[r.public_id for r in rows]).values_list(
                "public_id", "pk"
            )
        )

    def _polls(self) -> None:
        from maillage.feed.models import Poll, PollOption, PollVote

        polls, options, votes = [], [], []
        planned = [(i, p) for i, p in enumerate(self.plan.posts) if p.poll is not None]
        for index, p in planned:
            counts = Counter(option for _voter, option, _when in p.poll.votes)
            closes = self.at(p.days_ago - p.poll.closes_after_days)
            polls.append(
                Poll(post_id=self.post_ids[index], question=p.poll.question, closes_at=closes,
                     vote_count=len(p.poll.votes))
            )  # fmt: skip
        polls = Poll.objects.bulk_create(polls)
        if polls and polls[0].pk is None:
            by_post = dict(
                Poll.objects.filter(post_id__in=[x.post_id for x in polls]).values_list(
                    "post_id", "pk"
                )
            )
            for poll in polls:
                poll.pk = poll.id = by_post[poll.post_id]
        for poll, (_index, p) in zip(polls, planned, strict=True):
            counts = Counter(option for _voter, option, _when in p.poll.votes)
            for position, label in enumerate(p.poll.options):
                options.append(
                    PollOption(
                        poll_id=poll.pk,
                        position=position,
                        label=label,
                        vote_count=counts.get(position, 0),
                    )
                )
        PollOption.objects.bulk_create(options)
        option_ids = {
            (poll_id, position): pk
            for pk, poll_id, position in PollOption.objects.filter(poll__in=polls).values_list(
                "pk", "poll_id", "position"
            )
        }
        for poll, (_index, p) in zip(polls, planned, strict=True):
            for voter, option, when in p.poll.votes:
                moment = self.at(when)
                votes.append(
                    (poll.pk, option_ids[(poll.pk, option)], self.ids[voter], moment, moment)
                )
        _insert_values(
            PollVote, ["poll_id", "option_id", "voter_id", "created_at", "updated_at"], votes
        )

    def _comments(self) -> None:
        from maillage.feed.models import Comment, Mention

        plan = self.plan
        reactions: dict[int, list[str]] = defaultdict(list)
        for _member, _post, comment, kind, _when in plan.reactions:
            if comment is not None:
                reactions[comment].append(kind)
        replies = Counter(c.parent for c in plan.comments if c.parent is not None)
        rows = []
        for index, c in enumerate(plan.comments):
            body = self.text(c.body)
            when = self.at(c.days_ago)
            kinds = reactions.get(index, [])
            rows.append(
                Comment(
                    post_id=self.post_ids[c.post],
                    author_id=self.ids[c.author],
                    body=body,
                    body_html=self.render(body, c.mentions),
                    reaction_count=len(kinds),
                    reaction_counts=dict(Counter(kinds)),
                    reply_count=replies.get(index, 0),
                    created_at=when,
                    updated_at=when,
                )
            )
        top = [r for r, c in zip(rows, plan.comments, strict=True) if c.parent is None]
        _insert(Comment, top)
        found = self._pks(Comment, top)
        answers = []
        for row, c in zip(rows, plan.comments, strict=True):
            if c.parent is not None:
                row.parent_id = found[rows[c.parent].public_id]
                answers.append(row)
        _insert(Comment, answers)
        found.update(self._pks(Comment, answers))
        self.comment_ids = [found[r.public_id] for r in rows]
        Mention.objects.bulk_create(
            [
                Mention(comment_id=self.comment_ids[i], member_id=self.ids[m])
                for i, c in enumerate(plan.comments)
                for m in c.mentions
            ],
            batch_size=500,
        )

    def _reactions_and_reach(self) -> None:
        from maillage.feed.models import HashtagFollow, PostImpression, Reaction, SavedPost
        from maillage.feed.text import hashtag_key

        rows = []
        for member, post, comment, kind, when in self.plan.reactions:
            moment = self.at(when)
            rows.append((
                self.ids[member],
                self.post_ids[post] if post is not None else None,
                self.comment_ids[comment] if comment is not None else None,
                kind, moment, moment,
            ))  # fmt: skip
        _insert_values(
            Reaction,
            ["member_id", "post_id", "comment_id", "kind", "created_at", "updated_at"],
            rows,
        )
        _insert_values(
            PostImpression,
            ["post_id", "viewer_id", "day"],
            [
                (self.post_ids[post], self.ids[viewer], day)
                for post, viewer, day in sorted(self.impressions)
            ],
        )
        _insert_values(
            SavedPost,
            ["member_id", "post_id", "created_at"],
            [(self.ids[m], self.post_ids[p], self.at(0.5 + p % 5)) for m, p in self.plan.saved],
        )
        follows = {
            (self.ids[m], self.hashtag_ids[hashtag_key(name)]): self.at(20 + m % 30)
            for m, name in self.plan.follows
        }
        _insert_values(
            HashtagFollow,
            ["member_id", "hashtag_id", "created_at"],
            [(m, h, when) for (m, h), when in follows.items()],
        )

    def _recount_hashtags(self) -> None:
        """Hashtag counters from the rows (follows were replaced: any count may move)."""
        from django.db.models import Count, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        from maillage.feed.models import Hashtag, HashtagFollow, PostHashtag

        posts = (
            PostHashtag.objects.filter(hashtag=OuterRef("pk"), post__status="published")
            .values("hashtag").annotate(n=Count("pk")).values("n")
        )  # fmt: skip
        followers = (
            HashtagFollow.objects.filter(hashtag=OuterRef("pk"))
            .values("hashtag").annotate(n=Count("pk")).values("n")
        )  # fmt: skip
        Hashtag.objects.update(
            post_count=Coalesce(Subquery(posts), 0), follower_count=Coalesce(Subquery(followers), 0)
        )

    def _camille_notifications(self, days: float = 14) -> None:
        """What the demo login was told about in the last two weeks — mentions, comments and
        replies, reactions, reposts — sent through the feed's own notification functions (same
        checks, same grouping), in the order it happened, then dated when it happened. Those
        older than two days are read."""
        from django.db.models import Q

        from maillage.feed import notify
        from maillage.feed.models import Comment, Post, Reaction
        from maillage.notifications.models import Kind, Notification

        camille = self.ids[CAMILLE]
        since = self.at(days)
        events = []
        for reaction in Reaction.objects.filter(
            Q(post__author_id=camille) | Q(comment__author_id=camille), created_at__gte=since
        ).select_related("post", "comment", "comment__post"):
            target = reaction.comment or reaction.post
            events.append(
                (reaction.created_at, target, lambda r=reaction: notify.reaction_added(reaction=r))
            )
        mentioned = set(
            Comment.objects.filter(mentions__member_id=camille).values_list("pk", flat=True)
        )
        for comment in Comment.objects.filter(
            Q(post__author_id=camille) | Q(parent__author_id=camille) | Q(pk__in=mentioned),
            created_at__gte=since,
        ).select_related("post", "parent"):
            ids = [camille] if comment.pk in mentioned else []
            events.append(
                (
                    comment.created_at,
                    comment,
                    lambda c=comment, i=ids: notify.comment_created(comment=c, mention_ids=i),
                )
            )
        for post in Post.objects.filter(
            mentions__member_id=camille, status="published", published_at__gte=since
        ).select_related("author"):
            events.append(
                (
                    post.published_at,
                    post,
                    lambda p=post: notify.post_mentions(post=p, member_ids=[camille]),
                )
            )
        for post in Post.objects.filter(
            repost_of__author_id=camille, status="published", published_at__gte=since
        ).select_related("repost_of"):
            events.append((post.published_at, post, lambda p=post: notify.post_reposted(post=p)))
        events.sort(key=lambda e: e[0])
        latest: dict[tuple[str, int], datetime] = {}
        for when, target, send in events:
            send()
            latest[(target._meta.label_lower, target.pk)] = when
            if isinstance(target, Comment):
                latest[("feed.post", target.post_id)] = when
        feed_kinds = [Kind.POST_MENTION, Kind.COMMENT_MENTION, Kind.POST_COMMENT, Kind.COMMENT_REPLY,
                      Kind.POST_REACTION, Kind.COMMENT_REACTION, Kind.POST_REPOST]  # fmt: skip
        rows = list(Notification.objects.filter(recipient_id=camille, kind__in=feed_kinds))
        for row in rows:
            when = latest.get((row.target_type, row.target_id), self.now)
            row.created_at = row.updated_at = when
            row.read_at = when + timedelta(hours=1) if when < self.at(2) else None
        Notification.objects.bulk_update(
            rows, ["created_at", "updated_at", "read_at"], batch_size=500
        )

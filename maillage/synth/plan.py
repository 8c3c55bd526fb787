"""The synthetic network as plain data: members, the graph, posts and engagement.

Pure Python and deterministic: every random choice comes from a `random.Random` stream named
after the seed and the phase (`f"{seed}:graph"`...), and every date is relative to one fixed
`as_of` instant, so the same (members, seed, as_of) always gives the same plan. Members are
numbered from 0 here; their database id is their number + 1 (see load.py).

The shape, in short (see `docs` in the generator's report for the reasoning):

* degree targets are lognormal (mean `MEAN_DEGREE`, sigma `DEGREE_SIGMA`) capped at
  `MAX_DEGREE`: most members have a few dozen connections, a few have thousands;
* each member starts half of their target as connections, each one inside a shared
  organization (current employer in the same city), school, city, or anywhere, in those
  proportions (`CONTEXTS`); the other end is chosen in proportion to its own target
  (preferential attachment), so a member ends up with about their target;
* posting activity is Pareto (most members post rarely or never, a few very often); reactions
  and comments per post are lognormal, scaled by the author's audience.
"""

from __future__ import annotations

import math
import random
from array import array
from bisect import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from maillage.demo import catalog
from maillage.demo import feed as demo_feed
from maillage.demo import feed_catalog as cat
from maillage.demo.extras import ExtrasSpec, member_extras
from maillage.demo.generate import MemberSpec, _Generator, _weighted
from maillage.demo.network import FREELANCE

from . import EMAIL_DOMAIN

PUBLIC, MEMBERS, CONNECTIONS = "public", "members", "connections"

MEAN_DEGREE = 100
DEGREE_SIGMA = 1.1
MAX_DEGREE = 5000
# Where each started connection is looked for: (context, share).
CONTEXTS = (("organization", 0.35), ("school", 0.15), ("city", 0.20), ("anywhere", 0.30))
POSTS_PER_MEMBER = 2.0
MEAN_REACTIONS = 15.0
MEAN_COMMENTS = 3.0
REPOST_SHARE = 1 / 12
JOINED_WITHIN_DAYS = 900


def default_as_of() -> datetime:
    """Today at 00:00 UTC: deterministic within a day (tests pass their own)."""
    today = datetime.now(UTC).date()
    return datetime.combine(today, time(0, 0), tzinfo=UTC)


# --- Members ------------------------------------------------------------------------------------


class _MemberGenerator(_Generator):
    """The demo's career generator with the generator's own stream, half French and half
    English members, numbered e-mail addresses, and employers of Zipf-like sizes (the first
    employers of each list hire the most)."""

    def __init__(self, seed: str) -> None:
        super().__init__()
        self.rng = random.Random(f"{seed}:members")
        self.number = 0

    def email_for(self, first: str, last: str) -> str:
        return f"member{self.number}@{EMAIL_DOMAIN}"

    def person(self) -> dict:
        rng = self.rng
        language = "fr" if rng.random() < 0.5 else "en"
        gender = "f" if rng.random() < 0.5 else "m"
        city = _weighted(rng, catalog.CITY_WEIGHTS[language])
        if language == "fr":
            first = rng.choice(catalog.FR_FIRST_F if gender == "f" else catalog.FR_FIRST_M)
            regional = catalog.FR_LAST_REGIONAL.get(city)
            pool = regional if regional and rng.random() < 0.5 else catalog.FR_LAST
            last = rng.choice(pool)
        else:
            origin = rng.choices(catalog.EN_ORIGINS, weights=[o[0] for o in catalog.EN_ORIGINS])[0]
            first = rng.choice(origin[1] if gender == "f" else origin[2])
            last = rng.choice(origin[3])
        sector = _weighted(rng, [(s.key, s.weight) for s in catalog.SECTORS])
        graduated = rng.choices(
            range(1988, 2026),
            weights=[1 if y < 2000 else 3 if y < 2010 else 4 for y in range(1988, 2026)],
            k=1,
        )[0]
        return {
            "first": first,
            "last": last,
            "gender": gender,
            "language": language,
            "city": city,
            "sector": sector,
            "graduated": graduated,
        }

    def employer(self, sector, title, city) -> tuple[str, str]:
        names = catalog.TITLE_EMPLOYERS.get(title.fr_m) or sector.employers
        name = self.rng.choices(names, weights=[1 / (k + 1) for k in range(len(names))])[0]
        if name == "@public":
            return self.rng.choice(city.institutions)
        if name == "@hospital":
            return city.hospital
        return name, f"chez {name}"


@dataclass
class MemberPlan:
    spec: MemberSpec
    extras: ExtrasSpec
    joined: datetime


def plan_members(count: int, seed: str, as_of: datetime) -> list[MemberPlan]:
    generator = _MemberGenerator(seed)
    rng = random.Random(f"{seed}:joined")
    members = []
    for index in range(count):
        generator.number = index + 1
        spec = generator.member(generator.person(), 0)
        # Index + 2: the demo treats its first two members (its documented logins) apart.
        extras = member_extras(spec, index + 2)
        joined = as_of - timedelta(
            days=rng.randint(1, JOINED_WITHIN_DAYS), minutes=rng.randrange(8 * 60, 20 * 60)
        )
        members.append(MemberPlan(spec=spec, extras=extras, joined=joined))
    return members


# --- The graph ----------------------------------------------------------------------------------


def pair_key(a: int, b: int, n: int) -> int:
    return a * n + b if a < b else b * n + a


def _cluster_keys(member: MemberPlan) -> dict[str, str]:
    spec = member.spec
    current = next((p for p in spec.positions if p.end_date is None), spec.positions[0])
    freelance = current.organization_name in FREELANCE  # "Self-employed" is nobody's colleague
    return {
        "organization": "" if freelance else f"{current.organization_name}|{spec.city}",
        "school": spec.education[0].school if spec.education else "",
        "city": spec.city,
    }


@dataclass
class GraphPlan:
    n: int
    targets: list[int]
    adjacency: list[array]  # each member's connections (member numbers), in the order made
    edge_keys: set[int]  # pair_key of every connection
    blocks: list[tuple[int, int]]  # (blocker, blocked)
    follows: list[tuple[int, int]]  # one-way follows (follower, followed), not connections
    invitations: list[tuple[int, int, int]]  # pending: (sender, recipient, seconds before as_of)

    def connected(self, a: int, b: int) -> bool:
        return pair_key(a, b, self.n) in self.edge_keys

    def degree(self, member: int) -> int:
        return len(self.adjacency[member])


def degree_targets(n: int, rng: random.Random) -> list[int]:
    mean = min(MEAN_DEGREE, max(3.0, n / 10))
    cap = min(MAX_DEGREE, max(2, n // 3))
    mu = math.log(mean) - DEGREE_SIGMA**2 / 2
    return [max(1, min(cap, round(rng.lognormvariate(mu, DEGREE_SIGMA)))) for _ in range(n)]


def plan_graph(members: list[MemberPlan], seed: str) -> GraphPlan:
    n = len(members)
    rng = random.Random(f"{seed}:graph")
    targets = degree_targets(n, rng)

    # Blocks first: no connection or follow is ever made across one.
    blocks: list[tuple[int, int]] = []
    blocked: set[int] = set()
    for _ in range(max(1, n // 400) if n > 1 else 0):
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b and pair_key(a, b, n) not in blocked:
            blocked.add(pair_key(a, b, n))
            blocks.append((a, b))

    clusters: dict[str, dict[str, list[int]]] = {c: defaultdict(list) for c, _ in CONTEXTS[:3]}
    keys = [_cluster_keys(m) for m in members]
    for i, own in enumerate(keys):
        for context, key in own.items():
            if key:
                clusters[context][key].append(i)
    cumulative: dict[tuple[str, str], list[float]] = {}
    for context, groups in clusters.items():
        for key, ids in groups.items():
            cumulative[(context, key)] = list(accumulate(targets[i] for i in ids))
    everyone = list(range(n))
    everyone_cum = list(accumulate(targets))
    context_names = [c for c, _ in CONTEXTS]
    context_cum = list(accumulate(share for _, share in CONTEXTS))

    cap = max(targets)  # nobody grows past the largest target (hubs stay below MAX_DEGREE)
    adjacency = [array("i") for _ in range(n)]
    edges: set[int] = set()
    rnd = rng.random
    for i in range(n):
        wanted = (targets[i] + 1) // 2
        by_context = Counter(
            context_names[bisect(context_cum, rnd() * context_cum[-1])] for _ in range(wanted)
        )
        # Draws that find nobody new in a small circle move on to the next, wider one
        # (organization, school, city, then anywhere), a few rounds each.
        missed = 0
        for context in context_names:
            k = by_context.get(context, 0) + missed
            missed = 0
            if not k:
                continue
            if context == "anywhere" or not keys[i][context]:
                pool, cum = everyone, everyone_cum
            else:
                key = keys[i][context]
                pool, cum = clusters[context][key], cumulative[(context, key)]
                if len(pool) < 2:
                    missed = k
                    continue
            for _round in range(3):
                failed = 0
                for j in rng.choices(pool, cum_weights=cum, k=k):
                    code = i * n + j if i < j else j * n + i
                    if j == i or code in edges or code in blocked or len(adjacency[j]) >= cap:
                        failed += 1
                        continue
                    edges.add(code)
                    adjacency[i].append(j)
                    adjacency[j].append(i)
                if not failed or (context != "anywhere" and failed == k):
                    break
                k = failed
            missed = failed

    # One-way follows: members following popular members they are not connected to.
    popularity = list(accumulate(len(a) ** 1.5 + 1 for a in adjacency))
    follows: list[tuple[int, int]] = []
    followed: set[int] = set()
    for _ in range(2 * n):
        a = rng.randrange(n)
        b = rng.choices(everyone, cum_weights=popularity)[0]
        code_ab = a * n + b
        pk = pair_key(a, b, n)
        if a == b or pk in edges or pk in blocked or code_ab in followed:
            continue
        followed.add(code_ab)
        follows.append((a, b))

    # Pending invitations, mostly within a city, a few weeks old at most.
    invitations: list[tuple[int, int, int]] = []
    invited: set[int] = set()
    for _ in range(max(1, n // 25)):
        a = rng.randrange(n)
        city = clusters["city"][keys[a]["city"]]
        b = rng.choice(city) if len(city) > 1 and rnd() < 0.8 else rng.randrange(n)
        pk = pair_key(a, b, n)
        if a == b or pk in edges or pk in blocked or pk in invited:
            continue
        invited.add(pk)
        invitations.append((a, b, rng.randrange(3600, 20 * 86400)))

    return GraphPlan(
        n=n,
        targets=targets,
        adjacency=adjacency,
        edge_keys=edges,
        blocks=blocks,
        follows=follows,
        invitations=invitations,
    )


def connection_moment(a: int, b: int, members: list[MemberPlan], as_of: datetime) -> datetime:
    """When two members connected: between the later of their joining dates and yesterday,
    at a point fixed by the pair (the same for both rows, without storing it)."""
    lo, hi = (a, b) if a < b else (b, a)
    share = ((lo * 2654435761 + hi * 40503) % 100003) / 100003
    since = max(members[a].joined, members[b].joined)
    span = (as_of - timedelta(days=1) - since).total_seconds()
    return since + timedelta(seconds=int(max(0.0, span) * share))


# --- Content ------------------------------------------------------------------------------------


@dataclass
class PostPlan:
    author: int
    at: datetime
    topic: str
    audience: str
    language: str
    body: str
    tags: tuple[str, ...] = ()
    repost_of: int | None = None  # index into ContentPlan.posts (always an earlier one)
    plain_repost: bool = False
    article: int | None = None  # index into feed_catalog.ARTICLES
    poll: tuple[str, tuple[str, ...], int] | None = None  # question, options, days open


@dataclass
class CommentPlan:
    post: int
    author: int
    parent: int | None  # index into ContentPlan.comments (a top-level comment)
    body: str
    at: datetime


@dataclass
class ContentPlan:
    posts: list[PostPlan] = field(default_factory=list)
    comments: list[CommentPlan] = field(default_factory=list)
    # (member, post index or None, comment index or None, kind, when)
    reactions: list[tuple[int, int | None, int | None, str, datetime]] = field(
        default_factory=list
    )
    hashtag_follows: list[tuple[int, str]] = field(default_factory=list)  # member, tag name


class _NoMentions:
    """The demo's post planner mentions a connection when it is given some; synthetic posts
    mention nobody (a mention needs its member's row to render), so it is given none."""

    def __getitem__(self, member: int) -> frozenset:
        return frozenset()


class _World:
    adj = _NoMentions()


def _post_moment(rng: random.Random, as_of: datetime, days: int, joined: datetime) -> datetime:
    """Recent days a little busier; posts go out in working hours, never before joining."""
    day = int(days * rng.random() ** 1.3)
    moment = as_of - timedelta(days=day + 1) + timedelta(seconds=rng.randint(7 * 3600, 21 * 3600))
    if moment <= joined:
        moment = joined + timedelta(seconds=rng.randint(600, 86400))
    return min(moment, as_of - timedelta(minutes=10))


def _after(rng: random.Random, moment: datetime, as_of: datetime, mean_hours: float) -> datetime:
    """A moment after `moment` (exponential delay), before `as_of`."""
    room = (as_of - moment).total_seconds()
    delay = rng.expovariate(1 / (mean_hours * 3600))
    if delay >= room:
        delay = room * rng.random()
    return moment + timedelta(seconds=int(delay))


def plan_content(
    members: list[MemberPlan], graph: GraphPlan, seed: str, as_of: datetime, days: int
) -> ContentPlan:
    n = len(members)
    specs = [m.spec for m in members]
    rng = random.Random(f"{seed}:content")
    writer = demo_feed._Writer(specs, _World(), rng)
    plan = ContentPlan()
    blocked = {pair_key(a, b, n) for a, b in graph.blocks}
    followers: dict[int, list[int]] = defaultdict(list)
    for a, b in graph.follows:
        followers[b].append(a)

    # Followed hashtags (as the demo: a few from the member's sector and its topics).
    for member in range(n):
        if rng.random() < 0.45:
            continue
        spec = specs[member]
        lang = 0 if spec.language == "fr" else 1
        sector = demo_feed._sector_of(spec)
        pool = [cat.SECTOR_TAGS[sector.key][lang]]
        for topic in cat.SECTOR_TOPICS[sector.key]:
            pool.extend(cat.TOPIC_TAGS[topic][lang])
        pool = list(dict.fromkeys(pool))
        for tag in rng.sample(pool, k=min(len(pool), rng.randint(1, 4))):
            plan.hashtag_follows.append((member, tag))

    # Who posts: 40% never; the others by a Pareto activity, more for well-connected members.
    activity = [0.0] * n
    for i in range(n):
        if rng.random() < 0.4:
            continue
        activity[i] = min(60.0, rng.paretovariate(1.2)) * (1 + graph.degree(i) / 400)
    originals = round(n * POSTS_PER_MEMBER * (1 - REPOST_SHARE))
    authors = rng.choices(range(n), weights=activity, k=originals) if any(activity) else []
    drafted = []
    used: set[tuple[int, str]] = set()
    for author in authors:
        post = demo_feed._plan_post(writer, author, 0.0, rng, used)
        if post is None:
            # A prolific author has used every template once: say something again.
            post = demo_feed._plan_post(writer, author, 0.0, rng, set())
        if post is None:
            continue
        at = _post_moment(rng, as_of, days, members[author].joined)
        drafted.append(
            PostPlan(
                author=author,
                at=at,
                topic=post.topic,
                audience=post.audience,
                language=post.language,
                body=post.body,
                tags=post.tags,
                article=post.article if post.preview else None,
                poll=(post.poll.question, post.poll.options, post.poll.closes_after_days)
                if post.poll
                else None,
            )
        )

    # Reposts of posts shown to the public or to members, by people who follow their author.
    shareable = [i for i, p in enumerate(drafted) if p.audience != CONNECTIONS]
    done: set[tuple[int, int]] = set()
    for _ in range(round(len(drafted) * REPOST_SHARE / (1 - REPOST_SHARE))):
        if not shareable:
            break
        index = rng.choice(shareable)
        original = drafted[index]
        circle = graph.adjacency[original.author]
        fans = followers.get(original.author, [])
        if not circle and not fans:
            continue
        member = rng.choice(fans) if fans and (not circle or rng.random() < 0.3) else circle[
            rng.randrange(len(circle))
        ]
        if (member, index) in done or pair_key(member, original.author, n) in blocked:
            continue
        done.add((member, index))
        spec = specs[member]
        plain = rng.random() < 0.65
        body = ""
        if not plain:
            pool = cat.REPOSTS_FR if spec.language == "fr" else cat.REPOSTS_EN
            body = writer.fill(rng.choice(pool), member)
        audience = original.audience
        if audience == PUBLIC and rng.random() < 0.2:
            audience = MEMBERS
        drafted.append(
            PostPlan(
                author=member,
                at=_after(rng, max(original.at, members[member].joined), as_of, 30),
                topic="repost",
                audience=audience,
                language=spec.language,
                body=body,
                repost_of=index,
                plain_repost=plain,
            )
        )
    # Oldest first (ids follow publication); reposts point again at their original.
    order = sorted(range(len(drafted)), key=lambda i: (drafted[i].at, i))
    position = {old: new for new, old in enumerate(order)}
    plan.posts = [drafted[i] for i in order]
    for post in plan.posts:
        if post.repost_of is not None:
            post.repost_of = position[post.repost_of]

    mean_degree = max(1.0, sum(graph.degree(i) for i in range(n)) / max(1, n))
    for index, post in enumerate(plan.posts):
        _plan_engagement(plan, index, post, members, graph, followers, blocked, rng, as_of,
                         writer, mean_degree)  # fmt: skip
    # Ids follow time, as the comments were written; parents and reactions point again.
    order = sorted(range(len(plan.comments)), key=lambda i: (plan.comments[i].at, i))
    position = {old: new for new, old in enumerate(order)}
    plan.comments = [plan.comments[i] for i in order]
    for comment in plan.comments:
        if comment.parent is not None:
            comment.parent = position[comment.parent]
    plan.reactions = [
        (member, post, position[comment] if comment is not None else None, kind, when)
        for member, post, comment, kind, when in plan.reactions
    ]
    return plan


def _engagement_pool(post, members, graph, followers, blocked, n, rng, wanted, posts):
    """Up to `wanted` distinct members who may see the post, mostly from the author's circle."""
    author = post.author
    circle = graph.adjacency[author]
    fans = followers.get(author, ())
    others_allowed = post.audience != CONNECTIONS
    original_author = posts[post.repost_of].author if post.repost_of is not None else None
    chosen: dict[int, None] = {}
    attempts = 0
    while len(chosen) < wanted and attempts < wanted * 3:
        attempts += 1
        roll = rng.random()
        if circle and (roll < 0.8 or not others_allowed):
            member = circle[rng.randrange(len(circle))]
        elif fans and others_allowed and roll < 0.9:
            member = fans[rng.randrange(len(fans))]
        elif others_allowed:
            member = rng.randrange(n)
        else:
            break
        if member == author or member in chosen or pair_key(member, author, n) in blocked:
            continue
        if original_author is not None and (
            member == original_author or pair_key(member, original_author, n) in blocked
        ):
            continue
        chosen[member] = None
    return list(chosen)


def _plan_engagement(plan, index, post, members, graph, followers, blocked, rng, as_of, writer,
                     mean_degree) -> None:  # fmt: skip
    n = len(members)
    specs = writer.specs
    reach = math.sqrt((graph.degree(post.author) + 10) / (mean_degree + 10))
    sigma = 1.0
    mu = math.log(MEAN_REACTIONS * reach) - sigma**2 / 2
    reactions = int(rng.lognormvariate(mu, sigma))
    comments = 0 if post.plain_repost else int(
        reactions * MEAN_COMMENTS / MEAN_REACTIONS * rng.lognormvariate(-0.125, 0.5) + rng.random()
    )
    wanted = max(reactions, comments)
    if not wanted:
        return
    pool = _engagement_pool(post, members, graph, followers, blocked, n, rng, wanted, plan.posts)
    weights = demo_feed.REACTION_WEIGHTS[demo_feed.TOPIC_FAMILY.get(post.topic, "default")]
    for member in pool[:reactions]:
        when = _after(rng, max(post.at, members[member].joined), as_of, 20)
        kind = rng.choices(demo_feed.REACTIONS, weights=weights)[0]
        plan.reactions.append((member, index, None, kind, when))

    if not comments:
        return
    topic = post.topic if post.topic in cat.COMMENTS_FR else "article"
    commenters = rng.sample(pool, k=min(comments, len(pool)))
    tops: list[int] = []
    for commenter in commenters:
        spec = specs[commenter]
        at = _after(rng, max(post.at, members[commenter].joined), as_of, 24)
        parent = None
        if tops and rng.random() < 0.25:
            candidate = tops[rng.randrange(len(tops))]
            answered = plan.comments[candidate].author
            if answered != commenter and pair_key(commenter, answered, n) not in blocked:
                parent = candidate
        if parent is None:
            pool_texts = (cat.COMMENTS_FR if spec.language == "fr" else cat.COMMENTS_EN)[topic]
            body = writer.fill(rng.choice(pool_texts), commenter)
        else:
            pool_texts = cat.OTHER_REPLIES_FR if spec.language == "fr" else cat.OTHER_REPLIES_EN
            answered_spec = specs[plan.comments[parent].author]
            body = writer.fill(rng.choice(pool_texts), commenter, first=answered_spec.first_name)
            at = max(at, plan.comments[parent].at + timedelta(seconds=60))
            at = min(at, as_of - timedelta(seconds=1))
        plan.comments.append(CommentPlan(index, commenter, parent, body, at))
        me = len(plan.comments) - 1
        if parent is None:
            tops.append(me)
            # The author often thanks the commenter.
            if rng.random() < 0.3 and pair_key(post.author, commenter, n) not in blocked:
                author_spec = specs[post.author]
                replies = (
                    cat.AUTHOR_REPLIES_FR if author_spec.language == "fr" else cat.AUTHOR_REPLIES_EN
                )
                reply_at = min(_after(rng, at, as_of, 6), as_of - timedelta(seconds=1))
                body = writer.fill(rng.choice(replies), post.author, first=spec.first_name)
                plan.comments.append(CommentPlan(index, post.author, me, body, reply_at))
        # A few likes on the comment, from the post's author or its other reactors.
        for liker in (post.author, *pool[:3]):
            if liker == commenter or pair_key(liker, commenter, n) in blocked:
                continue
            if rng.random() < (0.35 if liker == post.author else 0.1):
                kind = rng.choices(demo_feed.REACTIONS, weights=demo_feed.REACTION_WEIGHTS["comment"])[0]
                plan.reactions.append(
                    (liker, None, me, kind, min(_after(rng, at, as_of, 8), as_of))
                )


# --- Everything ---------------------------------------------------------------------------------


@dataclass
class SynthPlan:
    seed: str
    as_of: datetime
    days: int
    members: list[MemberPlan]
    graph: GraphPlan
    content: ContentPlan


def plan_all(*, members: int, seed: str | int, as_of: datetime, days: int = 90,
             progress=None) -> SynthPlan:  # fmt: skip
    seed = str(seed)

    def step(name, make):
        result = make()
        if progress:
            progress(name)
        return result

    people = step("plan members", lambda: plan_members(members, seed, as_of))
    graph = step("plan graph", lambda: plan_graph(people, seed))
    content = step("plan content", lambda: plan_content(people, graph, seed, as_of, days))
    return SynthPlan(seed=seed, as_of=as_of, days=days, members=people, graph=graph,
                     content=content)  # fmt: skip


def as_of_from(text: str | None) -> datetime:
    """`--as-of 2026-12-07` (a day, 00:00 UTC) or a full ISO instant; default today 00:00 UTC."""
    if not text:
        return default_as_of()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(0, 0), tzinfo=UTC)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

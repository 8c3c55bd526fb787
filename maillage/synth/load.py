"""Writing a synthetic plan into an empty, migrated database, fast.

Rows are streamed to the database with explicit ids (member number + 1, then each table in
order), so a plan always gives the same rows with the same ids: COPY FROM STDIN on PostgreSQL,
one `executemany` per batch on SQLite, all inside one transaction. The rows have the shapes the
services write (both rows of a connection with one date, connected members following each
other, counters equal to the rows, bodies rendered by the feed's own renderer, search entries
built by the search index's own rules); afterwards the id sequences are moved past the ids used
and the planner gets fresh statistics (ANALYZE; on PostgreSQL VACUUM ANALYZE, see `finish`).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from . import SYNTH_PASSWORD
from .plan import SynthPlan, connection_moment

BATCH = 5000


class NotEmptyError(Exception):
    """The database already has members: the generator only fills an empty one."""


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    phases: list[tuple[str, float]] = field(default_factory=list)
    models: list = field(default_factory=list)  # every model a row was written for


def _ids(seed: str, table: str):
    """Public ids for one table, from the seed: the same plan gives the same UUIDs."""
    rng = random.Random(f"{seed}:uuid:{table}")
    bits = rng.getrandbits
    while True:
        yield uuid.UUID(int=bits(128), version=4)


class _Writer:
    """Streams rows into one table: the given columns, then every other column at its default."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.ops = connection.ops
        self.models: set = set()

    def write(self, model, columns: list[str], rows: Iterable[tuple]) -> int:
        self.models.add(model)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        fields = [by_attname[name] for name in columns]
        rest = [f for f in model._meta.concrete_fields if f.attname not in columns]
        extra = tuple(self._default(model, f) for f in rest)
        fields += rest
        names = ", ".join(self.ops.quote_name(f.column) for f in fields)
        table = self.ops.quote_name(model._meta.db_table)
        if self.vendor == "postgresql":
            return self._copy(table, names, rows, extra)
        return self._insert(table, names, fields, rows, extra)

    def _default(self, model, f):
        if f.default is uuid.uuid4 or (f.has_default() and callable(f.default) and f.default
                                       not in (dict, list)):  # fmt: skip
            raise ValueError(f"{model.__name__}.{f.name} needs a value (its default is random)")
        value = f.get_default()
        if isinstance(f, models.JSONField):
            return json.dumps(value)
        if value is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.name} needs a value")
        if self.vendor != "postgresql":
            adapt = self._adapters([f])[0]
            return adapt(value) if adapt and value is not None else value
        return value

    def _copy(self, table: str, names: str, rows: Iterable[tuple], extra: tuple) -> int:
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
                write = copy.write_row
                if extra:
                    for row in rows:
                        write(row + extra)
                        count += 1
                else:
                    for row in rows:
                        write(row)
                        count += 1
        return count

    def _adapters(self, fields) -> list[Callable | None]:
        """How SQLite wants each value (None: as it is)."""
        ops = self.ops
        result: list[Callable | None] = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                result.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                result.append(ops.adapt_datefield_value)
            elif isinstance(f, models.UUIDField):
                result.append(lambda value: value.hex)
            else:
                result.append(None)
        return result

    def _insert(self, table, names, fields, rows, extra) -> int:
        given = fields[: len(fields) - len(extra)]
        adapters = [(i, a) for i, a in enumerate(self._adapters(given)) if a is not None]
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        count = 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                if adapters:
                    row = list(row)
                    for i, adapt in adapters:
                        if row[i] is not None:
                            row[i] = adapt(row[i])
                    row = tuple(row)
                batch.append(row + extra)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    def defer_checks(self, models_to_write) -> None:
        """PostgreSQL: drop the foreign keys, unique constraints and secondary indexes of the
        tables about to be filled, to build them once afterwards (`restore_checks`). Building an
        index over ten million sorted rows is many times faster than growing it row by row, and
        a foreign key added to a full table is checked with one join instead of a trigger per
        row at commit. Everything happens inside the load's transaction: on failure, the
        database is left as it was."""
        self.dropped: list[str] = []
        if self.vendor != "postgresql":
            return
        tables = [m._meta.db_table for m in models_to_write]
        with connection.cursor() as cursor:
            # A table with foreign-key checks still queued cannot be altered: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype IN ('f', 'u') "
                "AND conrelid::regclass::text = ANY(%s) ORDER BY contype, conrelid, conname",
                [tables],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [tables],
            )
            indexes = cursor.fetchall()
            q = self.ops.quote_name
            # Foreign keys first (they may lean on the unique constraints), then the rest.
            for table, name, _kind, _definition in sorted(constraints, key=lambda c: c[2] != "f"):
                cursor.execute(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {q(name)}")
            # Unique constraints and indexes first, foreign keys last.
            self.dropped = [definition for _name, definition in indexes] + [
                f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(name)} {definition}"
                for table, name, _kind, definition in sorted(constraints, key=lambda c: c[2] == "f")
            ]

    def restore_checks(self) -> None:
        if not self.dropped:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for sql in self.dropped:
                cursor.execute(sql)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them
        self.dropped = []

    def finish(self) -> None:
        """Move every id sequence past the ids written, then refresh the planner's statistics.

        On PostgreSQL, VACUUM as well when no transaction is open (it cannot run inside one, and
        tests run inside one): rows written by COPY are not yet marked all-visible, so until
        autovacuum passes the planner cannot use index-only scans, and the first benchmark
        would measure a database no live instance looks like."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for sql in self.ops.sequence_reset_sql(no_style(), sorted(self.models, key=str)):
                    cursor.execute(sql)
                if not connection.in_atomic_block:
                    cursor.execute("VACUUM (ANALYZE)")
                    return
            cursor.execute("ANALYZE")


def load_plan(plan: SynthPlan, *, out: Callable[[str], None] | None = None) -> LoadReport:
    """Write `plan` into the database, which must have no member yet."""
    from maillage.accounts.models import User

    if User.objects.exists():
        raise NotEmptyError(
            "The database already has members; `generate` only fills an empty database."
        )
    report = LoadReport()
    started = time.monotonic()
    last = [started]

    def phase(name: str, counts: dict[str, int]) -> None:
        now = time.monotonic()
        report.phases.append((name, now - last[0]))
        report.rows.update(counts)
        if out:
            shown = ", ".join(f"{k} {v:,}" for k, v in counts.items())
            out(f"{name:<12} {now - last[0]:7.1f} s  (total {now - started:7.1f} s)  {shown}")
        last[0] = now

    writer = _Writer()
    loader = _Loader(plan, writer)
    with transaction.atomic():
        writer.defer_checks(loader.models())
        phase("members", loader.members())
        phase("profiles", loader.profiles())
        phase("graph", loader.graph())
        phase("content", loader.content())
        phase("search", loader.search())
        writer.restore_checks()
        phase("indexes", {})
    phase("commit", {})
    writer.finish()
    phase("statistics", {})
    report.models = sorted(writer.models, key=lambda m: m._meta.label)
    return report


def _json(counts: Counter) -> str:
    return json.dumps(dict(sorted(counts.items())))


class _Loader:
    def __init__(self, plan: SynthPlan, writer: _Writer) -> None:
        self.plan = plan
        self.w = writer
        self.seed = plan.seed
        self.people = plan.members
        self.n = len(plan.members)

    @staticmethod
    def models() -> list:
        """Every model this loader writes."""
        from allauth.account.models import EmailAddress

        from maillage.accounts.models import User
        from maillage.feed import models as feed
        from maillage.network import models as network
        from maillage.notifications.models import Notification
        from maillage.profiles import models as profiles
        from maillage.search.models import SearchEntry, SearchTerm

        return [
            User, EmailAddress, profiles.Profile, profiles.Position, profiles.Education,
            profiles.Skill, profiles.ProfileSkill, profiles.SpokenLanguage,
            profiles.Certification, profiles.ProfileLink, profiles.ContactEntry,
            profiles.WorkEmail, network.Connection, network.Follow, network.Block,
            network.Invitation, Notification, feed.Hashtag, feed.HashtagFollow,
            feed.LinkPreview, feed.Post, feed.PostHashtag, feed.Poll, feed.PollOption,
            feed.Comment, feed.Reaction, SearchEntry, SearchTerm,
        ]  # fmt: skip

    # --- Members and profiles -------------------------------------------------------------------

    def members(self) -> dict[str, int]:
        from allauth.account.models import EmailAddress

        from maillage.accounts.models import User, fold_for_search

        # Hashed once (the configured hasher is slow on purpose), with a salt from the seed so
        # the same plan gives the same row.
        salt = hashlib.sha256(f"{self.seed}:password".encode()).hexdigest()[:22]
        password = make_password(SYNTH_PASSWORD, salt=salt)
        ids = _ids(self.seed, "user")
        users = self.w.write(
            User,
            ["id", "password", "public_id", "email", "first_name", "last_name", "search_name",
             "language", "is_active", "is_staff", "is_superuser", "date_joined"],
            (
                (i + 1, password, next(ids), m.spec.email, m.spec.first_name, m.spec.last_name,
                 fold_for_search(f"{m.spec.first_name} {m.spec.last_name}".strip()),
                 m.spec.language, True, False, False, m.joined)
                for i, m in enumerate(self.people)
            ),
        )  # fmt: skip
        addresses = self.w.write(
            EmailAddress,
            ["id", "user_id", "email", "verified", "primary"],
            ((i + 1, i + 1, m.spec.email, True, True) for i, m in enumerate(self.people)),
        )
        return {"users": users, "email addresses": addresses}

    def profiles(self) -> dict[str, int]:
        from maillage.profiles.models import (
            Certification,
            ContactEntry,
            Education,
            Position,
            Profile,
            ProfileLink,
            ProfileSkill,
            Skill,
            SpokenLanguage,
            WorkEmail,
            skill_key,
        )
        from maillage.profiles.selectors import SECTIONS

        people, w, seed = self.people, self.w, self.seed
        audiences = [f"{s}_audience" for s in SECTIONS]
        ids = _ids(seed, "profile")
        counts = {}
        counts["profiles"] = w.write(
            Profile,
            ["id", "member_id", "public_id", "created_at", "updated_at", "headline", "about",
             "city", "region", "country", "industry", "address", "browsing_mode", *audiences],
            (
                (i + 1, i + 1, next(ids), m.joined, m.joined, m.spec.headline, m.spec.about,
                 m.spec.city, m.spec.region, m.spec.country, m.spec.industry, m.extras.address,
                 m.extras.browsing_mode,
                 *(m.extras.audiences.get(name, "public") for name in audiences))
                for i, m in enumerate(people)
            ),
        )  # fmt: skip

        def numbered(table, rows_of):
            uuids = _ids(seed, table) if table else None
            k = 0
            for i, m in enumerate(people):
                for row in rows_of(i, m):
                    k += 1
                    yield (k, next(uuids), *row) if uuids else (k, *row)

        counts["positions"] = w.write(
            Position,
            ["id", "public_id", "profile_id", "created_at", "updated_at", "title",
             "organization_name", "location", "start_date", "end_date", "description"],
            numbered("position", lambda i, m: (
                (i + 1, m.joined, m.joined, p.title, p.organization_name, p.location,
                 p.start_date, p.end_date, p.description)
                for p in m.spec.positions
            )),
        )  # fmt: skip
        counts["education"] = w.write(
            Education,
            ["id", "public_id", "profile_id", "created_at", "updated_at", "school", "degree",
             "field_of_study", "start_year", "end_year"],
            numbered("education", lambda i, m: (
                (i + 1, m.joined, m.joined, e.school, e.degree, e.field_of_study, e.start_year,
                 e.end_year)
                for e in m.spec.education
            )),
        )  # fmt: skip
        names: dict[str, str] = {}
        for m in people:
            for name, _pinned in m.extras.skills:
                names.setdefault(skill_key(name), name)
        skill_ids = {key: k + 1 for k, key in enumerate(names)}
        first = min(m.joined for m in people)
        counts["skills"] = w.write(
            Skill,
            ["id", "name", "key", "created_at"],
            ((skill_ids[key], name, key, first) for key, name in names.items()),
        )
        counts["profile skills"] = w.write(
            ProfileSkill,
            ["id", "profile_id", "skill_id", "position", "pinned", "created_at"],
            numbered(None, lambda i, m: (
                (i + 1, skill_ids[skill_key(name)], k, pinned, m.joined)
                for k, (name, pinned) in enumerate(m.extras.skills)
            )),
        )  # fmt: skip
        counts["languages"] = w.write(
            SpokenLanguage,
            ["id", "profile_id", "name", "proficiency", "position"],
            numbered(None, lambda i, m: (
                (i + 1, name, level, k) for k, (name, level) in enumerate(m.extras.languages)
            )),
        )  # fmt: skip
        counts["certifications"] = w.write(
            Certification,
            ["id", "public_id", "profile_id", "created_at", "updated_at", "name", "authority",
             "issued_on", "expires_on"],
            numbered("certification", lambda i, m: (
                (i + 1, m.joined, m.joined, c.name, c.authority, c.issued_on, c.expires_on)
                for c in m.extras.certifications
            )),
        )  # fmt: skip
        counts["links"] = w.write(
            ProfileLink,
            ["id", "profile_id", "kind", "url", "label", "position"],
            numbered(None, lambda i, m: (
                (i + 1, kind, url, label, k) for k, (kind, url, label) in enumerate(m.extras.links)
            )),
        )  # fmt: skip
        counts["contact entries"] = w.write(
            ContactEntry,
            ["id", "profile_id", "kind", "value", "label", "audience", "position"],
            numbered(None, lambda i, m: (
                (i + 1, c.kind, c.value, c.label, c.audience, k)
                for k, c in enumerate(m.extras.contacts)
            )),
        )  # fmt: skip
        counts["work e-mails"] = w.write(
            WorkEmail,
            ["id", "public_id", "member_id", "created_at", "updated_at", "email", "domain",
             "verified_at"],
            numbered("workemail", lambda i, m: (
                ((i + 1, m.joined, m.joined, m.extras.work_email,
                  m.extras.work_email.rsplit("@", 1)[1], m.joined + timedelta(days=1)),)
                if m.extras.work_email else ()
            )),
        )  # fmt: skip
        return counts

    # --- The graph ------------------------------------------------------------------------------

    def graph(self) -> dict[str, int]:
        from maillage.network.models import Block, Connection, Follow, Invitation
        from maillage.notifications.models import Kind, Notification

        plan, people, w, n = self.plan, self.people, self.w, self.n
        graph, as_of = plan.graph, plan.as_of
        adjacency = graph.adjacency

        def connection_rows():
            k = 0
            for i in range(n):
                for j in sorted(adjacency[i]):
                    k += 1
                    yield (k, i + 1, j + 1, connection_moment(i, j, people, as_of))

        counts = {"connections": w.write(Connection, ["id", "member_id", "other_id", "created_at"],
                                         connection_rows())}  # fmt: skip
        one_way: dict[int, list[int]] = defaultdict(list)
        for a, b in graph.follows:
            one_way[a].append(b)
        rng = random.Random(f"{self.seed}:follow-dates")

        def follow_rows():
            k = 0
            for i in range(n):
                extra = one_way.get(i, ())
                marked = set(extra)
                for j in sorted([*adjacency[i], *extra]):
                    k += 1
                    if j in marked:
                        since = max(people[i].joined, people[j].joined)
                        span = int((as_of - since).total_seconds())
                        when = since + timedelta(seconds=rng.randrange(max(1, span)))
                    else:
                        when = connection_moment(i, j, people, as_of)
                    yield (k, i + 1, j + 1, when)

        counts["follows"] = w.write(Follow, ["id", "follower_id", "followed_id", "created_at"],
                                    follow_rows())  # fmt: skip
        counts["blocks"] = w.write(
            Block,
            ["id", "blocker_id", "blocked_id", "created_at"],
            (
                (k + 1, a + 1, b + 1, max(people[a].joined, people[b].joined) + timedelta(days=1))
                for k, (a, b) in enumerate(graph.blocks)
            ),
        )
        ids = _ids(self.seed, "invitation")
        invitations = [
            (k + 1, next(ids), a + 1, b + 1, as_of - timedelta(seconds=ago))
            for k, (a, b, ago) in enumerate(graph.invitations)
        ]
        counts["invitations"] = w.write(
            Invitation,
            ["id", "public_id", "sender_id", "recipient_id", "created_at", "updated_at", "status"],
            ((k, u, a, b, when, when, "pending") for k, u, a, b, when in invitations),
        )
        # What `invitation_send` tells the recipient.
        ids = _ids(self.seed, "notification")
        counts["notifications"] = w.write(
            Notification,
            ["id", "public_id", "recipient_id", "kind", "actor_id", "target_type", "target_id",
             "created_at", "updated_at"],
            ((k, next(ids), b, Kind.INVITATION_RECEIVED.value, a, "network.invitation", k, when,
              when) for k, _u, a, b, when in invitations),
        )  # fmt: skip
        return counts

    # --- Content --------------------------------------------------------------------------------

    def content(self) -> dict[str, int]:
        from maillage.demo import feed_catalog as cat
        from maillage.demo.feed import url_hash
        from maillage.feed.models import (
            Comment,
            Hashtag,
            HashtagFollow,
            LinkPreview,
            Poll,
            PollOption,
            Post,
            PostHashtag,
            Reaction,
        )
        from maillage.feed.services import _render
        from maillage.feed.text import hashtag_key, hashtags_in

        plan, w = self.plan, self.w
        content, as_of = plan.content, plan.as_of
        posts, comments = content.posts, content.comments
        counts: dict[str, int] = {}
        rendered: dict[str, str] = {}

        def render(body: str) -> str:
            # Many comments say the same thing: each distinct text is rendered once.
            html = rendered.get(body)
            if html is None:
                html = rendered[body] = _render(body, [])
            return html

        # Hashtags: as first written, in the order met (posts, then follows).
        tag_names: dict[str, str] = {}
        post_tags: list[list[str]] = []
        for post in posts:
            keys = []
            for name in hashtags_in(post.body):
                key = hashtag_key(name)
                if key:
                    tag_names.setdefault(key, name)
                    keys.append(key)
            post_tags.append(list(dict.fromkeys(keys)))
        follows = {}
        for member, name in content.hashtag_follows:
            key = hashtag_key(name)
            if key:
                tag_names.setdefault(key, name)
                follows.setdefault((member, key), None)
        tag_ids = {key: k + 1 for k, key in enumerate(tag_names)}
        post_counts = Counter(key for keys in post_tags for key in keys)
        follower_counts = Counter(key for _member, key in follows)
        counts["hashtags"] = w.write(
            Hashtag,
            ["id", "name", "key", "post_count", "follower_count"],
            ((tag_ids[k], name, k, post_counts[k], follower_counts[k])
             for k, name in tag_names.items()),
        )  # fmt: skip
        rng = random.Random(f"{self.seed}:hashtag-follows")
        counts["hashtag follows"] = w.write(
            HashtagFollow,
            ["id", "member_id", "hashtag_id", "created_at"],
            (
                (k + 1, m + 1, tag_ids[key],
                 max(self.people[m].joined, as_of - timedelta(days=rng.randint(1, 400))))
                for k, (m, key) in enumerate(follows)
            ),
        )  # fmt: skip

        preview_ids = {}
        ids = _ids(self.seed, "linkpreview")
        previews = []
        for _lang, url, title, description, site in cat.ARTICLES:
            digest = url_hash(url)
            if digest not in preview_ids:
                preview_ids[digest] = len(previews) + 1
                previews.append((len(previews) + 1, next(ids), url, digest, "ready", title,
                                 description, site, as_of - timedelta(days=plan.days), as_of,
                                 as_of))  # fmt: skip
        counts["link previews"] = w.write(
            LinkPreview,
            ["id", "public_id", "url", "url_hash", "status", "title", "description", "site_name",
             "fetched_at", "created_at", "updated_at"],
            previews,
        )

        post_reactions: dict[int, Counter] = defaultdict(Counter)
        comment_reactions: dict[int, Counter] = defaultdict(Counter)
        for _member, post, comment, kind, _when in content.reactions:
            if post is not None:
                post_reactions[post][kind] += 1
            else:
                comment_reactions[comment][kind] += 1
        comment_counts = Counter(c.post for c in comments)
        reply_counts = Counter(c.parent for c in comments if c.parent is not None)
        repost_counts = Counter(p.repost_of for p in posts if p.repost_of is not None)

        ids = _ids(self.seed, "post")

        def post_rows():
            for k, p in enumerate(posts):
                kinds = post_reactions.get(k, Counter())
                preview = None
                if p.article is not None:
                    preview = preview_ids[url_hash(cat.ARTICLES[p.article][1])]
                yield (
                    k + 1, next(ids), p.at, p.at, p.author + 1,
                    "repost" if p.plain_repost else "post", p.audience, p.body, render(p.body),
                    p.language, "published", p.at,
                    p.repost_of + 1 if p.repost_of is not None else None, preview,
                    sum(kinds.values()), _json(kinds), comment_counts.get(k, 0),
                    repost_counts.get(k, 0),
                )  # fmt: skip

        counts["posts"] = w.write(
            Post,
            ["id", "public_id", "created_at", "updated_at", "author_id", "kind", "audience",
             "body", "body_html", "language", "status", "published_at", "repost_of_id",
             "link_preview_id", "reaction_count", "reaction_counts", "comment_count",
             "repost_count"],
            post_rows(),
        )  # fmt: skip
        counts["post hashtags"] = w.write(
            PostHashtag,
            ["id", "post_id", "hashtag_id"],
            _numbered((k + 1, tag_ids[key]) for k, keys in enumerate(post_tags) for key in keys),
        )
        polls = [(k, p) for k, p in enumerate(posts) if p.poll is not None]
        counts["polls"] = w.write(
            Poll,
            ["id", "post_id", "question", "closes_at", "vote_count"],
            ((j + 1, k + 1, p.poll[0], p.at + timedelta(days=p.poll[2]), 0)
             for j, (k, p) in enumerate(polls)),
        )  # fmt: skip
        counts["poll options"] = w.write(
            PollOption,
            ["id", "poll_id", "position", "label", "vote_count"],
            _numbered(
                (j + 1, position, label, 0)
                for j, (_k, p) in enumerate(polls)
                for position, label in enumerate(p.poll[1])
            ),
        )
        ids = _ids(self.seed, "comment")
        counts["comments"] = w.write(
            Comment,
            ["id", "public_id", "created_at", "updated_at", "post_id", "author_id", "parent_id",
             "body", "body_html", "reaction_count", "reaction_counts", "reply_count"],
            (
                (k + 1, next(ids), c.at, c.at, c.post + 1, c.author + 1,
                 c.parent + 1 if c.parent is not None else None, c.body, render(c.body),
                 sum(comment_reactions.get(k, Counter()).values()),
                 _json(comment_reactions.get(k, Counter())), reply_counts.get(k, 0))
                for k, c in enumerate(comments)
            ),
        )  # fmt: skip
        counts["reactions"] = w.write(
            Reaction,
            ["id", "member_id", "post_id", "comment_id", "kind", "created_at", "updated_at"],
            (
                (k + 1, m + 1, p + 1 if p is not None else None,
                 c + 1 if c is not None else None, kind, when, when)
                for k, (m, p, c, kind, when) in enumerate(content.reactions)
            ),
        )  # fmt: skip
        return counts

    # --- People search --------------------------------------------------------------------------

    def search(self) -> dict[str, int]:
        """The rows `search_reindex_all` would write, built from the plan (same rules: see
        `maillage.search.services._entries_for`), without reading the members back."""
        from maillage.search import generation
        from maillage.search.models import SearchEntry, SearchGroup, SearchTerm
        from maillage.search.services import INDEXED_AUDIENCES
        from maillage.search.text import TYPO_MIN_LENGTH, deletions, words

        vocabulary: set[str] = set()

        def entry_rows():
            k = 0
            for i, m in enumerate(self.people):
                spec, audiences = m.spec, m.extras.audiences
                experience = audiences.get("experience_audience", "public")
                groups = [
                    (SearchGroup.NAME, "members", [spec.first_name, spec.last_name]),
                    (SearchGroup.HEADLINE, "members", [spec.headline]),
                    (SearchGroup.ORGANIZATION, experience,
                     [p.organization_name for p in spec.positions]),
                    (SearchGroup.TITLE, experience, [p.title for p in spec.positions]),
                    (SearchGroup.LOCATION, audiences.get("location_audience", "public"),
                     [spec.city, spec.region, spec.country]),
                    (SearchGroup.SKILLS, audiences.get("skills_audience", "public"),
                     [name for name, _pinned in m.extras.skills]),
                ]  # fmt: skip
                for group, level, texts in groups:
                    folded = list(dict.fromkeys(w for text in texts for w in words(text)))
                    if folded and level in INDEXED_AUDIENCES:
                        vocabulary.update(folded)
                        k += 1
                        yield (k, i + 1, group.value, level, " ".join(folded))

        counts = {"search entries": self.w.write(
            SearchEntry, ["id", "member_id", "group", "audience", "text"], entry_rows()
        )}  # fmt: skip
        candidates = sorted(w for w in vocabulary if len(w) >= TYPO_MIN_LENGTH - 1)
        counts["search terms"] = self.w.write(
            SearchTerm,
            ["id", "variant", "term"],
            _numbered((v, word) for word in candidates for v in sorted(deletions(word))),
        )
        generation.bump()  # matches cached from an earlier database must not be read
        return counts


def _numbered(rows: Iterable[tuple]):
    for k, row in enumerate(rows, start=1):
        yield (k, *row)


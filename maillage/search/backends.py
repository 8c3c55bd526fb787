"""Full-text backends behind one interface, chosen by the database in use.

A backend answers one question: which `SearchEntry` rows contain these words? It returns a SQL
subquery of entry ids, so the caller keeps combining it with the audience rule and the other
filters in one statement. Words are already folded (see `text.words`); each is matched exactly
or, when asked, as a prefix.

* `SqliteBackend`: an FTS5 table over the entries (`search_entry_fts`, created and kept in step
  by triggers in migration 0002).
* `PostgresBackend`: `to_tsvector('simple', text)` with a GIN index (migration 0002), prefix
  queries with `:*`.

Typo tolerance is shared: the `SearchTerm` vocabulary turns a query word into the indexed words
within one edit of it (one indexed lookup), which are then matched exactly like typed words.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from django.db import connection
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import Expression, RawSQL

Term = tuple[str, bool]  # (folded word, match as prefix)


class SearchBackend(ABC):
    vendor = ""

    @abstractmethod
    def entry_ids(self, terms: Sequence[Term], *, all_of: bool = False) -> RawSQL:
        """Ids of the entries containing any (or, with `all_of`, every) of `terms`."""

    def matches(self, terms: Sequence[Term], *, all_of: bool = False) -> Q | Expression:
        """A filter on `SearchEntry` rows: they contain any (or every) of `terms`."""
        return Q(pk__in=self.entry_ids(terms, all_of=all_of))


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    @staticmethod
    def expression(terms: Sequence[Term], *, all_of: bool = False) -> str:
        # Words are letters and digits only; quoting still keeps FTS5 operators (OR, NEAR...) out.
        parts = [f'"{word}"' + ("*" if prefix else "") for word, prefix in terms]
        return (" AND " if all_of else " OR ").join(parts)

    def entry_ids(self, terms: Sequence[Term], *, all_of: bool = False) -> RawSQL:
        return RawSQL(
            "SELECT rowid FROM search_entry_fts WHERE search_entry_fts MATCH %s",
            [self.expression(terms, all_of=all_of)],
        )


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    @staticmethod
    def expression(terms: Sequence[Term], *, all_of: bool = False) -> str:
        parts = [f"'{word}'" + (":*" if prefix else "") for word, prefix in terms]
        return (" & " if all_of else " | ").join(parts)

    def entry_ids(self, terms: Sequence[Term], *, all_of: bool = False) -> RawSQL:
        return RawSQL(
            "SELECT id FROM search_searchentry WHERE to_tsvector('simple'::regconfig, text) "
            "@@ to_tsquery('simple'::regconfig, %s)",
            [self.expression(terms, all_of=all_of)],
        )

    def matches(self, terms: Sequence[Term], *, all_of: bool = False) -> Expression:
        # On the row itself rather than `id IN (...)`: PostgreSQL then reads the GIN index and
        # checks the other conditions (the audience) on the matching rows only, where the
        # subquery made it scan every entry (150 ms on 600,000 entries) to join them.
        return _TextMatches(self.expression(terms, all_of=all_of))


class _TextMatches(Func):
    """`to_tsvector('simple', text) @@ to_tsquery('simple', query)`, the expression the GIN
    index of migration 0002 covers."""

    output_field = BooleanField()

    def __init__(self, query: str) -> None:
        super().__init__(F("text"))
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return (
            f"to_tsvector('simple'::regconfig, {column}) @@ to_tsquery('simple'::regconfig, %s)",
            (*params, self.query),
        )


_BACKENDS = {b.vendor: b for b in (SqliteBackend(), PostgresBackend())}


def get_backend() -> SearchBackend:
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise RuntimeError(f"People search does not support {connection.vendor!r}") from None

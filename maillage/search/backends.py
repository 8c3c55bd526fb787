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
from django.db.models.expressions import RawSQL

Term = tuple[str, bool]  # (folded word, match as prefix)


class SearchBackend(ABC):
    vendor = ""

    @abstractmethod
    def entry_ids(self, terms: Sequence[Term], *, all_of: bool = False) -> RawSQL:
        """Ids of the entries containing any (or, with `all_of`, every) of `terms`."""


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


_BACKENDS = {b.vendor: b for b in (SqliteBackend(), PostgresBackend())}


def get_backend() -> SearchBackend:
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise RuntimeError(f"People search does not support {connection.vendor!r}") from None

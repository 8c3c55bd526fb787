"""`InIds`: "this column is one of these ids", sent to the database as one parameter.

The feed filters on sets of hundreds of ids (the members the viewer follows, the ~400 candidate
posts being scored, the connections whose activity counts). As `field__in=ids`, Django prepares,
compiles and binds every id as its own placeholder, and the driver splits a query string of
thousands of characters: with 500 ids that cost the home feed more time than the database took
to answer. One array parameter (`= ANY(%s)` on PostgreSQL, which uses the same indexes as an
`IN` list) or one JSON parameter (`IN (SELECT value FROM json_each(%s))` on SQLite, read as a
subquery, which also lifts SQLite's limit on the number of parameters) costs the same whatever
the number of ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import BooleanField, Expression, F


class InIds(Expression):
    """A condition usable in `filter()`/`exclude()` and inside `Q(...)`: `field` (a column or a
    relation path such as "post__author_id") is one of `ids`. No ids matches nothing.

    `drive=False` tells SQLite not to look the rows up by `field`'s index (unary `+`, its
    documented way): for the feed's candidates, reading all the posts of hundreds of authors and
    sorting them cost 190 ms where walking the newest posts first costs 1 ms. (SQLite cannot
    guess how many ids a JSON parameter holds; PostgreSQL sees the array and chooses well.)"""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable[int], *, drive: bool = True):
        super().__init__(output_field=BooleanField())
        self.lhs = F(field)
        self.ids = sorted({int(i) for i in ids})
        self.drive = drive

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.lhs!r}, {len(self.ids)} ids)"

    def get_source_expressions(self):
        return [self.lhs]

    def set_source_expressions(self, exprs):
        (self.lhs,) = exprs

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.lhs = self.lhs.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        if not self.ids:
            return "1 = 0", ()
        lhs, params = compiler.compile(self.lhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, self.ids)
        # `lhs` is a column Django compiled; the ids travel as a parameter.
        sql = f"{'' if self.drive else '+'}{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, (*params, json.dumps(self.ids))

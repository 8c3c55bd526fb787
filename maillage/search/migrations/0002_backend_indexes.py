"""The full-text side of the index, per database: an FTS5 table kept in step by triggers on
SQLite; the `unaccent` and `pg_trgm` extensions, a GIN index on the entries' `tsvector` on
PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "text, content='search_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entry_fts_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_entry_fts_ad AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entry_fts_au AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_entry_fts(rowid, text) VALUES (new.id, new.text); END",
    # Entries written before this migration (none on a new site) join the FTS table.
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_entry_fts_au",
    "DROP TRIGGER IF EXISTS search_entry_fts_ad",
    "DROP TRIGGER IF EXISTS search_entry_fts_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_entry_tsv ON search_searchentry "
    "USING GIN (to_tsvector('simple'::regconfig, text))",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]

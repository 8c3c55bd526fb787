"""Full-text search of message bodies ("search your messages", messaging/search.py), per
database: an FTS5 table kept in step by triggers on SQLite; on PostgreSQL an immutable
`messaging_fold` (unaccent + lower, which may then be indexed) and a GIN index on the bodies'
`tsvector`, limited to the text messages that are not deleted."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE messaging_message_fts USING fts5("
    "body, content='messaging_message', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messaging_message_fts_ai AFTER INSERT ON messaging_message BEGIN "
    "INSERT INTO messaging_message_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER messaging_message_fts_ad AFTER DELETE ON messaging_message BEGIN "
    "INSERT INTO messaging_message_fts(messaging_message_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER messaging_message_fts_au AFTER UPDATE OF body ON messaging_message BEGIN "
    "INSERT INTO messaging_message_fts(messaging_message_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); "
    "INSERT INTO messaging_message_fts(rowid, body) VALUES (new.id, new.body); END",
    "INSERT INTO messaging_message_fts(messaging_message_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS messaging_message_fts_au",
    "DROP TRIGGER IF EXISTS messaging_message_fts_ad",
    "DROP TRIGGER IF EXISTS messaging_message_fts_ai",
    "DROP TABLE IF EXISTS messaging_message_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION messaging_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS "
    "$$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
    "CREATE INDEX message_body_tsv ON messaging_message "
    "USING GIN (to_tsvector('simple'::regconfig, messaging_fold(body))) "
    "WHERE kind = 'text' AND deleted_at IS NULL",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS message_body_tsv",
    "DROP FUNCTION IF EXISTS messaging_fold(text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial"), ("search", "0002_backend_indexes")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]

"""The access log is append-only.

PostgreSQL (production) refuses every UPDATE and DELETE of an entry. SQLite (development)
refuses updates only: Django empties tables between transactional tests with DELETE there
(PostgreSQL uses TRUNCATE, which the trigger does not see and the production role should not be
granted). The hash chain detects a removed entry on either.
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION access_accesslogentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_accesslogentry_append_only
    BEFORE UPDATE OR DELETE ON access_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION access_accesslogentry_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS access_accesslogentry_append_only ON access_accesslogentry;
DROP FUNCTION IF EXISTS access_accesslogentry_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER access_accesslogentry_no_update BEFORE UPDATE ON access_accesslogentry
BEGIN SELECT RAISE(ABORT, 'the access log is append-only: UPDATE refused'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS access_accesslogentry_no_update;"

SQL = {
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
}


def _run(index):
    def run(apps, schema_editor):
        statements = SQL.get(schema_editor.connection.vendor)
        if statements:
            # A plain cursor: the SQL holds a literal % that parameter parsing would reject.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(statements[index])

    return run


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(_run(0), _run(1))]

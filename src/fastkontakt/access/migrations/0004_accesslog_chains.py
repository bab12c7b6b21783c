"""The access log becomes several hash chains; on PostgreSQL it is partitioned by month.

Every entry gets its chain (the existing ones form chain 0, whose hashes are recomputed with
the chain in them). Numbers are per chain, so the global uniqueness of ``seq`` and ``hash`` goes.

On PostgreSQL the table is rebuilt as ``PARTITION BY RANGE (at)`` with one partition per month
(from the month of the oldest entry to two years ahead) and a default partition that catches
anything outside them, so that an append never fails for want of a partition;
``fastkontakt accesslog partitions`` adds months ahead (ADR 0019). The primary key becomes
``(id, at)`` (a partitioned table's unique indexes include the partition key); Django keeps
addressing rows by ``id``, which its identity sequence keeps unique. The append-only trigger is
put back on the new table.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models

GENESIS = "0" * 64
TRIGGER = "access_accesslogentry_append_only"


def _rechain(apps, schema_editor):
    """The existing entries, in their order, become chain 0 with hashes that include it."""
    entry_model = apps.get_model("access", "AccessLogEntry")
    prev = GENESIS
    for entry in entry_model.objects.order_by("seq").iterator(chunk_size=5000):
        payload = json.dumps(
            [
                prev,
                0,
                entry.seq,
                entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
                entry.user_id,
                entry.username,
                entry.unit,
                entry.personal_id,
                entry.action,
                entry.what,
                entry.basis,
                entry.flags,
                entry.request_id,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        # The append-only triggers refuse UPDATE; this one-off rewrite goes around them.
        entry_model.objects.filter(pk=entry.pk).update(prev_hash=prev, hash=digest)
        prev = digest


PARTITION = """
DO $$
DECLARE
    first_month date := date_trunc('month', coalesce(
        (SELECT min(at) FROM access_accesslogentry_unpartitioned), now()))::date;
    last_month date := (date_trunc('month', now()) + interval '24 months')::date;
    month date;
BEGIN
    month := first_month;
    WHILE month <= last_month LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF access_accesslogentry FOR VALUES FROM (%L) TO (%L)',
            'access_accesslogentry_' || to_char(month, 'YYYY_MM'),
            month, (month + interval '1 month')::date);
        month := (month + interval '1 month')::date;
    END LOOP;
END $$;
"""

POSTGRESQL = [
    "ALTER TABLE access_accesslogentry RENAME TO access_accesslogentry_unpartitioned",
    """CREATE TABLE access_accesslogentry (
        LIKE access_accesslogentry_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY
    ) PARTITION BY RANGE (at)""",
    PARTITION,
    "CREATE TABLE access_accesslogentry_default PARTITION OF access_accesslogentry DEFAULT",
    "INSERT INTO access_accesslogentry SELECT * FROM access_accesslogentry_unpartitioned",
    "DROP TABLE access_accesslogentry_unpartitioned",
    "ALTER TABLE access_accesslogentry ADD PRIMARY KEY (id, at)",
    """SELECT setval(pg_get_serial_sequence('access_accesslogentry', 'id'),
        coalesce((SELECT max(id) FROM access_accesslogentry), 0) + 1, false)""",
    "CREATE INDEX accesslog_flags ON access_accesslogentry (flags) WHERE NOT (flags = '')",
    """CREATE TRIGGER access_accesslogentry_append_only
        BEFORE UPDATE OR DELETE ON access_accesslogentry
        FOR EACH ROW EXECUTE FUNCTION access_accesslogentry_append_only()""",
]


def _partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in POSTGRESQL:
            cursor.execute(statement)


def _rechain_around_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"ALTER TABLE access_accesslogentry DISABLE TRIGGER {TRIGGER}")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS access_accesslogentry_no_update")
    _rechain(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"ALTER TABLE access_accesslogentry ENABLE TRIGGER {TRIGGER}")
        elif vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER access_accesslogentry_no_update BEFORE UPDATE ON "
                "access_accesslogentry BEGIN SELECT RAISE(ABORT, "
                "'the access log is append-only: UPDATE refused'); END;"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_enrolment_code"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="accesslogentry", name="accesslog_person"),
        migrations.RemoveIndex(model_name="accesslogentry", name="accesslog_user"),
        migrations.AddField(
            model_name="accesslogentry",
            name="chain",
            field=models.SmallIntegerField(default=0, verbose_name="kedja"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="seq",
            field=models.BigIntegerField(verbose_name="löpnummer i kedjan"),
        ),
        migrations.RunPython(_rechain_around_triggers, migrations.RunPython.noop),
        # Dropping the unique indexes above left none that a partitioned table cannot have.
        migrations.RunPython(_partition, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["chain", "seq"], name="accesslog_chain_seq"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["personal_id", "id"], name="accesslog_person_id"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["user_id", "id"], name="accesslog_user_id"),
        ),
    ]

"""On PostgreSQL, the database itself refuses UPDATE and DELETE of audit events."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION membership_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER membership_auditevent_append_only
    BEFORE UPDATE OR DELETE ON membership_auditevent
    FOR EACH ROW EXECUTE FUNCTION membership_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS membership_auditevent_append_only ON membership_auditevent;
DROP FUNCTION IF EXISTS membership_auditevent_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("membership", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]

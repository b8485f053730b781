from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION members_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS members_auditevent_append_only ON members_auditevent;
CREATE TRIGGER members_auditevent_append_only
    BEFORE UPDATE OR DELETE ON members_auditevent
    FOR EACH ROW EXECUTE FUNCTION members_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS members_auditevent_append_only ON members_auditevent;
DROP FUNCTION IF EXISTS members_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    # The demo runs on SQLite, which has no plpgsql; Python-level guards still apply there.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_workspaces")]

    operations = [migrations.RunPython(forwards, backwards)]

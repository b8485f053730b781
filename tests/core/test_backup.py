"""`manage.py backup` and `manage.py restore` against the real PostgreSQL and
Elasticsearch: a backup of an installation with reports, case records, a
workspace file and audit rows is restored into an empty installation (a new
database on the same server, empty folders) by `manage.py restore` in another
process, and that installation holds the same rows and bytes and finds the
report by search once its index is rebuilt. Damaged or tampered backups and
installations that hold data are refused, and nothing is restored then."""

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from portal.core import backup
from portal.core.audience import PUBLIC, workspace_token
from portal.members.models import AuditEvent, WorkspaceFile
from portal.reports.models import CaseRecord, MonitoringReport
from portal.search import es_search
from portal.search.client import get_client
from portal.search.results import SearchParams
from tests.conftest import connect_to
from tests.factories import make_file
from tests.reports.factories import add_cases, make_report
from tests.search_indices import remove_indices

ROOT = Path(__file__).resolve().parents[2]
FILE_BYTES = "Заметки о приёме в приют, март\n".encode() * 500
MEDIA_BYTES = b"%PDF-1.4 referral guide\n"

pytestmark = pytest.mark.django_db(transaction=True)


# --- Helpers ----------------------------------------------------------------------


def _source_db_name():
    return settings.DATABASES["default"]["NAME"]


def _admin(sql):
    conn = connect_to(_source_db_name())
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def _rows(dbname, table):
    conn = connect_to(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')  # noqa: S608 (model tables)
            return cursor.fetchall()
    finally:
        conn.close()


def _drop_database(name):
    """Drop ``name``, waiting for the server's own workers: after a restore,
    autovacuum analyses the new tables, and WITH (FORCE) may not end a process
    of another role."""
    for attempt in range(40):
        try:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg2.errors.InsufficientPrivilege, psycopg2.errors.ObjectInUse):
            if attempt == 39:
                raise
            time.sleep(0.25)


@pytest.fixture
def source(settings, tmp_path):
    """The installation being backed up: its own folders, and content made by
    the portal's services (a report with case records, a workspace file
    attached to its workspace, the audit rows those actions wrote), committed
    so that pg_dump (another process) sees it."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "source" / "private"
    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    report = make_report(
        title="Brick kiln monitoring Osh",
        status="reviewed",
        summary="Visits to brick kilns near Osh.",
    )
    add_cases(report, count=3)
    stored = make_file(report.workspace, name="intake.txt", content=FILE_BYTES)
    guide = settings.MEDIA_ROOT / "documents" / "referral-guide.pdf"
    guide.parent.mkdir(parents=True)
    guide.write_bytes(MEDIA_BYTES)
    return {"report": report, "file": stored}


@pytest.fixture
def empty_installation(tmp_path):
    """A new, empty database on the same server and empty folders: the
    environment `manage.py restore` runs with."""
    name = f"{_source_db_name()}_restore"
    _drop_database(name)
    _admin(f'CREATE DATABASE "{name}"')
    db = settings.DATABASES["default"]
    prefix = f"{settings.SEARCH_INDEX_PREFIX}-restored"
    remove_indices(prefix)
    target = {
        "db": name,
        "private": tmp_path / "restored" / "private",
        "media": tmp_path / "restored" / "media",
        "prefix": prefix,
        "env": {
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
            ),
            "PORTAL_TEST_PRIVATE_MEDIA_ROOT": str(tmp_path / "restored" / "private"),
            "PORTAL_TEST_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
            "SEARCH_INDEX_PREFIX": prefix,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        },
    }
    yield target
    remove_indices(prefix)
    _drop_database(name)


def manage(target, *args):
    """`python manage.py …` in another process, against ``target``."""
    env = {**os.environ, **target["env"]}
    env.pop("PORTAL_TEST_DB_NAME", None)
    # Not a worker of this run: its settings must not add the worker's name
    # to the index prefix and folders given here.
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def make_backup(tmp_path):
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    (path,) = (tmp_path / "backups").glob("portal-backup-*")
    return path, out.getvalue()


def _tables(dbname):
    conn = connect_to(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            )
            return cursor.fetchone()[0]
    finally:
        conn.close()


def _files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _assert_nothing_restored(target):
    assert _tables(target["db"]) == 0
    assert _files(target["private"]) == []
    assert _files(target["media"]) == []
    # (_files looks into hidden folders too: no staging folder is left.)


# --- The round trip -----------------------------------------------------------------


def test_restore_into_an_empty_installation_finds_the_same_reports_files_and_audit_rows(
    source, empty_installation, tmp_path
):
    report, stored = source["report"], source["file"]
    path, output = make_backup(tmp_path)
    assert "Backup written" in output
    assert "private files: 1/1" in output  # counted as they are copied

    manifest = json.loads((path / "manifest.json").read_text())
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == {
        "database.dump",
        f"private/{stored.file.name}",
        "media/documents/referral-guide.pdf",
    }
    assert listed[f"private/{stored.file.name}"]["size"] == len(FILE_BYTES)
    assert manifest["database"]["engine"] == "postgresql"
    assert manifest["database"]["server_version"].split(".")[0] == str(
        connection.pg_version // 10000
    )
    assert "reports" in manifest["migrations"] and "members" in manifest["migrations"]
    assert manifest["created_at"]

    target = empty_installation
    result = manage(target, "restore", str(path), "--rebuild-index")
    assert result.returncode == 0, result.stderr
    assert "Restored the database and 2 files" in result.stdout

    restored, original = target["db"], _source_db_name()
    for model in (MonitoringReport, CaseRecord, WorkspaceFile, AuditEvent):
        table = model._meta.db_table
        rows = _rows(original, table)
        assert rows, f"the test made no {table} rows"
        assert _rows(restored, table) == rows, table
    assert len(_rows(restored, CaseRecord._meta.db_table)) == 3

    # The audit log came back append-only: its trigger was restored with it.
    conn = connect_to(restored)
    try:
        with pytest.raises(psycopg2.Error, match="append-only"), conn.cursor() as cursor:
            table = AuditEvent._meta.db_table
            cursor.execute(f'UPDATE "{table}" SET action = %s', ["forged"])  # noqa: S608
    finally:
        conn.close()

    assert (target["private"] / stored.file.name).read_bytes() == FILE_BYTES
    assert (target["media"] / "documents" / "referral-guide.pdf").read_bytes() == MEDIA_BYTES
    # Restored private files stay owner-only, like the portal stores them.
    mode = stat.S_IMODE((target["private"] / stored.file.name).stat().st_mode)
    assert mode == 0o600

    # The index rebuilt from the restored database finds the report for its
    # workspace, and not for a visitor.
    params = SearchParams(q="brick kiln")
    with override_settings(SEARCH_INDEX_PREFIX=target["prefix"]):
        client = get_client()
        found = es_search.search(client, params, {workspace_token(report.workspace_id)})
        public = es_search.search(client, params, {PUBLIC})
    assert [(h.kind, h.object_id) for h in found.hits] == [("report", str(report.pk))]
    assert public.hits == []


def test_backup_folder_and_files_are_owner_only(source, tmp_path):
    path, _output = make_backup(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    for item in path.rglob("*"):
        expected = 0o700 if item.is_dir() else 0o600
        assert stat.S_IMODE(item.stat().st_mode) == expected, item


def test_backup_output_and_manifest_hold_no_connection_details(source, tmp_path):
    path, output = make_backup(tmp_path)
    manifest = json.loads((path / "manifest.json").read_text())
    # pg_dump gets the password through its environment, never an argument or a file.
    assert set(manifest["database"]) == {
        "engine",
        "server_version",
        "dump_format",
        "dump_tool_version",
    }
    for text in (output, json.dumps(manifest)):
        assert "postgres://" not in text
        assert "password" not in text.lower()


def test_a_backup_cut_short_leaves_no_folder_that_looks_complete(source, tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync_dir", disk_full)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("backup", output=str(tmp_path / "backups"), stdout=io.StringIO())
    assert list((tmp_path / "backups").iterdir()) == []


# --- Damaged, tampered or misplaced backups ---------------------------------------------


def _flip_last_byte(path):
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_tampered_byte_in_the_dump_is_refused_and_nothing_is_restored(
    source, empty_installation, tmp_path
):
    path, _output = make_backup(tmp_path)
    _flip_last_byte(path / "database.dump")
    result = manage(empty_installation, "restore", str(path))
    assert result.returncode != 0
    assert "database.dump does not match its checksum" in result.stderr
    assert "Nothing was restored" in result.stderr
    assert "Traceback" not in result.stderr
    _assert_nothing_restored(empty_installation)


def test_a_tampered_private_file_is_refused_and_nothing_is_restored(
    source, empty_installation, tmp_path
):
    path, _output = make_backup(tmp_path)
    _flip_last_byte(path / "private" / source["file"].file.name)
    result = manage(empty_installation, "restore", str(path))
    assert result.returncode != 0
    assert f"private/{source['file'].file.name} does not match its checksum" in result.stderr
    _assert_nothing_restored(empty_installation)


def test_a_missing_file_is_refused_naming_it(source, empty_installation, tmp_path):
    path, _output = make_backup(tmp_path)
    (path / "media" / "documents" / "referral-guide.pdf").unlink()
    result = manage(empty_installation, "restore", str(path))
    assert result.returncode != 0
    assert "media/documents/referral-guide.pdf is missing from the backup" in result.stderr
    _assert_nothing_restored(empty_installation)


def test_a_manifest_that_points_outside_the_backup_is_refused(source, empty_installation, tmp_path):
    path, _output = make_backup(tmp_path)
    manifest_path = path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    outside = tmp_path / "restored" / "planted"
    manifest["files"].append({"path": "private/../../planted", "size": 1, "sha256": "0" * 64})
    manifest_path.write_text(json.dumps(manifest))
    result = manage(empty_installation, "restore", str(path))
    assert result.returncode != 0
    assert "invalid entry" in result.stderr
    assert not outside.exists()
    _assert_nothing_restored(empty_installation)


def test_an_unfinished_backup_is_refused(tmp_path):
    partial = tmp_path / ".portal-backup-20261201T000000Z.partial"
    partial.mkdir()
    with pytest.raises(CommandError, match="unfinished backup"):
        call_command("restore", str(partial), stdout=io.StringIO())


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(CommandError, match="has no manifest.json"):
        call_command("restore", str(tmp_path), stdout=io.StringIO())


# --- Restoring over data -----------------------------------------------------------------


def test_restore_into_a_database_that_holds_data_is_refused_without_force(source, tmp_path):
    path, _output = make_backup(tmp_path)
    before = _rows(_source_db_name(), MonitoringReport._meta.db_table)
    # This very installation holds data: restoring over it needs --force.
    with pytest.raises(CommandError, match="already holds data.*--force"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert _rows(_source_db_name(), MonitoringReport._meta.db_table) == before


def test_restore_with_force_replaces_the_database_and_backed_up_files_and_keeps_others(
    source, empty_installation, tmp_path
):
    path, _output = make_backup(tmp_path)
    target = empty_installation
    first = manage(target, "restore", str(path))
    assert first.returncode == 0, first.stderr
    assert "search_index rebuild" in first.stdout  # told what to do next

    again = manage(target, "restore", str(path))
    assert again.returncode != 0
    assert "already holds data" in again.stderr and "--force" in again.stderr

    # Case records deleted and a file damaged in the restored installation come
    # back with --force; a file uploaded after the backup stays.
    table = CaseRecord._meta.db_table
    _sql(target["db"], f'DELETE FROM "{table}"')  # noqa: S608
    restored_file = target["private"] / source["file"].file.name
    restored_file.write_bytes(b"damaged")
    newer = target["private"] / "workspaces" / "999" / "uploaded-after-the-backup"
    newer.parent.mkdir(parents=True)
    newer.write_bytes(b"kept")

    forced = manage(target, "restore", str(path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Replaced (--force)" in forced.stdout
    assert _rows(target["db"], table) == _rows(_source_db_name(), table)
    assert restored_file.read_bytes() == FILE_BYTES
    assert newer.read_bytes() == b"kept"
    assert not list(target["private"].glob(".restoring-*"))


# --- SQLite (the demo's database) -----------------------------------------------------


def _sqlite_installation(tmp_path, name):
    base = tmp_path / name
    return {
        "base": base,
        "db": base / "db.sqlite3",
        "private": base / "private",
        "media": base / "media",
        "env": {
            "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
            "PORTAL_TEST_PRIVATE_MEDIA_ROOT": str(base / "private"),
            "PORTAL_TEST_MEDIA_ROOT": str(base / "media"),
            "ELASTICSEARCH_URL": "",
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        },
    }


def _sqlite_rows(path, table):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()  # noqa: S608
    finally:
        conn.close()


def test_a_sqlite_installation_is_backed_up_and_restored_by_copying_its_database(tmp_path):
    source = _sqlite_installation(tmp_path, "source")
    source["base"].mkdir()
    # A database with rows of its own (migrating a SQLite file takes a minute).
    conn = sqlite3.connect(source["db"])
    conn.executescript(
        """
        CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text);
        INSERT INTO django_migrations (app, name, applied)
            VALUES ('members', '0001_initial', '2026-01-01');
        CREATE TABLE reports_note (id integer primary key, title text);
        INSERT INTO reports_note (title) VALUES ('Brick kiln monitoring Osh'), ('Шелтер');
        """
    )
    conn.commit()
    conn.close()
    note = source["private"] / "workspaces" / "1" / "a1b2"
    note.parent.mkdir(parents=True)
    note.write_bytes(FILE_BYTES)

    made = manage(source, "backup", "--output", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    (path,) = (tmp_path / "backups").glob("portal-backup-*")
    assert (path / "database.sqlite3").is_file()

    target = _sqlite_installation(tmp_path, "target")
    restored = manage(target, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert "run `python manage.py migrate`" in restored.stdout  # the backup is older
    for table in ("django_migrations", "reports_note"):
        assert _sqlite_rows(target["db"], table) == _sqlite_rows(source["db"], table)
    assert (target["private"] / "workspaces" / "1" / "a1b2").read_bytes() == FILE_BYTES


def test_a_postgresql_backup_is_refused_by_a_sqlite_installation(source, tmp_path):
    path, _output = make_backup(tmp_path)
    target = _sqlite_installation(tmp_path, "target")
    target["base"].mkdir()
    result = manage(target, "restore", str(path))
    assert result.returncode != 0
    assert "holds a postgresql database; this installation uses sqlite" in result.stderr
    assert _files(target["private"]) == [] and _files(target["media"]) == []


# --- Wrong place, wrong version ------------------------------------------------------------


def test_a_backup_made_by_a_newer_portal_is_refused(source, tmp_path):
    path, _output = make_backup(tmp_path)
    manifest_path = path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"]["members"] = ["9999_from_the_future"]
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="members.9999_from_the_future.*newer version"):
        call_command("restore", str(path), "--force", stdout=io.StringIO())


def test_restore_into_a_database_that_does_not_exist_says_to_create_it(source, tmp_path):
    path, _output = make_backup(tmp_path)
    db = settings.DATABASES["default"]
    missing = f"{_source_db_name()}_missing"
    target = {
        "env": {
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}"
                f"/{missing}"
            ),
            "PORTAL_TEST_PRIVATE_MEDIA_ROOT": str(tmp_path / "restored" / "private"),
            "PORTAL_TEST_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        }
    }
    result = manage(target, "restore", str(path))
    assert result.returncode != 0
    assert f"Cannot connect to the database {missing}" in result.stderr
    assert "Create an empty database" in result.stderr
    assert "Traceback" not in result.stderr
    assert db["PASSWORD"] + "@" not in result.stderr
    assert not (tmp_path / "restored").exists()


def test_a_backup_inside_the_media_folder_is_refused(source, tmp_path):
    # A web server serving /media/ could hand it out.
    inside = settings.MEDIA_ROOT / "backups"
    with pytest.raises(CommandError, match="is inside .*Choose an --output folder outside it"):
        call_command("backup", output=str(inside), stdout=io.StringIO())
    assert not inside.exists()


def test_symbolic_links_in_the_folders_are_not_followed(source, tmp_path):
    secret = tmp_path / "server-secret.txt"
    secret.write_text("not the portal's")
    (settings.MEDIA_ROOT / "documents" / "link.txt").symlink_to(secret)
    err = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=io.StringIO(), stderr=err)
    (path,) = (tmp_path / "backups").glob("portal-backup-*")
    manifest = json.loads((path / "manifest.json").read_text())
    assert "media/documents/link.txt" not in {e["path"] for e in manifest["files"]}
    assert not (path / "media" / "documents" / "link.txt").exists()
    assert "Skipped symbolic link" in err.getvalue()


def _sql(dbname, sql):
    conn = connect_to(dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def test_a_failed_database_restore_restores_no_file_and_changes_no_row(
    source, empty_installation, tmp_path
):
    path, _output = make_backup(tmp_path)
    target = empty_installation
    assert manage(target, "restore", str(path)).returncode == 0
    for folder in (target["private"], target["media"]):
        for item in _files(folder):
            item.unlink()
    cases = CaseRecord._meta.db_table
    _sql(target["db"], f'DELETE FROM "{cases}"')  # noqa: S608
    # A view on a table of the dump: pg_restore --clean cannot drop that table.
    _sql(target["db"], f'CREATE VIEW cases_view AS SELECT * FROM "{cases}"')  # noqa: S608

    result = manage(target, "restore", str(path), "--force")
    assert result.returncode != 0
    assert "pg_restore failed" in result.stderr
    assert "other objects depend on it" in result.stderr  # the view, as planned
    assert "Traceback" not in result.stderr
    assert _rows(target["db"], cases) == []  # the whole restore was rolled back
    assert _files(target["private"]) == [] and _files(target["media"]) == []


def test_verify_only_checks_a_backup_and_changes_nothing(source, tmp_path):
    path, output = make_backup(tmp_path)
    assert "--verify-only" in output
    before = _rows(_source_db_name(), MonitoringReport._meta.db_table)
    out = io.StringIO()
    call_command("restore", str(path), "--verify-only", stdout=out)
    assert "All 3 files match the manifest" in out.getvalue()
    _flip_last_byte(path / "media" / "documents" / "referral-guide.pdf")
    with pytest.raises(CommandError, match="referral-guide.pdf does not match its checksum"):
        call_command("restore", str(path), "--verify-only", stdout=io.StringIO())
    assert _rows(_source_db_name(), MonitoringReport._meta.db_table) == before


def test_backup_of_an_unreachable_database_says_what_to_check(tmp_path):
    db = settings.DATABASES["default"]
    target = {
        "env": {
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}"
                f"/{_source_db_name()}_missing"
            ),
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        }
    }
    result = manage(target, "backup", "--output", str(tmp_path / "backups"))
    assert result.returncode != 0
    assert "Cannot connect to the database" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "backups").exists()

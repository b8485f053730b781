"""Backups of one installation: the database, the private files and the media.

A backup is a folder (not an archive): pg_restore reads the dump in place, each
file has its own checksum, and nothing is packed twice on a disk that may be
short of space. Pack and encrypt it for storage (README, "Backup and restore").

    portal-backup-20261201T101500Z/
        manifest.json       format, created-at, database, migrations, every file's
                            path, size and SHA-256 (written last)
        database.dump       pg_dump custom format (database.sqlite3 for SQLite)
        private/...         PRIVATE_MEDIA_ROOT: workspace files, report attachments
        media/...           MEDIA_ROOT: images and documents

The folder is filled under a ".…partial" name and renamed when complete, so a
backup cut short (disk full, killed) is never taken for a good one. It holds
victims' data: folders 0700, files 0600.

Restore checks every checksum before it changes anything, refuses a database or
folder that already holds data unless forced, copies the files into staging
folders, restores the database in one transaction and only then moves the files
into place: a failure at any step leaves the installation as it was.

Core knows no app: the folders come from settings, the database from Django's
connection; the search index is rebuilt by calling its command.
"""

import datetime
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader

logger = logging.getLogger(__name__)

FORMAT = "ferghana-portal-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
PG_DUMP_NAME = "database.dump"
SQLITE_DUMP_NAME = "database.sqlite3"
NAME_PREFIX = "portal-backup-"
PARTIAL_SUFFIX = ".partial"
CHUNK = 1024 * 1024
# Victims' data: nobody but the account running the portal reads a backup.
DIR_MODE = 0o700
FILE_MODE = 0o600
# pg_dump/pg_restore can take minutes; a hung server must not hang a cron job forever.
PG_TIMEOUT_SECONDS = 6 * 3600


class BackupError(Exception):
    """An expected failure, with a message that says what to do next."""


class NullProgress:
    def start(self, label, total):
        pass

    def advance(self, count=1):
        pass

    def finish(self):
        pass

    def note(self, message):
        pass


# --- What is backed up ------------------------------------------------------------


def file_folders():
    """Backup folder name -> the installation's folder, read from settings on
    every call (tests and deployments change them)."""
    return {
        "private": Path(settings.PRIVATE_MEDIA_ROOT),
        "media": Path(settings.MEDIA_ROOT),
    }


def engine():
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(
            f"Backups support PostgreSQL and SQLite; this installation uses {vendor}. "
            "Back it up with that database's own tools."
        )
    return vendor


def _server_version():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0].split()[0]
    return sqlite3.sqlite_version


def migration_heads():
    """Per app, the latest applied migrations (several when branches were never
    merged): what the database's schema is, for the restore to compare."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    heads = {}
    for key in sorted(applied):
        if key not in loader.graph.nodes:
            continue
        children = loader.graph.node_map[key].children
        if not any(child[0] == key[0] and child in applied for child in children):
            heads.setdefault(key[0], []).append(key[1])
    return heads


# --- PostgreSQL tools ----------------------------------------------------------------


def _pg_settings():
    db = settings.DATABASES["default"]
    return db


def _pg_env():
    """Connection details for pg_dump/pg_restore through the environment: a
    password on the command line would show in every `ps` listing."""
    db = _pg_settings()
    env = os.environ.copy()
    for var, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[var] = str(value)
        else:
            env.pop(var, None)
    return env


_VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


def _tool_version(path):
    try:
        out = subprocess.run(  # noqa: S603 (a fixed argument list)
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    match = _VERSION_RE.search(out)
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


def pg_tool(name, server_major):
    """pg_dump or pg_restore of the server's major version: an older client
    refuses a newer server, and Debian installs one per version under
    /usr/lib/postgresql/<N>/bin (scripts/postgres.sh finds the server there).
    A newer client is accepted when no matching one is installed."""
    candidates = []
    if getattr(settings, "PORTAL_PG_BIN_DIR", ""):
        candidates.append(Path(settings.PORTAL_PG_BIN_DIR) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    newer = None
    for path in candidates:
        if not path.is_file():
            continue
        version = _tool_version(path)
        if version is None:
            continue
        if version[0] == server_major:
            return path, version
        if version[0] > server_major and newer is None:
            newer = (path, version)
    if newer:
        return newer
    raise BackupError(
        f"{name} for PostgreSQL {server_major} was not found. Install the client tools "
        f"(Debian/Ubuntu: `apt install postgresql-client-{server_major}`), or set "
        f"PORTAL_PG_BIN_DIR to the folder that holds {name}, and run the command again."
    )


def _server_major():
    return connection.pg_version // 10000


def _run_pg(args, what):
    try:
        result = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [str(a) for a in args],
            env=_pg_env(),
            capture_output=True,
            text=True,
            timeout=PG_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupError(f"{what} did not finish in {PG_TIMEOUT_SECONDS} s.") from exc
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise BackupError(f"{what} failed:\n{detail}")
    return result


# --- Files --------------------------------------------------------------------------


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(source, target, mode):
    """Copy, fsync and hash in one pass; ``target`` must not exist yet."""
    digest = hashlib.sha256()
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(target, mode)  # the umask may have taken bits away; never adds any
    return size, digest.hexdigest()


def _files_under(root, skip):
    """Regular files under ``root`` (relative POSIX paths, sorted), leaving out
    the folders in ``skip`` (another backed-up folder nested inside) and
    symbolic links (they may point anywhere on the server)."""
    found, links = [], []
    if not root.is_dir():
        return found, links
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if (here / name).is_symlink():
                links.append(here / name)
            elif (here / name).resolve() not in skip:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink():
                links.append(path)
            elif path.is_file():
                found.append(path.relative_to(root).as_posix())
    return found, links


def _makedirs(path, mode):
    """Like mkdir(parents=True), but every folder it creates gets ``mode``
    (Path.mkdir gives the parents the umask's default)."""
    path = Path(path)
    if path.is_dir():
        return
    _makedirs(path.parent, mode)
    try:
        os.mkdir(path, mode)
    except FileExistsError:
        return
    os.chmod(path, mode)


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- Backup ----------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    files: int = 0
    bytes: int = 0
    skipped_links: list = field(default_factory=list)


def _connect_or_explain():
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(
            f"Cannot connect to the database {db.get('NAME')} on "
            f"{db.get('HOST') or 'localhost'} ({first}). Check DATABASE_URL and that "
            "PostgreSQL is running, then run the command again."
        ) from exc


def create_backup(output_dir, progress=None):
    """Write one complete backup folder under ``output_dir``; return BackupResult."""
    progress = progress or NullProgress()
    vendor = engine()
    _connect_or_explain()
    output_dir = Path(output_dir).expanduser().resolve()
    for key, root in file_folders().items():
        # Inside MEDIA_ROOT a web server might serve it, and each backup would
        # copy the ones before it.
        if output_dir.is_relative_to(root.resolve()):
            raise BackupError(
                f"{output_dir} is inside {root} (the {key} files, which are backed up). "
                "Choose an --output folder outside it."
            )
    try:
        _makedirs(output_dir, DIR_MODE)
    except OSError as exc:
        raise BackupError(f"Cannot create {output_dir} ({exc.strerror}).") from exc
    created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    name = NAME_PREFIX + created.strftime("%Y%m%dT%H%M%SZ")
    final = output_dir / name
    work = output_dir / f".{name}{PARTIAL_SUFFIX}"
    if final.exists() or work.exists():
        raise BackupError(f"{final} already exists; wait a second and run the backup again.")
    try:
        os.mkdir(work, DIR_MODE)
    except OSError as exc:
        raise BackupError(
            f"Cannot write in {output_dir} ({exc.strerror}); choose another --output."
        ) from exc
    os.chmod(work, DIR_MODE)
    result = BackupResult(path=final)
    try:
        entries = []
        # The database first, the files after: a file uploaded meanwhile is only an
        # unused extra file in the backup, whereas files copied first would miss
        # uploads that the (later) dump lists.
        heads = migration_heads()  # the schema the dump is about to hold
        database = _dump_database(vendor, work, progress)
        entries.append(_entry(work, database.pop("file")))
        folders = {}
        roots = file_folders()
        for key, root in roots.items():
            folders[key] = key
            skip = {other.resolve() for other in roots.values() if other != root}
            entries += _copy_folder(root, work / key, skip, key, progress, result)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "database": database,
            "migrations": heads,
            "folders": folders,
            "files": entries,
        }
        target = work / MANIFEST_NAME
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(work)
        os.rename(work, final)
        _fsync_dir(output_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result.files = len(entries)
    result.bytes = sum(e["size"] for e in entries)
    return result


def _entry(base, path):
    return {
        "path": path.relative_to(base).as_posix(),
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }


def _dump_database(vendor, work, progress):
    progress.note("Dumping the database…")
    if vendor == "sqlite":
        source_path = Path(settings.DATABASES["default"]["NAME"])
        if not source_path.is_file():
            raise BackupError(
                f"There is no SQLite database at {source_path}: nothing to back up. Check "
                "DATABASE_URL."
            )
        target = work / SQLITE_DUMP_NAME
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        # SQLite's online backup: a consistent copy even while the portal writes.
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return {"engine": "sqlite", "server_version": sqlite3.sqlite_version, "file": target}
    major = _server_major()
    tool, version = pg_tool("pg_dump", major)
    target = work / PG_DUMP_NAME
    # Created owner-only before pg_dump opens it (it keeps the mode).
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    _run_pg(
        [tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        "pg_dump",
    )
    os.chmod(target, FILE_MODE)
    return {
        "engine": "postgresql",
        "server_version": _server_version(),
        "dump_format": "custom",
        "dump_tool_version": ".".join(map(str, version)),
        "file": target,
    }


def _copy_folder(root, target, skip, key, progress, result):
    files, links = _files_under(root, skip)
    result.skipped_links += links
    os.mkdir(target, DIR_MODE)
    os.chmod(target, DIR_MODE)
    progress.start(f"{key} files", len(files))
    entries = []
    for rel in files:
        destination = target / rel
        _makedirs(destination.parent, DIR_MODE)
        try:
            size, digest = _copy(root / rel, destination, FILE_MODE)
        except FileNotFoundError:
            # Deleted by the portal while the backup ran: it is gone, so is its row
            # unless the dump was taken before; nothing to save.
            progress.advance(1)
            continue
        entries.append({"path": f"{key}/{rel}", "size": size, "sha256": digest})
        progress.advance(1)
    progress.finish()
    return entries


# --- Restore ---------------------------------------------------------------------------


def _safe_relative(value):
    """A manifest path that stays inside the backup and the target folders."""
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        return None
    path = PurePosixPath(value)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        return None
    return path


def read_manifest(backup_dir):
    backup_dir = Path(backup_dir).expanduser()
    if not backup_dir.is_dir():
        raise BackupError(f"{backup_dir} is not a folder. Give the path of a backup folder.")
    if backup_dir.name.endswith(PARTIAL_SUFFIX):
        raise BackupError(
            f"{backup_dir} is an unfinished backup (cut short while it was written). "
            "Use a complete one."
        )
    path = backup_dir / MANIFEST_NAME
    if not path.is_file():
        raise BackupError(
            f"{backup_dir} has no {MANIFEST_NAME}: it is not a portal backup, or an "
            "incomplete copy of one."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is damaged ({exc}); use another backup.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a portal backup manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has format version {manifest.get('format_version')}; this portal reads "
            f"version {FORMAT_VERSION}. Restore it with the portal version that made it."
        )
    files = manifest.get("files")
    if not isinstance(files, list) or not files:
        raise BackupError(f"{path} lists no files; use another backup.")
    folders = manifest.get("folders") or {}
    for entry in files:
        rel = _safe_relative(entry.get("path") if isinstance(entry, dict) else None)
        if (
            rel is None
            or not isinstance(entry.get("size"), int)
            or not re.fullmatch(r"[0-9a-f]{64}", str(entry.get("sha256", "")))
            or (len(rel.parts) > 1 and rel.parts[0] not in folders)
        ):
            raise BackupError(
                f"{path} has an invalid entry {str(entry)[:200]!r}; it was damaged or "
                "tampered with. Restore nothing from it."
            )
    paths = [entry["path"] for entry in files]
    if len(set(paths)) != len(paths):
        raise BackupError(f"{path} lists a file twice; it was damaged or tampered with.")
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("engine") not in ("postgresql", "sqlite"):
        raise BackupError(f"{path} names no known database engine.")
    if not re.fullmatch(r"\d+(\.\d+)*", str(database.get("dump_tool_version", "0"))):
        raise BackupError(f"{path} has an invalid dump_tool_version.")
    migrations = manifest.get("migrations")
    if not isinstance(migrations, dict) or not all(
        isinstance(app, str) and isinstance(names, list) and all(isinstance(n, str) for n in names)
        for app, names in migrations.items()
    ):
        raise BackupError(f"{path} has an invalid list of migrations.")
    return manifest


def _dump_path(manifest):
    return PG_DUMP_NAME if manifest["database"]["engine"] == "postgresql" else SQLITE_DUMP_NAME


def verify(backup_dir, manifest, progress=None):
    """Every listed file present with its size and SHA-256, before anything is
    touched. Raises BackupError naming the first file that is not."""
    progress = progress or NullProgress()
    backup_dir = Path(backup_dir)
    entries = manifest["files"]
    if not any(e["path"] == _dump_path(manifest) for e in entries):
        raise BackupError(f"The manifest lists no {_dump_path(manifest)}; use another backup.")
    progress.note(f"Checking {len(entries)} files against the manifest…")
    progress.start("checksums", len(entries))
    for entry in entries:
        path = backup_dir / entry["path"]
        if path.is_symlink() or not path.is_file():
            raise BackupError(
                f"{entry['path']} is missing from the backup. Nothing was restored; use a "
                "complete copy of the backup."
            )
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(
                f"{entry['path']} does not match its checksum in the manifest (damaged or "
                "changed since the backup was made). Nothing was restored; use another copy."
            )
        progress.advance(1)
    progress.finish()


def verify_backup(backup_dir, progress=None):
    """Check a backup without restoring it (e.g. after copying it off-site);
    returns how many files matched."""
    backup_dir = Path(backup_dir).expanduser().resolve()
    manifest = read_manifest(backup_dir)
    verify(backup_dir, manifest, progress)
    return len(manifest["files"])


def check_migrations(manifest):
    """Refuse a backup made by a newer portal (its schema is unknown here).
    Returns True when this portal has migrations the backup lacks (run migrate)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.graph.nodes)
    for migration in loader.replacements.values():
        known.update(migration.replaces)
    heads = manifest.get("migrations") or {}
    for app, names in sorted(heads.items()):
        for name in names:
            if (app, name) not in known:
                raise BackupError(
                    f"The backup's database has migration {app}.{name}, which this version "
                    "of the portal does not know: it was made by a newer version. Restore "
                    "it with that version of the portal."
                )
    return any(name not in heads.get(app, []) for app, name in loader.graph.leaf_nodes())


def database_tables():
    """Tables in any non-system schema of the configured database (0: empty)."""
    if connection.vendor == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        if not path.exists():
            return 0  # connecting would create it, in a folder that may not exist
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN "
                "('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
            )
        return cursor.fetchone()[0]


STAGING_PREFIX = ".restoring-"


def _folder_holds_files(root):
    if not root.is_dir():
        return False
    for child in root.iterdir():
        if child.name.startswith(STAGING_PREFIX):
            continue  # left by a restore that was killed; removed before staging
        if child.is_file() or child.is_symlink():
            return True
        if child.is_dir() and any(p.is_file() or p.is_symlink() for p in child.rglob("*")):
            return True
    return False


def check_target(force):
    """Refuse to overwrite an installation that holds data, unless forced."""
    busy = []
    try:
        tables = database_tables()
    except Exception as exc:  # any driver's connection error: say what to do instead
        db = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            raise BackupError(
                f"Cannot open the SQLite database {db.get('NAME')} ({exc}). Point DATABASE_URL "
                "at a file in a folder this account can write, and run restore again."
            ) from exc
        raise BackupError(
            f"Cannot connect to the database {db.get('NAME')!s} on {db.get('HOST') or 'localhost'} "
            f"({str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}). "
            "Create an empty database (e.g. `createdb -O <user> <name>`), point DATABASE_URL "
            "at it, and run restore again."
        ) from exc
    if tables:
        busy.append(f"the database {settings.DATABASES['default'].get('NAME')} has {tables} tables")
    for key, root in file_folders().items():
        if _folder_holds_files(root):
            busy.append(f"{root} ({key} files) is not empty")
    if busy and not force:
        raise BackupError(
            "This installation already holds data: "
            + "; ".join(busy)
            + ". Restore into an empty database and empty folders, or run restore again with "
            "--force to replace what is there (everything the backup holds is overwritten)."
        )
    return busy


def _staging_for(root):
    """Inside the target folder, so the final moves are renames on one file
    system even when the folder is a mount point (a Docker volume)."""
    return root / f"{STAGING_PREFIX}{os.getpid()}"


def _media_modes():
    file_mode = getattr(settings, "FILE_UPLOAD_PERMISSIONS", None) or 0o644
    dir_mode = getattr(settings, "FILE_UPLOAD_DIRECTORY_PERMISSIONS", None) or 0o755
    return file_mode, dir_mode


def _stage_files(backup_dir, manifest, progress):
    """Copy each folder's files into a staging folder beside its target, checking
    each checksum again while copying (the backup may change after verify)."""
    roots = file_folders()
    staged = {}
    by_folder = {}
    for entry in manifest["files"]:
        parts = PurePosixPath(entry["path"]).parts
        if len(parts) > 1:
            by_folder.setdefault(parts[0], []).append(entry)
    try:
        for key, entries in by_folder.items():
            if key not in roots:
                raise BackupError(f"The backup holds a folder {key!r} this portal does not use.")
            file_mode, dir_mode = (FILE_MODE, DIR_MODE) if key == "private" else _media_modes()
            root = roots[key]
            _makedirs(root, dir_mode)
            for stale in root.glob(f"{STAGING_PREFIX}*"):
                shutil.rmtree(stale, ignore_errors=True)
            staging = _staging_for(root)
            os.mkdir(staging, dir_mode)
            os.chmod(staging, dir_mode)
            staged[key] = (staging, root, dir_mode)
            progress.start(f"{key} files", len(entries))
            for entry in entries:
                rel = PurePosixPath(entry["path"]).relative_to(key)
                destination = staging / rel
                _makedirs(destination.parent, dir_mode)
                size, digest = _copy(Path(backup_dir) / entry["path"], destination, file_mode)
                if size != entry["size"] or digest != entry["sha256"]:
                    raise BackupError(
                        f"{entry['path']} changed while it was restored; nothing was "
                        "restored. Make sure nothing writes to the backup, and try again."
                    )
                progress.advance(1)
            progress.finish()
    except BaseException:
        for staging, _root, _mode in staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return staged


def _merge(source, target):
    """Move everything in ``source`` into ``target`` (same file system): whole
    folders by one rename where ``target`` has none, files replacing files."""
    for child in sorted(source.iterdir()):
        destination = target / child.name
        if child.is_dir() and destination.is_dir() and not destination.is_symlink():
            _merge(child, destination)
            child.rmdir()
        else:
            os.replace(child, destination)


def _move_into_place(staged):
    for staging, root, _dir_mode in staged.values():
        _merge(staging, root)
        staging.rmdir()


def _check_engine(manifest):
    vendor = engine()
    if manifest["database"]["engine"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['engine']} database; this installation "
            f"uses {vendor} (DATABASE_URL). Point DATABASE_URL at an empty "
            f"{manifest['database']['engine']} database and run restore again."
        )
    return vendor


def _restore_database(backup_dir, manifest, force, progress):
    vendor = _check_engine(manifest)
    dump = Path(backup_dir) / _dump_path(manifest)
    progress.note("Restoring the database…")
    if vendor == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        connection.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.restoring-{os.getpid()}")
        try:
            _copy(dump, temporary, FILE_MODE)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return
    major = _server_major()
    tool, version = pg_tool("pg_restore", major)
    made_with = manifest["database"].get("dump_tool_version", "0")
    if tuple(int(p) for p in made_with.split(".")[:1]) > version[:1]:
        raise BackupError(
            f"The dump was made by pg_dump {made_with}; {tool} is version "
            f"{'.'.join(map(str, version))} and cannot read it. Install the PostgreSQL "
            f"{made_with.split('.')[0]} client tools (or newer) and set PORTAL_PG_BIN_DIR."
        )
    connection.close()
    args = [
        tool,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        # All or nothing: a failure leaves the database as it was.
        "--single-transaction",
        f"--dbname={settings.DATABASES['default']['NAME']}",
    ]
    if force:
        args += ["--clean", "--if-exists"]
    _run_pg([*args, dump], "pg_restore")


def _empty_caches():
    """Cached pages and counters describe the data that was replaced; a cache
    outside the database (files, Redis) would go on serving them."""
    for alias in settings.CACHES:
        try:
            caches[alias].clear()
        except Exception:  # a cache that is down must not undo a finished restore
            logger.warning("restore: could not empty the %s cache; empty it by hand", alias)
    # The hotline file describes the replaced data too; the first page shown
    # writes it again from the restored database.
    Path(settings.PORTAL_HOTLINES_FILE).unlink(missing_ok=True)


@dataclass
class RestoreResult:
    files: int = 0
    needs_migrate: bool = False
    replaced: list = field(default_factory=list)


def restore_backup(backup_dir, *, force=False, progress=None):
    """Verify, then restore the database and the files of ``backup_dir``."""
    progress = progress or NullProgress()
    backup_dir = Path(backup_dir).expanduser().resolve()
    manifest = read_manifest(backup_dir)
    verify(backup_dir, manifest, progress)
    needs_migrate = check_migrations(manifest)
    _check_engine(manifest)
    replaced = check_target(force)
    staged = _stage_files(backup_dir, manifest, progress)
    try:
        _restore_database(backup_dir, manifest, force, progress)
    except BaseException:
        for staging, _root, _mode in staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    _move_into_place(staged)
    _empty_caches()
    return RestoreResult(
        files=sum(1 for e in manifest["files"] if len(PurePosixPath(e["path"]).parts) > 1),
        needs_migrate=needs_migrate,
        replaced=replaced,
    )


class TextProgress:
    """Counts for a person watching (one line redrawn on a terminal) or a log
    (a line every tenth, and at least every 10 seconds)."""

    def __init__(self, stdout, clock=None):
        import time

        self.stdout = stdout
        self.clock = clock or time.monotonic
        self.tty = getattr(getattr(stdout, "_out", stdout), "isatty", lambda: False)()
        self.label, self.total, self.done, self.step, self.last = "", 0, 0, -1, 0.0

    def note(self, message):
        self.stdout.write(message)

    def start(self, label, total):
        self.label, self.total, self.done, self.step, self.last = label, total, 0, -1, 0.0
        self._draw(force=True)

    def advance(self, count=1):
        self.done += count
        self._draw()

    def finish(self):
        if self.tty:
            self.stdout.write("")
        elif self.step < 10:
            self.stdout.write(self._line())

    def _line(self):
        return f"  {self.label}: {self.done}/{self.total}"

    def _draw(self, force=False):
        now = self.clock()
        if self.tty:
            if force or now - self.last >= 0.2 or self.done == self.total:
                self.last = now
                self.stdout.write("\r" + self._line(), ending="")
                self.stdout.flush()
            return
        step = int(10 * self.done / self.total) if self.total else 10
        if force or step != self.step or now - self.last >= 10:
            self.step, self.last = step, now
            self.stdout.write(self._line())

"""manage.py restore DIR [--force] [--rebuild-index]"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this installation (DATABASE_URL, "
        "PORTAL_PRIVATE_MEDIA_ROOT, DJANGO_MEDIA_ROOT). Every checksum is verified first; an "
        "installation that holds data is refused unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup folder (portal-backup-…).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of an installation that is not empty.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Check every file against the manifest and stop; change nothing.",
        )
        parser.add_argument(
            "--rebuild-index",
            action="store_true",
            help="Rebuild the search index from the restored database afterwards.",
        )

    def handle(self, *args, path, force=False, rebuild_index=False, verify_only=False, **options):
        progress = backup.TextProgress(self.stdout)
        if verify_only:
            try:
                count = backup.verify_backup(path, progress=progress)
            except backup.BackupError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                self.style.SUCCESS(f"All {count} files match the manifest; nothing was changed.")
            )
            return
        try:
            result = backup.restore_backup(path, force=force, progress=progress)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(
                f"Restoring failed ({exc.strerror or exc}: {exc.filename or ''}). The database "
                "and folders were left as they were; fix the cause and run restore again."
            ) from exc
        for what in result.replaced:
            self.stdout.write(f"Replaced (--force): {what}.")
        self.stdout.write(
            self.style.SUCCESS(f"Restored the database and {result.files} files from {path}.")
        )
        if result.needs_migrate:
            self.stdout.write(
                "This portal is newer than the backup: run `python manage.py migrate` now."
            )
        if result.needs_migrate:
            if rebuild_index:
                self.stdout.write(
                    "Then rebuild the search index: `python manage.py search_index rebuild`."
                )
        elif rebuild_index:
            call_command("search_index", "rebuild", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stdout.write(
                "Next: rebuild the search index from the restored data with "
                "`python manage.py search_index rebuild` (or restore with --rebuild-index)."
            )

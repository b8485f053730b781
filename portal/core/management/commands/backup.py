"""manage.py backup [--output DIR]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.core import backup


class Command(BaseCommand):
    help = (
        "Write one dated backup folder: the database dump, the private files and the "
        "media, with a manifest of SHA-256 checksums. It holds victims' data: store it "
        "encrypted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="Folder to write the backup into (default: the PORTAL_BACKUP_DIR setting).",
        )

    def handle(self, *args, output=None, **options):
        output = output or settings.PORTAL_BACKUP_DIR
        try:
            result = backup.create_backup(output, progress=backup.TextProgress(self.stdout))
        except backup.BackupError as exc:
            raise CommandError(f"{exc}\nNo backup was written.") from exc
        except OSError as exc:
            raise CommandError(
                f"Writing the backup failed ({exc.strerror or exc}: {exc.filename or ''}). "
                "Nothing was kept; free some space or choose another --output, then run "
                "it again."
            ) from exc
        for link in result.skipped_links:
            self.stderr.write(f"Skipped symbolic link {link} (not backed up).")
        megabytes = result.bytes / 1024 / 1024
        self.stdout.write(
            self.style.SUCCESS(f"Backup written: {result.path}")
            + f"\n  {result.files} files, {megabytes:.1f} MB, checksums in manifest.json."
            "\n  It holds victims' data: store it encrypted (README, Backup and restore)."
            f"\n  Check a copy of it any time: python manage.py restore {result.path} --verify-only"
        )

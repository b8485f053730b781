"""Remove restricted data past its retention period (README "Retention and erasure").

    manage.py purge_expired --dry-run    # counts per kind, deletes nothing
    manage.py purge_expired              # purges, one transaction per object

Each object is locked, checked again (expired, not held) and removed with
everything attached, and a tombstone is appended to the audit log, in one
transaction: interrupting it loses nothing and a second run continues where
the first stopped. The worker runs the same purge daily.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.core import retention


class Command(BaseCommand):
    help = "Remove restricted data past its retention period, leaving a tombstone in the audit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; remove nothing."
        )
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            help="Only this kind (repeatable): " + ", ".join(k.code for k in retention.kinds()),
        )

    def handle(self, *args, dry_run=False, kinds=None, **options):
        known = {kind.code for kind in retention.kinds()}
        unknown = set(kinds or ()) - known
        if unknown:
            raise CommandError(
                f"Unknown kind {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}."
            )

        def progress(outcome):
            if outcome.days is None:
                self.stdout.write(f"{outcome.code}: no retention period set, kept")
            elif dry_run:
                self.stdout.write(
                    f"{outcome.code}: {outcome.found} would be removed (older than "
                    f"{outcome.days} days after closure)"
                )
            else:
                line = f"{outcome.code}: {outcome.purged} removed"
                if outcome.skipped:
                    line += f", {outcome.skipped} kept (held or changed meanwhile)"
                self.stdout.write(line)
                if outcome.failed:
                    self.stderr.write(
                        f"{outcome.code}: {outcome.failed} could not be removed (rolled back, "
                        "tried again next run): see the log"
                    )
                if outcome.leftover_files:
                    self.stderr.write(
                        f"{outcome.code}: {outcome.leftover_files} removed but a file of theirs "
                        "is still on disk: see the log"
                    )

        outcomes = retention.purge_expired(dry_run=dry_run, progress=progress, codes=kinds)
        if any(o.leftover_files or o.failed for o in outcomes):
            raise CommandError("Some objects or files could not be removed: see the log.")

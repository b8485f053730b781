from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.members import notifications


class Command(BaseCommand):
    help = (
        "Send each member who chose the daily digest one email about what happened in "
        "their workspaces since their last digest. Run it once a day (cron, systemd "
        "timer). Safe to rerun: a period already covered is not sent again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--until",
            help="End of the period (ISO 8601, e.g. 2025-03-01T06:00+06:00); default: now.",
        )

    def handle(self, *args, until=None, verbosity=1, **options):
        if until:
            end = parse_datetime(until)
            if end is None:
                raise CommandError(f"--until: {until!r} is not a date and time (ISO 8601).")
            if timezone.is_naive(end):
                end = timezone.make_aware(end)
        else:
            end = timezone.now()

        prefs = list(notifications.digest_recipients().values_list("pk", "user__email"))
        total = len(prefs)
        self.stdout.write(
            f"Daily digests up to {end.isoformat(timespec='minutes')}: {total} people"
        )
        counts = {"sent": 0, "nothing": 0, "done": 0, "failed": 0}
        for number, (pref_id, email) in enumerate(prefs, start=1):
            status, workspaces = notifications.send_digest(pref_id, end)
            counts[status] += 1
            if verbosity >= 1:
                detail = {
                    "sent": f"sent ({workspaces} workspace{'s' if workspaces != 1 else ''})",
                    "nothing": "nothing new",
                    "done": "already sent for this period",
                    "failed": "FAILED to send; will be retried next run",
                }[status]
                self.stdout.write(f"  [{number}/{total}] {email}: {detail}")
        summary = (
            f"{counts['sent']} sent, {counts['nothing']} with nothing new, "
            f"{counts['done']} already sent, {counts['failed']} failed"
        )
        if counts["failed"]:
            self.stderr.write(self.style.ERROR(summary))
            raise CommandError(f"{counts['failed']} digest(s) could not be sent; see the log.")
        self.stdout.write(self.style.SUCCESS(summary))

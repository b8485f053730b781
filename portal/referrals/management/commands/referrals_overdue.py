"""Tell people about referrals left unanswered past their deadline (README
"Referrals", deadlines).

    manage.py referrals_overdue --dry-run   # what would be mailed; mails and marks nothing
    manage.py referrals_overdue             # mails each stage once per referral

The worker runs the same pass hourly (job ``referrals.overdue``); running
both at once mails nobody twice. See portal/referrals/deadlines.py.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.referrals import deadlines


class Command(BaseCommand):
    help = (
        "Mail both sides' case workers about newly overdue referrals, and the network "
        "coordinators about those past the second limit; once per referral and stage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be mailed; mail nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        outcome = deadlines.run(dry_run=dry_run, progress=self.stdout.write)
        summary = (
            f"{len(outcome.notified)} newly overdue, "
            f"{len(outcome.escalated)} past the second limit, {outcome.mails} mail(s)"
        )
        if dry_run:
            summary = "Dry run, nothing sent: " + summary.replace(" mail(s)", " mail(s) to send")
        if outcome.failed:
            self.stderr.write(self.style.ERROR(f"{summary}, {outcome.failed} failed"))
            raise CommandError(
                f"{outcome.failed} referral(s) could not be mailed; the next run tries again."
            )
        self.stdout.write(self.style.SUCCESS(summary))

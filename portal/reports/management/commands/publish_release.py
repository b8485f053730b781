"""Publish a statistics release (public figures and partner rows) from the
records shared with the network right now. Run by the office or a timer, e.g.
monthly: see README "Public statistics"."""

from django.core.management.base import BaseCommand, CommandError

from portal.reports.releases import TooSoon, publish_release


class Command(BaseCommand):
    help = "Publish a new statistics release (a dated snapshot) of the network's shared records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--epsilon",
            type=float,
            default=None,
            help="Privacy budget of this release (default: PORTAL_STATISTICS_EPSILON).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Publish even within PORTAL_STATISTICS_MIN_INTERVAL_DAYS of the last release.",
        )

    def handle(self, *args, epsilon=None, force=False, verbosity=1, **options):
        def say(message):
            if verbosity:
                self.stdout.write(message)

        try:
            release = publish_release(epsilon=epsilon, progress=say, force=force)
        except TooSoon as error:
            raise CommandError(
                f"The last release is too recent: the next one is due after "
                f"{error.allowed_at:%Y-%m-%d %H:%M} UTC (PORTAL_STATISTICS_MIN_INTERVAL_DAYS). "
                "Use --force to publish anyway."
            ) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {release.number} published at {release.published_at:%Y-%m-%d %H:%M} UTC."
            )
        )

"""Publish a statistics release (public figures and partner rows) from the
records shared with the network right now. Run by the office or a timer, e.g.
monthly: see README "Public statistics"."""

from django.core.management.base import BaseCommand, CommandError

from portal.reports.releases import publish_release


class Command(BaseCommand):
    help = "Publish a new statistics release (a dated snapshot) of the network's shared records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--epsilon",
            type=float,
            default=None,
            help="Privacy budget of this release (default: PORTAL_STATISTICS_EPSILON).",
        )

    def handle(self, *args, epsilon=None, verbosity=1, **options):
        def say(message):
            if verbosity:
                self.stdout.write(message)

        try:
            release = publish_release(epsilon=epsilon, progress=say)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {release.number} published at {release.published_at:%Y-%m-%d %H:%M} UTC."
            )
        )

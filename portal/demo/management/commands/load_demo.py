from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo.context import DemoContext
from portal.demo.steps.accounts import load_accounts
from portal.demo.steps.exchange import load_partner_release
from portal.demo.steps.library import load_resources
from portal.demo.steps.providers import load_providers
from portal.demo.steps.referrals import load_referrals
from portal.demo.steps.reports import load_reports
from portal.demo.steps.search import build_index
from portal.demo.steps.site import load_site
from portal.demo.steps.workspaces import load_workspaces

# The order matters: accounts before workspaces, pages before the search index.
STEPS = [
    ("accounts", load_accounts),
    ("workspaces", load_workspaces),
    ("monitoring reports", load_reports),
    ("partner network's release", load_partner_release),
    ("public site", load_site),
    ("resource library", load_resources),
    ("service directory", load_providers),
    ("referrals", load_referrals),
    # Keep last: indexes what every step before it made.
    ("search index", build_index),
]


class Command(BaseCommand):
    help = (
        "Create the demo site and the demo accounts listed in the README. "
        "Idempotent: running it again updates the same objects."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (it creates accounts with a known password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates accounts with a published password and refuses to run "
                "with DEBUG off. Use development settings, or pass --force if this really "
                "is a demo installation."
            )
        context = DemoContext(password=settings.DEMO_PASSWORD, stdout=self.stdout, style=self.style)
        total = len(STEPS)
        for number, (label, step) in enumerate(STEPS, start=1):
            self.stdout.write(f"[{number}/{total}] {label}")
            # One transaction per step: a failing step leaves the earlier ones
            # done, and a rerun picks up where it stopped.
            with transaction.atomic():
                step(context)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

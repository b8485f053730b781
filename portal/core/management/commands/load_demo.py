from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from portal.core.demo import DemoContext

# Each app owns its demo content; the order matters (accounts before workspaces,
# pages before the search index).
STEPS = [
    ("accounts", "portal.members.demo.load_accounts"),
    ("workspaces", "portal.members.demo.load_workspaces"),
    ("monitoring reports", "portal.reports.demo.load_reports"),
    ("public site", "portal.home.demo.load_site"),
    ("resource library", "portal.resources.demo.load_resources"),
    # Keep last: indexes what every step before it made.
    ("search index", "portal.search.demo.build_index"),
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
        for number, (label, path) in enumerate(STEPS, start=1):
            self.stdout.write(f"[{number}/{total}] {label}")
            with transaction.atomic():
                import_string(path)(context)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

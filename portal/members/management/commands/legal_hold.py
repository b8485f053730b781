"""Set or lift a legal hold on a monitoring report or a workspace.

    manage.py legal_hold --report 42 --by coordinator@example.org
    manage.py legal_hold --workspace osh-monitoring --lift --by coordinator@example.org

A held object (or anything in a held workspace) is never purged at the end of
its retention period. Only a network coordinator (or superuser) named with
--by may do it, and it is audited under their name: whoever runs the server
command must say on whose decision.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from portal.members import retention
from portal.members.models import Workspace


class Command(BaseCommand):
    help = "Set or lift a legal hold on a monitoring report or a workspace (coordinators only)."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--report", type=int, help="The monitoring report's id.")
        target.add_argument("--workspace", help="The workspace's slug.")
        parser.add_argument("--lift", action="store_true", help="Lift the hold instead.")
        parser.add_argument("--by", required=True, help="E-mail of the deciding coordinator.")

    def handle(self, *args, report=None, workspace=None, lift=False, by=None, **options):
        actor = get_user_model().objects.filter(email__iexact=by).first()
        if actor is None:
            raise CommandError(f"No account with the e-mail {by}.")
        if report is not None:
            model = apps.get_model("reports", "MonitoringReport")
            target = model.objects.select_related("workspace").filter(pk=report).first()
            label = f"report {report}"
        else:
            target = Workspace.objects.filter(slug=workspace).first()
            label = f"workspace {workspace}"
        if target is None:
            raise CommandError(f"No {label}.")
        try:
            retention.set_legal_hold(actor, target, not lift)
        except PermissionDenied:
            raise CommandError(f"{by} is not a network coordinator: refused.") from None
        self.stdout.write(f"{label}: legal hold {'lifted' if lift else 'set'}")

"""The bench accounts and the addresses bench/load.py visits, made in the bench
database (never a real one) and printed as JSON. bench/load.py runs this with
the portal's interpreter and the bench settings:

    python -c "import django; django.setup(); from bench.load_fixtures import main; main()" 12 3

Members: the production settings require the second factor, so each bench
member gets its own TOTP authenticator (a secret the load test knows) and signs
in with password and code like a person; one account per simulated member,
because allauth refuses a code already used in its window. Each is a plain
member of one demo workspace (of that workspace's organisation) and sees its
discussions, files and reports as such a member does.

Partners: one API token per simulated partner (scope cases:anonymised) for a
bench partner organisation; each limit is per token, as each partner holds its own.
"""

import datetime
import json
import sys
import urllib.parse


def _path(url):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


def bench_members(count, password):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.urls import reverse

    from portal.members.models import Membership, User, Workspace
    from portal.members.permissions import set_membership
    from portal.reports.models import MonitoringReport
    from portal.reports.policy import report_access

    workspaces = list(
        Workspace.objects.filter(archived_at__isnull=True)
        .exclude(organisation=None)
        .order_by("slug")
    )
    members = []
    for number in range(count):
        workspace = workspaces[number % len(workspaces)]
        email = f"bench-member-{number:02d}@example.org"
        user = User.objects.filter(email=email).first() or User.objects.create_user(email)
        user.first_name, user.last_name = "Bench", f"Member {number:02d}"
        user.organisation = workspace.organisation
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Authenticator.objects.filter(user=user).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        if not Membership.objects.filter(workspace=workspace, user=user).exists():
            set_membership(workspace, user, "member", actor=None)
        slug = workspace.slug
        reports = [
            report.pk
            for report in MonitoringReport.objects.filter(workspace=workspace).order_by("pk")
            if report_access(user, report).view
        ]
        members.append(
            {
                "email": email,
                "totp_secret": secret,
                "workspace": reverse("members:workspace_detail", args=[slug]),
                "discussions": [
                    reverse("members:discussion_detail", args=[slug, pk])
                    for pk in workspace.discussions.order_by("pk").values_list("pk", flat=True)
                ],
                "reports": [reverse("reports:detail", args=[slug, pk]) for pk in reports],
                "files": [
                    reverse("members:file_download", args=[slug, pk])
                    for pk in workspace.files.order_by("pk").values_list("pk", flat=True)
                ],
            }
        )
    return members


def partner_tokens(count):
    from django.utils import timezone

    from portal.api.models import Scope
    from portal.api.tokens import issue_token
    from portal.members.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        name="Bench partner (load test)", defaults={"country": "KG"}
    )
    expires = timezone.now() + datetime.timedelta(days=1)
    return [
        issue_token(
            name=f"bench load test {number}",
            organisation=organisation,
            scopes=[Scope.ANONYMISED_CASES],
            expires_at=expires,
            actor=None,
        )[1]
        for number in range(count)
    ]


def public_addresses():
    from wagtail.models import Locale

    from portal.home.models.news import NewsIndexPage, NewsPage
    from portal.home.models.pages import GetHelpPage
    from portal.resources.models import ResourceIndexPage, ResourcePage

    ru = Locale.objects.get(language_code="ru")

    def live(model):
        return model.objects.live().public().filter(locale=ru).order_by("path")

    resources = list(live(ResourcePage).select_related("document"))
    return {
        "home": "/ru/",
        "news_index": _path(live(NewsIndexPage).first().url),
        "news": [_path(page.url) for page in live(NewsPage)],
        "get_help": _path(live(GetHelpPage).first().url),
        "resources_index": _path(live(ResourceIndexPage).first().url),
        "resources": [_path(page.url) for page in resources],
        "documents": [_path(page.document.url) for page in resources if page.document],
        "statistics": "/statistics/",
        # Words people look for, from the demo's Russian pages and reports.
        "searches": ["миграция", "горячая линия", "приют", "консультация", "Ош", "паспорт"],
    }


def main():
    from django.conf import settings
    from django.db import transaction

    members, partners = int(sys.argv[1]), int(sys.argv[2])
    with transaction.atomic():
        fixtures = {
            "password": settings.DEMO_PASSWORD,
            "members": bench_members(members, settings.DEMO_PASSWORD),
            "partner_tokens": partner_tokens(partners),
            "public": public_addresses(),
        }
    json.dump(fixtures, sys.stdout, ensure_ascii=False)

"""The workspace audit log reads as sentences in the reader's language: every
action's details show translated labels and values (roles by their name,
booleans as Да/Нет, field names as the form names them), never the stored
keys and codes."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.api import audit_actions as api_actions
from portal.core import audit_actions
from portal.exchange import audit_actions as exchange_actions
from portal.members import audit, audit_details, subject_requests
from portal.members import retention as member_retention
from portal.members.discussions import set_comment_hidden
from portal.members.models import AuditEvent
from portal.members.models.workspaces import PERM_CONTRIBUTE
from portal.referrals import audit_actions as referral_actions
from portal.reports import audit_actions as report_actions
from tests.browser.journey import english_words
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_comment,
    make_discussion,
    make_file,
    make_invitation,
    make_join_request,
)
from tests.referrals.builders import make_provider, referral_world, send_referral
from tests.reports.factories import make_report

# Every action, with the details its audit.record call stores (see the callers).
EXAMPLES = {
    audit.MEMBERSHIP_ADDED: {"role": "member", "via": "invitation"},
    audit.MEMBERSHIP_REMOVED: {"role": "observer"},
    audit.MEMBERSHIP_LEFT: {"role": "member"},
    audit.ROLE_CHANGED: {"previous": "member", "role": "manager"},
    audit.OWNERSHIP_TRANSFERRED: {},
    audit.PERMISSION_GRANTED: {"permission": PERM_CONTRIBUTE},
    audit.PERMISSION_REVOKED: {"permission": PERM_CONTRIBUTE},
    audit.COORDINATOR_SELF_ADDED: {"role": "manager", "previous": "", "via": "admin"},
    audit.INVITATION_SENT: {"role": "member"},
    audit.INVITATION_ACCEPTED: {"role": "observer"},
    audit.INVITATION_REVOKED: {"reason": "replaced"},
    audit.JOIN_REQUESTED: {},
    audit.JOIN_APPROVED: {"role": "member"},
    audit.JOIN_DECLINED: {},
    audit.WORKSPACE_CREATED: {},
    audit.WORKSPACE_ARCHIVED: {},
    audit.WORKSPACE_RESTORED: {},
    audit.WORKSPACE_CHANGED: {"fields": ["description", "name", "visibility"]},
    audit.ORGANISATION_CREATED: {"verified": True},
    audit.ORGANISATION_CHANGED: {"fields": ["verified"], "verified": False},
    audit.ORGANISATION_DELETED: {},
    audit.DISCUSSION_HIDDEN: {},
    audit.DISCUSSION_UNHIDDEN: {},
    audit.DISCUSSION_DELETED: {"comments": 3},
    audit.COMMENT_HIDDEN: {"discussion": 7},
    audit.COMMENT_UNHIDDEN: {"discussion": 7},
    audit.COMMENT_DELETED: {"discussion": 7, "by_author": True},
    audit.FILE_UPLOADED: {"size": 2048, "type": "pdf"},
    audit.FILE_DOWNLOADED: {"size": 2048},
    audit.FILE_DELETED: {"size": 2048},
    report_actions.REPORT_VIEWED: {},
    report_actions.REPORT_CREATED: {},
    report_actions.REPORT_CHANGED: {"fields": ["title", "summary"]},
    report_actions.REPORT_STATUS_CHANGED: {"previous": "submitted", "status": "reviewed"},
    report_actions.REPORT_SHARED: {"audience": "network"},
    report_actions.REPORT_WITHDRAWN: {"audience": "workspace"},
    report_actions.REPORT_SHARE_REQUESTED: {"approval": 4, "cases": 12},
    report_actions.REPORT_SHARE_APPROVED: {"approval": 4},
    report_actions.REPORT_SHARE_DECLINED: {"approval": 4},
    report_actions.REPORT_SHARE_CANCELLED: {"approval": 4},
    report_actions.REPORT_EXPORTED: {
        "format": "csv",
        "anonymised": True,
        "scope": "workspace",
        "via": "web",
        "rows": 40,
        "release": 2,
        "k": 5,
    },
    report_actions.CASES_IMPORTED: {"rows": 25, "format": "xlsx", "replaced": 0, "via": "web"},
    api_actions.API_TOKEN_USED: {
        "outcome": "revoked",
        "scope": "cases:anonymised",
        "method": "GET",
        "prefix": "x7Q2",
        "window_start": "2026-03-01T10:00:00+00:00",
        "window_seconds": 3600,
        "first_outcome": "unknown",
        "count": 2,
    },
    api_actions.API_TOKEN_CREATED: {
        "prefix": "x7Q2",
        "scopes": ["cases:anonymised", "statistics:read"],
        "expires_at": "2026-06-01T00:00:00+00:00",
    },
    api_actions.API_TOKEN_REVOKED: {"prefix": "x7Q2"},
    report_actions.STATISTICS_RELEASED: {"number": 3, "epsilon": 1.0, "k": 5, "rows": 120},
    exchange_actions.AGREEMENT_CREATED: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "organisation": 12,
        "tier": "records",
        "countries": ["KG", "UZ"],
        "years": "2021–2026",
        "period": "2026-01-01 – 2027-12-31",
        "delivery": "pull",
        "prefix": "x7Q2",
    },
    exchange_actions.AGREEMENT_CHANGED: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "fields": ["ends_on"],
    },
    exchange_actions.AGREEMENT_ENDED: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "reason": "Партнёр сообщил о потере токена",
        "pushes_dropped": 2,
    },
    exchange_actions.RELEASE_SENT: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "release": 4,
        "release_version": 1,
        "tier": "aggregates",
        "kid": "3qk1Xn0c9WmQ7aV2bR5t8g",
        "records": 0,
    },
    exchange_actions.FEED_READ: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "cursor": 12,
        "events": 3,
    },
    exchange_actions.PULL_REFUSED: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "reason": "срок соглашения истёк",
    },
    exchange_actions.PUSH_DELIVERED: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "release": 4,
        "release_version": 2,
        "tier": "records",
        "kid": "3qk1Xn0c9WmQ7aV2bR5t8g",
        "records": 45,
    },
    exchange_actions.PUSH_FAILED: {
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "release": 4,
        "release_version": 2,
        "status_code": 503,
        "attempt": 3,
        "reason": "сервер партнёра не ответил",
    },
    exchange_actions.RELEASE_WITHDRAWN: {
        "release": 4,
        "release_version": 2,
        "reason": "Записи учтены дважды",
    },
    exchange_actions.RELEASE_IMPORTED: {
        "origin": "https://portal.example.kz",
        "release": 3,
        "release_version": 1,
        "kid": "3qk1Xn0c9WmQ7aV2bR5t8g",
        "records": 0,
        "reason": "",
        "tier": "aggregates",
    },
    exchange_actions.IMPORT_REFUSED: {
        "origin": "https://portal.example.kz",
        "release": 3,
        "release_version": 1,
        "reason": "подпись не совпадает",
    },
    exchange_actions.SUBSCRIBED: {
        "origin": "https://portal.example.kz",
        "agreement": "6f1c2a9e-0d4b-4c55-9a1e-3b2f8c7d6e5a",
        "kid": "3qk1Xn0c9WmQ7aV2bR5t8g",
    },
    exchange_actions.KEY_CREATED: {"kid": "3qk1Xn0c9WmQ7aV2bR5t8g"},
    exchange_actions.KEY_REVOKED: {"kid": "3qk1Xn0c9WmQ7aV2bR5t8g"},
    member_retention.RETENTION_PURGED: {
        "retention_kind": "reports",
        "purged_id": "42",
        "retention_days": 1825,
        "closed_before": "2021-03-01T10:00:00+00:00",
    },
    member_retention.LEGAL_HOLD_SET: {"purged_id": "42"},
    member_retention.LEGAL_HOLD_LIFTED: {"purged_id": "42"},
    subject_requests.SUBJECT_REQUEST_RECORDED: {"request_status": "open"},
    subject_requests.SUBJECT_REQUEST_CHANGED: {"request_status": "answered"},
    referral_actions.PROVIDER_CREATED: {},
    referral_actions.PROVIDER_CHANGED: {"fields": ["city", "languages"]},
    referral_actions.PROVIDER_DEACTIVATED: {"fields": ["active"]},
    referral_actions.REFERRAL_SENT: {
        "referral": "R-00007",
        "provider": 3,
        "phase": "first_assistance",
        "urgency": "urgent",
        "services": ["shelter", "psychological"],
        "consent_by": "guardian",
        "consent_method": "written",
    },
    referral_actions.REFERRAL_CONSENT_OVERRIDDEN: {"referral": "R-00007"},
    referral_actions.REFERRAL_CHANGED: {"referral": "R-00007", "fields": ["urgency", "needs"]},
    referral_actions.REFERRAL_VIEWED: {"referral": "R-00007"},
    referral_actions.REFERRAL_ACCEPTED: {"referral": "R-00007", "status": "accepted"},
    referral_actions.REFERRAL_DECLINED: {"referral": "R-00007", "status": "declined"},
    referral_actions.REFERRAL_REVOKED: {"referral": "R-00007", "status": "revoked"},
    referral_actions.REFERRAL_CLOSED: {
        "referral": "R-00007",
        "status": "closed",
        "referral_outcome": "returned",
    },
    referral_actions.REFERRAL_MESSAGE: {"referral": "R-00007"},
    referral_actions.REFERRAL_STEP: {"referral": "R-00007"},
    referral_actions.REFERRAL_DOCUMENT_UPLOADED: {"referral": "R-00007"},
    referral_actions.REFERRAL_DOCUMENT_DOWNLOADED: {"referral": "R-00007"},
    referral_actions.REFERRAL_DOCUMENT_REFUSED: {"referral": "R-00007", "citizenship": "UZ"},
    referral_actions.REFERRAL_OVERDUE_ESCALATED: {"referral": "R-00007", "overdue_hours": 50},
}

# Actions recorded more than once with different details.
MORE_EXAMPLES = [
    (report_actions.REPORT_CHANGED, {"case_record_changed": 9, "fields": ["gender", "age_band"]}),
    (report_actions.REPORT_CHANGED, {"case_record_added": 9}),
    (report_actions.REPORT_CHANGED, {"file_attached": 3}),
    (audit.MEMBERSHIP_ADDED, {"role": "owner", "via": "join_request"}),
]

RAW_VALUES = {"True", "False", "None", "member", "manager", "observer", "owner", "reviewed"}


@pytest.fixture(autouse=True)
def english_interface(settings):
    """The log is read in Russian here (overrides the members' English default)."""
    settings.LANGUAGE_CODE = "ru"


def record_every_action(workspace, actor):
    """Each about what its callers pass as target: reports' events about a report."""
    report = make_report(workspace, title="Мониторинг строек")
    organisation = OrganisationFactory(name="Фонд «Надежда»")
    provider = make_provider(name="Приют «Ишеним»")
    referral = send_referral(referral_world())
    for action, details in [*EXAMPLES.items(), *MORE_EXAMPLES]:
        target = report if action.startswith(("report.", "cases.")) else workspace
        target = organisation if action.startswith("organisation.") else target
        target = provider if action.startswith("referrals.provider_") else target
        if action.startswith("referrals.") and target is not provider:
            target = referral
        audit.record(actor, action, target=target, workspace=workspace, **details)


def details_cells(html):
    return re.findall(r'<td data-label="Подробности">(.*?)</td>', html, re.S)


def test_every_recorded_action_has_an_example():
    assert set(EXAMPLES) == set(audit_actions.codes())


def test_every_action_reads_in_russian_without_stored_keys_or_codes(workspace, roles, as_user):
    record_every_action(workspace, roles["owner"])
    response = as_user(roles["owner"]).get(
        reverse("members:audit_log", kwargs={"slug": workspace.slug}), {"page": 1}
    )
    assert response.status_code == 200
    html = response.content.decode()
    cells = details_cells(html)
    assert cells, "the log shows a details column"
    keys = {key for details in EXAMPLES.values() for key in details}
    for cell in cells:
        text = re.sub(r"<[^>]+>", " ", cell)
        for key in keys:
            assert f"{key}:" not in text, text
        assert not set(text.replace(",", " ").split()) & RAW_VALUES, text
        assert not english_words(text), text


def test_the_log_names_roles_booleans_fields_and_statuses(workspace, roles, as_user):
    owner = roles["owner"]
    for action in (
        audit.ROLE_CHANGED,
        audit.COMMENT_DELETED,
        audit.WORKSPACE_CHANGED,
        report_actions.REPORT_STATUS_CHANGED,
        audit.FILE_UPLOADED,
        audit.PERMISSION_GRANTED,
        report_actions.REPORT_EXPORTED,
    ):
        audit.record(owner, action, target=workspace, **EXAMPLES[action])
    html = as_user(owner).get(reverse("members:audit_log", kwargs={"slug": workspace.slug}))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.content.decode()))
    assert "Прежняя роль: Участник" in text and "Новая роль: Руководитель" in text
    assert "Удалён автором: Да" in text and "Обезличено: Да" in text
    assert "Прежний статус: На проверке" in text and "Новый статус: Проверен" in text
    assert "Тип файла: PDF" in text and "Размер: 2,0" in text
    assert "Право: публикация, загрузка файлов и работа с отчётами" in text
    assert "Изменённые поля:" in text and "visibility" not in text


def test_a_real_role_change_and_download_read_in_russian(workspace, roles, as_user):
    from portal.members.permissions import set_membership

    set_membership(workspace, roles["member"], "manager", actor=roles["owner"])
    stored = make_file(workspace, roles["member"])
    as_user(roles["observer"]).get(
        reverse("members:file_download", kwargs={"slug": workspace.slug, "file_id": stored.pk})
    )
    event = AuditEvent.objects.filter(workspace=workspace, action=audit.ROLE_CHANGED).get()
    with translation.override("ru"):
        shown = [(str(label), text) for label, text in audit_details.items(event)]
    assert shown == [("Прежняя роль", "Участник"), ("Новая роль", "Руководитель")]
    html = (
        as_user(roles["owner"])
        .get(reverse("members:audit_log", kwargs={"slug": workspace.slug}))
        .content.decode()
    )
    for cell in details_cells(html):
        assert not english_words(re.sub(r"<[^>]+>", " ", cell)), cell


def test_invitations_and_join_requests_are_named_without_an_english_sentence(
    workspace, roles, as_user
):
    make_invitation(workspace, email="zarina@example.org", actor=roles["owner"])
    asking = UserFactory(email="asking@example.org", first_name="Зарина", last_name="Каримова")
    make_join_request(workspace, asking)
    html = (
        as_user(roles["owner"])
        .get(reverse("members:audit_log", kwargs={"slug": workspace.slug}))
        .content.decode()
    )
    about = [
        re.sub(r"<[^>]+>", " ", cell).strip()
        for cell in re.findall(r'<td data-label="Объект">(.*?)</td>', html, re.S)
    ]
    assert "zarina@example.org" in about and "Зарина Каримова" in about
    assert not [text for text in about if "Invitation of" in text or "asks to join" in text]


def test_files_discussions_and_comments_are_named_in_russian_by_their_id(workspace, roles, as_user):
    stored = make_file(workspace, roles["member"])
    discussion = make_discussion(workspace, roles["member"])
    comment = make_comment(discussion, roles["member"])
    set_comment_hidden(comment, True, actor=roles["owner"])
    html = (
        as_user(roles["owner"])
        .get(reverse("members:audit_log", kwargs={"slug": workspace.slug}))
        .content.decode()
    )
    about = re.findall(r'<td data-label="Объект">(.*?)</td>', html, re.S)
    assert f"Файл рабочего пространства № {stored.pk}" in about
    assert f"Комментарий № {comment.pk}" in about
    assert not [text for text in about if "#" in text], about

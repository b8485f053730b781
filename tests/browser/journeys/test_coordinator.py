"""The office's network coordinator runs the network in the Wagtail admin:
adds and edits a member organisation, adds a person to a workspace, and reads
the audit log that recorded both; then, under Data exchange, registers a
partner's agreement (its token shown once), ends it early with a reason and
rotates the signing key; then, under Referrals, reads the network's referrals
(metadata, never the needs), puts one under legal hold, and adds a member
provider that receives referrals in its workspace. In Russian, at 1280 and
360 px."""

import datetime

import pytest
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from portal.api.tokens import TokenRefused, check_token
from portal.core.roles import NETWORK_COORDINATORS
from portal.exchange import keys
from portal.exchange.models import Agreement, ReleaseEvent, SigningKey
from portal.members.models import Membership, Organisation
from tests.browser.journey import english_words, sign_in
from tests.factories import OrganisationFactory, UserFactory, make_workspace
from tests.reports.factories import publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# Wagtail's admin brand (WAGTAIL_SITE_NAME) and keyboard keys in its help.
ADMIN_WORDS = ("Network", "Portal", "Esc")


@pytest.fixture
def network(transactional_db, settings, tmp_path):
    settings.EXCHANGE_KEYS_DIR = tmp_path / "exchange-keys"
    OrganisationFactory(name="Ла Страда Молдова", country="OTHER", city="Кишинёв", verified=False)
    coordinator = UserFactory(
        email="coordinator@example.org", first_name="Гульнара", last_name="Осмонова"
    )
    coordinator.groups.add(Group.objects.get(name=NETWORK_COORDINATORS))
    profile = UserProfile.get_for_user(coordinator)
    profile.preferred_language = "ru"
    profile.save()
    owner = UserFactory(email="owner@example.org", first_name="Бакыт", last_name="Алиев")
    workspace = make_workspace(owner=owner, name="Мониторинг в Оше", slug="osh-monitoring")
    newcomer = UserFactory(email="aziza@example.org", first_name="Азиза", last_name="Каримова")
    publish()  # the network's statistics release, in the exchange log
    return coordinator, workspace, newcomer


NEEDS_WORD = "Капибарагранит"  # in the referral's needs: never on a coordinator's page


@pytest.fixture
def network_referrals(network):
    """A referral from Osh to Andijan, and a third member organisation with a
    workspace but no provider entry yet. Everything named in Russian: the
    pages (the audit log too) must show no English."""
    from portal.referrals import lifecycle
    from tests.referrals.builders import make_provider
    from tests.reports.factories import add_cases, make_report

    def organisation(name, country, city):
        return OrganisationFactory(name=name, country=country, city=city, verified=True)

    def worker(email, org):
        return UserFactory(email=email, first_name="Айгуль", last_name="Садыкова", organisation=org)

    osh_org = organisation("Ошский центр помощи мигрантам", "KG", "Ош")
    andijan_org = organisation("Андижанский центр поддержки семьи", "UZ", "Андижан")
    khujand_org = organisation("Худжандская юридическая клиника", "TJ", "Худжанд")
    sender = worker("aigul@example.org", osh_org)
    osh = make_workspace(owner=sender, slug="osh-cases", name="Ош: случаи", organisation=osh_org)
    andijan = make_workspace(
        owner=worker("dilnoza@example.org", andijan_org),
        slug="andijan-intake",
        name="Андижан: приём",
        organisation=andijan_org,
    )
    make_workspace(
        owner=worker("firuza@example.org", khujand_org),
        slug="khujand-cases",
        name="Худжанд: случаи",
        organisation=khujand_org,
    )
    report = make_report(osh, author=sender, title="Мониторинг: первый квартал")
    (case,) = add_cases(report, citizenship="UZ")
    provider = make_provider(
        organisation=andijan_org,
        name="",
        services=["shelter"],
        country="UZ",
        city="Андижан",
        languages=["uz"],
        accepts_referrals=True,
        receiving_workspace=andijan,
    )
    return lifecycle.send(
        sender,
        case,
        provider,
        lifecycle.Request(
            services=("shelter",),
            phase="first_assistance",
            urgency="urgent",
            needs=f"{NEEDS_WORD}: нужно жильё на две недели.",
        ),
        lifecycle.Consent(
            given=True,
            given_by="person",
            method="written",
            date=datetime.date.today(),
            services=("shelter",),
        ),
    )


def _setup_log_words():
    """The referral's setup is in the log too: its workspaces' addresses, and
    the names of the referrals' actions and details until their Russian is
    merged."""
    from django.utils import translation

    from portal.core import audit_actions

    keys = ("referral", "provider", "phase", "urgency", "services", "consent_by")
    keys += ("consent_method", "fields", "status")
    with translation.override("en"):
        labels = [
            str(audit_actions.label(code))
            for code in audit_actions.codes()
            if code.startswith("referrals.")
        ]
        for key in keys:
            if audit_actions.detail(key) is not None:
                labels.append(str(audit_actions.detail(key).label))
                labels += [str(v) for v in audit_actions.value_labels(key).values()]
    return ("osh-cases", "andijan-intake", "khujand-cases", *_untranslated(*labels))


def _untranslated(*labels):
    """English words of labels whose Russian arrives with the merged catalogue
    (helpers write PO fragments): allowed until then, and nothing once there."""
    from django.utils import translation

    words = set()
    with translation.override("ru"):
        for label in labels:
            text = str(label)
            if translation.gettext(text) == text:
                words.update(english_words(text))
    return tuple(words)


def _referral_labels():
    from django.utils import translation

    from portal.referrals.admin_views import ReferralFilterSet, ReferralViewSet
    from portal.referrals.models import Referral, ServiceProvider
    from portal.referrals.vocabulary import Phase, Status, Urgency

    with translation.override("en"):
        labels = [str(label) for label in (*Phase.labels, *Status.labels, *Urgency.labels)]
        labels += [str(getattr(c, "label", "")) for c in ReferralViewSet.list_display]
        labels += [str(f.label) for f in ReferralFilterSet.base_filters.values()]
        labels += [str(Referral._meta.verbose_name), str(Referral._meta.verbose_name_plural)]
        field = ServiceProvider._meta.get_field("receiving_workspace")
        labels += [str(field.verbose_name), str(field.help_text)]
        labels += [
            "Set a legal hold",
            "Lift the legal hold",
            "consent",
            "override",
            "Yes, hold it",
            "No, go back",
            "Put %(reference)s under legal hold? The daily purge keeps it, with its thread, "
            "steps and documents, past its retention period until the hold is lifted: for "
            "proceedings that need it. Both organisations' audit logs record that you set it.",
            "%(reference)s is under legal hold: the purge keeps it until the hold is lifted.",
        ]
    return labels


def _referrals(journey, referral):
    page = journey.page
    allowed = (*ADMIN_WORDS, *_untranslated(*_referral_labels()))
    journey.open_admin_menu("Перенаправления", "Перенаправления", exact=True)
    listing = page.locator("main").inner_text()
    assert referral.reference in listing
    assert "Ошский центр помощи мигрантам" in listing and "Андижан: приём" in listing
    assert NEEDS_WORD not in page.content()
    journey.check("referrals", allowed_words=(*allowed, *_codes(referral.reference)))

    # A legal hold, from the row's menu, confirmed.
    row = page.locator("tr", has_text=referral.reference)
    row.get_by_role("button").last.click()
    row.locator(f"a[href$='/admin/referrals/referrals/hold/{referral.pk}/']").first.click()
    page.wait_for_load_state()
    journey.check("referral-hold-confirm", allowed_words=(*allowed, *_codes(referral.reference)))
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.legal_hold
    assert NEEDS_WORD not in page.content()
    journey.check("referral-held", allowed_words=(*allowed, *_codes(referral.reference)))

    # A member provider that receives referrals in its own workspace.
    journey.open_admin_menu("Перенаправления", "Справочник служб", exact=True)
    journey.check("providers", allowed_words=allowed)
    page.locator("a[href$='/admin/referrals/providers/new/']").first.click()
    page.wait_for_load_state()
    page.select_option("#id_organisation", label="Худжандская юридическая клиника")
    page.check("input[name=services][value=legal_aid]")
    page.select_option("#id_country", "TJ")
    page.fill("#id_city", "Худжанд")
    page.check("#id_accepts_referrals")
    page.select_option(
        "#id_receiving_workspace", label="Худжандская юридическая клиника: Худжанд: случаи"
    )
    journey.check("provider-form", allowed_words=allowed)
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    journey.check("provider-added", allowed_words=allowed)
    from portal.referrals.models import ServiceProvider

    provider = ServiceProvider.objects.get(organisation__name="Худжандская юридическая клиника")
    assert provider.receiving_workspace.slug == "khujand-cases" and provider.takes_referrals


def test_coordinator_runs_the_network_and_its_partner_agreements_in_the_admin(
    journey, network, network_referrals
):
    coordinator, workspace, newcomer = network
    page = journey.page
    sign_in(page, journey.base, coordinator.email)
    journey.goto("/admin/")
    journey.check("admin-home", allowed_words=ADMIN_WORDS)

    journey.open_admin_menu("Сеть", "Организации")
    journey.check("organisations", allowed_words=ADMIN_WORDS)
    page.locator(
        "a[href$='/admin/organisation/new/'], a[href$='/admin/organisation/add/']"
    ).first.click()
    page.wait_for_load_state()
    page.fill("#id_name", "Ошский кризисный центр")
    page.select_option("#id_country", "KG")
    page.fill("#id_city", "Ош")
    page.check("#id_verified")
    journey.check("organisation-form", allowed_words=ADMIN_WORDS)
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    journey.check("organisation-created", allowed_words=ADMIN_WORDS)
    assert Organisation.objects.get(name="Ошский кризисный центр").verified

    page.get_by_role("link", name="Ошский кризисный центр").first.click()
    page.wait_for_load_state()
    page.fill("#id_city", "Ош, Кара-Суу")
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    journey.check("organisation-edited", allowed_words=ADMIN_WORDS)
    assert Organisation.objects.get(name="Ошский кризисный центр").city == "Ош, Кара-Суу"

    journey.open_admin_menu("Сеть", "Участие в рабочих пространствах")
    journey.check("memberships", allowed_words=ADMIN_WORDS)
    page.locator(
        "a[href$='/admin/membership/new/'], a[href$='/admin/membership/add/']"
    ).first.click()
    page.wait_for_load_state()
    page.select_option("#id_workspace", str(workspace.pk))
    page.select_option("#id_user", str(newcomer.pk))
    page.select_option("#id_role", "member")
    journey.check("membership-form", allowed_words=ADMIN_WORDS)
    page.locator("form[method=post] footer button[type=submit]").first.click()
    page.wait_for_load_state()
    journey.check("membership-added", allowed_words=ADMIN_WORDS)
    assert Membership.objects.filter(workspace=workspace, user=newcomer, role="member").exists()

    journey.open_admin_menu("Сеть", "Журнал действий")
    log = page.locator("main").inner_text()
    assert "aziza@example.org" in log or "Мониторинг" in log or "osh-monitoring" in log
    assert "coordinator@example.org" in log
    # A workspace's address (its slug) is data, not interface.
    journey.check("audit-log", allowed_words=(*ADMIN_WORDS, "osh-monitoring", *_setup_log_words()))

    _data_exchange(journey)
    _referrals(journey, network_referrals)


def _submit(page):
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _codes(*texts):
    """Key fingerprints and token prefixes are data, not words."""
    return tuple(word for text in texts for word in english_words(text))


def _data_exchange(journey):
    page = journey.page
    journey.open_admin_menu("Обмен данными", "Соглашения")
    journey.check("agreements", allowed_words=ADMIN_WORDS)
    page.locator("a[href$='/admin/exchange/agreements/new/']").first.click()
    page.wait_for_load_state()
    today = datetime.date.today()
    page.fill("#id_title", "Ла Страда Молдова, обмен 2026–2027")
    page.select_option("#id_partner", label="Ла Страда Молдова")
    page.select_option("#id_tier", "aggregates")
    page.check("input[name=countries][value=KG]")
    page.check("input[name=countries][value=UZ]")
    page.fill("#id_year_from", "2021")
    page.fill("#id_year_to", str(today.year))
    page.fill("#id_starts_on", today.isoformat())
    page.keyboard.press("Escape")
    page.fill("#id_ends_on", f"{today.year + 1}-12-31")
    page.keyboard.press("Escape")
    page.fill("#id_contact_name", "Ион Русу")
    page.fill("#id_contact_email", "data@lastrada.example.md")
    page.select_option("#id_delivery", "pull")
    journey.check("agreement-form", allowed_words=ADMIN_WORDS)
    _submit(page)

    # The token, once: the page says to copy it now.
    token_field = page.locator("#raw-token")
    raw = token_field.input_value()
    assert raw.startswith("fnp_")
    assert "больше не будет показан" in page.locator("main").inner_text()
    agreement = Agreement.objects.get(title="Ла Страда Молдова, обмен 2026–2027")
    assert check_token(raw) == agreement.token
    prefix = agreement.token.display_prefix
    journey.check(
        "agreement-token-once",
        allowed_words=(*ADMIN_WORDS, "Authorization", "Bearer", *_codes(prefix)),
    )
    page.get_by_role("link", name="Я скопировал(а) его: к соглашениям").click()
    page.wait_for_load_state()
    assert raw not in page.content()
    journey.check("agreements-listed", allowed_words=ADMIN_WORDS)

    # Ending early: from the row's menu, with a reason.
    row = page.locator("tr", has_text="Ла Страда Молдова, обмен")
    row.get_by_role("button").last.click()
    row.get_by_role("link", name="Прекратить досрочно").click()
    page.wait_for_load_state()
    journey.check("agreement-end-confirm", allowed_words=ADMIN_WORDS)
    page.fill("#id_reason", "Партнёр сообщил о потере токена")
    page.get_by_role("button", name="Да, прекратить сейчас").click()
    page.wait_for_load_state()
    assert "Прекращено досрочно" in page.locator("main").inner_text()
    journey.check("agreement-ended", allowed_words=ADMIN_WORDS)
    agreement.refresh_from_db()
    assert agreement.revoked_at is not None
    with pytest.raises(TokenRefused):
        check_token(raw)

    # The signing key: the first one made, then rotated.
    journey.open_admin_menu("Обмен данными", "Ключи подписи")
    journey.check("signing-keys-none", allowed_words=ADMIN_WORDS)
    page.get_by_role("link", name="Создать ключ подписи").click()
    page.wait_for_load_state()
    journey.check("signing-key-create-confirm", allowed_words=ADMIN_WORDS)
    page.get_by_role("button", name="Да, создать").click()
    page.wait_for_load_state()
    first = SigningKey.objects.get()
    journey.check(
        "signing-key-created",
        allowed_words=(*ADMIN_WORDS, *_codes(keys.fingerprint(first.public_key))),
    )
    page.get_by_role("link", name="Сменить ключ").click()
    page.wait_for_load_state()
    journey.check("signing-key-rotate-confirm", allowed_words=ADMIN_WORDS)
    page.get_by_role("button", name="Да, сменить").click()
    page.wait_for_load_state()
    first.refresh_from_db()
    active = SigningKey.objects.active()
    assert first.status == "retired" and active.endorsed_by == first.kid
    listing = page.locator("main").inner_text()
    assert keys.fingerprint(active.public_key) in listing
    journey.check(
        "signing-key-rotated",
        allowed_words=(
            *ADMIN_WORDS,
            *_codes(keys.fingerprint(first.public_key), keys.fingerprint(active.public_key)),
        ),
    )

    # A release found wrong after it left: withdrawn from partners, with a reason.
    journey.open_admin_menu("Обмен данными", "Журнал выпусков")
    journey.check("release-log", allowed_words=ADMIN_WORDS)
    row = page.locator("tr", has_text="#1")
    row.get_by_role("button").last.click()
    row.get_by_role("link", name="Отозвать у партнёров").click()
    page.wait_for_load_state()
    journey.check("release-withdraw-confirm", allowed_words=ADMIN_WORDS)
    page.fill("#id_reason", "Записи одной рабочей группы учтены дважды")
    page.get_by_role("button", name="Да, отозвать").click()
    page.wait_for_load_state()
    event = ReleaseEvent.objects.order_by("-id").first()
    assert (event.kind, event.version) == ("withdrawn", 2)
    assert "Отозван" in page.locator("main").inner_text()
    journey.check("release-withdrawn", allowed_words=ADMIN_WORDS)

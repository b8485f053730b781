"""A partner (for instance IOM's data team) gets an API token: the network's
coordinator signs in with password and code, creates the token in the
administration (menu "API tokens"), and hands it over; with it the partner's
script fetches the anonymised records. A made-up token gets nothing."""

import secrets

import pytest
from django.contrib.auth.models import Group

from portal.core.roles import NETWORK_COORDINATORS
from tests.browser.journey import english_words
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory
from tests.mfa import add_totp, current_code
from tests.reports.factories import add_cases, make_report, publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def coordinator(transactional_db):
    person = UserFactory(
        email="office@example.org",
        first_name="Айгуль",
        last_name="Маматова",
        organisation=OrganisationFactory(name="Офис сети", verified=True),
    )
    person.groups.add(Group.objects.get(name=NETWORK_COORDINATORS))
    secret = add_totp(person)
    OrganisationFactory(name="Представительство МОМ", verified=False)
    report = make_report(audience="network")
    add_cases(report, 30)
    publish()
    return person, secret


def test_partner_gets_a_token_from_the_office_and_reads_the_api(journey, coordinator):
    page, base = journey.page, journey.base
    person, secret = coordinator

    # The office's coordinator signs in: password, then the code from the app.
    page.goto(f"{base}/accounts/login/?next=/admin/")
    journey.check("sign-in")
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    journey.check("code")
    page.fill("input[name=code]", current_code(secret, person))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/admin/")

    # Administration menu, "API tokens", add one for the partner.
    tokens_link = page.locator('a[href="/admin/api-tokens/"]').first
    if not tokens_link.is_visible():  # the phone's sidebar is folded
        page.locator("button[aria-label][aria-expanded=false]").first.click()
    tokens_link.click()
    page.wait_for_url("**/admin/api-tokens/")
    journey.check("tokens")
    page.locator('a[href="/admin/api-tokens/new/"]').first.click()
    page.wait_for_url("**/admin/api-tokens/new/")
    page.fill("input[name=name]", "Выгрузка для МОМ")
    page.locator("select[name=organisation]").select_option(label="Представительство МОМ")
    page.locator('input[name=scopes][value="cases:anonymised"]').check()
    # The organisation list names the factories' "Member …" organisations: data, not interface.
    journey.check("new-token", allowed_words=["Member"])
    page.locator("form[method=post] button[type=submit]").last.click()
    raw = page.locator("#raw-token").input_value()
    assert raw.startswith("fnp_")
    # The page shows the HTTP header to send, the scope's code and the token's
    # prefix: what the partner's script needs verbatim, not interface text.
    prefix = raw.rsplit("_", 1)[0]
    technical = ["Authorization", "Bearer", "cases", "anonymised", *english_words(prefix)]
    journey.check("token-shown", allowed_words=technical)

    # The partner's script: no session, only the token in the header.
    page.context.clear_cookies()
    api = page.request
    answer = api.get(f"{base}/api/v1/cases/anonymised", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 200, answer.text()
    data = answer.json()
    assert data["records"] == 30 and len(data["rows"]) == 30
    assert data["release"]["number"] == 1

    # Without the token, or with one made up, nothing.
    assert api.get(f"{base}/api/v1/cases/anonymised").status == 401
    forged = f"fnp_{secrets.token_hex(4)}_{secrets.token_urlsafe(24)}"
    refused = api.get(
        f"{base}/api/v1/cases/anonymised", headers={"Authorization": f"Bearer {forged}"}
    )
    assert refused.status == 401
    assert "rows" not in refused.text()
    tampered = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert (
        api.get(
            f"{base}/api/v1/cases/anonymised", headers={"Authorization": f"Bearer {tampered}"}
        ).status
        == 401
    )

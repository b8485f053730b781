"""/api/v1/referrals from both sides and from the attacker's: the case
workers of the two organisations do what their side allows; observers, a
third organisation, coordinators, strangers, partner tokens and made-up ids
get nothing, and nobody learns that a referral they may not see exists."""

import datetime
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.api.models import Scope
from portal.members.models import AuditEvent
from portal.referrals import lifecycle
from portal.referrals.case_data import snapshot
from portal.referrals.models import Referral, ReferralMessage, ReferralStep
from tests.api.conftest import bearer, make_token
from tests.referrals.builders import CONSENT_ALL, send_referral

pytestmark = pytest.mark.django_db

BASE = "/api/v1/referrals"
NEEDS = "Safe accommodation for two weeks and counselling in Uzbek."
PHONE = "Call her sister on +998 90 123 45 67 after six."


def call(client, user, method, path, body=None, **extra):
    client.logout()
    if user is not None:
        client.force_login(user)
    if body is None:
        return getattr(client, method)(path, **extra)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(path, data=data, content_type="application/json", **extra)


def consent_body(**changes):
    consent = {
        "given_by": CONSENT_ALL["given_by"],
        "method": CONSENT_ALL["method"],
        "date": datetime.date.today().isoformat(),
        "services": list(CONSENT_ALL["services"]),
        "data": list(CONSENT_ALL["data"]),
    }
    consent.update(changes)
    return consent


def create_body(world, **changes):
    body = {
        "case": world["case"].pk,
        "provider": world["provider"].pk,
        "services": ["shelter", "psychological"],
        "phase": "first_assistance",
        "urgency": "urgent",
        "languages": ["uz", "ru"],
        "needs": NEEDS,
        "sender_contact": "Weekdays 9-18 through the portal thread.",
        "data_categories": ["profile", "exploitation"],
        "consent": consent_body(),
    }
    body.update(changes)
    return body


def accepted(world):
    return lifecycle.accept(world["andijan_member"], send_referral(world))


# Every route, with a body that would work for the right person.
def routes(referral_id):
    one = f"{BASE}/{referral_id}"
    today = datetime.date.today().isoformat()
    return [
        ("get", one, None),
        ("patch", one, {"urgency": "immediate"}),
        ("post", f"{one}/accept", None),
        ("post", f"{one}/decline", {"reason": "No free places this month."}),
        ("post", f"{one}/revoke", {"reason": "The person chose another shelter."}),
        ("post", f"{one}/close", {"outcome": "completed", "note": "Stayed two weeks."}),
        ("get", f"{one}/messages", None),
        ("post", f"{one}/messages", {"body": "Is there news?"}),
        ("get", f"{one}/steps", None),
        ("post", f"{one}/steps", {"kind": "contact", "date": today, "note": "Phoned."}),
    ]


ROUTE_IDS = [
    "detail",
    "edit",
    "accept",
    "decline",
    "revoke",
    "close",
    "messages",
    "message_add",
    "steps",
    "step_add",
]


def nothing_changed(referral):
    fresh = Referral.objects.get(pk=referral.pk)
    return (
        fresh.status == referral.status
        and fresh.urgency == referral.urgency
        and not ReferralMessage.objects.filter(referral=referral).exists()
        and ReferralStep.objects.filter(referral=referral).count() == referral.steps.count()
    )


# --- The happy path --------------------------------------------------------------


def test_a_referral_goes_through_its_whole_lifecycle_through_the_api(client, world):
    sender, recipient = world["osh_member"], world["andijan_member"]

    created = call(client, sender, "post", BASE, create_body(world))
    assert created.status_code == 201, created.content
    referral = created.json()
    assert referral["status"] == "pending" and referral["direction"] == "sent"
    assert referral["workspace"] == "osh-cases"
    assert referral["to_organisation"] == "Andijan Shelter" and referral["to_country"] == "UZ"
    # The coded data consented to (profile, exploitation), never the narrative.
    assert referral["case_data"] == snapshot(world["case"], ["profile", "exploitation"])
    assert referral["case_data"]["citizenship"] == "UZ"
    assert "isSexualExploit" in referral["case_data"]["exploitation"]
    assert "means" not in referral["case_data"]
    assert referral["consent"]["method"] == "written" and referral["override_reason"] == ""
    one = f"{BASE}/{referral['id']}"

    # The recipient finds it in its list and opens it; the opening is audited.
    listed = call(client, recipient, "get", f"{BASE}?direction=received").json()
    assert [item["id"] for item in listed["items"]] == [referral["id"]]
    assert listed["items"][0]["direction"] == "received"
    assert listed["items"][0]["workspace"] == "andijan-intake"
    opened = call(client, recipient, "get", one).json()
    assert opened["needs"] == NEEDS and opened["case_data"]["citizenship"] == "UZ"
    assert opened["referred_by"]["email"] == "osh.member@example.org"
    assert opened["can"] == {
        "edit": False,
        "answer": True,
        "revoke": False,
        "close": False,
        "message": True,
        "step": False,
    }
    assert AuditEvent.objects.filter(
        action="referrals.viewed", workspace=world["andijan"], actor=recipient
    ).exists()

    # The sender changes the urgency before any answer; the deadline follows.
    edited = call(client, sender, "patch", one, {"urgency": "immediate"})
    assert edited.status_code == 200
    assert edited.json()["urgency"] == "immediate" and edited.json()["needs"] == NEEDS

    accept = call(client, recipient, "post", f"{one}/accept")
    assert accept.status_code == 200 and accept.json()["status"] == "accepted"
    # Accepted: the sender can no longer change it.
    locked = call(client, sender, "patch", one, {"needs": "Only a shelter now."})
    assert locked.status_code == 409
    assert "can no longer change it" in locked.json()["detail"]

    posted = call(client, recipient, "post", f"{one}/messages", {"body": "A room is ready."})
    assert posted.status_code == 201 and posted.json()["side"] == "recipient"
    call(client, sender, "post", f"{one}/messages", {"body": "Thank you, we stay in touch."})
    thread = call(client, sender, "get", f"{one}/messages").json()
    assert [(m["side"], m["body"]) for m in thread] == [
        ("recipient", "A room is ready."),
        ("sender", "Thank you, we stay in touch."),
    ]

    today = datetime.date.today().isoformat()
    step = call(
        client,
        recipient,
        "post",
        f"{one}/steps",
        {"kind": "service", "service": "shelter", "date": today, "note": "Two weeks' stay."},
    )
    assert step.status_code == 201 and step.json()["service"] == "shelter"
    steps = call(client, sender, "get", f"{one}/steps").json()
    assert [(s["kind"], s["side"]) for s in steps] == [("service", "recipient")]

    closed = call(client, recipient, "post", f"{one}/close", {"outcome": "completed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["outcome"] == "completed"
    # Closed: the thread is closed too.
    late = call(client, sender, "post", f"{one}/messages", {"body": "One more thing."})
    assert late.status_code == 409

    for person in (sender, recipient):
        mine = call(client, person, "get", f"{BASE}?status=closed").json()
        assert [item["id"] for item in mine["items"]] == [referral["id"]]
    actions = set(
        AuditEvent.objects.filter(workspace=world["osh"]).values_list("action", flat=True)
    )
    assert {"referrals.sent", "referrals.changed", "referrals.accepted", "referrals.closed"} <= (
        actions
    )


def test_a_declined_referral_tells_the_sender_why_and_leaves_the_recipient(client, world):
    referral = send_referral(world)
    one = f"{BASE}/{referral.pk}"
    declined = call(
        client, world["andijan_member"], "post", f"{one}/decline", {"reason": "No free places."}
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert call(client, world["andijan_member"], "get", one).status_code == 404
    assert call(client, world["osh_member"], "get", one).json()["decline_reason"] == (
        "No free places."
    )


def test_an_override_without_consent_is_shown_to_the_recipient(client, world):
    reason = "A child at immediate risk of being moved across the border tonight."
    body = create_body(world, consent=None, override_reason=reason)
    created = call(client, world["osh_member"], "post", BASE, body)
    assert created.status_code == 201
    opened = call(client, world["andijan_member"], "get", f"{BASE}/{created.json()['id']}").json()
    assert opened["consent"] is None and opened["override_reason"] == reason
    assert AuditEvent.objects.filter(action="referrals.consent_overridden").count() == 2


def test_the_list_filters_by_status_workspace_and_direction_and_pages(client, world):
    first = send_referral(world)
    second = send_referral(world, urgency="routine")
    lifecycle.accept(world["andijan_member"], second)
    member = world["osh_member"]

    def ids(query):
        response = call(client, member, "get", f"{BASE}?{query}")
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [second.pk, first.pk]
    assert ids("status=pending") == [first.pk]
    assert ids("direction=received") == []
    assert ids("workspace=osh-cases&direction=sent") == [second.pk, first.pk]
    # A workspace where the person works on no cases gives nothing, like an unknown one.
    assert ids("workspace=andijan-intake") == []
    assert ids("workspace=no-such-workspace") == []
    page = call(client, member, "get", f"{BASE}?limit=1&offset=1").json()
    assert page["count"] == 2 and page["limit"] == 1 and page["offset"] == 1
    assert [item["id"] for item in page["items"]] == [first.pk]


# --- Refused on the way in: what the person typed ----------------------------------


def test_without_consent_or_override_the_api_refuses_with_the_reason(client, world):
    response = call(client, world["osh_member"], "post", BASE, create_body(world, consent=None))
    assert response.status_code == 400
    refusal = "Without the person's consent the referral is refused"
    assert refusal in response.json()["errors"]["override_reason"][0]
    assert refusal in response.json()["detail"]
    assert not Referral.objects.exists()


def test_consent_and_an_override_together_are_refused(client, world):
    body = create_body(world, override_reason="A child at immediate risk of being moved.")
    response = call(client, world["osh_member"], "post", BASE, body)
    assert response.status_code == 400 and "override_reason" in response.json()["errors"]
    assert not Referral.objects.exists()


def test_consent_must_cover_the_services_and_the_data_asked(client, world):
    body = create_body(
        world,
        data_categories=["profile", "control"],
        consent=consent_body(services=["shelter"], data=["profile"]),
    )
    response = call(client, world["osh_member"], "post", BASE, body)
    assert response.status_code == 400
    assert {"consent_services", "consent_data"} <= set(response.json()["errors"])


def test_personal_data_in_the_needs_is_refused_and_nothing_is_saved(client, world):
    response = call(client, world["osh_member"], "post", BASE, create_body(world, needs=PHONE))
    assert response.status_code == 400 and "needs" in response.json()["errors"]
    assert not Referral.objects.exists()


def test_personal_data_in_messages_steps_and_reasons_is_refused(client, world):
    referral = accepted(world)
    one = f"{BASE}/{referral.pk}"
    recipient, sender = world["andijan_member"], world["osh_member"]
    today = datetime.date.today().isoformat()
    for person, path, body, field in (
        (recipient, f"{one}/messages", {"body": PHONE}, "body"),
        (recipient, f"{one}/steps", {"kind": "contact", "date": today, "note": PHONE}, "note"),
        (recipient, f"{one}/close", {"outcome": "completed", "note": PHONE}, "note"),
        (sender, f"{one}/revoke", {"reason": PHONE}, "reason"),
    ):
        response = call(client, person, "post", path, body)
        assert response.status_code == 400, path
        assert field in response.json()["errors"], path
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == "accepted"
    assert not fresh.messages.exists() and not fresh.steps.exists()
    assert PHONE not in json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))


def test_a_provider_outside_the_directory_is_refused_by_field(client, world):
    body = create_body(world, provider=10**9)
    response = call(client, world["osh_member"], "post", BASE, body)
    assert response.status_code == 400 and "provider" in response.json()["errors"]


def test_codes_outside_the_lists_are_refused_by_field(client, world):
    body = create_body(world, phase="rescue", services=["spa"], languages=["xx"])
    response = call(client, world["osh_member"], "post", BASE, body)
    assert response.status_code == 400
    assert {"phase", "services", "languages"} <= set(response.json()["errors"])


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "",
        "null",
        "[]",
        '"a referral"',
        json.dumps({"case": "first", "provider": 1}),
        json.dumps({"case": 1.5, "provider": 1}),
        json.dumps({"case": 2**70, "provider": 1}),
        json.dumps({"case": 1, "provider": 1, "services": "shelter"}),
        json.dumps({"case": 1, "provider": 1, "needs": ["a", "b"]}),
        json.dumps({"case": 1, "provider": 1, "consent": "yes"}),
        json.dumps({"case": 1, "provider": 1, "consent": {"date": "yesterday"}}),
        json.dumps({"case": 1, "provider": 1, "needz": "A misspelt field."}),
    ],
    ids=[
        "broken",
        "empty",
        "null",
        "list",
        "string",
        "case-text",
        "case-float",
        "case-huge",
        "services-string",
        "needs-list",
        "consent-string",
        "consent-date",
        "unknown-field",
    ],
)
def test_a_body_that_is_not_the_documented_json_is_a_4xx(client, world, body):
    body = body.replace('"case": 1,', f'"case": {world["case"].pk},')
    body = body.replace('"provider": 1', f'"provider": {world["provider"].pk}')
    response = call(client, world["osh_member"], "post", BASE, body)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert not Referral.objects.exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    ["case", "provider", "services", "phase", "urgency", "languages", "needs", "consent",
     "override_reason", "reason", "outcome", "note", "body", "kind", "date", "service"]
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(["", "accept", "decline", "revoke", "close", "messages", "steps", "!"]),
    body=st.dictionaries(FIELDS, JSON, max_size=5) | JSON,
)
def test_any_json_on_any_write_route_is_answered_without_a_server_error(world, route, body):
    """Whatever a client sends, the answer is a 2xx or a 4xx with a message."""
    referral = Referral.objects.filter(status="accepted").first() or accepted(world)
    client = Client()
    client.force_login(world["andijan_member"])
    one = f"{BASE}/{referral.pk}"
    if route == "":
        method, path = "post", BASE
    elif route == "!":
        method, path = "patch", one
    else:
        method, path = "post", f"{one}/{route}"
    response = getattr(client, method)(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["detail"]


@pytest.mark.parametrize("referral_id", ["0", "-1", str(2**63), str(10**30), "R-00001", "1.0"])
def test_a_made_up_or_malformed_referral_id_is_not_found(client, world, referral_id):
    send_referral(world)
    response = call(client, world["osh_member"], "get", f"{BASE}/{referral_id}")
    assert response.status_code in (404, 422)
    assert response.status_code == 404 or referral_id in ("R-00001", "1.0")


@pytest.mark.parametrize(
    "query", ["status=lost", "direction=sideways", "limit=0", "limit=201", "offset=-1"]
)
def test_a_bad_filter_is_refused_with_a_message(client, world, query):
    response = call(client, world["osh_member"], "get", f"{BASE}?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"]


# --- The attacker's side ---------------------------------------------------------


@pytest.mark.parametrize("route", range(len(ROUTE_IDS)), ids=ROUTE_IDS)
@pytest.mark.parametrize(
    "who", ["osh_observer", "andijan_observer", "third_owner", "coordinator", "outsider"]
)
def test_people_outside_the_two_sides_learn_nothing_on_any_route(client, world, who, route):
    referral = accepted(world)
    method, path, body = routes(referral.pk)[route]
    response = call(client, world[who], method, path, body)
    made_up = call(client, world[who], method, path.replace(str(referral.pk), "999999"), body)
    # The same answer as for a referral that does not exist.
    assert response.status_code == made_up.status_code == 404
    assert response.json() == made_up.json() == {"detail": "Not found."}
    assert nothing_changed(referral)


@pytest.mark.parametrize(
    "who", ["osh_observer", "andijan_observer", "third_owner", "coordinator", "outsider"]
)
def test_people_outside_the_two_sides_list_no_referrals(client, world, who):
    accepted(world)
    send_referral(world)
    response = call(client, world[who], "get", BASE)
    assert response.status_code == 200 and response.json()["count"] == 0
    assert response.json()["items"] == []


def test_coordinators_never_get_the_case_data_needs_or_thread(client, world):
    referral = accepted(world)
    lifecycle.post_message(world["andijan_member"], referral, "Arrived safely in Andijan.")
    coordinator = world["coordinator"]
    answers = [call(client, coordinator, m, p, b) for m, p, b in routes(referral.pk)]
    answers.append(call(client, coordinator, "get", BASE))
    for response in answers:
        text = response.content.decode()
        assert "Uzbek" not in text and "Arrived safely" not in text
        assert "case_data" not in text and "isSexualExploit" not in text


@pytest.mark.parametrize("who", ["osh_observer", "third_owner", "coordinator", "outsider"])
def test_only_a_case_worker_of_the_case_refers_it(client, world, who):
    response = call(client, world[who], "post", BASE, create_body(world))
    # The observer knows the case exists (their workspace): refused for their
    # role; for everyone else it does not exist.
    assert response.status_code == (403 if who == "osh_observer" else 404)
    assert not Referral.objects.exists()


def test_a_made_up_case_is_not_found(client, world):
    response = call(client, world["osh_member"], "post", BASE, create_body(world, case=10**9))
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def every_route(referral_id):
    return [("get", BASE, None), ("post", BASE, {}), *routes(referral_id)]


def test_anonymous_visitors_get_401_on_every_route(client, world):
    referral = accepted(world)
    for method, path, body in every_route(referral.pk):
        response = call(client, None, method, path, body)
        assert response.status_code == 401, (method, path)
    assert nothing_changed(referral)


@pytest.mark.parametrize("kind", ["valid", "made_up"])
def test_a_stolen_or_made_up_partner_token_opens_no_referral_route(client, world, kind):
    raw = make_token(scopes=list(Scope.values))[1] if kind == "valid" else "fnp_" + "x" * 40
    referral = accepted(world)
    for method, path, body in every_route(referral.pk):
        response = call(client, None, method, path, body, **bearer(raw))
        assert response.status_code == 401, (method, path)
        assert "needs" not in response.json()
    assert nothing_changed(referral)


def test_a_session_without_the_second_factor_is_refused(client, world, settings):
    referral = send_referral(world)
    settings.PORTAL_REQUIRE_MFA = True
    response = call(client, world["andijan_member"], "get", f"{BASE}/{referral.pk}")
    assert response.status_code == 403 and "authenticator" in response.json()["detail"]
    assert NEEDS not in response.content.decode()


def test_writes_need_the_csrf_token_of_the_session(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["osh_member"])
    forged = browser.post(BASE, json.dumps(create_body(world)), content_type="application/json")
    assert forged.status_code == 403 and not Referral.objects.exists()
    browser.get("/workspaces/")  # sets the CSRF cookie, as the pages do
    token = browser.cookies["csrftoken"].value
    sent = browser.post(
        BASE,
        json.dumps(create_body(world)),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert sent.status_code == 201


def test_a_revoked_referral_is_gone_for_the_recipient_at_once(client, world):
    referral = accepted(world)
    recipient = world["andijan_member"]
    assert call(client, recipient, "get", f"{BASE}/{referral.pk}").status_code == 200
    revoked = call(
        client,
        world["osh_member"],
        "post",
        f"{BASE}/{referral.pk}/revoke",
        {"reason": "The person chose another shelter."},
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    for method, path, body in routes(referral.pk):
        response = call(client, recipient, method, path, body)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Not found."}
    assert call(client, recipient, "get", BASE).json()["items"] == []
    # The sender still reads it, with the reason.
    opened = call(client, world["osh_member"], "get", f"{BASE}/{referral.pk}").json()
    assert opened["status"] == "revoked" and opened["revoke_reason"]


def test_a_side_cannot_do_the_other_sides_part(client, world):
    referral = send_referral(world)
    one = f"{BASE}/{referral.pk}"
    sender, recipient = world["osh_member"], world["andijan_member"]
    assert call(client, sender, "post", f"{one}/accept").status_code == 403
    assert call(client, sender, "post", f"{one}/decline", {"reason": "Mine."}).status_code == 403
    assert call(client, recipient, "patch", one, {"urgency": "routine"}).status_code == 403
    assert call(client, recipient, "post", f"{one}/revoke", {"reason": "No."}).status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == "pending"


def test_actions_that_wait_on_the_status_answer_409(client, world):
    pending = send_referral(world)
    one = f"{BASE}/{pending.pk}"
    recipient = world["andijan_member"]
    today = datetime.date.today().isoformat()
    step = {"kind": "contact", "date": today}
    assert call(
        client, recipient, "post", f"{one}/close", {"outcome": "completed"}
    ).status_code == (409)
    assert call(client, recipient, "post", f"{one}/steps", step).status_code == 409
    assert call(client, recipient, "post", f"{one}/accept").status_code == 200
    again = call(client, recipient, "post", f"{one}/accept")
    assert again.status_code == 409 and again.json()["detail"]


def test_the_openapi_document_describes_the_referral_routes_with_their_codes(client):
    from jsonschema import Draft202012Validator

    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths[BASE])
    assert {"get", "patch"} <= set(paths[f"{BASE}/{{referral_id}}"])
    for action in ("accept", "decline", "revoke", "close", "messages", "steps"):
        assert "post" in paths[f"{BASE}/{{referral_id}}/{action}"]
    schemas = document["components"]["schemas"]
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    assert schemas["ReferralOut"]["properties"]["phase"]["enum"] == [
        "identification",
        "first_assistance",
        "long_term",
        "return",
        "proceedings",
    ]
    assert "proceedings" in schemas["ReferralIn"]["properties"]["phase"]["enum"]
    assert "400" in paths[BASE]["post"]["responses"]


def test_an_archived_workspace_reads_its_referrals_but_acts_on_none(client, world):
    from portal.members.lifecycle import archive_workspace

    referral = accepted(world)
    archive_workspace(world["andijan"], actor=world["andijan_owner"])
    one = f"{BASE}/{referral.pk}"
    recipient = world["andijan_member"]
    assert call(client, recipient, "get", one).status_code == 200
    for path, body in (
        (f"{one}/close", {"outcome": "completed"}),
        (f"{one}/messages", {"body": "Still here."}),
    ):
        refused = call(client, recipient, "post", path, body)
        assert refused.status_code == 403 and "archived" in refused.json()["detail"]
    assert nothing_changed(referral)


def test_the_members_rate_limit_applies_to_the_referral_routes(client, world, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "api.member": "2/m"}
    referral = send_referral(world)
    member = world["osh_member"]
    client.force_login(member)
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}/{referral.pk}").status_code == 200
    limited = client.post(
        f"{BASE}/{referral.pk}/messages",
        json.dumps({"body": "Any news?"}),
        content_type="application/json",
    )
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert not ReferralMessage.objects.exists()

"""A partner network's release, once received, shows on the corridor view
beside the network's own figures; withdrawn, it disappears."""

import pytest
from django.conf import settings

from portal.exchange import incoming, keys, outgoing
from portal.exchange.models import Subscription


@pytest.fixture
def received(release, agreement):
    """This installation's release, received as a partner's would be."""
    key, _private = keys.active_key()
    Subscription.objects.create(
        name="Sister network",
        origin_url=incoming.normalise_origin(settings.PORTAL_BASE_URL),
        agreement_uid=agreement[0].uid,
        trusted_keys={key.kid: key.public_key},
    )
    data = outgoing.signed_document(outgoing.current_event(release), agreement[0])[0]
    return incoming.receive(data, via="push")


def test_a_received_release_is_a_labelled_layer_beside_the_networks_own(client, received):
    page = client.get("/statistics/corridors/?year=2023")
    assert page.status_code == 200
    html = page.content.decode()
    assert settings.EXCHANGE_NETWORK_NAME in html
    api = client.get("/api/v1/statistics/corridors", {"year": "2023"}).json()
    [layer] = api["partner_layers"]
    assert layer["network"] == settings.EXCHANGE_NETWORK_NAME
    assert layer["release_id"] == str(received.release_id)
    assert layer["source"] in settings.PORTAL_BASE_URL
    csv = client.get("/statistics/corridors.csv").content.decode("utf-8-sig")
    assert settings.EXCHANGE_NETWORK_NAME in csv


def test_a_withdrawn_partner_release_leaves_the_page(client, release, agreement, received):
    outgoing.withdraw(release, reason="Counted twice")
    incoming.receive(
        outgoing.signed_document(outgoing.current_event(release), agreement[0])[0], via="push"
    )
    assert client.get("/api/v1/statistics/corridors").json()["partner_layers"] == []

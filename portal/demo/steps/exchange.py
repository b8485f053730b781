"""A partner network's release, so the corridor view on `make run` shows the
"partner networks" layer beside the network's own figures.

The partner is fictional (a Kazakh network at portal.example.kz, a big
destination for the valley's migrants). Its release goes through the same
checks as a real one: signed with its key, received by a subscription that
trusts that key, verified and stored with its provenance. The demo key is
derived from a published seed: it is a demo, never a secret.
"""

import datetime
import hashlib
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from portal.exchange import incoming, signing
from portal.exchange.models import ImportedRelease, Subscription

ORIGIN = "https://portal.example.kz"
NETWORK = "Казахстанская сеть против торговли людьми (демо)"
ORGANISATION = "Координационный офис, Алматы (демо)"
AGREEMENT = uuid.uuid5(uuid.NAMESPACE_URL, ORIGIN + "/demo-agreement")
RELEASE_ID = 3
# (year, citizenship, country of exploitation, count): the partner's corridors.
CORRIDORS = (
    ("2023", "UZ", "KZ", 41),
    ("2023", "KG", "KZ", 27),
    ("2023", "TJ", "KZ", 19),
    ("2024", "UZ", "KZ", 48),
    ("2024", "KG", "KZ", 31),
    ("2024", "TJ", "KZ", 22),
    ("2024", "KZ", "RU", 15),
    ("2025", "UZ", "KZ", 37),
    ("2025", "KG", "KZ", 24),
    ("2025", "UZ", "RU", 12),
)


def _key():
    seed = hashlib.sha256(b"ferghana-portal demo partner key (public, not a secret)").digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def _payload():
    published = timezone.now().replace(microsecond=0) - datetime.timedelta(days=20)
    by_year, by_citizenship = {}, {}
    for year, citizenship, _country, count in CORRIDORS:
        by_year[year] = by_year.get(year, 0) + count
        by_citizenship[citizenship] = by_citizenship.get(citizenship, 0) + count
    total = sum(count for *_rest, count in CORRIDORS)
    return {
        "format": "fnp-exchange-release",
        "version": 1,
        "origin": {"portal": ORIGIN, "network": NETWORK, "organisation": ORGANISATION},
        "recipient": str(AGREEMENT),
        "release": {
            "id": RELEASE_ID,
            "version": 1,
            "status": "published",
            "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "withdrawn_at": None,
            "reason": "",
        },
        "method": {
            "name": "opendp-discrete-laplace+per-workspace-k-anonymity",
            "k": 11,
            "epsilon": 1.0,
            "noise": "discrete Laplace",
        },
        "tier": "aggregates",
        "scope": {"countries": ["KG", "KZ", "TJ", "UZ"], "year_from": 2023, "year_to": 2025},
        "aggregates": {
            "total": total,
            # The six tables every release carries, in their fixed order; the
            # demo partner publishes only years and citizenships.
            "tables": [
                {"key": "year", "cells": [{"code": y, "count": c} for y, c in by_year.items()]},
                {"key": "exploitation", "cells": []},
                {"key": "country", "cells": []},
                {
                    "key": "citizenship",
                    "cells": [{"code": k, "count": c} for k, c in by_citizenship.items()],
                },
                {"key": "gender", "cells": []},
                {"key": "age", "cells": []},
            ],
            "corridors": [
                {"year": year, "citizenship": citizenship, "country": country, "count": count}
                for year, citizenship, country, count in CORRIDORS
            ],
        },
    }


def load_partner_release(ctx):
    key = _key()
    raw = signing.public_bytes(key)
    subscription, _created = Subscription.objects.update_or_create(
        origin_url=ORIGIN,
        defaults={
            "name": NETWORK,
            "token": "",
            "agreement_uid": AGREEMENT,
            "trusted_keys": {signing.key_id(raw): signing.b64encode(raw)},
            # A demo origin nobody can reach: the worker must not pull it.
            "active": False,
        },
    )
    if ImportedRelease.objects.filter(subscription=subscription, release_id=RELEASE_ID).exists():
        ctx.say(f"partner release from {ORIGIN} already held")
        return
    data = signing.sign_payload(_payload(), key)
    imported = incoming.receive(data, via="demo", subscription=subscription)
    ctx.say(
        f"partner network's release {imported.release_id} from {ORIGIN} verified and stored "
        f"({len(data)} bytes, signed with {imported.signer_kid})"
    )

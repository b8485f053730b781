#!/usr/bin/env python
"""Exchange benchmark (not a test): what a signed release of 10,000 records
weighs and costs, from the origin's signature to the sister portal's import.

    eval "$(scripts/services.sh env)"
    DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python bench/exchange_bench.py
    # options: --records 10000 --group 20 --repeat 5 --keep-db

It works in a database of its own (created and dropped like the test suite's,
named after the test database with "_exchange"). The records are k-anonymous
as a release needs them: ``--records`` case records in groups of ``--group``
(at least 11) identical combinations of the quasi-identifiers, all in one
shared report, so the release keeps every one. One agreement (records tier,
every country and year of the data) receives the release; the portal then
imports it as a sister portal would, through a subscription to its own address
(incoming.receive: verify, validate, check recipient and version, store).

Printed, median of ``--repeat`` runs each: the document's size (bytes and
gzipped), build + sign (outgoing.signed_document: rows from the stored
release, canonical JSON, Ed25519), verify (signing.verify_envelope: parse,
canonical form, signature), validate (formats.validate_payload), and import
(incoming.receive, the stored release deleted between runs).
"""

import argparse
import gzip
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

from bench.common import commit, in_process_database, machine, say  # noqa: E402

CITIZENSHIPS = ("KG", "UZ", "TJ", "KZ")
COUNTRIES = ("RU", "KZ", "TR", "AE", "KR")
YEARS = range(2020, 2026)
GENDERS = ("Male", "Female")
AGE_BANDS = ("18--20", "24--26", "30--38", "39--47")


def combinations():
    for year, citizenship, country, gender, age in itertools.product(
        YEARS, CITIZENSHIPS, COUNTRIES, GENDERS, AGE_BANDS
    ):
        if citizenship != country:
            yield {
                "year_of_registration": year,
                "citizenship": citizenship,
                "country_of_exploitation": country,
                "gender": gender,
                "age_band": age,
            }


def make_release(records, group):
    from portal.core.audience import NETWORK
    from portal.reports.models import CaseRecord
    from tests.reports.factories import case_values, make_report, publish

    report = make_report(audience=NETWORK)
    combos = list(itertools.islice(combinations(), records // group))
    if len(combos) * group != records:
        raise SystemExit(
            f"{records} records in groups of {group} need {records // group} combinations; "
            f"the bench has {len(list(combinations()))}: choose another --group."
        )
    CaseRecord.objects.bulk_create(
        [
            CaseRecord(report=report, **case_values(**combo))
            for combo in combos
            for _ in range(group)
        ],
        batch_size=2000,
    )
    return publish()


def make_agreement():
    import datetime

    from django.utils import timezone

    from portal.exchange.models import Agreement, Tier
    from tests.factories import OrganisationFactory

    today = timezone.localdate()
    return Agreement.objects.create(
        title="Bench partner",
        partner=OrganisationFactory(verified=False),
        tier=Tier.RECORDS,
        countries=sorted({*CITIZENSHIPS, *COUNTRIES}),
        year_from=min(YEARS),
        year_to=max(YEARS),
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=365),
        contact_name="Bench",
        contact_email="bench@example.org",
    )


def timed(function, repeat, before=None):
    """(median seconds, last result) of ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run(args):
    from django.conf import settings

    from portal.exchange import formats, incoming, keys, outgoing, signing
    from portal.exchange.models import ImportedRelease, Subscription

    say(f"release: {args.records} records in groups of {args.group}, publishing")
    started = time.perf_counter()
    release = make_release(args.records, args.group)
    say(f"published release {release.number} in {time.perf_counter() - started:.1f}s")
    agreement = make_agreement()
    event = outgoing.current_event(release)
    keys.active_key()
    trusted = {key["kid"]: key["x"] for key in keys.keys_document()["keys"]}
    subscription = Subscription.objects.create(
        name="Bench (itself)",
        origin_url=settings.PORTAL_BASE_URL.rstrip("/"),
        agreement_uid=agreement.uid,
        trusted_keys=trusted,
    )

    sign_s, (data, _kid, count) = timed(
        lambda: outgoing.signed_document(event, agreement), args.repeat
    )
    if count != args.records:
        raise SystemExit(f"the document holds {count} records, not {args.records}")
    verify_s, (payload, _kid) = timed(lambda: signing.verify_envelope(data, trusted), args.repeat)
    validate_s, _ = timed(lambda: formats.validate_payload(payload), args.repeat)
    import_s, imported = timed(
        lambda: incoming.receive(data, via="push", subscription=subscription),
        args.repeat,
        before=lambda: ImportedRelease.objects.all().delete(),
    )
    assert len(imported.payload["records"]) == args.records
    size, zipped = len(data), len(gzip.compress(data))

    rows = [
        ("records", f"{count:,}"),
        ("document size", f"{size:,} bytes ({size / 1e6:.1f} MB)"),
        ("gzipped", f"{zipped:,} bytes ({zipped / 1e6:.2f} MB)"),
        ("build + sign", f"{sign_s * 1000:.0f} ms"),
        ("verify", f"{verify_s * 1000:.0f} ms"),
        ("validate", f"{validate_s * 1000:.0f} ms"),
        ("import (receive)", f"{import_s * 1000:.0f} ms"),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    print(f"Signed release, median of {args.repeat} runs")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print()
    print(f"Machine: {machine().split(';')[0]}; commit {commit()}")
    print(
        f"README: A release of {count:,} records is {size / 1e6:.1f} MB ({zipped / 1e6:.2f} MB gzipped); "
        f"building and signing it takes {sign_s:.1f} s, verifying {verify_s:.2f} s, validating "
        f"{validate_s:.2f} s and importing it (verify, validate, store) {import_s:.1f} s "
        "(`bench/exchange_bench.py`)."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--group", type=int, default=20, help="identical records per group (≥ 11)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if args.group < 11:
        parser.error("--group must be at least 11 (k = 11): smaller groups are suppressed")
    with in_process_database("exchange", keep=args.keep_db):
        run(args)


if __name__ == "__main__":
    main()

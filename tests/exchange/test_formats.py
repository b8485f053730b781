"""The exchange formats (issue 15, deliverable 1): versioned JSON Schemas in the
repository, coded fields only, the HTCDS/CTDC mapping, and the CSV forms.

Payloads are built the way the signing code builds them: from a statistics
release published from real case records, through ``aggregates_from_release``
and ``records_from_release``, then sent through JSON as a partner receives them.
"""

import base64
import copy
import csv
import io
import itertools
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jsonschema import Draft202012Validator

from portal.core.countries import COUNTRY_CODES, OTHER
from portal.exchange import formats
from portal.exchange.formats import InvalidDocument
from portal.exchange.mapping import MAPPING_BY_COLUMN, RECORD_MAPPING, mapping_markdown
from portal.reports import vocabulary as vocab
from portal.reports.anonymity import ANONYMISED_COLUMNS, WITHHELD, is_k_anonymous
from portal.reports.statistics import EXPLOITATION_CATEGORIES
from tests.conftest import per_module
from tests.reports.factories import add_cases, make_report, publish

README = Path(__file__).resolve().parents[2] / "README.md"
COUNTRIES = ["KG", "UZ"]
YEARS = (2020, 2026)
AGREEMENT = "0b6f3f0e-8c3a-4d7e-9a55-0f1e2d3c4b5a"


# --- Payloads from a real release ----------------------------------------------------


def _one_report():
    """A release of one network report: three common groups in the agreement's
    countries and years, one outside its countries (TJ -> TR), one before its
    years, and two rare records the anonymiser must generalise or leave out."""
    report = make_report(audience="network")
    add_cases(report, 12)  # 2023, Male, 24--26, KG -> RU, forced labour, construction
    add_cases(
        report,
        12,
        year_of_registration=2024,
        gender="Female",
        age_band="18--20",
        citizenship="UZ",
        country_of_exploitation="KZ",
        is_forced_labour=False,
        type_of_labour_construction=False,
        is_sexual_exploit=True,
        means_of_control_threats=True,
        means_of_control_debt_bondage=True,
        recruiter_relation_friend=True,
    )
    add_cases(report, 11, year_of_registration=2024, citizenship="TJ", country_of_exploitation="TR")
    add_cases(report, 12, year_of_registration=2019)
    add_cases(report, 2, gender="Transgender/NonConforming", age_band="48+")
    return publish()


_module_release, release = per_module(
    "release",
    _one_report,
    """_one_report's release, published once per module.""",
)


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def payload_for(release, tier="aggregates"):
    payload = {
        "format": "fnp-exchange-release",
        "version": 1,
        "origin": {
            "portal": "https://portal.example.kg",
            "network": "Ferghana Valley Anti-Trafficking Network",
            "organisation": "Network office",
        },
        "recipient": AGREEMENT,
        "release": {
            "id": release.number,
            "version": 1,
            "status": "published",
            "published_at": iso(release.published_at),
            "withdrawn_at": None,
            "reason": "",
        },
        "method": {
            "name": release.method,
            "k": release.parameters["k"],
            "epsilon": release.parameters["epsilon"],
            "noise": release.parameters["noise"],
        },
        "tier": tier,
        "scope": {"countries": COUNTRIES, "year_from": YEARS[0], "year_to": YEARS[1]},
        "aggregates": formats.aggregates_from_release(release, COUNTRIES, *YEARS),
    }
    if tier == "records":
        payload["records"] = formats.records_from_release(release, COUNTRIES, *YEARS)
    # What the partner receives: JSON, not Python objects.
    return json.loads(json.dumps(payload))


def withdrawn(payload):
    payload = copy.deepcopy(payload)
    payload["release"].update(
        status="withdrawn", version=2, withdrawn_at="2026-12-01T09:30:00Z", reason="duplicate"
    )
    payload.pop("aggregates")
    payload.pop("records", None)
    return payload


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def a_key():
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, public


def envelope_for(payload):
    private, public = a_key()
    signature = private.sign(json.dumps(payload, sort_keys=True).encode())
    return {
        "payload": payload,
        "signature": {"alg": "Ed25519", "kid": b64url(public[:16]), "value": b64url(signature)},
    }


def keys_document():
    old_private, old_public = a_key()
    _new_private, new_public = a_key()
    return {
        "keys": [
            {
                "kid": b64url(new_public[:16]),
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url(new_public),
                "status": "active",
                "created_at": "2026-11-01T08:00:00Z",
                "retired_at": None,
                "endorsed_by": b64url(old_public[:16]),
                "endorsement": b64url(old_private.sign(new_public)),
            },
            {
                "kid": b64url(old_public[:16]),
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url(old_public),
                "status": "retired",
                "created_at": "2025-11-01T08:00:00Z",
                "retired_at": "2026-11-01T08:00:00Z",
                "endorsed_by": "",
                "endorsement": "",
            },
        ]
    }


def refusal(validate, document):
    with pytest.raises(InvalidDocument) as caught:
        validate(document)
    return str(caught.value)


# --- Valid documents pass -------------------------------------------------------------


def test_an_aggregates_release_built_from_real_records_is_valid(release):
    payload = payload_for(release)

    assert formats.validate_payload(payload) is payload
    assert "records" not in payload
    keys = [table["key"] for table in payload["aggregates"]["tables"]]
    assert keys == ["year", "exploitation", "country", "citizenship", "gender", "age"]


def test_a_records_release_built_from_real_records_is_valid_and_stays_k_anonymous(release):
    payload = payload_for(release, "records")

    formats.validate_payload(payload)
    records = payload["records"]
    assert records
    assert all(list(row) == list(ANONYMISED_COLUMNS) for row in records)
    assert is_k_anonymous(records, release.parameters["k"])
    # Only the agreement's countries and years leave: TJ -> TR and 2019 stay home.
    assert all({r["citizenship"], r["CountryOfExploitation"]} & set(COUNTRIES) for r in records)
    # A withheld year could be any year: it does not leave under a range of years.
    assert all(YEARS[0] <= r["yearOfRegistration"] <= YEARS[1] for r in records)
    assert {(r["citizenship"], r["CountryOfExploitation"]) for r in records} == {
        ("KG", "RU"),
        ("UZ", "KZ"),
    }


def test_a_withdrawn_release_without_data_is_valid(release):
    formats.validate_payload(withdrawn(payload_for(release, "records")))


def test_a_signed_envelope_and_a_keys_document_are_valid(release):
    formats.validate_envelope(envelope_for(payload_for(release, "records")))
    formats.validate_keys(keys_document())


def test_aggregates_are_the_release_figures_as_published(release):
    aggregates = formats.aggregates_from_release(release)

    assert aggregates["total"] == release.total == 49
    assert aggregates["tables"] == [
        table for table in release.tables if table["key"] in formats.TABLE_KEYS
    ]
    stored = next(table for table in release.tables if table["key"] == "corridor")
    assert aggregates["corridors"] == stored["cells"]
    assert aggregates["corridors"]  # the release's real corridors, not an empty list


def test_corridors_outside_the_agreement_do_not_leave(release):
    release.tables = [
        *release.tables,
        {
            "key": "corridor",
            "cells": [
                {"year": "2024", "citizenship": "UZ", "country": "KZ", "count": 12},
                {"year": "2024", "citizenship": "TJ", "country": "TR", "count": 11},
                {"year": "2019", "citizenship": "KG", "country": "RU", "count": 12},
                {"year": "earlier", "citizenship": "KG", "country": "RU", "count": 30},
                {"year": "2023", "citizenship": "KG", "country": "RU", "count": None},
            ],
        },
    ]

    aggregates = formats.aggregates_from_release(release, COUNTRIES, *YEARS)

    assert aggregates["corridors"] == [
        {"year": "2024", "citizenship": "UZ", "country": "KZ", "count": 12},
        {"year": "2023", "citizenship": "KG", "country": "RU", "count": None},
    ]


# --- Wrong documents are refused, with a message naming the place ----------------------


def _set(path, value):
    def change(document):
        *parents, last = path
        target = document
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def _delete(path):
    def change(document):
        *parents, last = path
        target = document
        for part in parents:
            target = target[part]
        del target[last]

    return change


REFUSALS = [
    # (what is wrong, tier, change, the message starts with, and says)
    ("an extra field", "aggregates", _set(["note"], "hi"), "document", 'unexpected field "note"'),
    (
        "a name in a record",
        "records",
        _set(["records", 0, "name"], "Aigul"),
        "records[0]",
        'unexpected field "name"',
    ),
    (
        "free text in a coded field",
        "records",
        _set(["records", 0, "gender"], "Female, met at the Osh bazaar"),
        "records[0].gender",
        "expected a CTDC gender code",
    ),
    (
        "free text in a concatenated column",
        "records",
        _set(["records", 0, "typeOfExploitConcatenated"], "Forced labour;told us her name"),
        "records[0].typeOfExploitConcatenated",
        "expected CTDC labels",
    ),
    (
        "free text as a table code",
        "aggregates",
        _set(["aggregates", "tables", 4, "cells", 0, "code"], "women we met"),
        "aggregates.tables[4].cells[0].code",
        "expected a CTDC gender code",
    ),
    (
        "a country name for a code",
        "aggregates",
        _set(["scope", "countries", 0], "Kyrgyzstan"),
        "scope.countries[0]",
        "ISO 3166-1 alpha-2",
    ),
    (
        "a lower-case country code",
        "records",
        _set(["records", 0, "citizenship"], "kg"),
        "records[0].citizenship",
        "ISO 3166-1 alpha-2",
    ),
    (
        "a made-up country code",
        "aggregates",
        _set(["aggregates", "tables", 2, "cells", 0, "code"], "XX"),
        "aggregates.tables[2].cells[0].code",
        "ISO 3166-1 alpha-2",
    ),
    (
        "a negative count",
        "aggregates",
        _set(["aggregates", "tables", 0, "cells", 0, "count"], -3),
        "aggregates.tables[0].cells[0].count",
        "at least 0",
    ),
    (
        "a negative total",
        "aggregates",
        _set(["aggregates", "total"], -1),
        "aggregates.total",
        "at least 0",
    ),
    ("an unknown version", "aggregates", _set(["version"], 2), "version", "version 1"),
    ("another format", "aggregates", _set(["format"], "ctdc"), "format", "fnp-exchange-release"),
    (
        "records in an aggregates-tier release",
        "aggregates",
        _set(["records"], []),
        "records",
        "an aggregates-tier release carries no records",
    ),
    (
        "a records-tier release without records",
        "records",
        _delete(["records"]),
        "document",
        'missing field "records"',
    ),
    (
        "a release without aggregates",
        "aggregates",
        _delete(["aggregates"]),
        "document",
        'missing field "aggregates"',
    ),
    (
        "a table left out",
        "aggregates",
        lambda p: p["aggregates"]["tables"].pop(),
        "aggregates.tables",
        "six tables",
    ),
    (
        "a flag that is not 0 or 1",
        "records",
        _set(["records", 0, "isForcedLabour"], 2),
        "records[0].isForcedLabour",
        "1 or 0",
    ),
    (
        "an exact age",
        "records",
        _set(["records", 0, "ageBroad"], "25"),
        "records[0].ageBroad",
        "age band",
    ),
    (
        "a published release with a withdrawal date",
        "aggregates",
        _set(["release", "withdrawn_at"], "2026-12-01T09:30:00Z"),
        "release.withdrawn_at",
        "a published release has no withdrawal date",
    ),
    (
        "a date that is not one",
        "aggregates",
        _set(["release", "published_at"], "2026-02-30T10:00:00Z"),
        "release.published_at",
        "RFC 3339",
    ),
    (
        "a recipient that is not an agreement id",
        "aggregates",
        _set(["recipient"], "partner@example.org"),
        "recipient",
        "UUID",
    ),
    (
        "years out of order",
        "aggregates",
        _set(["scope", "year_from"], 2027),
        "scope.year_to",
        "not before year_from",
    ),
    (
        "an infinite budget",
        "aggregates",
        _set(["method", "epsilon"], float("inf")),
        "method.epsilon",
        "finite number",
    ),
    (
        "a line break in the organisation's name",
        "aggregates",
        _set(["origin", "organisation"], "Office\nSet-Cookie: x"),
        "origin.organisation",
        "without control characters",
    ),
]


@pytest.mark.parametrize(
    ("tier", "change", "where", "says"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_a_wrong_payload_is_refused_with_a_message_naming_the_place(
    release, tier, change, where, says
):
    payload = payload_for(release, tier)
    change(payload)

    message = refusal(formats.validate_payload, payload)

    assert message.startswith(f"{where}: "), message
    assert says in message


def test_a_withdrawn_release_carrying_data_is_refused(release):
    payload = withdrawn(payload_for(release, "records"))
    payload["records"] = payload_for(release, "records")["records"]

    assert refusal(formats.validate_payload, payload) == (
        "records: must be absent: a withdrawn release carries no data"
    )
    del payload["records"]
    payload["aggregates"] = formats.aggregates_from_release(release)
    assert "a withdrawn release carries no data" in refusal(formats.validate_payload, payload)


def test_something_that_is_not_a_payload_is_refused(release):
    assert refusal(formats.validate_payload, []).startswith("document: expected")
    assert refusal(formats.validate_payload, "a release").startswith("document: expected")
    assert refusal(formats.validate_payload, {}) == 'document: missing field "format"'


def test_a_message_never_repeats_more_than_a_few_words_of_the_input(release):
    payload = payload_for(release, "records")
    secret = "Aigul Bekova, born 12.03.1998, lives in Osh, phone +996 555 123 456. " * 50
    payload["records"][0]["caseStatus"] = secret
    payload["records"][0][secret] = 1

    message = refusal(formats.validate_payload, payload)

    assert len(message) < 200
    assert not any(secret[i : i + 101] in message for i in range(0, 100))


def test_an_envelope_is_refused_when_it_carries_more_than_the_payload_and_signature(release):
    envelope = envelope_for(payload_for(release))
    envelope["note"] = "unsigned remark"
    assert refusal(formats.validate_envelope, envelope) == (
        'document: unexpected field "note": the format allows no other fields'
    )


def test_an_envelope_claiming_another_algorithm_or_a_bad_payload_is_refused(release):
    envelope = envelope_for(payload_for(release))
    envelope["signature"]["alg"] = "none"
    assert refusal(formats.validate_envelope, envelope).startswith("signature.alg: ")

    envelope = envelope_for(payload_for(release))
    envelope["payload"]["version"] = 2
    assert refusal(formats.validate_envelope, envelope).startswith("payload.version: ")


def test_a_keys_document_with_a_private_key_is_refused():
    document = keys_document()
    document["keys"][0]["d"] = b64url(b"\x01" * 32)  # a leaked private half

    assert refusal(formats.validate_keys, document).startswith('keys[0]: unexpected field "d"')


def test_a_keys_document_with_a_revoked_or_malformed_key_is_refused():
    document = keys_document()
    document["keys"][1]["status"] = "revoked"
    assert refusal(formats.validate_keys, document).startswith("keys[1].status: ")

    document = keys_document()
    document["keys"][0]["x"] = "not a key"
    assert refusal(formats.validate_keys, document).startswith("keys[0].x: ")


# --- The schema files are the contract, and agree with the code --------------------------


def schema_walk(node, path=""):
    """Every subschema of a schema file with its JSON pointer."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from schema_walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schema_walk(value, f"{path}/{index}")


def test_each_schema_file_is_a_valid_2020_12_schema_named_by_its_id():
    names = []
    for path in formats.schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        name = path.name.removesuffix(".schema.json")
        assert schema["$id"] == f"urn:fnp-exchange:schema:{name}"
        names.append(name)
    assert {"release-1", "envelope-1", "keys-1", "aggregates-1", "records-1"} <= set(names)


def test_every_object_in_the_formats_allows_no_other_fields():
    for path in formats.schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        for pointer, node in schema_walk(schema):
            if "properties" in node and not re.search(r"/(allOf|if|then|else)/", pointer):
                assert node.get("additionalProperties") is False, f"{path.name}{pointer}"


# A sentence a person might type: the test that no field can carry it.
FREE_TEXT = "Aigul, 19, from Osh; her brother sold her. Call +996 555 123 456"


def test_no_string_field_can_carry_free_text():
    """Every string is a closed list, a pattern or a date; only the three bounded
    names (network, organisation, withdrawal reason) take any words, at most 200
    characters and no line breaks."""
    names_that_take_words = []
    for path in formats.schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        for pointer, node in schema_walk(schema):
            types = node.get("type")
            if types != "string" and not (isinstance(types, list) and "string" in types):
                continue
            if "enum" in node or "const" in node:
                assert FREE_TEXT not in node.get("enum", [node.get("const")])
                continue
            assert node.get("pattern", "").startswith("^"), f"{path.name}{pointer}"
            assert node["pattern"].endswith("$"), f"{path.name}{pointer}"
            if re.search(node["pattern"], FREE_TEXT.replace("\n", " ")):
                names_that_take_words.append(f"{path.name}#{pointer}")
                assert node["maxLength"] <= 200
                assert not re.search(node["pattern"], "two\nlines")
    assert sorted(names_that_take_words) == [
        "common-1.schema.json#/$defs/name",
        "release-1.schema.json#/properties/release/properties/reason",
    ]


def _property(schema_name, *path):
    node = formats.schema(schema_name)
    for part in path:
        node = node[part]
    if "$ref" in node:
        pointer = node["$ref"].split("#", 1)[1].strip("/").split("/")
        node = formats.schemas()[node["$ref"].split("#", 1)[0]]
        for part in pointer:
            node = node[part]
    return node


def _record_field(column):
    return _property("records", "items", "properties", column)


def test_the_record_schema_codes_are_the_vocabulary():
    assert _record_field("gender")["enum"] == [*vocab.Gender.values, WITHHELD]
    assert _record_field("ageBroad")["enum"] == [
        *vocab.AgeBand.values,
        "0--17",
        "18+",
        "",
        WITHHELD,
    ]
    assert _record_field("caseStatus")["enum"] == [*vocab.CaseStatus.values, ""]
    assert _record_field("referredTo")["enum"] == [*vocab.ReferredTo.values, ""]
    assert set(_record_field("citizenship")["enum"]) == COUNTRY_CODES | {"", WITHHELD}
    assert set(_record_field("CountryOfExploitation")["enum"]) == COUNTRY_CODES | {"", WITHHELD}
    for column in (*vocab.ALL_FLAG_COLUMNS, "isSexAndLabour"):
        assert _record_field(column)["enum"] == [0, 1], column


@pytest.mark.parametrize("group", vocab.FLAG_GROUPS, ids=lambda group: group.key)
def test_a_concatenated_column_takes_exactly_the_groups_labels(group):
    pattern = re.compile(_record_field(group.concatenated_column)["pattern"])
    labels = [vocab.EXCHANGE_LABELS[column] for column in group.columns]

    assert pattern.fullmatch("")
    for pair in itertools.combinations(labels, 2):
        assert pattern.fullmatch(";".join(pair))
    assert pattern.fullmatch(";".join(labels))
    assert not pattern.fullmatch(labels[0] + ";")
    assert not pattern.fullmatch(labels[0] + "; she said more")
    other = {
        vocab.EXCHANGE_LABELS[column]
        for other_group in vocab.FLAG_GROUPS
        for column in other_group.columns
    } - set(labels)
    assert not any(pattern.fullmatch(label) for label in other)


def test_the_aggregate_schema_codes_are_the_statistics_categories():
    tables = {
        table["properties"]["key"]["const"]: table
        for table in formats.schema("aggregates")["properties"]["tables"]["prefixItems"]
    }
    assert tuple(tables) == formats.TABLE_KEYS

    def codes(key):
        return _property(
            "aggregates",
            "properties",
            "tables",
            "prefixItems",
            formats.TABLE_KEYS.index(key),
            "properties",
            "cells",
            "items",
            "properties",
            "code",
        )

    assert codes("gender")["enum"] == list(vocab.Gender.values)
    assert codes("age")["enum"] == [*vocab.AgeBand.values, ""]
    assert codes("exploitation")["enum"] == [code for code, _label in EXPLOITATION_CATEGORIES]
    assert set(codes("country")["enum"]) == COUNTRY_CODES | {OTHER, ""}
    assert set(codes("citizenship")["enum"]) == COUNTRY_CODES | {OTHER, ""}


def test_every_record_column_carries_its_ctdc_and_htcds_names():
    properties = formats.schema("records")["items"]["properties"]

    assert list(properties) == list(ANONYMISED_COLUMNS)
    assert formats.schema("records")["items"]["required"] == list(ANONYMISED_COLUMNS)
    assert [entry.ctdc for entry in RECORD_MAPPING] == list(ANONYMISED_COLUMNS)
    for column, field in properties.items():
        entry = MAPPING_BY_COLUMN[column]
        assert field["x-ctdc"] == column
        assert field["x-htcds"] == entry.htcds
        assert field["x-htcds-match"] == entry.match
        assert re.match(r"(prs|vic|cas|hte|org)_[A-Z]", entry.htcds), entry.htcds


def test_the_readme_prints_the_mapping_table_for_every_column():
    readme = README.read_text(encoding="utf-8")

    assert mapping_markdown() in readme
    section = readme.split("## Data exchange formats", 1)[1]
    for column in ANONYMISED_COLUMNS:
        assert f"`{column}`" in section, column


# --- CSV: the same values as the JSON ----------------------------------------------------


def read_csv(text):
    assert text.startswith("\ufeff")  # UTF-8 with BOM, so Excel reads it right
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def as_cell(value):
    return "" if value is None else str(value)


def test_the_csv_files_hold_the_same_values_as_the_json(release):
    payload = payload_for(release, "records")
    release.tables = [
        *release.tables,
        {
            "key": "corridor",
            "cells": [{"year": "2024", "citizenship": "UZ", "country": "KZ", "count": None}],
        },
    ]
    payload["aggregates"] = formats.aggregates_from_release(release, COUNTRIES, *YEARS)

    files = formats.payload_csv(payload)

    assert set(files) == {"aggregates.csv", "corridors.csv", "records.csv"}
    aggregates = payload["aggregates"]
    assert read_csv(files["aggregates.csv"]) == [
        {"table": "total", "code": "", "count": as_cell(aggregates["total"])},
        *(
            {"table": table["key"], "code": cell["code"], "count": as_cell(cell["count"])}
            for table in aggregates["tables"]
            for cell in table["cells"]
        ),
    ]
    assert read_csv(files["corridors.csv"]) == [
        {"year": "2024", "citizenship": "UZ", "country": "KZ", "count": ""}
    ]
    rows = read_csv(files["records.csv"])
    assert list(rows[0]) == list(ANONYMISED_COLUMNS)
    assert rows == [
        {column: as_cell(record[column]) for column in ANONYMISED_COLUMNS}
        for record in payload["records"]
    ]


def test_a_withdrawn_release_has_no_csv_data(release):
    assert formats.payload_csv(withdrawn(payload_for(release, "records"))) == {}


# --- What a partner's own validator says is what the portal says ------------------------


def partner_validator():
    """A validator built from the schema files alone, as a partner would build it."""
    from referencing import Registry, Resource

    files = [json.loads(path.read_text(encoding="utf-8")) for path in formats.schema_files()]
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in files
    )
    release_schema = next(s for s in files if s["$id"].endswith(":release-1"))
    return Draft202012Validator(release_schema, registry=registry)


ODD_VALUES = ["free text", "", WITHHELD, None, 0, 1, 2, -1, 1.0, True, 2024, "2024", "KG", [], {}]


def test_the_portal_and_a_partner_validating_the_schema_files_agree_on_every_record(release):
    """The portal checks records through a fast path compiled from the schema; it
    must never accept a record the schema files refuse (nor refuse one they accept)."""
    reference = partner_validator()
    payload = payload_for(release, "records")
    payload["records"] = payload["records"][:2]
    disagreements = []
    for column, value in itertools.product(ANONYMISED_COLUMNS, ODD_VALUES):
        changed = copy.deepcopy(payload)
        changed["records"][1][column] = value
        try:
            formats.validate_payload(changed)
            portal_accepts = True
        except InvalidDocument as error:
            portal_accepts = False
            assert str(error).startswith(f"records[1].{column}: "), str(error)
        if portal_accepts != reference.is_valid(changed):
            disagreements.append((column, value))
    assert disagreements == []
    changed = copy.deepcopy(payload)
    del changed["records"][1]["gender"]
    assert not reference.is_valid(changed)
    assert refusal(formats.validate_payload, changed) == 'records[1]: missing field "gender"'


def test_only_the_schema_files_can_be_served_by_name():
    served = formats.published_schema("release-1.schema.json")
    assert json.loads(served)["$id"] == "urn:fnp-exchange:schema:release-1"
    for name in ("../formats.py", "../../settings/base.py", "release-9.schema.json", ""):
        assert formats.published_schema(name) is None


def test_records_protected_with_groups_smaller_than_ctdcs_are_refused(release):
    from portal.exchange.models import MIN_RECORDS_K

    payload = payload_for(release, "records")
    payload["method"]["k"] = MIN_RECORDS_K - 1

    assert refusal(formats.validate_payload, payload).startswith(
        "method.k: expected a smallest group of at least 11 when records are sent"
    )
    aggregates_only = payload_for(release)
    aggregates_only["method"]["k"] = MIN_RECORDS_K - 1
    formats.validate_payload(aggregates_only)

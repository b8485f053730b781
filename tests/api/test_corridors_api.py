"""GET /api/v1/statistics/corridors: the corridor view's figures for programs,
public like /api/v1/statistics, with the same release selection and header."""

import pytest

from portal.reports import vocabulary as vocab
from tests.reports.factories import add_cases, make_report, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    report = make_report(audience="network")
    add_cases(report, 14, year_of_registration=2024, citizenship="UZ", country_of_exploitation="RU")
    add_cases(report, 3, year_of_registration=2024, citizenship="TJ", country_of_exploitation="TR")
    add_cases(report, 12, year_of_registration=2023, citizenship="KG", country_of_exploitation="KZ")
    first = publish()
    add_cases(report, 15, year_of_registration=2024, citizenship="KG", country_of_exploitation="AE")
    publish()
    return first


def test_anyone_reads_the_latest_releases_corridors_with_names(client, published):
    response = client.get("/api/v1/statistics/corridors")
    assert response.status_code == 200 and response["X-Statistics-Release"] == "2"
    data = response.json()
    assert data["release"]["number"] == 2 and data["k"] == 11
    assert data["has_corridor_figures"] is True and data["year"] is None
    this_year = vocab.last_registration_year()
    assert data["years"][:2] == [str(this_year), str(this_year - 1)]
    assert "2024" in data["years"] and data["years"] == sorted(data["years"], reverse=True)
    assert [(c["year"], c["citizenship"], c["country"], c["count"]) for c in data["corridors"]] == [
        ("2023", "KG", "KZ", 12),
        ("2024", "KG", "AE", 15),
        ("2024", "UZ", "RU", 14),
    ]
    first = data["corridors"][0]
    assert first["citizenship_name"] == "Kyrgyzstan" and first["country_name"] == "Kazakhstan"
    assert data["partner_layers"] == []


def test_a_release_and_a_year_can_be_asked_for(client, published):
    response = client.get("/api/v1/statistics/corridors", {"release": 1, "year": "2024"})
    assert response["X-Statistics-Release"] == "1"
    data = response.json()
    assert data["year"] == "2024"
    assert [(c["citizenship"], c["country"], c["count"]) for c in data["corridors"]] == [
        ("UZ", "RU", 14)
    ]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"year": "abc"}, 422),
        ({"year": "-1"}, 422),
        ({"year": "2024'--"}, 422),
        ({"year": "1990"}, 404),  # well-formed, but not a year this release counted
        ({"release": "999999999999"}, 422),
        ({"release": "0"}, 422),
        ({"release": "abc"}, 422),
        ({"release": "999"}, 404),
    ],
)
def test_bad_input_gets_a_clear_4xx(client, published, params, status):
    response = client.get("/api/v1/statistics/corridors", params)
    assert response.status_code == status
    assert response.json()["detail"]


def test_before_any_release_the_corridors_say_none_is_published(client):
    response = client.get("/api/v1/statistics/corridors")
    assert response.status_code == 404
    assert response.json()["detail"] == "No statistics release has been published yet."


def test_the_openapi_document_describes_the_corridors(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/statistics/corridors"]
    assert set(operation) == {"get"} and not operation["get"].get("security")
    parameters = {p["name"] for p in operation["get"]["parameters"]}
    assert parameters == {"release", "year"}
    corridors = schema["components"]["schemas"]["CorridorsOut"]["properties"]
    assert {"corridors", "partner_layers", "years", "has_corridor_figures"} <= set(corridors)

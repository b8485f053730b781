"""The demo's texts are data files an editor changes without reading the
steps. A misspelt organisation or image key would otherwise give a news item
without an author or a page without its illustration, silently."""

import pytest
from django.conf import settings

from portal.demo import data
from portal.home import models as home_models
from portal.reports.vocabulary import AgeBand

LANGUAGES = {code for code, _ in settings.LANGUAGES}


def test_every_name_a_text_refers_to_exists():
    organisations = data.organisations()
    site = data.site()
    people = {a["email"] for a in data.accounts()["site_accounts"]} | {
        a["email"] for a in data.accounts()["members"]
    }
    assert {a["organisation"] for a in data.accounts()["members"]} <= set(organisations)
    assert {item["organisation"] for item in site["news"]} <= set(organisations)
    assert {item["organiser"] for item in site["events"]} <= set(organisations)
    images = {item["image"] for item in site["news"]} | {site["campaign"]["image"]}
    assert images <= set(site["images"])
    for section in site["sections"]:
        assert hasattr(home_models, section["model"]), section["model"]
    for provider in data.providers().values():
        assert not provider["organisation"] or provider["organisation"] in organisations
    for spec in data.workspaces():
        assert spec["organisation"] in organisations
        assert spec["owner"] in people
        assert {m["email"] for m in spec["members"]} <= people
        assert spec["file"]["text"].strip()
    for workspace in data.reports()["workspaces"].values():
        assert {workspace["owner"], workspace["author"], workspace["reviewer"]} <= people


def test_texts_exist_in_the_default_language_and_only_in_offered_ones():
    site = data.site()
    default = settings.LANGUAGE_CODE
    texts = [site["home"]["texts"], site["campaign"]] + [s["texts"] for s in site["sections"]]
    texts += [h["texts"] for h in site["hotlines"]] + site["news"] + site["events"]
    texts += [data.library()["library"]] + data.library()["resources"]
    for entry in texts:
        assert default in entry
        languages = {key for key in entry if len(key) == 2 and key.isalpha() and key.islower()}
        assert languages <= LANGUAGES, languages - LANGUAGES
    assert set(site["needs_review"]) <= LANGUAGES


@pytest.mark.parametrize("slug", list(data.reports()["workspaces"]))
def test_report_cohorts_use_the_case_vocabulary(slug):
    from portal.demo.steps.reports import KINDS

    bands = {band.value for band in AgeBand}
    for report in data.reports()["workspaces"][slug]["reports"]:
        assert report["period"][0] <= report["period"][1]
        for cohort in report["cohorts"]:
            assert cohort["kind"] in KINDS
            assert cohort["age"] in bands

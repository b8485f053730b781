"""Loaders for the demo's texts, which live in ``data/`` as JSON (UTF-8).

The texts were written for this portal; organisations, people, figures and
telephone numbers are invented. An editor of the demo changes a file there,
not the steps. Page bodies are lists of blocks: ``["h2", text]``,
``["p", text]``, ``["quote", text, attribution]``, ``["image", image key,
caption]``, ``["link", url, title, description]``.

Each loader reads its file afresh and returns plain dicts and lists the
caller may change; the files are small and read once per `load_demo` run.
"""

import datetime
import json
from pathlib import Path

from portal.core.roles import SITE_ROLES

DATA = Path(__file__).resolve().parent / "data"


class DemoDataError(ValueError):
    """A data file names something that does not exist (a group, a language)."""


def read(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def read_text(name):
    return (DATA / name).read_text(encoding="utf-8")


# --- The network: accounts, organisations, workspaces, reports ----------------


def accounts():
    """``site_accounts`` (admin, editor, coordinator, the two workspace owners)
    and ``members`` (the workspaces' people, each with an organisation)."""
    data = read("accounts.json")
    for account in data["site_accounts"]:
        unknown = set(account["groups"]) - set(SITE_ROLES)
        if unknown:
            raise DemoDataError(f"accounts.json: {account['email']} names unknown groups {unknown}")
    return data


def organisations():
    """Organisation name -> the fields it is created with."""
    return {entry.pop("name"): entry for entry in read("organisations.json")}


def workspaces():
    """The two workspaces, each with its people, discussions, a file (its bytes'
    source text under ``file["text"]``), an invitation and a join request."""
    specs = read("workspaces.json")
    for spec in specs:
        spec["file"]["text"] = read_text(spec["file"].pop("content"))
    return specs


def reports():
    """``seed`` of the case-record generator, and per workspace slug: its
    owner, name and description (used when the workspace step has not run),
    who writes and who reviews, and the reports with their cohorts."""
    data = read("reports.json")
    for workspace in data["workspaces"].values():
        for report in workspace["reports"]:
            report["period"] = tuple(datetime.date.fromisoformat(d) for d in report["period"])
    return data


# --- The public site and the library -------------------------------------------


def site():
    """Everything of the public site: ``images``, ``home``, ``sections``,
    ``hotlines``, ``news``, ``events``, ``campaign``, with the Kyrgyz, Uzbek
    and Tajik texts merged in, plus ``needs_review`` (the languages whose texts
    await a native speaker) and ``campaign_image_alt`` (per local language)."""
    pages = read("site/home.json")
    content = {
        "images": read("site/images.json"),
        "home": pages["home"],
        "sections": pages["sections"],
        "hotlines": read("site/hotlines.json"),
        "news": read("site/news.json"),
        "events": read("site/events.json"),
        "campaign": read("site/campaign.json"),
    }
    _merge_local_languages(content, read("site/local_languages.json"))
    return content


def _merge_local_languages(content, local):
    """The local languages are kept in their own file (they await a native
    speaker's review); merged here so the steps read one set of texts."""
    content["needs_review"] = tuple(local["needs_review"])
    content["campaign_image_alt"] = local["campaign_image_alt"]
    content["home"]["texts"].update(local["home"]["texts"])
    content["home"]["bodies"].update(local["home"]["bodies"])
    by_slug = {section["slug"]: section for section in content["sections"]}
    for slug, texts in local["sections"].items():
        if slug not in by_slug:
            raise DemoDataError(f"local_languages.json: no section {slug!r} in home.json")
        by_slug[slug]["texts"].update(texts["texts"])
        if "bodies" in texts:
            by_slug[slug].setdefault("bodies", {}).update(texts["bodies"])
    for hotline in content["hotlines"]:
        hotline["texts"].update(local["hotlines"].get(hotline["key"], {}))
    content["campaign"].update(local["campaign"])


def library():
    """``library`` (the index page's texts per language) and ``resources``
    (each with its classification, its document and its page texts)."""
    return read("library.json")


def providers():
    """The service directory: key -> the fields a provider is created with
    (``organisation`` names a demo organisation, or is empty for an external
    provider)."""
    return {entry.pop("key"): entry for entry in read("providers.json")}


def referrals():
    """The demo referrals, one per state (see data/referrals.json's "about")."""
    return read("referrals.json")["referrals"]

"""The portal speaks Russian: the catalogue is complete, current and compiled, and
the pages show no English.

Russian is the first language of the portal's users, so a string marked for
translation in the code or a template but missing from the catalogue (or left
untranslated, or fuzzy) shows up in English in front of them. These tests extract
the messages from the source the way `makemessages` does, in a temporary copy, and
compare them with the committed catalogue; the working tree is never written to.
"""

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES"
PO_FILE = CATALOGUE / "django.po"

# What `makemessages` reads for the "django" domain, and what it must skip:
# the same folders as the command in the README (plus tools' own folders).
EXTENSIONS = {".py", ".html", ".txt"}
IGNORED_DIRS = {"locale", "node_modules", "test-artifacts", "tests"}

RUSSIAN_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstrs: dict = field(default_factory=dict)
    flags: set = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self):
        return (self.context, self.msgid)


_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse(text):
    """Every entry of a PO/POT file, the header included (its msgid is "")."""
    parsed = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, current = Entry(), None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
                line = line[2:].strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line:
                continue
            elif match := _FIELD.match(line):
                current, value = match.group(1), _unquote(match.group(2))
                if current == "msgctxt":
                    entry.context = value
                elif current == "msgid":
                    entry.msgid = value
                elif current == "msgid_plural":
                    entry.plural = value
                else:
                    entry.msgstrs[current] = value
            elif line.startswith('"') and current:
                value = _unquote(line[1:-1])
                if current == "msgctxt":
                    entry.context += value
                elif current == "msgid":
                    entry.msgid += value
                elif current == "msgid_plural":
                    entry.plural += value
                else:
                    entry.msgstrs[current] += value
        parsed.append(entry)
    return parsed


@pytest.fixture(scope="module")
def catalogue():
    return parse(PO_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(catalogue):
    """The catalogue's entries without the header, by (context, msgid)."""
    return {entry.key: entry for entry in catalogue if entry.msgid}


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    """Run `makemessages` over a copy of the project's source files and return the
    entries of the template (.pot) it extracts."""
    assert shutil.which("xgettext"), "gettext (Debian package gettext) is needed"
    root = Path(settings.BASE_DIR)
    copy = tmp_path_factory.mktemp("source")
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        folders = relative.parts[:-1]
        if (
            path.suffix in EXTENSIONS
            and path.is_file()
            and not any(part.startswith(".") or part in IGNORED_DIRS for part in folders)
        ):
            (copy / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy / relative)
    locale = copy / "locale"
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[str(locale)]):
        patch.chdir(copy)
        call_command("makemessages", locale=["ru"], keep_pot=True, verbosity=0)
    return {entry.key: entry for entry in parse((locale / "django.pot").read_text("utf-8"))}


def describe(key):
    context, msgid = key
    return f"{msgid!r} (context {context!r})" if context else repr(msgid)


def test_every_string_marked_in_the_source_is_in_the_catalogue(source_messages, messages):
    missing = sorted(describe(key) for key in source_messages.keys() - messages.keys() if key[1])
    assert missing == [], (
        "Marked for translation but not in portal/locale/ru/LC_MESSAGES/django.po: run "
        "makemessages (see README) and translate them"
    )


def test_catalogue_holds_no_string_the_source_no_longer_uses(source_messages, messages):
    stale = sorted(describe(key) for key in messages.keys() - source_messages.keys())
    assert stale == []


def test_catalogue_has_no_obsolete_entries(catalogue):
    assert [entry.msgid for entry in catalogue if entry.obsolete] == []


def test_plural_strings_match_the_source(source_messages, messages):
    changed = sorted(
        describe(key)
        for key, entry in source_messages.items()
        if key in messages and messages[key].plural != entry.plural
    )
    assert changed == []


def test_every_string_has_a_russian_translation(messages):
    untranslated = sorted(
        describe(key)
        for key, entry in messages.items()
        if not entry.msgstrs or not all(entry.msgstrs.values()) or "fuzzy" in entry.flags
    )
    assert untranslated == []


def test_russian_plurals_have_three_forms(catalogue, messages):
    header = catalogue[0].msgstrs["msgstr"]
    assert f"Plural-Forms: {RUSSIAN_PLURAL_FORMS}\n" in header
    wrong = sorted(
        describe(key)
        for key, entry in messages.items()
        if entry.plural is not None and sorted(entry.msgstrs) != [f"msgstr[{n}]" for n in range(3)]
    )
    assert wrong == []


def test_translations_keep_placeholders_and_html_tags(messages):
    """msgfmt checks %-placeholders in python-format entries; this also covers
    {name} placeholders and markup, which it does not know about."""
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}|</?[a-zA-Z][^>]*>")
    broken = []
    for key, entry in messages.items():
        tokens = set(pattern.findall(entry.msgid))
        plural_tokens = set(pattern.findall(entry.plural)) if entry.plural is not None else tokens
        # A singular may leave the number out ("One person asks…"); Russian uses
        # that form for 21, 31… too, so its translation may (must) name it.
        required, allowed = tokens & plural_tokens, tokens | plural_tokens
        if any(
            not required <= set(pattern.findall(msgstr)) <= allowed
            for msgstr in entry.msgstrs.values()
        ):
            broken.append(describe(key))
    assert broken == []


def test_committed_mo_file_matches_the_po_file(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (Debian package gettext) is needed to check the catalogue"
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(PO_FILE)], check=True)
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes()


# --- The pages themselves ------------------------------------------------------------
#
# The catalogue tests above cannot see text that was never marked for translation.
# These open the members' area, the reports, the statistics and the search page the
# way a Russian-speaking member meets them (no language chosen: the default) with
# content typed in Russian, and look for any English word left in what is shown.

# Not interface text: product names, the language switcher's "English", the "alpha"
# of "ISO 3166-1 alpha-2", and the HTCDS/CTDC codes and column names, which are data
# and stay as the standard spells them.
NOT_INTERFACE_TEXT = {"English", "Excel", "Word", "PowerPoint", "OpenDocument", "alpha"}


def _vocabulary_codes():
    from django.db.models import TextChoices

    from portal.reports import vocabulary

    codes = set(NOT_INTERFACE_TEXT)
    for value in vars(vocabulary).values():
        if isinstance(value, type) and issubclass(value, TextChoices):
            codes.update(value.values)
    codes.update(column.column for column in vocabulary.CODED_COLUMNS)
    codes.update(vocabulary.ALL_FLAG_COLUMNS)
    codes.update(group.concatenated_column for group in vocabulary.FLAG_GROUPS)
    return {word for code in codes for word in re.split(r"[^A-Za-z]+", code) if word}


def english_words(html):
    """Latin-script words a person reads on the page (text, labels, alternative
    text), leaving out codes, addresses and file names."""
    html = re.sub(r"(?s)<(script|style|code|svg)\b.*?</\1>", " ", html)
    # Text marked as another language (the switcher's "Oʻzbekcha", an English
    # search result) is not interface text left untranslated.
    html = re.sub(r'(?s)<(a|span|p|h\d|li)\b[^>]*\blang="(?!ru")[^"]*"[^>]*>.*?</\1>', " ", html)
    attributes = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html)
    text = " ".join([re.sub(r"(?s)<[^>]+>", " ", html), *attributes])
    allowed = _vocabulary_codes()
    words = set()
    for token in unescape(text).split():
        if "@" in token or "/" in token or re.search(r"\w\.\w", token):
            continue  # e-mail addresses, paths and file names
        for word in re.findall(r"(?<![.A-Za-z])[A-Za-z]+", token):  # not .docx
            if len(word) > 1 and word not in allowed and not word.isupper():  # k, KG, CSV…
                words.add(word)
    return sorted(words)


@pytest.fixture
def russian_workspace(db, tmp_path, settings):
    """A workspace as Russian-speaking members fill it: a discussion, a file, an
    invitation and a join request waiting, a draft report with case records, a
    comment and an attachment, and a reviewed report shared with the network."""
    from portal.reports import services
    from portal.search.rebuild import rebuild
    from tests.factories import (
        OrganisationFactory,
        UserFactory,
        add_member,
        make_comment,
        make_discussion,
        make_file,
        make_invitation,
        make_join_request,
        make_workspace,
    )
    from tests.reports.factories import add_cases, make_report, publish

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = OrganisationFactory(name="Центр помощи мигрантам", verified=True)

    def person(n, first, last):
        return UserFactory(
            email=f"person-ru-{n}@example.org",
            first_name=first,
            last_name=last,
            organisation=organisation,
        )

    owner = person(1, "Алия", "Токтосунова")
    workspace = make_workspace(owner=owner, slug="osh-ru", name="Мониторинг в Оше")
    member = add_member(workspace, person(2, "Нурлан", "Абдырахманов"), "member")
    discussion = make_discussion(workspace, owner, title="Порядок направления", body="Обсудим.")
    make_comment(discussion, member, body="Согласен.")
    stored = make_file(workspace, owner, name="plan.txt", description="План визитов")
    make_invitation(workspace, email="new-person@example.org", role="observer", actor=owner)
    make_join_request(
        workspace,
        UserFactory(email="person-ru-3@example.org", first_name="Гульзат", last_name="Маматова"),
        message="Хотим следить за направлениями.",
    )
    fields = {"title": "Выезды на границу", "region": "Ошская область", "summary": "Итоги."}
    draft = make_report(workspace, author=owner, **fields)
    add_cases(draft, 2)
    services.add_comment(draft, actor=member, body="Добавьте данные за май.")
    services.attach_file(draft, stored, actor=owner)
    # Four eyes: a second person (with a Russian name, like everyone here) reviews.
    reviewer = add_member(workspace, person(4, "Фаррух", "Каримов"), "manager")
    shared = make_report(
        workspace,
        author=owner,
        reviewer=reviewer,
        audience="network",
        **{**fields, "title": "Итоги года"},
    )
    # Enough identical records to pass k-anonymity, so the statistics show charts.
    add_cases(shared, settings.PORTAL_K_ANONYMITY + 1, gender="Female", is_sexual_exploit=True)
    publish()  # the statistics and the partners' export read a release
    # The search page with results, facets and its notice about the database search.
    settings.ELASTICSEARCH_URL = ""
    assert rebuild().total > 0
    return workspace, owner, draft, discussion


def test_the_members_area_reports_statistics_and_search_are_all_in_russian(
    client, russian_workspace
):
    workspace, owner, draft, discussion = russian_workspace
    client.force_login(owner)
    base = f"/workspaces/{workspace.slug}"
    report = f"{base}/reports/{draft.pk}"
    pages = [
        "/workspaces/",
        f"{base}/",
        f"{base}/discussions/",
        f"{base}/discussions/{discussion.pk}/",
        f"{base}/discussions/new/",
        f"{base}/files/",
        f"{base}/members/",
        f"{base}/invitations/new/",
        f"{base}/members/transfer/",
        f"{base}/settings/",
        f"{base}/archive/",
        f"{base}/leave/",
        f"{base}/reports/",
        f"{base}/reports/new/",
        f"{report}/",
        f"{report}/edit/",
        f"{report}/cases/new/",
        f"{report}/import/",
        f"{base}/reports/export/",
        "/network/reports/",
        "/workspaces/network/",
        "/workspaces/notifications/",
        "/statistics/",
        "/statistics/releases/",
        "/statistics/releases/1/",
        "/search/?q=итоги",
    ]
    english = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if words := english_words(response.content.decode()):
            english[path] = words
    assert english == {}, english

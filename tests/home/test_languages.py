"""Kyrgyz, Uzbek (Latin script) and Tajik for the people the network serves:
interface catalogues for the public site and accounts, the switcher and
hreflang alternates, demo content in each language, and the admin's flag for
texts that still need a native speaker's review."""

import fnmatch
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real

from portal.home.models import CampaignPage, GetHelpPage, HomePage, Hotline
from tests.home.builders import locale, translate

LOCAL_LANGUAGES = ("ky", "uz", "tg")

# Sources of what a visitor or a person signing in reads. Workspaces, reports
# (except the public statistics), the API and the admin may stay in Russian
# and English.
PUBLIC_SOURCES = (
    "templates/403.html",
    "templates/404.html",
    "templates/500.html",
    "templates/base.html",
    "templates/blocks/*",
    "templates/home/*",
    "templates/includes/*",
    "templates/resources/*",
    "templates/search/*",
    "templates/referrals/help_providers.html",
    "templates/allauth/*",
    "templates/account/*",
    "templates/mfa/*",
    "templates/reports/statistics.html",
    "templates/reports/includes/bar_chart.html",
    "templates/reports/statistics_corridors.html",
    "templates/reports/includes/corridor_table.html",
    "portal/core/context_processors.py",
    "portal/core/countries.py",
    "portal/settings/base.py",
    "portal/home/choices.py",
    "portal/home/documents.py",
    "portal/home/search.py",
    "portal/home/views.py",
    "portal/home/i18n.py",
    "portal/home/chrome.py",
    "portal/home/models/listing.py",
    "portal/home/templatetags/*",
    "portal/resources/choices.py",
    "portal/resources/forms.py",
    "portal/resources/facets.py",
    "portal/resources/search.py",
    "portal/referrals/search.py",
    "portal/search/forms.py",
    "portal/search/presentation.py",
    "portal/search/views.py",
    "portal/reports/statistics.py",
    "portal/reports/charts.py",
    "portal/reports/views/statistics.py",
    "portal/reports/corridors.py",
    "portal/reports/vocabulary.py",
    "portal/members/sign_in.py",
    "portal/members/second_factor.py",
    "portal/members/middleware.py",
    "portal/members/access.py",
    "portal/members/adapters.py",
)
RUSSIAN_CATALOGUE = Path(settings.BASE_DIR) / "portal/locale/ru/LC_MESSAGES/django.po"
ACCOUNT_CATALOGUE = Path(settings.BASE_DIR) / "portal/locale_apps/tg/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _po_string(lines):
    text = "".join(re.match(r'^(?:\w+(?:\[\d\])? )?"(.*)"$', line).group(1) for line in lines)
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def public_messages():
    """(msgctxt, msgid, msgid_plural) of every entry of the Russian catalogue
    that a public or account source uses, read from its location comments."""
    entries = []
    for block in RUSSIAN_CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        locations = [
            ref.rsplit(":", 1)[0]
            for line in lines
            if line.startswith("#:")
            for ref in line[2:].split()
        ]
        if not any(fnmatch.fnmatch(loc, p) for loc in locations for p in PUBLIC_SOURCES):
            continue
        fields, key = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key = line.split(" ", 1)[0]
                fields[key] = []
            fields[key].append(line)
        if "msgid" not in fields:
            continue  # obsolete entry
        entries.append(
            tuple(
                _po_string(fields[k]) if k in fields else None
                for k in ("msgctxt", "msgid", "msgid_plural")
            )
        )
    return entries


def test_the_public_set_is_read_from_the_catalogue():
    messages = public_messages()
    msgids = {msgid for _ctx, msgid, _plural in messages}
    # A few that every visitor meets; guards against a parser that finds nothing.
    assert {"Get help", "Hotlines", "Search", "Sign in", "Kyrgyzstan"} <= msgids
    assert len(messages) > 400


@pytest.mark.parametrize("language", LOCAL_LANGUAGES)
def test_every_public_and_account_string_is_translated(language):
    catalogue = trans_real.translation(language)._catalog
    missing, broken = [], []
    for context, msgid, plural in public_messages():
        key = f"{context}\x04{msgid}" if context else msgid
        if plural:
            key = (key, 0)
        translated = catalogue.get(key)
        if not translated:
            missing.append(msgid)
        elif sorted(set(PLACEHOLDER.findall(translated))) != sorted(
            set(PLACEHOLDER.findall(plural or msgid) + PLACEHOLDER.findall(msgid))
        ) and PLACEHOLDER.findall(msgid):
            broken.append((msgid, translated))
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:10]}"
    assert not broken, f"placeholders changed in {language}: {broken[:5]}"


CATALOGUES = sorted(
    [
        *(
            Path(settings.BASE_DIR) / f"portal/locale/{code}/LC_MESSAGES/django.po"
            for code in LOCAL_LANGUAGES
        ),
        ACCOUNT_CATALOGUE,
    ]
)


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda p: "/".join(p.parts[-4:-2]))
def test_the_committed_compiled_catalogue_is_current(po_file, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([shutil.which("msgfmt"), "--check", "-o", compiled, po_file], check=True)
    assert compiled.read_bytes() == po_file.with_suffix(".mo").read_bytes(), (
        f"run msgfmt --check -o {po_file.with_suffix('.mo')} {po_file}"
    )


def test_the_default_languages_are_russian_english_kyrgyz_uzbek_tajik():
    assert [code for code, _name in settings.LANGUAGES] == ["ru", "en", "ky", "uz", "tg"]
    # Django's "uz" is the Latin script, which Uzbekistan uses officially.
    with translation.override("uz"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required." and not re.search("[а-яёА-ЯЁ]", required)
    # The switcher names each language in itself.
    assert [translation.get_language_info(code)["name_local"] for code in LOCAL_LANGUAGES] == [
        "Кыргызча",
        "Oʻzbekcha",
        "Тоҷикӣ",
    ]


def anchors(html):
    """(href, hreflang) of every link that names its language."""
    found = set()
    for tag in re.findall(r"<a\s[^>]*>", html):
        href = re.search(r'href="([^"]+)"', tag)
        lang = re.search(r'hreflang="([^"]+)"', tag)
        if href and lang:
            found.add((href.group(1), lang.group(1)))
    return found


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.fixture
def get_help_in_five(site):
    pages = {"ru": site.get_help, "en": site.get_help_en}
    for code, title in (("ky", "Жардам алуу"), ("uz", "Yordam olish"), ("tg", "Кӯмак гирифтан")):
        translate(site.home, code, title=title)
        pages[code] = translate(site.get_help, code, title=title)
    return pages


@pytest.mark.django_db
def test_a_page_translated_into_five_languages_has_five_hreflang_alternates(
    client, site, get_help_in_five
):
    html = client.get(get_help_in_five["ky"].url).content.decode()

    assert alternates(html) == {
        **{code: f"http://testserver{page.url}" for code, page in get_help_in_five.items()},
        "x-default": f"http://testserver{get_help_in_five['ru'].url}",
    }
    for code, page in get_help_in_five.items():
        assert (page.url, code) in anchors(html), f"switcher lacks {code}"


@pytest.mark.django_db
def test_untranslated_languages_get_no_hreflang_alternate(client, site):
    html = client.get(site.get_help.url).content.decode()
    assert set(alternates(html)) == {"ru", "en", "x-default"}
    # The switcher still offers them: their home pages.
    assert {("/ky/", "ky"), ("/uz/", "uz"), ("/tg/", "tg")} <= anchors(html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, search_label, hotlines_label",
    [
        ("ky", "Издөө", "Ишеним телефондору"),
        ("uz", "Qidirish", "Ishonch telefonlari"),
        ("tg", "Ҷустуҷӯ", "Хатҳои боварӣ"),
    ],
)
def test_the_interface_speaks_the_visitors_language(
    client, site, get_help_in_five, code, search_label, hotlines_label
):
    response = client.get(get_help_in_five[code].url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{code}">' in html
    assert search_label in html
    assert "Skip to content" not in html and "Перейти к содержанию" not in html


# django-allauth's strings on the pages a person meets before being signed in
# (sign in, sign up, password reset, email confirmation, second factor) and in
# its mails; allauth ships Kyrgyz and Uzbek, the portal adds Tajik.


def account_messages():
    entries = []
    for block in ACCOUNT_CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip() and line[0] != "#"]
        fields, key = {}, None
        for line in lines:
            if not line.startswith('"'):
                key = line.split(" ", 1)[0]
                fields[key] = []
            fields[key].append(line)
        if fields.get("msgid") and _po_string(fields["msgid"]):
            context = _po_string(fields["msgctxt"]) if "msgctxt" in fields else None
            entries.append((context, _po_string(fields["msgid"])))
    return entries


@pytest.mark.parametrize("language", LOCAL_LANGUAGES)
def test_account_pages_of_allauth_are_translated(language):
    messages = account_messages()
    assert len(messages) > 100
    catalogue = trans_real.translation(language)._catalog
    missing = [
        msgid
        for context, msgid in messages
        if not catalogue.get(f"{context}\x04{msgid}" if context else msgid)
    ]
    assert not missing, f"untranslated in {language}: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("code", LOCAL_LANGUAGES)
def test_sign_in_page_is_in_the_chosen_language(client, site, code):
    client.get(f"/{code}/")  # reading a language remembers it
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{code}">' in html
    with translation.override(code):
        for text in ("Sign in", "Remember Me"):  # the portal's, allauth's
            assert translation.gettext(text) != text
            assert translation.gettext(text) in html


# --- Demo content and the review flag -------------------------------------------


DEMO_WORDS = {
    # code: (home title, a sentence of get-help, a hotline, the campaign title)
    "ky": (
        "Адам сатууга каршы Фергана өрөөнүнүн тармагы",
        "Атыңызды айтпасаңыз да болот.",
        "Ош мигранттарды колдоо борбору",
        "«Кетээрден мурун бил»",
    ),
    "uz": (
        "Odam savdosiga qarshi Fargʻona vodiysi tarmogʻi",
        "Ismingizni aytmasangiz ham boʻladi.",
        "Oʻsh migrantlarni qoʻllab-quvvatlash markazi",
        "«Ketishdan oldin bilib ol»",
    ),
    "tg": (
        "Шабакаи водии Фарғона бар зидди савдои одамон",
        "Номи худро гуфтан шарт нест.",
        "Маркази дастгирии муҳоҷирони Ош",
        "«Пеш аз рафтан бидон»",
    ),
}


@pytest.mark.django_db
def test_demo_speaks_kyrgyz_uzbek_and_tajik_and_flags_them_for_review(client, demo):
    for code, (home_title, help_sentence, hotline, campaign_title) in DEMO_WORDS.items():
        home = HomePage.objects.get(locale__language_code=code)
        get_help = GetHelpPage.objects.get(locale__language_code=code)
        campaign = CampaignPage.objects.get(locale__language_code=code)
        assert (home.title, campaign.title) == (home_title, campaign_title)
        assert home.live and get_help.live and campaign.live
        html = client.get(get_help.url).content.decode()
        assert help_sentence in html  # the body, not just the title
        assert hotline in html  # hotlines in the visitor's language
        assert campaign_title in client.get(campaign.url).content.decode()
        assert (
            Hotline.objects.filter(locale=locale(code)).count()
            == Hotline.objects.filter(locale=locale("ru")).count()
        )
        flagged = [home, get_help, campaign, *Hotline.objects.filter(locale=locale(code))]
        assert all(item.needs_native_review for item in flagged), code
    # Russian and English texts are the originals: nothing to review.
    assert not HomePage.objects.filter(
        locale__language_code__in=["ru", "en"], needs_native_review=True
    ).exists()
    assert not Hotline.objects.filter(
        locale__language_code__in=["ru", "en"], needs_native_review=True
    ).exists()


@pytest.mark.django_db
def test_editors_see_which_translations_need_a_native_speaker(client, demo):
    assert client.login(email="editor@example.org", password="demo-pass-2024")
    kyrgyz_home = HomePage.objects.get(locale__language_code="ky")
    russian_home = HomePage.objects.get(locale__language_code="ru")

    listing = client.get(f"/admin/pages/{kyrgyz_home.pk}/").content.decode()
    assert "Жардам алуу [нужна проверка носителем языка]" in listing or (
        "Жардам алуу [needs a native speaker&#x27;s review]" in listing
    )
    edit = client.get(f"/admin/pages/{kyrgyz_home.pk}/edit/").content.decode()
    assert 'name="needs_native_review"' in edit
    russian = client.get(f"/admin/pages/{russian_home.pk}/").content.decode()
    assert "Получить помощь" in russian
    assert "[нужна проверка" not in russian and "[needs a native" not in russian

    hotlines = client.get("/admin/snippets/home/hotline/", {"needs_native_review": "true"})
    assert hotlines.status_code == 200
    assert "Ош мигранттарды колдоо борбору" in hotlines.content.decode()


@pytest.mark.django_db
def test_switching_the_flag_off_clears_the_mark(site):
    kyrgyz = translate(site.home, "ky", title="Башкы бет", needs_native_review=True)
    assert "[" in kyrgyz.get_admin_display_title()
    kyrgyz.needs_native_review = False
    assert kyrgyz.get_admin_display_title() == "Башкы бет"

"""Page addresses stay short ASCII whatever language the title is in."""

import pytest

from portal.core.slugs import SLUG_MAX_LENGTH, ascii_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Горячая линия в Оше", "goryachaya-liniya-v-oshe"),
        ("Щедрость, объём и съезд", "shchedrost-obyom-i-sezd"),
        ("Жаңы өнөктүк: үй-бүлө", "zhangy-onoktuk-uy-bulo"),  # Kyrgyz
        ("Ғамхорӣ ва қонун: ҳимояи ҷабрдидагон", "ghamkhori-va-qonun-himoyai-jabrdidagon"),  # Tajik
        ("Oʻzbekiston: yangi qonun", "ozbekiston-yangi-qonun"),  # Uzbek Latin
        ("News 2025!", "news-2025"),
    ],
)
def test_titles_in_the_networks_languages_become_readable_ascii_slugs(title, slug):
    assert ascii_slug(title) == slug


def test_a_long_title_gives_a_short_slug_cut_at_a_word():
    title = "Сеть организаций Ферганской долины провела встречу " * 10

    slug = ascii_slug(title)

    assert len(slug) <= SLUG_MAX_LENGTH
    assert slug.startswith("set-organizatsiy-ferganskoy-doliny")
    assert not slug.endswith("-")
    assert all(part for part in slug.split("-"))

"""Demo public site: the home page in Russian and English under the default site."""

from django.conf import settings
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME = {
    "ru": {
        "title": "Сеть Ферганской долины против торговли людьми",
        "lead": "Новости сети, материалы для специалистов и горячие линии для тех, кому нужна помощь.",
    },
    "en": {
        "title": "Ferghana Valley Network against Human Trafficking",
        "lead": "Network news, material for practitioners and hotlines for anyone who needs help.",
    },
}


def _ensure_locales():
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code, _ in settings.LANGUAGES
    }


def load_site(ctx):
    locales = _ensure_locales()
    default_locale = Locale.get_default()
    root = Page.get_first_root_node()

    # Wagtail's initial "Welcome" page (slug "home") makes way for ours.
    for page in root.get_children().not_type(HomePage):
        page.delete()

    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        home = HomePage(slug="home", locale=default_locale, **HOME[default_locale.language_code])
        root.add_child(instance=home)
        home.save_revision().publish()
        ctx.say(f"created home page ({default_locale.language_code})")

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port = "localhost", 80
    site.site_name = settings.WAGTAIL_SITE_NAME
    site.root_page = home
    site.save()

    for code, locale in locales.items():
        if locale.pk == default_locale.pk or code not in HOME:
            continue
        if home.get_translation_or_none(locale) is not None:
            continue  # keep what editors changed since the first run
        translation = home.copy_for_translation(locale).specific
        for name, value in HOME[code].items():
            setattr(translation, name, value)
        translation.save_revision().publish()
        ctx.say(f"created home page ({code})")
    ctx.made["home"] = home

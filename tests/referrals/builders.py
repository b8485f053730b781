from django.utils import translation

from portal.referrals.directory import save_provider
from portal.referrals.models import Language, ServiceProvider


def make_provider(**fields):
    """A provider saved the way the admin saves one (validated), as nobody."""
    values = {
        "organisation": None,
        "name": "Listed provider",
        "services": ["shelter"],
        "country": "KG",
        "city": "Osh",
        "languages": ["ru"],
    }
    values.update(fields)
    return save_provider(ServiceProvider(**values), actor=None, check=False)


# The directory's labels shown to readers. Their Russian arrives with the
# merged catalogue (helpers write PO fragments); until then journeys allow the
# English words of those still untranslated, and nothing once they are.
LABELS = (
    "Where to get help",
    "Service directory",
    "Services",
    "Hours",
    "Languages",
    "Phone",
    "Email",
    "Website",
    "Filter",
    "Country",
    "Service",
    "Language spoken",
    "Any country",
    "Any service",
    "Any language",
    "Accepts referrals through the portal",
    "Show providers",
    "Clear",
    "Internal notes",
    "Referrals through the portal",
    "Accepted",
    "Not through the portal",
    "Listed publicly",
    "Yes",
    "No",
    "provider",
    "providers",
    "No provider matches these filters.",
    "Shelters, legal aid, medical and psychological help, return and reintegration "
    "programmes and labour-rights organisations, in the network and outside it. "
    "Internal notes are for network members only.",
)


def untranslated_words(language="ru"):
    from portal.referrals.models import Service

    with translation.override("en"):
        labels = [str(label) for label in (*LABELS, *Service.labels, *Language.labels)]
    words = set()
    with translation.override(language):
        for label in labels:
            if translation.gettext(label) == label:
                words.update(label.replace(",", " ").replace(".", " ").split())
    return sorted(words)

"""Vocabularies of the resource library (filters, search facets, admin choices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PREVENTION = "prevention", _("Prevention and awareness")
    SAFE_MIGRATION = "safe_migration", _("Safe labour migration")
    IDENTIFICATION = "identification", _("Identifying victims")
    ASSISTANCE = "assistance", _("Assistance and referral")
    LEGAL = "legal", _("Law and legal aid")
    REINTEGRATION = "reintegration", _("Return and reintegration")
    CHILDREN = "children", _("Children and young people")
    MONITORING = "monitoring", _("Monitoring and data")


class Audience(models.TextChoices):
    VICTIMS = "victims", _("Survivors and families")
    NGOS = "ngos", _("NGOs")
    LAWYERS = "lawyers", _("Lawyers")
    POLICE = "police", _("Police")
    PUBLIC = "public", _("General public")


class ResourceType(models.TextChoices):
    GUIDE = "guide", _("Guide")
    LEGAL_TEXT = "legal_text", _("Legal text")
    TRAINING_KIT = "training_kit", _("Training kit")
    REPORT = "report", _("Report or study")
    LEAFLET = "leaflet", _("Leaflet or poster")
    FORM = "form", _("Form or template")


# The language of the document itself, which may differ from the page's.
DOCUMENT_LANGUAGES = [
    ("ru", _("Russian")),
    ("en", _("English")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("tg", _("Tajik")),
]

"""The coded words of a referral: TRM phases, urgency, consent, outcomes.

The phases are those of ICMPD's Transnational Referral Mechanism (TRM, 2010);
the consent record follows Primero's consent check (who gave it, when, for
what, how) and OSCE/ODIHR's National Referral Mechanisms handbook (2022).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Phase(models.TextChoices):
    """The TRM's five standard operating procedures, in their order."""

    IDENTIFICATION = "identification", _("Identification")
    FIRST_ASSISTANCE = "first_assistance", _("First assistance and protection")
    LONG_TERM = "long_term", _("Long-term assistance and social inclusion")
    RETURN = "return", _("Return and social inclusion")
    PROCEEDINGS = "proceedings", _("Criminal and civil proceedings")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate: a person at risk now")
    URGENT = "urgent", _("Urgent: within days")
    ROUTINE = "routine", _("Routine")


class Status(models.TextChoices):
    """Primero's referral statuses, as the portal names them."""

    # A context of its own: "Waiting for an answer" elsewhere is about many
    # requests, and Russian says it in the plural there.
    PENDING = "pending", pgettext_lazy("referral status", "Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked by the sender")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.PENDING, Status.ACCEPTED)
FINISHED_STATUSES = (Status.DECLINED, Status.REVOKED, Status.CLOSED)


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person themself")
    GUARDIAN = "guardian", _("Parent or legal guardian")
    REPRESENTATIVE = "representative", _("Legal representative")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed consent form, kept by the referring organisation")
    ORAL = "oral", _("Oral, recorded by the case worker in the person's presence")
    ELECTRONIC = "electronic", _("Electronic (message or form sent by the person)")


class DataCategory(models.TextChoices):
    """Which coded case data the referral carries (the person consents per
    category). Never identity: names and contacts travel out of band."""

    PROFILE = "profile", _("Profile: year, gender, age band, citizenship")
    EXPLOITATION = "exploitation", _("Exploitation: country, types of exploitation and labour")
    CONTROL = "control", _("Means of control and recruiter relationship")
    STATUS = "status", _("Case status")


class Outcome(models.TextChoices):
    SERVICES_COMPLETED = "completed", _("Services provided as planned")
    PARTLY = "partly", _("Services partly provided")
    PERSON_WITHDREW = "withdrew", _("The person withdrew or could not be reached")
    REFERRED_ON = "referred_on", _("Referred on to another provider")
    RETURNED = "returned", _("Returned home safely")
    OTHER = "other", _("Other")


class StepKind(models.TextChoices):
    """A follow-up step: a service given, or a contact about the case."""

    SERVICE = "service", _("Service provided")
    CONTACT = "contact", _("Contact with the person")
    REVIEW = "review", _("Case review")
    OTHER = "other", _("Other")

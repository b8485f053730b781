from .directory import COUNTRY_CHOICES, Language, Service, ServiceProvider, ServiceProviderQuerySet
from .referrals import Referral, ReferralDocument, ReferralMessage, ReferralStep

__all__ = [
    "COUNTRY_CHOICES",
    "Language",
    "Referral",
    "ReferralDocument",
    "ReferralMessage",
    "ReferralStep",
    "Service",
    "ServiceProvider",
    "ServiceProviderQuerySet",
]

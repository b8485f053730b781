"""Placeholder until the referral documents' pages arrive (refdocs)."""

urlpatterns = []

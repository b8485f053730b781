"""Thin views: access through portal.members.access and portal.reports.policy,
changes through portal.reports.services."""

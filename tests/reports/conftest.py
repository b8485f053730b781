"""Fixtures for the monitoring reports' tests."""

import pytest


@pytest.fixture(autouse=True)
def english_interface(settings):
    """These tests read the interface's English wording. Russian, the default,
    has its own tests: tests/home/test_translations.py."""
    settings.LANGUAGE_CODE = "en"

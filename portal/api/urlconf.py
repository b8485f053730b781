"""The API's own URLconf: the project's /api/v1/ routes and nothing else.

API responses name it as ``request.urlconf`` (see ``PortalAPI.create_response``)
so that LocaleMiddleware, which turns a 404 outside the language-prefixed site
into a redirect to /<language>/<path>, sees no language-prefixed patterns and
leaves the API's 404 alone: an API client must get 404, not a redirect to an
HTML page.
"""

from django.urls import path

from .api import api

urlpatterns = [path("api/v1/", api.urls)]

"""Content-Security-Policy on every response.

Django 5.2 has none built in; this is the whole of it, so the package
django-csp does not earn its place (nonces are not needed: the portal's
templates carry no inline script, style or event handler, and a test keeps it
so). The policies are settings (``PORTAL_CSP`` for the site, ``PORTAL_CSP_ADMIN``
for the Wagtail admin, which needs a weaker one); ``PORTAL_CSP_REPORT_ONLY``
sends them as ``Content-Security-Policy-Report-Only`` to try a change on a
live site without breaking it, and ``PORTAL_CSP_REPORT_URI`` names where the
browser reports violations.
"""

from django.conf import settings

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def serialise(directives, report_uri=""):
    """{"default-src": ["'self'"], "upgrade-insecure-requests": []} ->
    "default-src 'self'; upgrade-insecure-requests"."""
    parts = [" ".join([name, *sources]) for name, sources in directives.items()]
    if report_uri:
        parts.append(f"report-uri {report_uri}")
    return "; ".join(parts)


def policy_for(path):
    """The policy text for a request path: the admin's under its prefixes,
    the site's everywhere else."""
    admin = any(path.startswith(prefix) for prefix in settings.PORTAL_CSP_ADMIN_PATHS)
    directives = settings.PORTAL_CSP_ADMIN if admin else settings.PORTAL_CSP
    return serialise(directives, settings.PORTAL_CSP_REPORT_URI)


def header_name():
    return REPORT_ONLY_HEADER if settings.PORTAL_CSP_REPORT_ONLY else HEADER


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A view that knows better (none today) may set its own.
        if HEADER not in response.headers and REPORT_ONLY_HEADER not in response.headers:
            response.headers[header_name()] = policy_for(request.path_info)
        return response

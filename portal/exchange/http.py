"""The one way this app talks to other portals: HTTP(S) only, no redirects
(a redirect would carry the partner token to whatever host it names), a
timeout, and a cap on what is read."""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

USER_AGENT = "ferghana-network-portal-exchange/1"


class Unreachable(Exception):
    """No answer (connection refused, timeout, DNS): worth trying again later."""


class Answered(Exception):
    """The other side answered with an error status."""

    def __init__(self, status, detail):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx then surfaces as an HTTPError


_opener = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.HTTPHandler(),
    urllib.request.HTTPSHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
    _NoRedirect(),
):
    _opener.add_handler(_handler)


def schemes():
    return ("https", "http") if settings.EXCHANGE_ALLOW_HTTP else ("https",)


def check_url(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in schemes() or not parts.netloc:
        raise Unreachable(
            f"not an {' or '.join(schemes())} address: {url[:200]} "
            "(plain http only with EXCHANGE_ALLOW_HTTP, for development)"
        )
    return url


def _detail(error):
    body = error.read(4096) or b""
    try:
        return str(json.loads(body).get("detail", ""))[:300]
    except Exception:
        return body.decode("utf-8", "replace")[:300] or str(error.reason or "")


def send(url, *, data=None, token=None, limit):
    """The body of the answer (at most ``limit`` bytes, else Answered(413));
    Answered for an error status, Unreachable when nobody answered."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(check_url(url), data=data, headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=settings.EXCHANGE_HTTP_TIMEOUT) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise Answered(error.code, _detail(error)) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise Unreachable(str(getattr(error, "reason", error))[:300]) from None
    if len(body) > limit:
        raise Answered(413, f"more than {limit} bytes")
    return body

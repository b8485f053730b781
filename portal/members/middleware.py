"""Members' sessions end after PORTAL_MEMBER_IDLE_TIMEOUT minutes without a
request: a laptop left open in a shared office must not keep a workspace open."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import ngettext

from .models import Membership

LAST_SEEN_KEY = "portal_member_last_seen"
# Write the session at most this often (seconds) to spare a write per request.
TOUCH_INTERVAL = 60


class MemberIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.PORTAL_MEMBER_IDLE_TIMEOUT * 60
        user = getattr(request, "user", None)
        if timeout > 0 and user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is None:
                # Marked once per session; people without a membership are left alone.
                if Membership.objects.filter(user=user).exists():
                    request.session[LAST_SEEN_KEY] = now
            elif now - last_seen > timeout:
                logout(request)
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)s minute without activity, "
                        "to protect the workspaces. Please sign in again.",
                        "You were signed out after %(minutes)s minutes without activity, "
                        "to protect the workspaces. Please sign in again.",
                        settings.PORTAL_MEMBER_IDLE_TIMEOUT,
                    )
                    % {"minutes": settings.PORTAL_MEMBER_IDLE_TIMEOUT},
                )
                return redirect_to_login(request.get_full_path())
            elif now - last_seen >= TOUCH_INTERVAL:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class UploadSizeLimitMiddleware:
    """Refuse a request to the members' area whose body is far over the upload
    limit before anything reads it, so nobody can fill the server's disk with
    temporary files. Bodies near the limit still reach the form, which says
    precisely what is wrong and keeps what was typed."""

    # Room for the other form fields and the multipart framing.
    MARGIN = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/workspaces/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.PORTAL_MAX_UPLOAD_MB * 1024 * 1024
            if length > limit + self.MARGIN:
                return render(
                    request,
                    "members/upload_too_large.html",
                    {"size": length, "limit": limit},
                    status=413,
                )
        return self.get_response(request)

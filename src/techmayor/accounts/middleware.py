import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """Until a user with ``must_change_password`` sets a new password, every page leads there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if not request.path.startswith(allowed) and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return self.get_response(request)


class SessionIdleTimeoutMiddleware:
    """A session ends ``SESSION_IDLE_MINUTES`` after the user's last request.

    Each request moves the session's expiry (database row and cookie) forward, at most once a minute so
    that a session is not written on every request: the idle time is thus exact to within a minute."""

    KEY = "_tm_last_seen"
    TOUCH_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            last = request.session.get(self.KEY)
            if last is None or time.time() - last >= self.TOUCH_EVERY:
                self.touch(request)
        return self.get_response(request)

    @classmethod
    def touch(cls, request, **kwargs) -> None:
        """Start the idle time again now (also a ``user_logged_in`` receiver: logging in is activity, and
        the first page after it then costs no session write)."""
        request.session[cls.KEY] = int(time.time())
        request.session.set_expiry(settings.SESSION_IDLE_MINUTES * 60)

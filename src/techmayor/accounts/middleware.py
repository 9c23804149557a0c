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

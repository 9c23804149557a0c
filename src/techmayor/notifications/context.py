"""The bell on every page: the number of unread messages, counted only when a page shows it (one
query on the index of recipient and read time)."""

from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .selectors import unread_count

        return unread_count(user=user)

    return {"unread_notifications": SimpleLazyObject(count)}

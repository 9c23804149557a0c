from django import template

from techmayor.needs.choices import NeedState

register = template.Library()

STATE_CLASSES = {
    NeedState.PENDING: "text-bg-secondary",
    NeedState.VERIFIED: "text-bg-info",
    NeedState.RETURNED: "text-bg-warning",
    NeedState.PUBLISHED: "text-bg-primary",
    NeedState.CLAIMED: "text-bg-success",
    NeedState.COMPLETION_SUBMITTED: "text-bg-info",
    NeedState.COMPLETED: "text-bg-dark",
    NeedState.CANCELLED: "text-bg-light border",
    NeedState.MERGED: "text-bg-light border",
}


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(state, "text-bg-secondary")

from django import template
from django.utils.html import format_html

from techmayor.core.submissions import FIELD, key_for

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_key(context) -> str:
    """``{% submission_key %}`` in a create form: its one-time key (``core.submissions``)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, key_for(context["request"]))

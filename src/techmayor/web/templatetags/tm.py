"""Template helpers: amounts in 万元 without trailing zeros."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def wan(value) -> str:
    """2212.0000 → 2212; 3886.5000 → 3886.5 (never scientific notation)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
    text = f"{number.normalize():f}"
    return text

"""Template helpers: amounts in 万元 without trailing zeros."""

from django import template

from techmayor.core.text import wan

register = template.Library()
register.filter("wan", wan)

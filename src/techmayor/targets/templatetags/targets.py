"""``{% targets_panel user batch groups title %}``: the targets box that the dashboard, a group's page and
the home page show (the pages below this app include it without importing it)."""

from django import template

from techmayor.targets.selectors import panel

register = template.Library()


@register.inclusion_tag("targets/_panel.html")
def targets_panel(user, batch, groups=None, title="", key="main"):
    if groups is not None and not isinstance(groups, list | tuple):
        groups = [groups]
    return {"panel": panel(user=user, batch=batch, groups=groups, title=title, key=key)}

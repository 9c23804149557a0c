"""An enterprise's timeline: everything the program did with it, newest first, within the user's scope.

Each registered kind with a timeline entry (``core.registry``) is read through its own scoped
selector, so the timeline shows exactly the records the user could open from a list; how many more
exist (other groups' work the user may not read) is given as a number only. Apps add entries that
are not a registered kind's (the need loop's needs and leads) as a timeline source.
"""

from __future__ import annotations

from techmayor.core.registry import Entry, members_text, registry

from .models import Enterprise


def enterprise_timeline(*, enterprise: Enterprise, user) -> tuple[list[Entry], int]:
    """The entries the user may read, newest first, and how many others exist."""
    entries: list[Entry] = []
    hidden = 0
    for kind in registry.kinds():
        if kind.timeline is None:
            continue
        path = kind.timeline.path
        visible = list(kind.queryset(user=user).filter(**{path: enterprise}))
        total = kind.model.objects.filter(**{path: enterprise}).values("pk").distinct().count()
        hidden += max(0, total - len(visible))
        for obj in visible:
            entries.append(
                Entry(
                    date=obj.date,
                    label=str(kind.timeline.label(obj)),
                    icon=kind.icon,
                    title=kind.timeline.title(obj) or "",
                    group=obj.group.name,
                    members=members_text(obj),
                    url=kind.detail_url(obj),
                )
            )
    for source in registry.timeline_sources:
        more, more_hidden = source(enterprise=enterprise, user=user)
        entries += more
        hidden += more_hidden
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries, hidden

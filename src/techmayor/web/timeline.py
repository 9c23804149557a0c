"""An enterprise's timeline: everything the program did with it, newest first, within the user's scope.

Each kind of record is read through its own scoped selector, so the timeline shows exactly the
records the user could open from a list; how many more exist (other groups' work the user may not
read) is given as a number only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from techmayor.enterprises.models import Enterprise


@dataclass
class Entry:
    date: dt.date
    label: str
    icon: str
    title: str
    detail: str = ""
    group: str = ""
    members: str = ""
    url: str | None = None


def _members(obj) -> str:
    return "、".join(m.name for m in obj.members.all())


def enterprise_timeline(*, enterprise: Enterprise, user) -> tuple[list[Entry], int]:
    """The entries the user may read, newest first, and how many others exist."""
    from techmayor.cooperation.views import AGREEMENT, INTENT
    from techmayor.enterprises.views import LINK
    from techmayor.ledger.views import (
        APPLICATION,
        CULTIVATION,
        EMPLOYMENT_BASE,
        EVENT,
        LANDING,
        PROJECT,
        TALENT,
        VISIT,
    )

    entries: list[Entry] = []
    hidden = 0
    kinds = [
        (VISIT, "enterprise", lambda o: _("走访"), lambda o: o.note),
        (EVENT, "enterprises", lambda o: o.get_kind_display(), lambda o: o.title),
        (LINK, "enterprise", lambda o: _("挂钩服务"), lambda o: o.note),
        (INTENT, "enterprise", lambda o: _("合作意向"), lambda o: o.title),
        (
            AGREEMENT,
            "enterprise",
            lambda o: _("合作协议"),
            lambda o: f"{o.title}（{o.university.name}，{o.contract_amount_wan.normalize():f}万元）",
        ),
        (CULTIVATION, "enterprise", lambda o: o.get_kind_display(), lambda o: o.get_status_display()),
        (TALENT, "enterprise", lambda o: _("引进人才"), lambda o: f"{o.talent_name}（{o.person_count}人）"),
        (PROJECT, "enterprise", lambda o: _("牵线科技项目"), lambda o: o.title),
        (LANDING, "enterprise", lambda o: _("招引落户"), lambda o: o.note),
        (EMPLOYMENT_BASE, "enterprise", lambda o: _("就业基地"), lambda o: o.university.name if o.university else ""),
        (APPLICATION, "enterprise", lambda o: _("帮助申报"), lambda o: o.title),
    ]
    for kind, path, label, detail in kinds:
        visible = list(kind.queryset(user=user).filter(**{path: enterprise}))
        total = kind.model.objects.filter(**{path: enterprise}).values("pk").distinct().count()
        hidden += max(0, total - len(visible))
        for obj in visible:
            entries.append(
                Entry(
                    date=obj.date,
                    label=str(label(obj)),
                    icon=kind.icon,
                    title=detail(obj) or "",
                    group=obj.group.name,
                    members=_members(obj),
                    url=kind.detail_url(obj),
                )
            )
    need_entries, need_hidden = _needs(enterprise, user)
    entries += need_entries
    hidden += need_hidden
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries, hidden


def _needs(enterprise, user) -> tuple[list[Entry], int]:
    """Needs (and leads not yet turned into needs) of the enterprise, through the need loop's own scope."""
    from techmayor.needs.models import Need

    try:
        from techmayor.needs.selectors import lead_visible, need_visible
    except ImportError:  # pragma: no cover - the need loop's selectors are not there yet
        return [], 0
    from .records import safe_reverse

    entries = []
    needs = list(need_visible(user).filter(enterprise=enterprise).select_related("group").prefetch_related("members"))
    for need in needs:
        entries.append(
            Entry(
                date=need.date,
                label=_("企业需求"),
                icon="bi-lightbulb",
                title=need.title,
                detail=need.get_state_display(),
                group=need.group.name,
                members=_members(need),
                url=safe_reverse("needs:need_detail", need.pk),
            )
        )
    hidden = Need.objects.filter(enterprise=enterprise).count() - len(needs)
    leads = list(lead_visible(user).filter(enterprise=enterprise, needs__isnull=True).distinct())
    for lead in leads:
        entries.append(
            Entry(
                date=timezone.localtime(lead.created_at).date(),
                label=_("需求线索"),
                icon="bi-inbox",
                title=lead.title or lead.raw_text[:40],
                detail=f"{lead.reference} · {lead.get_source_display()} · {lead.get_status_display()}",
                url=safe_reverse("needs:lead_detail", lead.pk),
            )
        )
    return entries, max(0, hidden)

"""The need loop's entries on an enterprise's timeline (registered in ``core.registry`` by the app)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from techmayor.core.registry import Entry, members_text, safe_reverse

from .models import Need
from .selectors import lead_visible, need_visible


def enterprise_entries(*, enterprise, user) -> tuple[list[Entry], int]:
    """Needs (and leads not yet turned into needs) of the enterprise, through the need loop's own scope."""
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
                members=members_text(need),
                url=safe_reverse("needs:need_detail", need.pk),
            )
        )
    hidden = Need.objects.filter(enterprise=enterprise).count() - len(needs)
    with_need = Need.objects.filter(lead__isnull=False).values("lead")  # live needs: a withdrawn one shows its lead
    leads = list(lead_visible(user).filter(enterprise=enterprise).exclude(pk__in=with_need))
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

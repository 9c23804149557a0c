"""The picker's sources: how to search each kind of thing and how to label what was picked."""

from __future__ import annotations

from django.db.models import Q

from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.selectors import enterprise_search, initials_match
from techmayor.resources.models import Achievement, Expert, Platform, University

LIMIT = 15


def _enterprise_label(e: Enterprise) -> str:
    return e.name


def _enterprise_hint(e: Enterprise) -> str:
    parts = [e.region.name if e.region_id else "", e.credit_code or ""]
    return " · ".join(p for p in parts if p)


def search(source: str, *, user, text: str) -> list[dict]:
    """Matches for ``text`` as ``{"id", "label", "hint"}`` dicts, at most :data:`LIMIT`."""
    text = (text or "").strip()
    if not text:
        return []
    if source == "enterprise":
        return [
            {"id": e.pk, "label": _enterprise_label(e), "hint": _enterprise_hint(e)}
            for e in enterprise_search(user=user, text=text, limit=LIMIT)
        ]
    if source == "university":
        base = University.objects.all()
        q = Q(name__icontains=text) | Q(code__startswith=text)
        if text.isascii() and text.isalpha() and len(text) >= 2:
            q |= Q(pk__in=initials_match(base, text, limit=LIMIT * 4))
        rows = base.filter(q).order_by("name")[: LIMIT * 2]
        rows = sorted(rows, key=lambda u: (not u.name.startswith(text), len(u.name)))[:LIMIT]
        return [{"id": u.pk, "label": u.name, "hint": u.location} for u in rows]
    if source == "expert":
        rows = (
            Expert.objects.select_related("university")
            .filter(merged_into__isnull=True)
            .filter(Q(name__icontains=text) | Q(university__name__icontains=text) | Q(organization__icontains=text))
            .order_by("name")[:LIMIT]
        )
        return [{"id": x.pk, "label": str(x), "hint": x.title} for x in rows]
    if source == "platform":
        rows = Platform.objects.select_related("university").filter(name__icontains=text).order_by("name")[:LIMIT]
        return [{"id": p.pk, "label": p.name, "hint": p.university.name if p.university_id else ""} for p in rows]
    if source == "achievement":
        q = Q(title__icontains=text) | Q(external_id=text)
        rows = Achievement.objects.filter(q).order_by("-year", "-pk")[:LIMIT]
        return [{"id": a.pk, "label": str(a), "hint": " · ".join(_achievement_hint(a))} for a in rows]
    raise KeyError(source)


def _achievement_hint(a: Achievement) -> list[str]:
    return [str(p) for p in (a.get_kind_display(), a.year, a.get_stage_display()) if p]


SOURCES = {"enterprise", "university", "expert", "platform", "achievement"}

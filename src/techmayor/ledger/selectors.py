"""Reads for the ledger: every list, detail and export goes through these, scoped to the user.

Each model says how it reaches the anchors of the data scopes (``accounts.scopes.Paths``):
its batch's city, the region of the enterprise it concerns (town staff see the records about
their town's enterprises), its group and its credited members. See ``roster.selectors`` for
what each role may read and write.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from techmayor.accounts.scopes import Paths
from techmayor.roster.selectors import scoped

from .models import (
    ApplicationSupported,
    EmploymentBase,
    EnterpriseCultivation,
    EnterpriseLanding,
    Event,
    FundLanding,
    PlatformIntroduction,
    ProjectBrokered,
    Report,
    TalentIntroduction,
    UniversityPairing,
    Visit,
    VisitorRecord,
)

CREDITED = {"city": "batch__city", "group": "group", "member": "members"}

PATHS: dict[type, Paths] = {
    Visit: Paths(region="enterprise__region", **CREDITED),
    Event: Paths(region="enterprises__region", **CREDITED),
    VisitorRecord: Paths(**CREDITED),
    Report: Paths(**CREDITED),
    TalentIntroduction: Paths(region="enterprise__region", **CREDITED),
    ProjectBrokered: Paths(region="enterprise__region", **CREDITED),
    PlatformIntroduction: Paths(region="platform__region", **CREDITED),
    EnterpriseLanding: Paths(region="enterprise__region", **CREDITED),
    EmploymentBase: Paths(region="enterprise__region", **CREDITED),
    FundLanding: Paths(**CREDITED),
    ApplicationSupported: Paths(region="enterprise__region", **CREDITED),
    EnterpriseCultivation: Paths(region="enterprise__region", **CREDITED),
    UniversityPairing: Paths(region="region", **CREDITED),
}

# What each list needs in one query (foreign keys) and in one more per relation (many-to-many).
RELATED: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Visit: (("group", "enterprise__region"), ("members",)),
    Event: (("group",), ("members", "enterprises", "universities", "achievements")),
    VisitorRecord: (("group", "university"), ("members",)),
    Report: (("group",), ("members",)),
    TalentIntroduction: (("group", "enterprise", "university"), ("members",)),
    ProjectBrokered: (("group", "enterprise", "university"), ("members",)),
    PlatformIntroduction: (("group", "platform__university", "platform__region"), ("members",)),
    EnterpriseLanding: (("group", "enterprise__region"), ("members",)),
    EmploymentBase: (("group", "enterprise", "university"), ("members",)),
    FundLanding: (("group",), ("members",)),
    ApplicationSupported: (("group", "enterprise"), ("members",)),
    EnterpriseCultivation: (("group", "enterprise__region"), ("members",)),
    UniversityPairing: (("group", "university", "region"), ("members",)),
}


def record_list(model, *, user) -> QuerySet:
    """The records of ``model`` that ``user`` may read, newest first, with what a list shows."""
    select, prefetch = RELATED[model]
    qs = model.objects.select_related("batch__city", *select).prefetch_related(*prefetch)
    return scoped(qs, user, PATHS[model]).order_by("-date", "-id")


def scoped_records(model, *, user) -> QuerySet:
    """``model``'s records in ``user``'s scope, without extras (for counts and drill-downs)."""
    return scoped(model.objects.all(), user, PATHS[model])


def visit_list(*, user) -> QuerySet[Visit]:
    """The visits, each with how many (live) leads it found: a sub-query per row shown, not a grouping of
    every visible visit, so a page reads its rows by the date index and its count needs no join (a
    province holds millions of visits; docs/decisions/0028-the-province-at-scale.md)."""
    leads = Visit._meta.get_field("leads").related_model.objects.filter(visit=OuterRef("pk")).order_by()
    found = leads.values("visit").annotate(n=Count("pk")).values("n")
    return record_list(Visit, user=user).annotate(lead_count=Coalesce(Subquery(found, output_field=IntegerField()), 0))


def visit_get(*, user, pk: int) -> Visit | None:
    return visit_list(user=user).filter(pk=pk).first()

"""Reads for cooperation (intents, agreements, receipts), scoped to the user like every list.

An agreement concerns an enterprise (校企) or a place (校地): town and district staff see it
when either lies in their region.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from techmayor.accounts.scopes import Paths, scope_q
from techmayor.core.models import live_related
from techmayor.roster.selectors import scoped

from .models import Agreement, AgreementReceipt, Intent

CREDITED = {"city": "batch__city", "group": "group", "member": "members"}
INTENT_PATHS = Paths(region="enterprise__region", **CREDITED)
AGREEMENT_PATHS = Paths(region="enterprise__region", **CREDITED)
AGREEMENT_PLACE_PATHS = Paths(region="region", **CREDITED)


def agreement_scope_q(user):
    return scope_q(user, AGREEMENT_PATHS) | scope_q(user, AGREEMENT_PLACE_PATHS)


def intent_list(*, user) -> QuerySet[Intent]:
    qs = Intent.objects.select_related(
        "batch__city", "group", "enterprise__region", "university", "expert__university", "need"
    ).prefetch_related("members")
    return scoped(qs, user, INTENT_PATHS).order_by("-date", "-id")


def agreement_list(*, user) -> QuerySet[Agreement]:
    qs = (
        Agreement.objects.select_related(
            "batch__city", "group", "enterprise__region", "region", "university", "expert__university", "need", "intent"
        )
        .prefetch_related("members")
        .annotate(
            received_wan=Coalesce(
                Sum("receipts__amount_wan", filter=live_related("receipts")),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=14, decimal_places=4),
            )
        )
    )
    q = agreement_scope_q(user)
    return scoped(qs, user, q=q).order_by("-date", "-id")


def receipts_of(agreement: Agreement) -> QuerySet[AgreementReceipt]:
    return agreement.receipts.select_related("created_by").order_by("date", "id")


def scoped_intents(*, user) -> QuerySet[Intent]:
    return scoped(Intent.objects.all(), user, INTENT_PATHS)


def scoped_agreements(*, user) -> QuerySet[Agreement]:
    return scoped(Agreement.objects.all(), user, q=agreement_scope_q(user))


def scoped_receipts(*, user) -> QuerySet[AgreementReceipt]:
    return AgreementReceipt.objects.filter(agreement__in=scoped_agreements(user=user).values("pk"))


def withdrawn_receipts(*, cities) -> list:
    """The withdrawn receipts of ``cities``' agreements, for their administrators' page of withdrawn records."""
    from django.utils.translation import gettext as _

    from techmayor.core.registry import Withdrawn, safe_reverse
    from techmayor.core.text import wan

    receipts = (
        AgreementReceipt.all_objects.withdrawn()
        .filter(agreement__batch__city__in=cities)
        .select_related("withdrawn_by", "agreement")
        .order_by("-withdrawn_at")[:200]
    )
    return [
        Withdrawn(
            label=_("协议到账"),
            title=_("%(title)s · %(date)s · %(amount)s万元")
            % {"title": r.agreement.title, "date": f"{r.date:%Y-%m-%d}", "amount": wan(r.amount_wan)},
            at=r.withdrawn_at,
            by=str(r.withdrawn_by or "—"),
            reason=r.withdrawn_reason,
            url=safe_reverse("cooperation:agreement_detail", r.agreement_id),
            restore_url=safe_reverse("cooperation:receipt_restore", r.agreement_id, r.pk),
        )
        for r in receipts
    ]

"""One FilterSet per listable model, shared by the list page, the Excel export (and the API later).

The FilterSets only narrow a queryset; the data scope is applied before, by the selectors.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from techmayor.core import clock
from techmayor.core.models import live_related
from techmayor.matchmaking.models import MatchLevel
from techmayor.roster.filters import offered_members
from techmayor.roster.models import Batch, Group, Member
from techmayor.roster.selectors import visible_groups_q

from .choices import CollaboratorStatus, LeadSource, LeadStatus, NeedKind, NeedState, Urgency
from .models import STALE_AFTER, Lead, Need
from .state_machine import rank

# The steps of the need funnel after collection (the dashboard counts them; the list filters by them).
FUNNEL_STATES = (NeedState.VERIFIED, NeedState.PUBLISHED, NeedState.CLAIMED, NeedState.COMPLETED)

YES_NO = (("1", _("是")), ("0", _("否")))


def stale_q() -> Q:
    """Claimed needs with no progress for 30 days (the same rule as ``Need.is_stale``)."""
    return Q(state=NeedState.CLAIMED, last_progress_at__lt=clock.now() - STALE_AFTER)


class _GroupField(ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return _("%(group)s（第%(number)s批）") % {"group": obj.name, "number": obj.batch.number}


class _GroupChoice(django_filters.ModelChoiceFilter):
    field_class = _GroupField


class StrictFilterSet(django_filters.FilterSet):
    """An invalid filter value gives no rows (and the form shows why), never the unfiltered list."""

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)


class NeedFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("搜索"))
    state = django_filters.ChoiceFilter(choices=NeedState.choices, label=_("状态"), empty_label=_("全部状态"))
    group = _GroupChoice(
        queryset=Group.objects.select_related("batch").order_by("-batch__number", "id"),
        label=_("支团"),
        empty_label=_("全部支团"),
    )
    batch = django_filters.ModelChoiceFilter(
        queryset=Batch.objects.select_related("city").order_by("-start_date"),
        label=_("批次"),
        empty_label=_("全部批次"),
    )
    reached = django_filters.ChoiceFilter(
        choices=[(s.value, s.label) for s in FUNNEL_STATES],
        method="filter_reached",
        label=_("曾到达"),
        empty_label=_("曾到达：不限"),
    )
    kind = django_filters.ChoiceFilter(choices=NeedKind.choices, label=_("类型"), empty_label=_("全部类型"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("紧急程度"), empty_label=_("全部"))
    bottleneck = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_bottleneck", label=_("卡脖子"), empty_label=_("卡脖子：不限")
    )
    stale = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_stale", label=_("超30天未更新"), empty_label=_("更新情况：不限")
    )
    carried = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_carried", label=_("交接续办"), empty_label=_("交接续办：不限")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=Member.objects.filter(live_related("owned_needs")).distinct().order_by("name"),
        label=_("负责人"),
        empty_label=_("全部负责人"),
    )
    mine = django_filters.ChoiceFilter(
        choices=(
            ("1", _("我负责的")),
            ("collab", _("我协同的")),
            ("any", _("我负责或协同的")),
            ("invited", _("邀请我协同的")),
            ("requests", _("有人申请协同的")),
        ),
        method="filter_mine",
        label=_("与我有关"),
        empty_label=_("全部需求"),
    )
    outcome = django_filters.ChoiceFilter(
        choices=(("pending", _("有待审核的成效")),),
        method="filter_outcome",
        label=_("成效"),
        empty_label=_("成效：不限"),
    )
    match = django_filters.ChoiceFilter(
        choices=MatchLevel.choices, method="filter_match", label=_("匹配程度"), empty_label=_("匹配程度：不限")
    )
    order = django_filters.ChoiceFilter(
        choices=(("match", _("匹配好的在前")),),
        method="filter_order",
        label=_("排序"),
        empty_label=_("最新在前"),
    )

    class Meta:
        model = Need
        fields = [
            "q",
            "state",
            "group",
            "batch",
            "reached",
            "kind",
            "urgency",
            "bottleneck",
            "stale",
            "carried",
            "owner",
            "mine",
            "outcome",
            "match",
            "order",
        ]

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        self.user = user
        if user is not None:
            self._choices_of(user)

    def _choices_of(self, user) -> None:
        """The batches, groups and owners offered are those of the batches whose groups the user reads
        (not every city's: a province holds thousands of groups and members)."""
        batches = Batch.objects.filter(pk__in=Group.objects.filter(visible_groups_q(user)).values("batch"))
        self.filters["batch"].queryset = batches.select_related("city").order_by("-start_date")
        self.filters["group"].queryset = (
            Group.objects.filter(batch__in=batches)
            .select_related("batch")
            .only("name", "batch__number")
            .order_by("-batch__number", "id")
        )
        owns = Need.objects.filter(owner=OuterRef("pk"))
        data = self.data or {}
        offered = offered_members(batches, chosen_batch=data.get("batch"), chosen_member=data.get("owner"))
        self.filters["owner"].queryset = Member.objects.filter(offered, Exists(owns)).only("name").order_by("name")

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(lead__reference__iexact=value)
        )

    def filter_reached(self, queryset, name, value):
        return queryset.filter(reached__gte=rank(value))

    def filter_bottleneck(self, queryset, name, value):
        return queryset.filter(is_bottleneck=value == "1")

    def filter_stale(self, queryset, name, value):
        return queryset.filter(stale_q()) if value == "1" else queryset.exclude(stale_q())

    def filter_carried(self, queryset, name, value):
        """Needs a handover carried on into a later batch (``Need.carried_into``), or the others."""
        return queryset.filter(carried_into__isnull=value != "1")

    def filter_mine(self, queryset, name, value):
        user = self.user
        if user is None or not user.is_authenticated:
            return queryset.none()

        def linked(status: str, **extra) -> Q:
            return Q(pk__in=Need.objects.filter(collaborator_links__status=status, **extra).values("pk"))

        owner = Q(owner__user=user)
        collab = linked(CollaboratorStatus.ACTIVE, collaborator_links__member__user=user)
        condition = {
            "1": owner,
            "collab": collab,
            "any": owner | collab,
            "invited": linked(CollaboratorStatus.INVITED, collaborator_links__member__user=user),
            "requests": owner & linked(CollaboratorStatus.REQUESTED),
        }[value]
        return queryset.filter(condition)

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(pk__in=Need.objects.filter(outcome_rounds__is_approved=False).values("pk"))

    def filter_match(self, queryset, name, value):
        """By the matching engine's standing assessment; "none" includes needs not assessed yet."""
        if value == MatchLevel.NONE:
            return queryset.filter(Q(match_summary__isnull=True) | Q(match_summary__level=value))
        return queryset.filter(match_summary__level=value)

    def filter_order(self, queryset, name, value):
        """Needs with an accepted match first, then by the strength of their best match."""
        return queryset.order_by(
            F("match_summary__has_accepted").desc(nulls_last=True),
            F("match_summary__evidence").desc(nulls_last=True),
            "-date",
            "-id",
        )


class LeadFilterSet(StrictFilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("搜索"))
    status = django_filters.ChoiceFilter(choices=LeadStatus.choices, label=_("处理状态"), empty_label=_("全部状态"))
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("来源"), empty_label=_("全部来源"))

    class Meta:
        model = Lead
        fields = ["q", "status", "source"]

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        self.user = user

    def filter_text(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(title__icontains=value)
            | Q(raw_text__icontains=value)
            | Q(enterprise_name__icontains=value)
            | Q(enterprise__name__icontains=value)
        )

"""The filters every credited record shares (batch, group, member, dates, "mine", a search box).

Each listable model has one FilterSet in its app's ``filters.py``, built on
:class:`CreditedRecordFilterSet`; the UI list, its .xlsx export and (later) the API use it.
The querysets they filter are already scoped by the selectors; the choices offered here are
the groups and members the user may read.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import Batch, Group, Member
from .selectors import visible_groups_q


def _user(request):
    return getattr(request, "user", None)


def visible_groups(request):
    user = _user(request)
    if user is None:
        return Group.objects.none()
    return (
        Group.objects.filter(visible_groups_q(user))
        .select_related("batch")
        .only("name", "batch__number", "batch__city_id", "batch__start_date")
        .order_by("-batch__start_date", "id")
    )


def offered_batches(batches, chosen):
    """The batches whose members a filter offers as choices: the batch ``chosen`` in the filter (an id
    among ``batches``), else the reader's active batches, else all of ``batches``. A province reads
    thousands of members across its cities' history; rendering them all took half a list's time, for a
    choice nobody makes without first choosing a batch."""
    if chosen and str(chosen).isdigit():
        picked = batches.filter(pk=int(chosen))
        if picked.exists():
            return picked
    active = batches.filter(is_active=True)
    return active if active.exists() else batches


def offered_members(batches, *, chosen_batch, chosen_member) -> Q:
    """Members of :func:`offered_batches`, and the member ``chosen_member`` if they served in any of
    ``batches`` (a link naming a member of an old batch, a member page's, still works)."""
    served = Group.objects.filter(batch__in=batches).values("tenures__member")
    offered = Q(pk__in=Group.objects.filter(batch__in=offered_batches(batches, chosen_batch)).values("tenures__member"))
    if chosen_member and str(chosen_member).isdigit():
        offered |= Q(pk=int(chosen_member)) & Q(pk__in=served)
    return offered


def visible_members(request):
    user = _user(request)
    if user is None:
        return Member.objects.none()
    batches = Batch.objects.filter(pk__in=Group.objects.filter(visible_groups_q(user)).values("batch"))
    query = getattr(request, "GET", {})
    offered = offered_members(batches, chosen_batch=query.get("batch"), chosen_member=query.get("member"))
    return Member.objects.filter(offered).only("name").order_by("name")


def visible_batches(request):
    user = _user(request)
    if user is None:
        return Batch.objects.none()
    return Batch.objects.filter(pk__in=Group.objects.filter(visible_groups_q(user)).values("batch")).select_related(
        "city"
    )


@extend_schema_field(OpenApiTypes.INT)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A record chosen by its id, whose choices depend on the reader (the API's schema: an integer)."""


class DateInput(forms.DateInput):
    input_type = "date"


def search(queryset, fields, value):
    """Rows where any of ``fields`` contains ``value`` (each word of it, in any field)."""
    for word in value.split():
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return queryset


class CreditedRecordFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q")
    batch = django_filters.ModelChoiceFilter(label=_("批次"), queryset=visible_batches, empty_label=_("全部批次"))
    group = django_filters.ModelChoiceFilter(label=_("支团"), queryset=visible_groups, empty_label=_("全部支团"))
    member = IdChoiceFilter(
        label=_("团员"), queryset=visible_members, method="filter_member", empty_label=_("全部团员")
    )
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="date", lookup_expr="gte", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="date", lookup_expr="lte", widget=DateInput())
    mine = django_filters.BooleanFilter(label=_("只看我参与的"), method="filter_mine", widget=forms.CheckboxInput())

    search_fields: tuple[str, ...] = ("note", "members__name")

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        inner = search(queryset.model._default_manager.all(), self.search_fields, value)
        return queryset.filter(pk__in=inner.values("pk"))

    def filter_member(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=queryset.model._default_manager.filter(members=value).values("pk"))

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = _user(self.request)
        return queryset.filter(pk__in=queryset.model._default_manager.filter(members__user=user).values("pk"))

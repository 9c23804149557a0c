"""The form every credited record shares (the group, the date and the members credited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm, DateInput, ModelMultipleChoiceField

from .models import Group, Member, Tenure
from .selectors import reference_day


class CreditedForm(BaseForm):
    """The part every credited record's form shares: the group, the date and the members credited.

    Built for one :class:`~techmayor.roster.selectors.WriteContext`: the groups offered are the
    ones the user may write for; a plain member is always credited (the field then lists their
    fellow members only). On edit the group stays as it is. Subclasses declare their own fields
    and implement :meth:`create` and :meth:`update` by calling their app's services.
    """

    group = forms.ModelChoiceField(queryset=None, label=_("支团"), empty_label=None)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    members = ModelMultipleChoiceField(
        queryset=None, label=_("参与团员"), required=False, widget=forms.CheckboxSelectMultiple
    )

    members_required = False

    def __init__(self, data=None, *, ctx, user, instance=None, **kwargs):
        self.ctx, self.user, self.instance = ctx, user, instance
        if instance is not None:
            initial = self.initial_from(instance)
        else:
            initial = {"date": reference_day(ctx.batch), "group": ctx.groups[0].pk}
        initial.update(kwargs.pop("initial", {}))
        super().__init__(data, initial=initial, **kwargs)
        batch = instance.batch if instance is not None else ctx.batch
        self.fixed_group = instance.group if instance is not None else (ctx.groups[0] if len(ctx.groups) == 1 else None)
        if self.fixed_group is not None:
            del self.fields["group"]
        else:
            self.fields["group"].queryset = Group.objects.filter(pk__in=[g.pk for g in ctx.groups]).order_by("id")
        tenures = list(Tenure.objects.filter(batch=batch).select_related("member", "group").order_by("group_id", "id"))
        self.member_group = {t.member_id: t.group for t in tenures}
        self.self_only = (
            self.fixed_group is not None and ctx.must_include_self(self.fixed_group) and ctx.member is not None
        )
        members = Member.objects.filter(pk__in=[t.member_id for t in tenures])
        if self.self_only:
            members = members.exclude(pk=ctx.member.pk)
            self.fields["members"].label = _("同行团员")
            self.fields["members"].help_text = _("本人自动计入；可加选同批次其他团员")
        self.fields["members"].queryset = members
        if instance is None and ctx.member is not None and not self.self_only:
            self.initial.setdefault("members", [ctx.member.pk])
        elif instance is not None and self.self_only:
            self.initial["members"] = [m.pk for m in instance.members.all() if m.pk != ctx.member.pk]

    def initial_from(self, instance) -> dict:
        initial = {}
        for name in self.base_fields:
            if name == "group" or not hasattr(instance, name):
                continue
            value = getattr(instance, name)
            if hasattr(value, "all"):
                value = [o.pk for o in value.all()]
            elif hasattr(value, "pk"):
                value = value.pk
            initial[name] = value
        return initial

    def member_sections(self):
        """The member checkboxes grouped by group, the record's group first."""
        own = self.fixed_group or self.ctx.groups[0]
        sections: dict[int, tuple[Any, list]] = {}
        for widget in self["members"]:
            group = self.member_group.get(int(str(widget.data["value"])))
            sections.setdefault(group.pk, (group, []))[1].append(widget)
        ordered = sorted(sections.values(), key=lambda s: (s[0].pk != own.pk, s[0].pk))
        return [{"group": g, "widgets": w, "open": g.pk == own.pk or self._any_checked(w)} for g, w in ordered]

    @staticmethod
    def _any_checked(widgets) -> bool:
        return any(w.data.get("selected") for w in widgets)

    def clean(self):
        cleaned = super().clean()
        group = self.fixed_group or cleaned.get("group")
        if group is None:
            return cleaned
        if group.pk not in self.ctx.capacity:
            raise forms.ValidationError(_("你不能为该支团登记记录"))
        members = list(cleaned.get("members") or [])
        if self.ctx.must_include_self(group):
            if self.ctx.member is None:
                raise forms.ValidationError(_("你的账号未关联团员，不能登记"))
            if self.ctx.member not in members:
                members.insert(0, self.ctx.member)
        if self.members_required and not members:
            self.add_error("members", _("至少需要一名团员"))
        cleaned["group"] = group
        cleaned["members"] = members
        return cleaned

    def data_for_service(self) -> dict:
        """The cleaned values other than group/date/members, as the service takes them."""
        skip = {"group", "date", "members"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def save(self, *, by):
        c = self.cleaned_data
        if self.instance is not None:
            return self.update(self.instance, by=by, date=c["date"], members=c["members"], **self.data_for_service())
        return self.create(
            by=by,
            batch=self.ctx.batch,
            group=c["group"],
            date=c["date"],
            members=c["members"],
            **self.data_for_service(),
        )

    def create(self, *, by, batch, group, date, members, **data):  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, record, *, by, date, members, **data):  # pragma: no cover - abstract
        raise NotImplementedError

"""Shared form pieces: Bootstrap classes, the search-as-you-type picker, showing service errors on fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techmayor.core.errors import ApplicationError


class BootstrapMixin:
    """Give every widget its Bootstrap 5 class (form-control / form-select / form-check-input)."""

    def _apply_bootstrap(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, PickerWidget | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            if css not in existing:
                widget.attrs["class"] = f"{existing} {css}".strip()


def styled(form):
    """Give any form (a FilterSet's, for one) the Bootstrap classes; returns it."""
    BootstrapMixin._apply_bootstrap(form)
    return form


class BaseForm(BootstrapMixin, forms.Form):
    field_aliases: dict[str, str] = {}  # service error field → form field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._apply_bootstrap()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()

    def add_service_error(self, err: ApplicationError) -> None:
        """Show a service's error next to the field it names (or at the top of the form)."""
        name = self.field_aliases.get(err.field or "", err.field)
        if name in self.fields:
            self.add_error(name, err.message)
        else:
            self.add_error(None, err.message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PickerWidget(forms.Widget):
    """A search box with results fetched by htmx; the chosen items are hidden inputs shown as chips.

    ``source`` names a search endpoint in ``web.pickers.SOURCES`` (enterprise, university, expert, platform).
    """

    template_name = "web/widgets/picker.html"

    def __init__(self, source: str, *, multiple: bool = False, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.source = source
        self.multiple = multiple
        self.placeholder = placeholder
        self.choices = None  # set by the field: the queryset the value must come from

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            return [v for v in data.getlist(name) if v] if hasattr(data, "getlist") else data.get(name) or []
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return False if self.multiple else name not in data

    def format_value(self, value):
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in values]

    def get_context(self, name, value, attrs):
        from .pickers import labels

        context = super().get_context(name, value, attrs)
        ids = self.format_value(value)
        context["widget"].update(
            {
                "multiple": self.multiple,
                "source": self.source,
                "search_url": reverse("web:picker_search", args=[self.source]),
                "placeholder": self.placeholder or _("输入名称搜索"),
                "selected": labels(self.source, ids, queryset=getattr(self, "queryset", None)),
            }
        )
        return context


class _PickerMixin:
    """Keep the widget informed of the field's queryset, so it labels only what the user may pick."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class PickerField(_PickerMixin, forms.ModelChoiceField):
    def __init__(self, queryset, *, source: str, placeholder: str = "", **kwargs):
        kwargs.setdefault("widget", PickerWidget(source, placeholder=placeholder))
        super().__init__(queryset, **kwargs)


class MultiPickerField(_PickerMixin, forms.ModelMultipleChoiceField):
    def __init__(self, queryset, *, source: str, placeholder: str = "", **kwargs):
        kwargs.setdefault("widget", PickerWidget(source, multiple=True, placeholder=placeholder))
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)


class CreditedForm(BaseForm):
    """The part every credited record's form shares: the group, the date and the members credited.

    Built for one :class:`~techmayor.roster.selectors.WriteContext`: the groups offered are the
    ones the user may write for; a plain member is always credited (the field then lists their
    fellow members only). On edit the group stays as it is. Subclasses declare their own fields
    and implement :meth:`create` and :meth:`update` by calling the app's services.
    """

    group = forms.ModelChoiceField(queryset=None, label=_("支团"), empty_label=None)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    members = forms.ModelMultipleChoiceField(
        queryset=None, label=_("参与团员"), required=False, widget=forms.CheckboxSelectMultiple
    )

    members_required = False
    m2m_fields: tuple[str, ...] = ()  # other many-to-many fields set from the form (e.g. enterprises)

    def __init__(self, data=None, *, ctx, user, instance=None, **kwargs):
        from techmayor.roster.models import Group, Member, Tenure
        from techmayor.roster.selectors import reference_day

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

    def update(self, record, *, by, date, members, **data):
        """By default: the generic ledger update (credit rule checked again, audited)."""
        from techmayor.ledger.services import record_update

        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        return record_update(record=record, by=by, date=date, members=members, m2m=m2m, **data)

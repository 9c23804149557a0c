"""Shared form pieces: Bootstrap classes, the search-as-you-type picker, showing service errors on fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from techmayor.core.errors import ApplicationError
from techmayor.core.limits import MAX_COUNT, MAX_WAN, PLAUSIBLE_WAN
from techmayor.core.text import wan


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


class FastSelect(forms.Select):
    """A select whose options are written in Python, not each through the template engine (a fraction of a
    millisecond per option: seconds for the thousands of groups and members a province's filters offer).
    The same HTML as ``forms.Select``; choices in groups are left to it."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = []
        for option_value, label in iter(self.choices):  # not list(): a model choice's len() is a COUNT
            if isinstance(label, list | tuple):
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            mark = " selected" if option_value in selected else ""
            options.append(f'<option value="{escape(option_value)}"{mark}>{conditional_escape(label)}</option>')
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe("".join(options)))


def styled(form):
    """Give any form (a FilterSet's, for one) the Bootstrap classes, and its selects the fast rendering;
    returns it."""
    BootstrapMixin._apply_bootstrap(form)
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            fast = FastSelect(attrs=widget.attrs)
            fast.choices = widget.choices
            fast.is_required = widget.is_required
            field.widget = fast
    return form


def count_field(label, *, minimum: int = 0, **kwargs) -> forms.IntegerField:
    """A head count or a number of items on one record: ``minimum`` to ``MAX_COUNT``, errors naming the field."""
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=MAX_COUNT,
        error_messages={
            "min_value": format_lazy(_("{label}不能小于{limit}"), label=label, limit=minimum),
            "max_value": format_lazy(_("{label}不能超过{limit}，请核对"), label=label, limit=MAX_COUNT),
        },
        **kwargs,
    )


class WanField(forms.DecimalField):
    """An amount in 万元 on one record: 0 to ``MAX_WAN``; above ``PLAUSIBLE_WAN`` the form asks to confirm it."""

    def __init__(self, *, label, **kwargs):
        too_large = format_lazy(
            _("{label}不能超过{limit}万元（1000亿元），请核对单位是否为万元"), label=label, limit=wan(MAX_WAN)
        )
        super().__init__(
            label=label,
            max_digits=14,
            decimal_places=4,
            min_value=0,
            max_value=MAX_WAN,
            error_messages={
                "min_value": format_lazy(_("{label}不能为负数"), label=label),
                "max_value": too_large,
                "max_digits": too_large,
                "max_whole_digits": too_large,
                "max_decimal_places": format_lazy(_("{label}最多保留4位小数"), label=label),
            },
            **kwargs,
        )


CONFIRM_AMOUNTS = "confirm_amounts"


class PlausibleAmountsMixin:
    """An amount above ``PLAUSIBLE_WAN`` 万元 is saved only once the user ticks "确认金额无误".

    Not a refusal: the first submission shows a warning on each such amount and adds the checkbox;
    ticked, the same values save. Any form with :class:`WanField` fields gets this from ``clean``.
    """

    def _confirm_field(self) -> forms.BooleanField:
        return forms.BooleanField(
            label=_("确认金额无误"),
            required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        )

    def full_clean(self):
        if self.is_bound and self.data.get(CONFIRM_AMOUNTS) and CONFIRM_AMOUNTS not in self.fields:
            self.fields[CONFIRM_AMOUNTS] = self._confirm_field()
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if cleaned.pop(CONFIRM_AMOUNTS, False):
            return cleaned
        large = [
            name
            for name, field in self.fields.items()
            if isinstance(field, WanField) and (cleaned.get(name) or 0) > PLAUSIBLE_WAN
        ]
        for name in large:
            self.add_error(
                name,
                _("%(amount)s万元（%(yi)s亿元）超过常见金额，请核对；无误请勾选“确认金额无误”后再提交")
                % {"amount": wan(cleaned[name]), "yi": wan(cleaned[name] / 10000)},
            )
        if large:
            self.fields[CONFIRM_AMOUNTS] = self._confirm_field()
        return cleaned


class BaseForm(PlausibleAmountsMixin, BootstrapMixin, forms.Form):
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


MAX_ID = 2**63 - 1  # the largest id a database column holds


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PickerWidget(forms.Widget):
    """A search box with results fetched by htmx; the chosen items are hidden inputs shown as chips.

    ``source`` names the search endpoint's source (``web:picker_search``: enterprise, university, expert,
    platform); the chips are labelled from the field's queryset, so only what the user may pick is shown.
    """

    template_name = "web/widgets/picker.html"

    def __init__(self, source: str, *, multiple: bool = False, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.source = source
        self.multiple = multiple
        self.placeholder = placeholder
        self.queryset = None  # set by the field: the queryset the value must come from

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

    def labels(self, ids: list[str]) -> list[tuple[str, str]]:
        """``(id, label)`` of the chosen items that the field's queryset holds, in the order given."""
        clean = [str(i) for i in ids if str(i).isdigit() and int(str(i)) <= MAX_ID]
        if not clean or self.queryset is None:
            return []
        found = {str(o.pk): str(o) for o in self.queryset.filter(pk__in=clean)}
        return [(i, found[i]) for i in clean if i in found]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        ids = self.format_value(value)
        context["widget"].update(
            {
                "multiple": self.multiple,
                "source": self.source,
                "search_url": reverse("web:picker_search", args=[self.source]),
                "placeholder": self.placeholder or _("输入名称搜索"),
                "selected": self.labels(ids),
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


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with ids beyond what a database holds refused as invalid choices (SQLite cannot
    even compare them: ``pk__in`` raises OverflowError, which would be a server error)."""

    def _check_values(self, value):
        for pk in value or ():
            try:
                too_large = abs(int(str(pk))) > MAX_ID
            except ValueError:
                continue  # not a number: Django reports it as an invalid choice
            if too_large:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class MultiPickerField(_PickerMixin, ModelMultipleChoiceField):
    def __init__(self, queryset, *, source: str, placeholder: str = "", **kwargs):
        kwargs.setdefault("widget", PickerWidget(source, multiple=True, placeholder=placeholder))
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)


class WithdrawForm(BaseForm):
    """Why a record is withdrawn (作废): required, kept on the record and in the audit trail."""

    reason = forms.CharField(
        label=_("作废原因"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：重复登记、企业选错、日期填错。作废后记录不再出现在列表和统计中，市级管理员可以恢复。"),
        error_messages={"required": _("请填写作废原因")},
    )

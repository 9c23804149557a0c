"""Serializers of the API.

Reads: one ``ModelSerializer`` per record kind, made from the model (every field, links as ids) with
the record's ``version`` (``versions.version_of``). Writes: the API's input is described by a serializer
(types, for the schema and the first check) and then validated by the UI's own form
(:class:`FormInput`): the same fields, rules, scope and Chinese messages as the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.db import models
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from techmayor.core.forms import CONFIRM_AMOUNTS, WanField

from .versions import version_of

SKIP_FIELDS = {"normalized_name", "enterprise_key", "is_demo"}
MAX_ID = 2**63 - 1  # the largest id a database holds: a larger one is refused as input, never looked up


def id_field(**kwargs) -> serializers.IntegerField:
    """A record's id as input."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def id_list(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=id_field(), max_length=1000, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class VersionField(serializers.Field):
    """The record's version: send it back as ``If-Match`` to update only what you read."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "记录版本；修改时作为 If-Match 请求头提交，防止覆盖他人的修改")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return version_of(value)


def model_fields(model) -> list[str]:
    names = ["id"]
    for field in model._meta.get_fields():
        if field.name in SKIP_FIELDS or field.name == "id" or (field.auto_created and not field.concrete):
            continue
        if field.concrete or field.many_to_many:
            names.append(field.name)
    return names


def record_serializer(model, *, extra: dict | None = None) -> type[serializers.ModelSerializer]:
    """A read-only serializer of every field of ``model`` (links as ids) and its ``version``."""
    fields = [*model_fields(model), "version", *(extra or {})]
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": fields})
    attrs = {"Meta": meta, "version": VersionField(), **(extra or {})}
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), attrs)


# --- writes: a serializer describing the input, the UI's form validating it ----------------------


def form_data(values: dict) -> QueryDict:
    """JSON values as a form posts them (lists as repeated keys, true as "on", dates as ISO)."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple | models.QuerySet):
            data.setlist(name, [str(getattr(v, "pk", v)) for v in value])
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif isinstance(value, Decimal):
            data[name] = f"{value:f}"
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def initial_values(form) -> dict:
    """What an unbound form shows: the record's current values (the base of a partial update)."""
    return {name: form[name].value() for name in form.fields}


def form_errors(form) -> dict[str, list[str]]:
    return {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()}


def input_field(field: forms.Field, name: str) -> serializers.Field:
    """The serializer field for a form field (type and limits for the schema; the form checks the rest)."""
    common = {"required": field.required, "help_text": str(field.label or name)}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return id_list(required=False, **_help(field))
    if isinstance(field, forms.ModelChoiceField):
        return id_field(allow_null=not field.required, **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, **_help(field))
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=list(field.choices), **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, WanField | forms.DecimalField):
        return serializers.DecimalField(
            max_digits=14, decimal_places=4, coerce_to_string=False, allow_null=not field.required, **common
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(allow_blank=not field.required, **common)
    return serializers.CharField(allow_blank=not field.required, max_length=field.max_length, **common)


def _help(field) -> dict:
    return {"help_text": str(field.label or "")}


class FormInput(serializers.Serializer):
    """Input validated by a UI form. Subclasses set :meth:`build_form` (the form for the request's
    user, bound to ``data``); ``validate`` runs it, so its errors come back as the API's 400."""

    # Input names → form field names (e.g. nested values flattened), for the error report.
    def build_form(self, data: QueryDict):  # pragma: no cover - abstract
        raise NotImplementedError

    def to_form(self, attrs: dict) -> dict:
        return dict(attrs)

    def validate(self, attrs):
        values = self.to_form(attrs)
        if self.partial and self.instance is not None:
            values = {**initial_values(self.build_form(None)), **values}
        form = self.build_form(form_data(values))
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        self.form = form
        return attrs


def form_input(
    form_class, name: str, *, extra_fields: dict | None = None, base: type = FormInput, exclude: tuple = ()
) -> type:
    """A :class:`FormInput` subclass named ``name`` with a field for each field of ``form_class``
    (declared ones, the search pickers and the extra many-to-many fields it adds when built)."""
    fields: dict[str, serializers.Field] = {}
    for field_name, field in form_class.base_fields.items():
        fields[field_name] = input_field(field, field_name)
    for picker, options in getattr(form_class, "pickers", {}).items():
        required = options.get("required", picker != "university")
        label = options.get("label", picker)
        fields[picker] = id_field(required=required, allow_null=not required, help_text=str(label))
    for m2m in getattr(form_class, "m2m_fields", ()):
        fields[m2m] = id_list(required=False)
    if any(isinstance(f, WanField) for f in form_class.base_fields.values()):
        fields[CONFIRM_AMOUNTS] = serializers.BooleanField(
            required=False, help_text="金额超过常见范围时，确认金额无误后再提交"
        )
    fields.update(extra_fields or {})
    for field_name in exclude:
        fields.pop(field_name, None)
    return type(name, (base,), fields)

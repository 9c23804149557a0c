"""Every edit form carries the version of the record it was opened on, so that a second person's save
never silently overwrites the first's (optimistic locking; docs/decisions/0012-data-integrity.md).

The version is a hidden field holding, signed, the record's ``updated_at`` and the values the form
showed. On saving, :func:`check` locks the row and compares: when someone else changed a field of
the form meanwhile, the save is refused with one line per such field (their value, yours), the
user's input stays in the form, and the version moves on, so that submitting again saves the user's
values on purpose. A form posted without a version (a script, an old page) is not checked.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django import forms
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from techmayor.core.text import wan

FIELD = "version"
_SALT = "techmayor.core.versions"


def _value(instance: models.Model, name: str) -> Any:
    """A field's value in a form comparable across requests (ids for links, sorted ids for many)."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return sorted(o.pk for o in getattr(instance, name).all()) if instance.pk else []
    value = field.value_from_object(instance)
    if isinstance(value, decimal.Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _names(form, instance) -> list[str]:
    model_fields = {f.name for f in instance._meta.get_fields() if f.concrete or f.many_to_many}
    return [name for name in form.fields if name in model_fields]


def _token(form, instance) -> str:
    values = {name: _value(instance, name) for name in _names(form, instance)}
    return signing.dumps({"at": instance.updated_at.isoformat(), "values": values}, salt=_SALT, compress=True)


def attach(form, instance):
    """Give ``form`` (editing ``instance``) its hidden version field; returns the form."""
    form.fields[FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, initial=_token(form, instance))
    return form


def _theirs(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return _("、").join(str(o) for o in getattr(instance, name).all())
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    return _display(getattr(instance, name))


def _yours(form, name: str) -> str:
    value = form.cleaned_data.get(name)
    choices = getattr(form.fields[name], "choices", None)
    if choices is not None and not isinstance(form.fields[name], forms.ModelChoiceField):
        labels = {str(k): v for k, v in choices}
        return str(labels.get(str(value), value))
    if isinstance(value, list | tuple | models.QuerySet):
        return "、".join(str(v) for v in value)
    return _display(value)


def _display(value) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, decimal.Decimal):
        return wan(value)
    return str(value)


def check(form, instance: models.Model) -> models.Model | None:
    """Lock ``instance``'s row and compare it with the version ``form`` was opened on (call inside
    ``transaction.atomic``, after ``form.is_valid()``).

    Returns the record as it is now (save through it, so nothing changed by others meanwhile is
    written back), or None when someone else changed a field of the form: the form then carries the
    conflict as errors and the current version.
    """
    form.cleaned_data.pop(FIELD, None)
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    sent = form.data.get(FIELD) or ""
    if not sent:
        return current
    try:
        seen = signing.loads(sent, salt=_SALT)
    except signing.BadSignature:
        seen = {"at": "", "values": {}}
    if seen["at"] == current.updated_at.isoformat():
        return current
    names = _names(form, current)
    changed = [n for n in names if n not in seen["values"] or seen["values"][n] != _value(current, n)]
    if not changed:
        return current
    who = getattr(current, "updated_by", None)
    form.add_error(
        None,
        _("保存前，这条记录已被%(who)s于%(when)s修改。你填写的内容已保留：请核对下列字段，再次提交将以你的填写为准。")
        % {
            "who": who or _("他人"),
            "when": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    for name in changed:
        form.add_error(
            None,
            _("「%(field)s」他人改为：%(theirs)s；你填写：%(yours)s")
            % {"field": form.fields[name].label, "theirs": _theirs(current, name), "yours": _yours(form, name)},
        )
    data = form.data.copy()
    data[FIELD] = _token(form, current)
    form.data = data
    return None

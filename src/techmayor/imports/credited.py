"""The shape most kinds share: a record credited to a group, a date and members, created by its service.

A subclass names its model, its service (``create_with``), the fields forming its natural key
within the batch (``key_fields``), the fields an import may update (``compare``) and parses its own
columns in :meth:`CreditedImport.own`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext

from techmayor.roster.selectors import can_edit_record

from . import lookups as L
from .engine import Field, ImportContext, ImportKind, RowError
from .lookups import EnterpriseRef

GROUP = Field("group", "支团", ("所属支团", "团组", "支团名称"))
NOTE = Field("note", "备注", ("情况说明", "说明"))
LOOKUP = 900  # values in one ``IN (…)`` lookup: under SQLite's limit of bound variables


def members_field(label: str, *synonyms: str) -> Field:
    return Field("members", label, (*synonyms, "参与团员", "团员", "参加团员", "团员姓名", "人员"))


def key_part(value) -> Any:
    if isinstance(value, EnterpriseRef):
        return value.identity
    if isinstance(value, models.Model):
        return ("id", value.pk)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class CreditedImport(ImportKind):
    model: type[models.Model] = None  # type: ignore[assignment]
    members_label = "参与团员"
    members_required = False
    key_fields: tuple[str, ...] = ()
    compare: tuple[str, ...] = ()  # own fields an import may change on an existing record ("members" too)
    create_with: Callable[..., Any] = None  # type: ignore[assignment]
    prefetch: tuple[str, ...] = ("members",)

    def own(self, v: dict, ctx: ImportContext) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        own = self.own(v, ctx)
        region = own.pop("_region", None)
        group, date, members = L.credit(
            ctx, v, members_label=self.members_label, required=self.members_required, region=region
        )
        return {"group": group, "date": date, "members": members, **own}

    def natural_key(self, data: dict) -> tuple:
        return tuple(key_part(data[name]) for name in self.key_fields)

    def summary(self, data: dict) -> str:
        parts = []
        for name in self.key_fields:
            value = data[name]
            parts.append(value.name if isinstance(value, EnterpriseRef) else str(value))
        return " ".join(parts)

    def _obj_key(self, obj) -> tuple:
        parts = []
        for name in self.key_fields:
            field = obj._meta.get_field(name)
            if field.is_relation:
                value = getattr(obj, field.attname)
                parts.append(("id", value) if value is not None else None)
            else:
                parts.append(key_part(getattr(obj, name)))
        return tuple(parts)

    def existing(self, ctx: ImportContext, keys: set[tuple]) -> dict[tuple, Any]:
        """The batch's records with these keys: those matching the keys' first part (looked up
        :data:`LOOKUP` values at a time: an import asks a batch of rows at a time), then exactly."""
        name = self.key_fields[0]
        field = self.model._meta.get_field(name)
        wanted = set()
        for key in keys:
            part = key[0]
            if isinstance(part, tuple):  # ("id", pk) of a record in the system; ("new", …) exists nowhere yet
                if part[0] == "id":
                    wanted.add(part[1])
            elif part is not None:
                wanted.add(part)
        lookup = f"{field.attname if field.is_relation else name}__in"
        values = sorted(wanted, key=str)
        found = {}
        for start in range(0, len(values), LOOKUP):
            chunk = values[start : start + LOOKUP]
            rows = self.model.objects.filter(batch=ctx.batch, **{lookup: chunk}).prefetch_related(*self.prefetch)
            for obj in rows:
                key = self._obj_key(obj)
                if key in keys:
                    found[key] = obj
        return found

    def changes(self, obj, data: dict, ctx: ImportContext) -> dict:
        changes = {}
        for name in self.compare:
            if name == "members":
                if data["members"] and {m.pk for m in data["members"]} != {m.pk for m in obj.members.all()}:
                    changes["members"] = data["members"]
                continue
            new = data.get(name)
            field = obj._meta.get_field(name)
            if field.is_relation:
                if new is not None and getattr(new, "pk", None) != getattr(obj, field.attname):
                    changes[name] = new
            elif new not in (None, "") and _differs(new, getattr(obj, name)):
                changes[name] = new
        if changes and not can_edit_record(ctx.user, obj):
            raise RowError("支团", gettext("你不能修改已有记录「%(record)s」") % {"record": obj})
        return changes

    def service_kwargs(self, data: dict, ctx: ImportContext) -> dict:
        kwargs = {}
        for name, value in data.items():
            if name.startswith("_"):
                continue
            kwargs[name] = L.enterprise_object(ctx, value) if isinstance(value, EnterpriseRef) else value
        return kwargs

    def create(self, data: dict, ctx: ImportContext):
        return type(self).create_with(batch=ctx.batch, by=ctx.user, **self.service_kwargs(data, ctx))

    def update(self, obj, changes: dict, data: dict, ctx: ImportContext):
        from techmayor.ledger.services import record_update

        members = changes.pop("members", None)
        return record_update(record=obj, by=ctx.user, members=members, **changes)


def _differs(new, old) -> bool:
    if isinstance(new, Decimal) or isinstance(old, Decimal):
        return old is None or Decimal(new) != Decimal(old)
    return new != old

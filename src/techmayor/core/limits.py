"""The sane range of every count and amount one record holds (docs/decisions/0012-data-integrity.md).

A real ledger never comes near these limits: one visitor record, talent introduction or outcome
round counts at most ``MAX_COUNT`` people or patents, and one amount is at most ``MAX_WAN`` 万元
(1,000亿元). They hold in three places: the model fields' validators (forms, services, imports and
the admin), a check constraint in the database (nothing else can write past them), and the form
fields built by ``core.forms.count_field`` / ``wan_field``. Above ``PLAUSIBLE_WAN`` 万元 (10亿元)
an amount is accepted only once the user confirms it (``core.forms.PlausibleAmountsMixin``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Cast

MAX_COUNT = 10_000
MAX_WAN = Decimal("10000000")
PLAUSIBLE_WAN = Decimal("100000")

# Every amount in 万元: 14 digits, 4 after the point, never negative, at most MAX_WAN.
WAN = {"max_digits": 14, "decimal_places": 4, "validators": [MinValueValidator(0), MaxValueValidator(MAX_WAN)]}


def count_validators(minimum: int = 0) -> list:
    return [MinValueValidator(minimum), MaxValueValidator(MAX_COUNT)]


def in_range(field: str, *, name: str, minimum=0, maximum=MAX_COUNT) -> models.CheckConstraint:
    """The database's check that ``field`` lies in [minimum, maximum] (NULL passes, as SQL has it)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": minimum, f"{field}__lte": maximum}), name=name)


def wan_in_range(field: str, *, name: str) -> models.CheckConstraint:
    return in_range(field, name=name, minimum=0, maximum=MAX_WAN)


MIGRATION_NOTE = "超出合理范围，迁移时修正为界限值，请核实"


def clamp_out_of_range(apps, app_label: str, model_name: str, bounds: dict[str, tuple]) -> int:
    """Bring the rows whose ``field`` lies outside ``bounds[field]`` back to the nearest bound, each
    change written to the audit log (source ``migration``, old and new value) for an administrator to
    check. Used by the migrations that add the check constraints; returns the number of changes.

    The old value is read as text, so a value too large for the field's Python type still reads.
    """
    model = apps.get_model(app_label, model_name)
    audit = apps.get_model("core", "AuditLog")
    changed = 0
    for field, (low, high) in bounds.items():
        outside = model.objects.filter(models.Q(**{f"{field}__lt": low}) | models.Q(**{f"{field}__gt": high}))
        rows = outside.annotate(raw=Cast(field, output_field=models.TextField())).values_list("pk", "raw")
        for pk, raw in list(rows):
            low_side = Decimal(raw) < low
            value = low if low_side else high
            model.objects.filter(pk=pk).update(**{field: value})
            audit.objects.create(
                source="migration",
                action="update",
                model=f"{app_label}.{model_name.lower()}",
                object_id=str(pk),
                object_repr=f"{model._meta.verbose_name} #{pk}"[:255],
                before={field: raw},
                after={field: str(value)},
                note=MIGRATION_NOTE,
            )
            changed += 1
    return changed

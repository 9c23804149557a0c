"""Writes of the policy library: entries created and changed by city administrators, audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record, update_record
from techmayor.core.text import clean_text, formula_problem

from .choices import PolicyLevel
from .models import TAG_SEPARATOR, Policy

_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def clean_tags(tags: Iterable[str] | str) -> list[str]:
    """Tags from a list or a text (commas, 、, semicolons or spaces between them), cleaned, each once."""
    if isinstance(tags, str):
        tags = _TAG_SPLIT.split(clean_text(tags))
    found: list[str] = []
    for tag in tags:
        tag = clean_text(tag).replace(TAG_SEPARATOR, "")
        if not tag:
            continue
        if len(tag) > 20:
            raise ApplicationError(gettext("标签「%(tag)s」超过20个字") % {"tag": tag}, field="tags")
        if tag not in found:
            found.append(tag)
    if len(found) > 10:
        raise ApplicationError(gettext("标签最多10个"), field="tags")
    return found


def _text(value, label: str, field: str, *, required: bool = False) -> str:
    value = clean_text(value)
    if required and not value:
        raise ApplicationError(gettext("%(label)s不能为空") % {"label": label}, field=field)
    if problem := formula_problem(value):
        raise ApplicationError(f"{label}{problem}", field=field)
    return value


def _clean(changes: dict) -> dict:
    if "title" in changes:
        changes["title"] = _text(changes["title"], gettext("政策名称"), "title", required=True)
    if "issuer" in changes:
        changes["issuer"] = _text(changes["issuer"], gettext("发文机关"), "issuer", required=True)
    if "document_number" in changes:
        changes["document_number"] = _text(changes["document_number"], gettext("文号"), "document_number")
    if "level" in changes and changes["level"] not in PolicyLevel.values:
        raise ApplicationError(gettext("未知的政策层级「%(level)s」") % {"level": changes["level"]}, field="level")
    if "tags" in changes:
        changes["tags"] = TAG_SEPARATOR.join(clean_tags(changes["tags"] or []))
    if "summary" in changes:
        changes["summary"] = (changes["summary"] or "").strip()
    return changes


@transaction.atomic
def policy_create(
    *,
    title: str,
    level: str,
    issuer: str,
    issued_on: dt.date,
    document_number: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    tags: Iterable[str] | str = (),
    summary: str = "",
    source_url: str = "",
    is_demo: bool = False,
    by=None,
) -> Policy:
    fields = _clean(
        {
            "title": title,
            "level": level,
            "issuer": issuer,
            "document_number": document_number,
            "tags": tags,
            "summary": summary,
        }
    )
    if fields["document_number"] and Policy.objects.filter(document_number=fields["document_number"]).exists():
        raise ApplicationError(
            gettext("文号「%(number)s」的政策已在政策库中") % {"number": fields["document_number"]},
            field="document_number",
        )
    return create_record(
        Policy,
        by=by,
        issued_on=issued_on,
        valid_from=valid_from,
        valid_to=valid_to,
        source_url=source_url or "",
        is_demo=is_demo,
        **fields,
    )


@transaction.atomic
def policy_update(*, policy: Policy, by=None, **changes) -> Policy:
    changes = _clean(changes)
    number = changes.get("document_number")
    if number and Policy.objects.filter(document_number=number).exclude(pk=policy.pk).exists():
        raise ApplicationError(
            gettext("文号「%(number)s」的政策已在政策库中") % {"number": number}, field="document_number"
        )
    return update_record(policy, by=by, **changes)


def policy_attach(*, policy: Policy, file, by=None):
    """Attach the document as published (PDF, Word or Excel) to a policy."""
    from techmayor.core.attachments import DOCUMENT_TYPES, attachment_add

    return attachment_add(obj=policy, file=file, by=by, allowed=DOCUMENT_TYPES)

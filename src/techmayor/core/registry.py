"""The registry of record kinds: each app declares its kinds of record (visits, events, agreements …)
in its own ``records.py`` and registers them here when Django starts (``AppConfig.ready``).

A :class:`RecordKind` says everything the pages and reports above need to show a kind: the scoped
selector, its FilterSet, its columns (list, detail page and export), its form, icon and title, the
extra context of its detail page and its entry on an enterprise's timeline. ``web`` builds the
list / detail / export / create / edit pages from it (each app's ``urls.py`` adds them with
:meth:`Registry.urls`, under its own namespace); the scorecard's drill-down,
the roster's recent work and the enterprise timeline read it. Nothing here imports an app, so every
app may use it (NetBox's ``registry`` and Django's admin site are the pattern).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    """One column of a list page and of its export. ``value`` must use only prefetched data."""

    label: str
    value: Callable[[Any], Any]
    width: int = 14
    role: str = ""  # "title": the linked main line on phones; "meta": the small line under it; "": table only
    in_list: bool = True  # False: in the export and the detail page only
    number: bool = False


def display(value) -> str:
    """A cell's value as the HTML list shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    return str(value)


def build_row(columns: list[Column], obj, url: str | None) -> dict:
    """One row of a list: the cells of the table (wide screens) and a title and meta line (phones)."""
    values = [(c, c.value(obj)) for c in columns]
    cells = [{"text": display(v), "title": c.role == "title", "number": c.number} for c, v in values if c.in_list]
    title = next((display(v) for c, v in values if c.role == "title"), str(obj))
    meta = " · ".join(_meta(c, v) for c, v in values if c.role == "meta" and v not in (None, "", False))
    return {"obj": obj, "url": url, "cells": cells, "title": title, "meta": meta}


def _meta(column: Column, value) -> str:
    """A value in the meta line, which has no column headers: a yes is its column's label, a
    number follows it ("人数 3"); dates and names speak for themselves."""
    if value is True:
        return str(column.label)
    if column.number:
        return f"{column.label} {display(value)}"
    return display(value)


def members_text(obj) -> str:
    return "、".join(m.name for m in obj.members.all())


def safe_reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass
class Entry:
    """One line of an enterprise's timeline."""

    date: dt.date
    label: str
    icon: str
    title: str
    detail: str = ""
    group: str = ""
    members: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Timeline:
    """How records of a kind appear on an enterprise's timeline."""

    path: str  # the lookup from the record to the enterprise: "enterprise", "enterprises"
    label: Callable[[Any], str]
    title: Callable[[Any], str]


@dataclass
class RecordKind:
    key: str  # unique; URL names are "<app>:<key>_list", "_detail", "_export", "_create", "_edit", "_withdraw" …
    app: str  # the app's URL namespace
    model: type
    prefix: str  # the pages' path under the app's URLs, e.g. "events/"
    queryset: Callable[..., Any]  # (user=) → the scoped queryset with what the columns need
    filterset: type
    columns: list[Column]
    form: type | None = None
    icon: str = "bi-journal-text"
    detail_template: str = "web/record_detail.html"
    detail_context: Callable[..., dict] | None = None  # (request, obj) → extra context for the detail page
    custom_create: bool = False  # the app's own URLs serve "<key>_create" (the quick visit log)
    title: Callable[[Any], str] = str
    timeline: Timeline | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def url_name(self, action: str) -> str:
        return f"{self.app}:{self.key}_{action}"

    def url(self, action: str, *args) -> str:
        return reverse(self.url_name(action), args=args)

    @property
    def url_list(self) -> str:
        return self.url("list")

    def detail_url(self, obj) -> str:
        return self.url("detail", obj.pk)

    def row(self, obj) -> dict:
        return build_row(self.columns, obj, self.detail_url(obj))

    @property
    def withdrawable(self) -> bool:
        """Its records can be withdrawn (作废) and restored (``core.models.Withdrawable``)."""
        return hasattr(self.model, "all_objects")

    def detail_page(
        self, request, obj, *, can_edit: bool, can_withdraw: bool = False, can_restore: bool = False
    ) -> dict:
        """The context of ``obj``'s detail page (``obj`` already checked to be in the user's scope).

        A withdrawn record's page shows its own fields, why it was withdrawn and its history; it is
        not edited, and what its kind adds to the page (computed from live records) is left out."""
        from .audit import late_entry_of
        from .history import entries_of

        withdrawn = getattr(obj, "withdrawn_at", None) is not None
        can_edit = can_edit and self.form is not None and not withdrawn
        tab = "history" if request.GET.get("tab") == "history" else "detail"
        context = {
            "kind": self,
            "obj": obj,
            "title": self.title(obj),
            "fields": [(c.label, _safe_display(c, obj)) for c in self.columns],
            "can_edit": can_edit,
            "tab": tab,
            "withdraw_url": self.url("withdraw", obj.pk) if can_withdraw and not withdrawn else None,
            "restore_url": self.url("restore", obj.pk) if can_restore and withdrawn else None,
            "late_entry": late_entry_of(obj),
        }
        if tab == "history":
            context["history"] = entries_of(obj)
        if can_edit:
            context["edit_url"] = self.url("edit", obj.pk)
        if self.detail_context and not withdrawn:
            context.update(self.detail_context(request, obj))
        if not withdrawn and tab == "detail":
            context["sections"] = [html for section in registry.sections(self.key) if (html := section(request, obj))]
        return context


def _safe_display(column: Column, obj) -> str:
    try:
        return display(column.value(obj))
    except AttributeError:  # a value the list's query annotates (an agreement's money received)
        return "—"


TimelineSource = Callable[..., tuple[list[Entry], int]]  # (enterprise=, user=) → entries, how many hidden


@dataclass
class Withdrawn:
    """One withdrawn record on the city administrators' page of withdrawn records."""

    label: str  # its kind
    title: str
    at: dt.datetime
    by: str
    reason: str
    url: str | None  # its page (with history); a withdrawn part of a record: the record's page
    restore_url: str | None


WithdrawnSource = Callable[..., list[Withdrawn]]  # (cities=) → withdrawn records of those cities, not kinds

# (request, obj) → HTML an app above adds to a record's page (the 成果推介 of an event), "" for nothing
DetailSection = Callable[..., str]


class Registry:
    """Every registered kind, in registration order (the apps' order in ``INSTALLED_APPS``)."""

    def __init__(self):
        self._kinds: dict[str, RecordKind] = {}
        self.timeline_sources: list[TimelineSource] = []
        self.withdrawn_sources: list[WithdrawnSource] = []
        self._sections: dict[str, list[DetailSection]] = {}
        self._views: dict[str, Any] = {}

    def register(self, *kinds: RecordKind) -> None:
        for kind in kinds:
            if kind.key in self._kinds:
                raise ValueError(f"record kind {kind.key!r} is registered twice")
            if self.for_model(kind.model) is not None:
                raise ValueError(f"{kind.model._meta.label} already has a record kind")
            self._kinds[kind.key] = kind

    def add_timeline_source(self, source: TimelineSource) -> None:
        """Entries of an enterprise's timeline that are not a registered kind's (the need loop's)."""
        self.timeline_sources.append(source)

    def add_withdrawn_source(self, source: WithdrawnSource) -> None:
        """Withdrawn records that are not a registered kind's (needs, leads, an agreement's receipts)."""
        self.withdrawn_sources.append(source)

    def add_detail_section(self, key: str, section: DetailSection) -> None:
        """A part of kind ``key``'s detail page added by an app that sits above the kind's own (it
        reads the record; the kind's app does not know it): shown under the record's fields."""
        self._sections.setdefault(key, []).append(section)

    def sections(self, key: str) -> list[DetailSection]:
        return list(self._sections.get(key, ()))

    def kinds(self, app: str | None = None) -> list[RecordKind]:
        return [k for k in self._kinds.values() if app is None or k.app == app]

    def get(self, key: str) -> RecordKind:
        return self._kinds[key]

    def for_model(self, model) -> RecordKind | None:
        return next((k for k in self._kinds.values() if k.model is model), None)

    # --- the pages -------------------------------------------------------------------------

    # action → the path under the kind's prefix; "create" and "edit" only for kinds with a form,
    # "withdraw" and "restore" for kinds whose records can be withdrawn
    ACTIONS = {
        "list": "",
        "export": "export/",
        "detail": "<int:pk>/",
        "create": "new/",
        "edit": "<int:pk>/edit/",
        "withdraw": "<int:pk>/withdraw/",
        "restore": "<int:pk>/restore/",
    }

    def set_views(self, views: dict[str, Any]) -> None:
        """The class-based view of each action (``web`` sets them when it starts), given ``kind=`` by ``as_view``."""
        self._views = dict(views)

    def urls(self, app: str) -> list:
        """URL patterns for the pages of ``app``'s kinds, named "<key>_<action>" (in the app's namespace)."""
        if not self._views:
            raise ImproperlyConfigured("record pages need techmayor.web in INSTALLED_APPS")
        patterns = []
        for kind in self.kinds(app):
            actions = ["list", "export", "detail"]
            if kind.form is not None:
                actions += ["edit"] if kind.custom_create else ["create", "edit"]
            if kind.withdrawable:
                actions += ["withdraw", "restore"]
            for action in actions:
                view = self._views[action].as_view(kind=kind)
                patterns.append(path(f"{kind.prefix}{self.ACTIONS[action]}", view, name=f"{kind.key}_{action}"))
        return patterns


registry = Registry()


def list_context(request, *, kind, columns: list[Column], filterset, records, row, **extra) -> dict:
    """What ``web/record_list.html`` needs for a page of ``records`` (filtered by ``filterset``):
    ``row(obj)`` builds one row (``build_row`` with the record's URL); ``extra`` adds the page's
    own entries (``can_create``, ``create_url``, ``export_url`` …)."""
    from .lists import PAGE_SIZES, paginate

    page = paginate(request, records)
    return {
        "kind": kind,
        "filterset": filterset,
        "page": page,
        "rows": [row(obj) for obj in page],
        "headers": [c for c in columns if c.in_list],
        "page_sizes": PAGE_SIZES,
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "per_page")),
        **extra,
    }


def columns_xlsx(request, title, columns: list[Column], records):
    """The list's export: every column (also those the list leaves out) of every filtered record."""
    from .exports import xlsx_response

    rows = ([c.value(obj) for c in columns] for obj in records.iterator(chunk_size=500))
    headers, widths = [c.label for c in columns], [c.width for c in columns]
    return xlsx_response(title, title, headers, rows, widths, request=request)

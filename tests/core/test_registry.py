"""The registry of record kinds: what the apps register, its lookups, and the pages built from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from techmayor.core.registry import Column, RecordKind, Registry, build_row, registry
from techmayor.ledger.models import Event, Visit
from techmayor.roster.models import Member
from techmayor.web.records import VIEWS


def credited_models() -> set:
    """Every model credited to a group and its members (the records with list pages); the need loop's
    needs have pages of their own."""
    found = set()
    for model in apps.get_models():
        names = {f.name: f for f in model._meta.get_fields()}
        members, group = names.get("members"), names.get("group")
        if members is not None and members.many_to_many and members.related_model is Member and group is not None:
            found.add(model)
    return found - {apps.get_model("needs", "Need")}


def test_every_credited_model_is_registered_once():
    registered = [k.model for k in registry.kinds()]
    assert len(registered) == len(set(registered))
    assert set(registered) == credited_models()
    assert len(registered) == 16


def test_keys_are_unique_and_lookups_agree():
    kinds = registry.kinds()
    assert len({k.key for k in kinds}) == len(kinds)
    for kind in kinds:
        assert registry.get(kind.key) is kind
        assert registry.for_model(kind.model) is kind
    assert registry.for_model(Member) is None
    with pytest.raises(KeyError):
        registry.get("no-such-kind")


def test_kinds_by_app_in_registration_order():
    assert [k.key for k in registry.kinds("enterprises")] == ["link"]
    assert [k.key for k in registry.kinds("cooperation")] == ["intent", "agreement"]
    ledger = [k.key for k in registry.kinds("ledger")]
    assert ledger[:3] == ["visit", "event", "visitor"] and len(ledger) == 13
    assert registry.kinds() == [
        *registry.kinds("enterprises"),
        *registry.kinds("ledger"),
        *registry.kinds("cooperation"),
    ]


@pytest.mark.parametrize("kind", registry.kinds(), ids=lambda k: k.key)
def test_url_names_resolve_to_the_kinds_pages(kind):
    views = {"list": [], "export": [], "detail": [1], "create": [], "edit": [1]}
    for action, args in views.items():
        match = resolve(reverse(kind.url_name(action), args=args))
        if action == "create" and kind.custom_create:
            assert match.url_name == f"{kind.key}_create" and not hasattr(match.func, "view_class")
            continue
        assert match.func.view_class is VIEWS[action]
        assert match.func.view_initkwargs["kind"] is kind
    assert reverse(kind.url_name("list")) == kind.url_list
    assert kind.url_list.endswith(kind.prefix)


def _patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


def test_every_record_page_in_the_urlconf_belongs_to_a_registered_kind():
    pages = [
        (ns, p) for ns, p in _patterns(get_resolver()) if getattr(p.callback, "view_class", None) in VIEWS.values()
    ]
    expected = sum(
        (5 if k.form is not None and not k.custom_create else 4) + (2 if k.withdrawable else 0)
        for k in registry.kinds()
    )
    assert all(k.withdrawable for k in registry.kinds())  # every kind's records can be withdrawn
    assert len(pages) == expected
    for namespace, pattern in pages:
        kind = pattern.callback.view_initkwargs["kind"]
        assert registry.get(kind.key) is kind and namespace == kind.app


def _kind(key, model, **extra):
    return RecordKind(
        key=key, app="ledger", model=model, prefix=f"{key}s/", queryset=None, filterset=None, columns=[], **extra
    )


def test_register_refuses_a_second_kind_for_a_key_or_a_model():
    fresh = Registry()
    fresh.register(_kind("visit", Visit))
    with pytest.raises(ValueError, match="registered twice"):
        fresh.register(_kind("visit", Event))
    with pytest.raises(ValueError, match="already has a record kind"):
        fresh.register(_kind("visit2", Visit))
    assert [k.key for k in fresh.kinds()] == ["visit"]


def test_urls_need_the_views_from_web():
    fresh = Registry()
    fresh.register(_kind("event", Event, form=object))
    with pytest.raises(ImproperlyConfigured):
        fresh.urls("ledger")
    fresh.set_views(VIEWS)
    assert [p.name for p in fresh.urls("ledger")] == [
        "event_list",
        "event_export",
        "event_detail",
        "event_create",
        "event_edit",
        "event_withdraw",
        "event_restore",
    ]
    assert fresh.urls("cooperation") == []


def test_a_kind_without_a_form_has_no_create_or_edit_page():
    fresh = Registry()
    fresh.register(_kind("event", Event))
    fresh.set_views(VIEWS)
    assert [str(p.pattern) for p in fresh.urls("ledger")] == [
        "events/",
        "events/export/",
        "events/<int:pk>/",
        "events/<int:pk>/withdraw/",
        "events/<int:pk>/restore/",
    ]


def test_the_phone_meta_line_labels_numbers_and_yes_values():
    columns = [
        Column("项目名称", lambda o: o["title"], role="title"),
        Column("日期", lambda o: o["date"], role="meta"),
        Column("人数", lambda o: o["count"], number=True, role="meta"),
        Column("列入省重大项目", lambda o: o["major"], role="meta"),
        Column("支团", lambda o: o["group"], role="meta"),
    ]
    row = {"title": "储能项目", "date": dt.date(2021, 12, 6), "count": 3, "major": True, "group": "溧阳团"}
    built = build_row(columns, row, None)
    assert built["title"] == "储能项目"
    assert built["meta"] == "2021-12-06 · 人数 3 · 列入省重大项目 · 溧阳团"
    assert [c["text"] for c in built["cells"]] == ["储能项目", "2021-12-06", "3", "是", "溧阳团"]
    assert build_row(columns, {**row, "major": False, "count": None}, None)["meta"] == "2021-12-06 · 溧阳团"

"""Every export (.xlsx of lists, drill-downs, the scorecard and the monthly ledger; the briefing as
.docx/.pdf/.md) is recorded in the audit log: who, which export with which filters, under which roles,
how many rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.core.models import AuditLog
from tests.web.conftest import url

pytestmark = pytest.mark.django_db


def last_export():
    return AuditLog.objects.filter(action="export").latest("id")


def test_list_exports_are_audited_with_filters_scope_and_rows(login, world):
    client = login(world.users.m_ly)
    assert client.get(url("visit", "export"), {"q": "恒远"}).status_code == 200
    log = last_export()
    assert log.actor == world.users.m_ly and log.model == "ledger:visit_export"
    assert log.object_repr.startswith("走访") and log.object_repr.endswith(".xlsx")
    assert log.after["filters"] == {"q": ["恒远"]} and log.after["rows"] == 1
    assert log.after["scope"] == ["团员"]
    client.get(reverse("enterprises:enterprise_export"))
    assert last_export().model == "enterprises:enterprise_export" and last_export().after["rows"] >= 1


def test_scorecard_ledger_need_and_briefing_exports_are_audited(login, world):
    client = login(world.users.admin)
    for name, params in (
        ("needs:need_export", {}),
        ("scorecard:overview_export", {}),
        ("scorecard:ledger_workbook", {"month": "2021-09"}),
        ("scorecard:briefing", {"format": "md"}),
    ):
        before = AuditLog.objects.filter(action="export").count()
        assert client.get(reverse(name), params).status_code == 200, name
        assert AuditLog.objects.filter(action="export").count() == before + 1, name
        assert last_export().model == name and last_export().after["scope"] == ["市级管理员（人才办/科技局） 常州市"]
    assert last_export().object_repr.endswith(".md") and last_export().after["rows"] is None
    client.get(reverse("scorecard:drill_export", args=["visits"]), {"group": world.liyang.pk})
    assert last_export().after == {
        "path": reverse("scorecard:drill_export", args=["visits"]),
        "filters": {"group": [str(world.liyang.pk)]},
        "scope": ["市级管理员（人才办/科技局） 常州市"],
        "rows": 1,
    }

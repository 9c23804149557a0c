"""操作记录: city administrators read the audit trail of their city's people, filtered, paginated, exported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from techmayor.core.models import AuditLog, Region, RegionLevel
from tests.web.conftest import account, build_world, url

pytestmark = pytest.mark.django_db
URL = "/accounts/audit/"


@pytest.fixture
def world(db):
    w = build_world()
    wuxi = Region.objects.create(name="无锡市", level=RegionLevel.CITY, code="320200")
    w.outsider = account("wx_admin")
    w.outsider.roles.create(role="city_admin", region=wuxi)
    return w


def test_city_administrators_read_their_citys_trail_with_filters(client, world):
    client.force_login(world.users.m_ly)
    client.get(url("visit", "export"))  # an export by a member of 溧阳团
    client.force_login(world.outsider)
    client.get(reverse("enterprises:enterprise_export"))  # an export by another city's administrator
    client.force_login(world.users.admin)
    page = client.get(URL).content.decode()
    assert "走访" in page and "ledger:visit_export" in page and "wx_admin" not in page
    exports = client.get(URL, {"action": "export", "who": "m_ly"})
    assert [r[1] for r in exports.context["rows"]] == [str(world.users.m_ly)]
    assert client.get(URL, {"kind": "visit_export", "start": "2000-01-01"}).context["page"].paginator.count == 1
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert client.get(URL, {"action": "export", "start": tomorrow}).context["page"].paginator.count == 0
    assert client.get(URL, {"start": "not-a-date"}).status_code == 200


def test_the_page_is_paginated_and_exported_and_only_for_city_administrators(client, world):
    AuditLog.objects.bulk_create(
        AuditLog(actor=world.users.gl_ly, action="update", model="ledger.visit", object_id=str(i), object_repr="走访")
        for i in range(60)
    )
    client.force_login(world.users.admin)
    response = client.get(URL, {"per_page": 50})
    assert len(response.context["rows"]) == 50 and response.context["page"].paginator.count >= 60
    export = client.get(reverse("accounts:audit_export"), {"who": "gl_ly"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(action="export", model="accounts:audit_export", after__rows=60).exists()
    for user in (world.users.leader, world.users.ds_jt, world.users.m_ly):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(reverse("accounts:audit_export")).status_code == 403

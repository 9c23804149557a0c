"""The 成果推介 planner: pick results, get the enterprises to invite with reasons, export the
invitation list through the one xlsx writer (audited); and the university page's enterprises."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from techmayor.core.models import AuditLog
from techmayor.enterprises.models import Contact
from techmayor.resources.models import Achievement

pytestmark = pytest.mark.django_db


def ids(*external):
    return [Achievement.objects.get(external_id=e).pk for e in external]


def test_searching_and_picking_results_lists_the_enterprises_to_invite(client, lib):
    client.force_login(lib.users["admin"])
    page = client.get(reverse("library:planner"), {"q": "锂离子电池"}).content.decode()
    battery = ids("p-battery")[0]
    assert f'name="r" value="{battery}"' in page and "建议邀请的企业" not in page
    response = client.get(reverse("library:planner"), {"r": [battery, *ids("c-1")]})
    rows = response.context["rows"]
    names = [r.enterprise.name for r in rows]
    ly, jt, wx = (lib.world.needs[k].enterprise for k in ("ly", "jt", "wx"))
    assert ly.name in names and jt.name in names and wx.name not in names
    first = rows[0]
    assert first.evidence and first.results  # each enterprise with its reasons and the results it is for
    assert "export" in response.content.decode()
    # nonsense ids are ignored, never a server error
    assert client.get(reverse("library:planner"), {"r": ["x", "-1", "9" * 40]}).status_code == 200


def test_the_invitation_list_exports_as_xlsx_with_contacts_and_reasons(client, lib):
    ly = lib.world.needs["ly"].enterprise
    Contact.objects.create(enterprise=ly, name="赵经理", phone="13800000000")
    client.force_login(lib.users["admin"])
    response = client.get(reverse("library:planner_export"), {"r": ids("p-battery")})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("序号", "企业名称", "所在地")
    line = next(r for r in rows[1:] if r[1] == ly.name)
    assert line[4:6] == ("赵经理", "13800000000")
    assert "锂离子电池循环寿命与容量衰减机理研究" in line[6]
    assert "需求「" in line[7] and "提到" in line[7]
    assert AuditLog.objects.filter(action="export", object_repr__startswith="成果推介邀请名单").exists()
    # without results: back to the planner with a message
    assert client.get(reverse("library:planner_export")).url == reverse("library:planner")


def test_the_invitation_list_keeps_to_the_readers_scope(client, lib):
    client.force_login(lib.users["town"])  # 天目湖镇 only: the 溧阳 need's enterprise
    rows = client.get(reverse("library:planner"), {"r": ids("p-battery")}).context["rows"]
    assert [r.enterprise for r in rows] == [lib.world.needs["ly"].enterprise]


def test_a_university_page_lists_its_experts_results_and_the_enterprises_for_them(client, lib):
    client.force_login(lib.users["admin"])
    response = client.get(reverse("library:university_detail", args=[lib.u1.pk]))
    page = response.content.decode()
    assert lib.experts["E1"].name in page and "锂离子电池循环寿命与容量衰减机理研究" in page
    assert lib.world.needs["ly"].enterprise.name in page
    assert client.get(reverse("library:university_detail", args=[10**9])).status_code == 404

"""The handover proposes, for each open need of a leaving member, the continuing member of the same
group the matching ranks first for that need (the need page's member recommendation), with its reason
on the page and in the command; without an index, or when the recommendation names nobody, whoever owns
the fewest open needs — and the reason says so."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from techmayor.core.models import RegionLevel
from techmayor.matchmaking import services
from techmayor.needs.choices import NeedState
from techmayor.needs.handover import handover_plan
from techmayor.needs.services import need_claim, need_create
from techmayor.roster.choices import TenureRole
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, member_in

from .test_feedback_and_pages import BATTERY

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 9, 1)


def owned_need(group, owner, title, description, region=None):
    need = need_create(
        batch=group.batch,
        group=group,
        enterprise=EnterpriseFactory(region=region),
        title=title,
        description=description,
        date=DAY,
        members=[owner],
        region=region,
        state=NeedState.PUBLISHED,
    )
    return need_claim(need=need, member=owner)


@pytest.fixture
def w():
    liyang = GroupFactory()
    town = RegionFactory(name="天目湖镇", level=RegionLevel.TOWN, parent=liyang.district)
    captain = member_in(liyang, member__name="连任团长", role=TenureRole.LEADER)
    specialist = member_in(liyang, member__name="电池专家", member__expertise="锂离子电池材料与储能系统容量衰减分析")
    leaving = member_in(liyang, member__name="离任甲")
    battery = owned_need(liyang, leaving, "储能电池容量衰减", BATTERY, region=town)
    plain = owned_need(liyang, leaving, "办公用房", "想了解租金补贴")  # no region: no district signal
    return locals()


def keyed(plan):
    return {item.key: item for item in plan.items}


def test_the_need_goes_to_the_member_the_matching_ranks_first(w, pool):
    services.matching_index_build()
    plan = handover_plan(batch=w["liyang"].batch, continuing=[w["captain"].pk, w["specialist"].pk])
    item = keyed(plan)[f"need:{w['battery'].pk}"]
    # The fewest-open-needs rule would give it to the 团长 (a tie, the 团长 first); the matching knows better.
    assert item.proposed == w["specialist"]
    assert item.reason.startswith("匹配推荐：专业特长相关：") and "电池" in item.reason
    # Nobody has a reason for the need without a region or a matching text: the fallback, said so.
    plain = keyed(plan)[f"need:{w['plain'].pk}"]
    assert plain.proposed == w["captain"]
    assert plain.reason.startswith("匹配推荐未给出人选，按未办结需求最少提议")


def test_without_an_index_the_fewest_open_needs_and_the_reason_says_so(w):
    plan = handover_plan(batch=w["liyang"].batch, continuing=[w["captain"].pk, w["specialist"].pk])
    items = keyed(plan)
    first, second = items[f"need:{w['battery'].pk}"], items[f"need:{w['plain'].pk}"]
    assert first.proposed == w["captain"] and second.proposed == w["specialist"]  # the load is spread
    assert first.reason == "匹配索引尚未建立，按未办结需求最少提议（当前 0 项）"


def test_the_reason_is_on_the_page_and_in_the_command(client, w, pool):
    from techmayor.accounts.choices import Role
    from tests.factories import city
    from tests.web.conftest import account

    services.matching_index_build()
    admin = account("ho_admin", (Role.CITY_ADMIN, {"region": city()}))
    client.force_login(admin)
    page = f"/roster/batches/{w['liyang'].batch.pk}/handover/"
    html = client.get(page, {"continuing": [w["captain"].pk, w["specialist"].pk]}).content.decode()
    assert "匹配推荐：专业特长相关：" in html
    # An administrator's choice replaces the proposal and its reason.
    key = f"need:{w['battery'].pk}"
    html = client.get(
        page, {"continuing": [w["captain"].pk, w["specialist"].pk], f"assign-{key}": w["captain"].pk}
    ).content.decode()
    assert "管理员指定" in html
    out = StringIO()
    call_command(
        "batch", "handover", "--from", "14", "--to", "15", "--continue", "连任团长,电池专家", "--dry-run", stdout=out
    )
    text = out.getvalue()
    assert "离任甲 → 电池专家" in text and "理由：匹配推荐：专业特长相关：" in text

"""The need loop end to end in a real browser (issue 3, part 5).

A member logs a visit with a new need on a phone; the town's staff turn the lead into a verified
need; the city administrator publishes it; the member claims it, reports progress and submits the
completion; the administrator approves it; the group's figures show one more visit, one more need
and one more completed need. Every actor logs in through the login form in a browser context of
their own, and every step is checked on what the page shows; the database is checked at the end.
"""

from __future__ import annotations

import re

import pytest

from techmayor.ledger.models import Visit
from techmayor.needs.choices import LeadStatus, NeedState
from techmayor.needs.models import Lead, Need
from tests.browser.actors import Actor
from tests.browser.conftest import PHONE
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123456"  # build_world's accounts
TITLE = "伺服电机振动超标"
RAW_TEXT = "两条产线的伺服电机振动超标，想找高校做振动检测和结构优化"

# The three figures the flow moves: (name on the card, unit on the card).
VISITS = ("走访企业", "家次")
NEEDS = ("企业需求", "条")
COMPLETED = ("办结需求", "条")


def state_badge(actor: Actor, label: str) -> None:
    actor.page.locator(".card .badge", has_text=label).first.wait_for(state="visible")


def test_a_need_goes_from_a_phone_visit_to_an_approved_completion(live_server, browser):
    w = build_world()
    group_url_name = ("roster:group_detail", w.liyang.pk)
    visits_before = Visit.objects.filter(group=w.liyang).count()

    # --- 1. the member, on a phone: the group's figures before, then a visit with one need found
    member = Actor(browser, live_server.url, w.users.m_ly.username, PASSWORD, phone=True)
    actors = [member]
    try:
        member.expect_text("你好", "记一次走访")
        member.goto(member.url(*group_url_name))
        member.expect_text("溧阳团", "工作成效")
        before = member.figures()
        assert before[VISITS] == visits_before

        member.submit(member.page.locator(".tm-tabbar a", has_text="首页"))
        member.submit(member.page.get_by_role("link", name="记一次走访"))
        member.expect_text("记走访", "发现的需求")
        # The enterprise by its pinyin initials (常州恒远精密机械有限公司 → czhyjm…), picked from the results.
        member.page.fill("#id_enterprise", "czhyjm")
        result = member.page.locator(".tm-picker-results [data-tm-pick]", has_text=w.e_ly.name)
        result.wait_for(state="visible")
        result.click()
        chip = member.page.locator(".tm-picker-chosen .tm-chip", has_text=w.e_ly.name)
        chip.wait_for(state="visible")
        fellows = member.page.locator("details.tm-members", has_text="溧阳团")
        if fellows.get_attribute("open") is None:
            fellows.locator("summary").click()
        member.page.get_by_label("溧阳乙").check()
        member.page.fill("#id_note", "与总经理交流产线改造")
        row = member.page.locator("[data-tm-row]").first
        row.locator("[name=need_title]").fill(TITLE)
        row.locator("[name=need_text]").fill(RAW_TEXT)
        assert member.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        save = member.page.get_by_role("button", name="保存", exact=True)
        member.submit(save, to=re.compile(r"/ledger/visits/\d+/$"))
        member.expect_text("已登记走访", w.e_ly.name, "发现需求 1 条")
        reference = re.search(r"线索编号 (\S+?)）", member.text()).group(1)
        member.expect_text(reference)

        # --- 2. town staff turn the lead into a need, verified at once (the form offers 已核实)
        town = Actor(browser, live_server.url, w.users.ts_ly.username, PASSWORD)
        actors.append(town)
        town.todo("待处理的需求线索")
        town.expect_text(TITLE)
        town.submit(town.page.locator("main a.list-group-item", has_text=TITLE))
        town.expect_text(reference, RAW_TEXT, "团员走访", "转为需求")
        town.submit(town.page.get_by_role("link", name="转为需求"))
        form = town.page.locator("main form")
        assert form.get_by_label(w.e_ly.name, exact=False).is_checked()
        assert form.locator("#id_title").input_value() == TITLE
        assert form.get_by_label("已核实，提交市级审核").is_checked()
        town.submit(form.get_by_role("button", name="转为需求"), to=re.compile(r"/needs/\d+/$"))
        town.expect_text("线索已转为需求", TITLE)
        state_badge(town, "待审核")
        need_url = town.page.url
        need_pk = int(re.search(r"/needs/(\d+)/$", need_url).group(1))
        town.expect_text("待核实 → 待审核")

        # --- 3. the city administrator reviews and publishes it
        admin = Actor(browser, live_server.url, w.users.admin.username, PASSWORD)
        actors.append(admin)
        admin.todo("待审核发布的需求")
        admin.submit(admin.page.locator("main a.list-group-item", has_text=TITLE))
        state_badge(admin, "待审核")
        admin.submit(admin.page.get_by_role("button", name="审核发布"))
        admin.expect_text("已审核发布")
        state_badge(admin, "已发布")

        # --- 4. the member finds it in the need list, claims it, reports progress, submits the completion
        member.submit(member.page.locator(".tm-tabbar a", has_text="需求"))
        member.submit(member.page.locator("main a.list-group-item", has_text=TITLE))
        assert member.page.url == need_url
        state_badge(member, "已发布")
        member.submit(member.page.get_by_role("button", name="认领"))
        member.expect_text("已认领")
        state_badge(member, "对接中")
        member.expect_text("溧阳甲")  # the owner

        member.submit(member.page.get_by_role("link", name="填报进展"))
        member.page.fill("#id_current_status", "已联系河海大学振动实验室，完成现场测试")
        member.page.fill("#id_next_step", "出具结构优化方案")
        member.submit(member.page.get_by_role("button", name="提交"), to=need_url)
        member.expect_text("进展已填报", "已联系河海大学振动实验室，完成现场测试", "下一步：出具结构优化方案")

        member.submit(member.page.get_by_role("link", name="提交办结"))
        member.page.fill("#id_solution", "河海大学振动实验室完成检测，企业按方案更换减振支座，振动降至标准以内")
        member.submit(member.page.get_by_role("button", name="提交"), to=need_url)
        member.expect_text("已提交办结，等待验收", "解决方案及对接资源")
        state_badge(member, "待验收")

        # --- 5. the administrator approves the completion
        admin.todo("待验收的办结")
        admin.submit(admin.page.locator("main a.list-group-item", has_text=TITLE))
        admin.expect_text("河海大学振动实验室完成检测")
        admin.submit(admin.page.get_by_role("button", name="验收通过"))
        admin.expect_text("已验收通过")
        state_badge(admin, "已完成")
        admin.expect_text("待验收 → 已完成")

        # --- 6. the group's figures moved: one more visit, one more need, one more completed need
        member.goto(member.url(*group_url_name))
        after = member.figures()
        assert after[VISITS] == before[VISITS] + 1
        assert after[NEEDS] == before[NEEDS] + 1
        assert after[COMPLETED] == before[COMPLETED] + 1
        assert after[("走访企业", "家")] == before[("走访企业", "家")]  # the same enterprise again: 家 counts it once
        member.goto(need_url)
        state_badge(member, "已完成")
        member.expect_text("登记成效")  # the owner may now record outcome rounds

        # … and the administrator's scorecard shows the same for 溧阳团
        admin.goto(admin.url("scorecard:overview"))
        admin.expect_text("创新成绩单", "溧阳团")
        column = admin.scorecard_column("溧阳团")
        for key in (VISITS, NEEDS, COMPLETED):
            assert column[key] == after[key], key
    finally:
        for actor in actors:
            actor.close()

    assert {"/", "/ledger/visits/new/", f"/needs/{need_pk}/"} <= set(member.pages_seen)

    # --- the database agrees
    lead = Lead.objects.get(reference=reference)
    assert (lead.source, lead.status, lead.title, lead.raw_text) == ("visit", LeadStatus.CONVERTED, TITLE, RAW_TEXT)
    assert lead.visit.group == w.liyang
    assert set(lead.visit.members.all()) == {w.ly_a, w.ly_b}
    need = Need.objects.get(pk=need_pk)
    assert need.lead == lead and need.enterprise == w.e_ly and need.group == w.liyang
    assert need.state == NeedState.COMPLETED and need.owner == w.ly_a
    assert set(need.members.all()) == {w.ly_a, w.ly_b}
    steps = list(need.transitions.order_by("at", "pk").values_list("action", "from_state", "to_state", "actor"))
    assert steps == [
        ("verify", "pending", "verified", w.users.ts_ly.pk),
        ("publish", "verified", "published", w.users.admin.pk),
        ("claim", "published", "claimed", w.users.m_ly.pk),
        ("submit_completion", "claimed", "completion_submitted", w.users.m_ly.pk),
        ("approve_completion", "completion_submitted", "completed", w.users.admin.pk),
    ]
    assert need.progress_entries.get().current_status == "已联系河海大学振动实验室，完成现场测试"

"""The pages added for daily work, in a real Chromium on a 375 px phone and a 1280 px desktop: the
科创平台 directory and form, the policy library and a policy linked to a need, a late entry (补录) into
a past batch, the enterprise form's near-duplicate hint. ``Actor.settle`` fails when a phone page
is wider than 375 px."""

from __future__ import annotations

import datetime as dt

import pytest

from techmayor.needs.services import need_create
from techmayor.policies.services import policy_create
from tests.browser.actors import Actor
from tests.factories import BatchFactory, GroupFactory, member_in
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123456"  # build_world's accounts


@pytest.mark.parametrize("phone", [True, False], ids=["375px", "1280px"])
def test_daily_pages_fit_and_work(live_server, browser, phone):
    w = build_world()
    past = BatchFactory(number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 5, 31), is_active=False)
    past_group = GroupFactory(batch=past, name="溧阳团", district=w.liyang.district)
    member_in(past_group, member__name="十三批团员")
    policy = policy_create(
        title="江苏省科技成果转化专项资金管理办法（演示）",
        level="province",
        issuer="江苏省财政厅、江苏省科学技术厅",
        issued_on=dt.date(2021, 3, 15),
        tags="成果转化、专项资金",
        summary="支持企业承接高校院所科技成果开展产业化。",
    )
    need = need_create(
        batch=w.batch,
        group=w.liyang,
        enterprise=w.e_ly,
        title="精密加工工艺改进",
        description="需要高校协助改进工艺",
        date=dt.date(2021, 11, 2),
        members=[w.ly_a],
    )
    admin = Actor(browser, live_server.url, w.users.admin.username, PASSWORD, phone=phone)
    try:
        admin.goto(admin.url("ledger:record_index"))
        admin.expect_text("科创平台", "政策库")
        # 科创平台: the directory and a new one
        admin.goto(admin.url("resources:platform_create"))
        admin.page.fill("#id_name", "江南大学溧阳智能制造研究院")
        admin.page.select_option("#id_kind", "institute")
        admin.submit(admin.page.locator("main form button[type=submit]").first)
        admin.expect_text("江南大学溧阳智能制造研究院", "研究院")
        admin.goto(admin.url("resources:platform_list"))
        assert "江南大学溧阳智能制造研究院" in admin.page.locator("main").inner_text()
        # the policy library, a policy's page, the form
        admin.goto(admin.url("policies:policy_list") + "?q=成果转化")
        assert policy.title in admin.page.locator("main").inner_text()
        admin.goto(admin.url("policies:policy_detail", policy.pk))
        admin.expect_text("江苏省财政厅", "成果转化")
        admin.goto(admin.url("policies:policy_create"))
        admin.expect_text("发文机关", "有效期止")
        # a policy linked to a need, shown on the need page
        admin.goto(admin.url("needs:need_detail", need.pk))
        admin.page.locator("#policies summary").click()
        admin.page.select_option("#policies select[name=policy]", str(policy.pk))
        admin.page.fill("#policies input[name=note]", "可申报成果转化资金")
        admin.submit(admin.page.locator("#policies button[type=submit]"))
        admin.expect_text(policy.title, "可申报成果转化资金")
        # a late entry into the past batch, offered on the list page
        admin.goto(admin.url("ledger:report_list"))
        admin.page.locator("main .dropdown button.btn-outline-warning").click()
        admin.submit(admin.page.get_by_role("link", name="补录到常州市第十三批"))
        admin.expect_text("补录到往届批次")
        admin.page.fill("#id_title", "补录的调研报告")
        admin.page.locator("input[name=members]").first.check()
        admin.submit(admin.page.locator("main form.tm-form button[type=submit]").first)
        admin.expect_text("补录的调研报告", "补录")
        # the enterprise form: a near name is flagged with its score as it is typed
        admin.goto(admin.url("enterprises:enterprise_create"))
        admin.page.fill("#id_name", "常州市恒远精密机械有限责任公司")
        admin.page.locator("#tm-duplicates .alert").wait_for(state="visible")
        admin.expect_text("相似度 100%")
        admin.settle()
    finally:
        admin.close()

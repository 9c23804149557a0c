"""Withdrawal (作废) of records entered by mistake, and restore (issue 12, item 1).

A withdrawn record leaves every list, export, drill-down and figure (the cells stay exact: the
autouse fixture checks them after each test, and ``assert_cells`` here in between), stays in its
history and the audit trail, and a city administrator restores it. Who may withdraw: whoever
entered it, or an administrator of its scope (city administrators, the group's leader).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from techmayor.cooperation.models import AgreementReceipt
from techmayor.cooperation.services import agreement_receipt_add
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditAction, AuditLog
from techmayor.core.services import restore_record, update_record, withdraw_record
from techmayor.enterprises.models import EnterpriseLink
from techmayor.enterprises.services import enterprise_link
from techmayor.ledger import services as ledger
from techmayor.ledger.models import Visit
from techmayor.scorecard import rollup
from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, live_value, records, value
from tests.web.conftest import KEYS, url

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 9, 1)

# The figure each kind of the world's records feeds (and by how much one record of the world moves it).
FIGURE = {
    "visit": ("visits", 1),
    "event": ("matchmaking_events", 1),
    "visitor": ("expert_visits", 1),
    "report": ("research_reports", 1),
    "talent": ("talents_introduced", 2),
    "project": ("projects_brokered", 1),
    "platform": ("platforms_introduced", 1),
    "landing": ("enterprises_landed", 1),
    "employment_base": ("employment_bases", 1),
    "fund": ("funds_landed_wan", 3000),
    "application": ("applications_supported", 1),
    "cultivation": ("hightech_cultivated", 1),
    "pairing": ("universities_engaged", 1),
    "intent": ("cooperation_intents", 1),
    "agreement": ("contract_amount_wan", 500),
    "link": ("linked_enterprises", 1),
}


def figures(world):
    """Every figure of the batch and of each group, read from the cells."""
    return {
        (m.code, getattr(group, "pk", None)): value(m, Scope(batch=world.batch, group=group))
        for m in SCORECARD_METRICS
        for group in (None, world.liyang, world.jintan)
    }


def assert_cells(world):
    assert rollup.verify() == []
    for group in (None, world.liyang, world.jintan):
        scope = Scope(batch=world.batch, group=group)
        assert {m.code: value(m, scope) for m in SCORECARD_METRICS} == {
            m.code: live_value(m, scope) for m in SCORECARD_METRICS
        }


@pytest.mark.parametrize("key", KEYS)
def test_a_withdrawn_record_leaves_every_figure_and_restore_brings_it_back(world, key):
    before = figures(world)
    code, amount = FIGURE[key]
    record = world.ly[key]

    withdraw_record(record, by=world.users.admin, reason="重复登记")
    after = figures(world)
    for group in (None, world.liyang.pk):
        assert before[(code, group)] - after[(code, group)] == amount, (key, group)
    assert after[(code, world.jintan.pk)] == before[(code, world.jintan.pk)]
    assert record.pk not in set(records(code, Scope(batch=world.batch)).values_list("pk", flat=True))
    member_scope = Scope(batch=world.batch, member=world.ly_a)
    assert value(code, member_scope) == before[(code, world.liyang.pk)] - amount  # a member's figures too
    assert_cells(world)

    restore_record(type(record).all_objects.get(pk=record.pk), by=world.users.admin)
    assert figures(world) == before
    assert_cells(world)


def test_receipts_of_a_withdrawn_agreement_and_a_withdrawn_receipt_count_nowhere(world):
    agreement = world.ly["agreement"]
    receipt = agreement_receipt_add(agreement=agreement, date=DAY + dt.timedelta(days=3), amount_wan="120")
    agreement_receipt_add(agreement=agreement, date=DAY + dt.timedelta(days=4), amount_wan="30")
    received = Scope(batch=world.batch)
    assert value("received_amount_wan", received) == Decimal("150")

    withdraw_record(receipt, by=world.users.admin, reason="到账登记错了")
    assert value("received_amount_wan", received) == Decimal("30")
    assert_cells(world)

    withdraw_record(agreement, by=world.users.admin, reason="协议重复")
    assert value("received_amount_wan", received) == Decimal("0")
    assert value("agreements", received) == 1  # 金坛's
    assert_cells(world)

    restore_record(type(agreement).all_objects.get(pk=agreement.pk), by=world.users.admin)
    assert value("received_amount_wan", received) == Decimal("30")
    restore_record(AgreementReceipt.all_objects.get(pk=receipt.pk), by=world.users.admin)
    assert value("received_amount_wan", received) == Decimal("150")
    assert_cells(world)


def test_lists_exports_drill_downs_and_timelines_hide_a_withdrawn_record(world, login):
    visit = world.ly["visit"]
    client = login(world.users.admin)
    detail = url("visit", "detail", visit.pk)
    assert detail in client.get(url("visit", "list")).content.decode()
    rows = load_workbook(io.BytesIO(client.get(url("visit", "export")).content)).active.max_row

    response = client.post(url("visit", "withdraw", visit.pk), {"reason": "企业选错了"})
    assert response.status_code == 302 and response.url == url("visit", "list")
    assert detail not in client.get(url("visit", "list")).content.decode()
    assert load_workbook(io.BytesIO(client.get(url("visit", "export")).content)).active.max_row == rows - 1
    drill = client.get(reverse("scorecard:drill", args=["visits"])).content.decode()
    assert detail not in drill
    timeline = client.get(reverse("enterprises:enterprise_detail", args=[world.e_ly.pk])).content.decode()
    assert detail not in timeline
    assert not Visit.objects.filter(pk=visit.pk).exists() and Visit.all_objects.filter(pk=visit.pk).exists()
    # the page stays for the administrator: why, by whom, and its history
    page = client.get(detail).content.decode()
    assert "企业选错了" in page and url("visit", "restore", visit.pk) in page
    assert url("visit", "edit", visit.pk) not in page
    assert client.get(url("visit", "edit", visit.pk)).status_code == 404


WITHDRAW = {  # who may withdraw 溧阳's record entered by 溧阳甲 (m_ly) — 200 the form, 403 may read but not, 404
    "admin": 200,
    "leader": 403,
    "ds_jt": 404,
    "ts_ly": 403,
    "gl_ly": 200,
    "m_ly": 200,
    "m_jt": 404,
    "nobody": 404,
}


@pytest.mark.parametrize("key", ["visit", "report", "agreement", "link"])
def test_who_may_withdraw_and_restore(world, login, key):
    record = world.ly[key]
    update_record(record, by=world.users.m_ly)  # no change: created_by stays
    type(record).all_objects.filter(pk=record.pk).update(created_by=world.users.m_ly)
    for who, status in WITHDRAW.items():
        if key == "report" and who == "ts_ly":
            status = 404  # a report names no place: town staff do not read it
        assert login(getattr(world.users, who)).get(url(key, "withdraw", record.pk)).status_code == status, who

    # a fellow member credited on the record, who did not enter it, may edit but not withdraw
    record.members.add(world.ly_b)
    from tests.web.conftest import account

    fellow = account("m_ly_b", ("member", {}), member=world.ly_b)
    assert login(fellow).get(url(key, "edit", record.pk)).status_code == 200
    assert login(fellow).get(url(key, "withdraw", record.pk)).status_code == 403

    assert login(world.users.m_ly).post(url(key, "withdraw", record.pk), {"reason": ""}).status_code == 200  # refused
    assert not type(record).all_objects.get(pk=record.pk).withdrawn_at
    login(world.users.m_ly).post(url(key, "withdraw", record.pk), {"reason": "重复登记"})
    withdrawn = type(record).all_objects.get(pk=record.pk)
    assert withdrawn.withdrawn_reason == "重复登记" and withdrawn.withdrawn_by == world.users.m_ly

    for who in ("leader", "gl_ly", "m_ly", "ts_ly", "m_jt", "nobody"):
        response = login(getattr(world.users, who)).post(url(key, "restore", record.pk))
        assert response.status_code in (403, 404), who
        assert type(record).all_objects.get(pk=record.pk).withdrawn_at is not None
    assert login(world.users.m_ly).get(url(key, "detail", record.pk)).status_code == 200  # who withdrew it
    assert login(world.users.gl_ly).get(url(key, "detail", record.pk)).status_code == 404
    response = login(world.users.admin).post(url(key, "restore", record.pk))
    assert response.status_code == 302
    assert type(record).objects.filter(pk=record.pk).exists()
    actions = list(
        AuditLog.objects.filter(model=record._meta.label_lower, object_id=str(record.pk)).values_list(
            "action", "actor__username", "note"
        )
    )
    assert (AuditAction.WITHDRAW, "m_ly", "重复登记") in actions
    assert any(a == AuditAction.RESTORE and who == "admin" for a, who, _note in actions)


def test_withdrawing_twice_or_restoring_a_live_record_is_refused(world):
    visit = world.ly["visit"]
    with pytest.raises(ApplicationError, match="作废原因"):
        withdraw_record(visit, by=world.users.admin, reason="  ")
    with pytest.raises(ApplicationError, match="未作废"):
        restore_record(visit, by=world.users.admin)
    withdraw_record(visit, by=world.users.admin, reason="错")
    with pytest.raises(ApplicationError, match="已于"):
        withdraw_record(visit, by=world.users.admin, reason="错")


def test_a_link_made_again_after_withdrawal_and_the_restore_that_would_duplicate_it(world):
    link = world.ly["link"]
    withdraw_record(link, by=world.users.admin, reason="挂错了支团")
    again = enterprise_link(batch=world.batch, group=world.liyang, enterprise=link.enterprise, date=DAY,
                            members=[world.ly_a])  # fmt: skip
    assert again.pk != link.pk
    with pytest.raises(ApplicationError):
        restore_record(EnterpriseLink.all_objects.get(pk=link.pk), by=world.users.admin)
    assert EnterpriseLink.all_objects.get(pk=link.pk).withdrawn_at is not None


def test_a_receipt_is_withdrawn_from_its_agreement_page_and_restored_by_the_city(world, login):
    agreement = world.ly["agreement"]
    receipt = agreement_receipt_add(agreement=agreement, date=DAY, amount_wan="100", by=world.users.m_ly)
    page = url("agreement", "detail", agreement.pk)
    withdraw = reverse("cooperation:receipt_withdraw", args=[agreement.pk, receipt.pk])
    assert withdraw in login(world.users.m_ly).get(page).content.decode()
    assert login(world.users.leader).get(withdraw).status_code == 403
    assert login(world.users.m_jt).get(withdraw).status_code == 404
    assert login(world.users.m_ly).post(withdraw, {"reason": "金额录错"}).status_code == 302
    assert login(world.users.admin).get(page).content.decode().count(withdraw) == 0
    # another receipt fills the contract meanwhile: restoring would exceed it
    agreement_receipt_add(agreement=agreement, date=DAY, amount_wan="450")
    restore = reverse("cooperation:receipt_restore", args=[agreement.pk, receipt.pk])
    assert login(world.users.gl_ly).post(restore).status_code == 403
    login(world.users.admin).post(restore)
    assert AgreementReceipt.all_objects.get(pk=receipt.pk).withdrawn_at is not None
    AgreementReceipt.objects.exclude(pk=receipt.pk).get(amount_wan=450).delete()
    login(world.users.admin).post(restore)
    assert AgreementReceipt.objects.filter(pk=receipt.pk).exists()


def test_the_history_tab_shows_who_changed_which_field(world, login):
    visit = world.ly["visit"]
    ledger_update = getattr(ledger, "visit_update", None)
    if ledger_update is not None:
        ledger_update(visit=visit, by=world.users.gl_ly, note="改过的备注", members=None)
    else:
        update_record(visit, by=world.users.gl_ly, note="改过的备注")
    withdraw_record(visit, by=world.users.admin, reason="重复")
    restore_record(Visit.all_objects.get(pk=visit.pk), by=world.users.admin)
    html = login(world.users.gl_ly).get(url("visit", "detail", visit.pk) + "?tab=history").content.decode()
    assert "变更记录" in html and "改过的备注" in html and "备注" in html
    assert "作废" in html and "恢复" in html and "重复" in html
    assert "gl_ly" in html or str(world.users.gl_ly) in html
    # a member who may not read the record sees no history either
    assert login(world.users.m_jt).get(url("visit", "detail", visit.pk) + "?tab=history").status_code == 404


def test_city_administrators_list_withdrawn_records_and_find_withdrawals_in_the_audit_page(world, login):
    withdraw_record(world.ly["event"], by=world.users.gl_ly, reason="活动登记两次")
    withdraw_record(world.jt["report"], by=world.users.admin, reason="不是本批次的报告")
    html = login(world.users.admin).get(reverse("web:withdrawn_list")).content.decode()
    assert "活动登记两次" in html and "不是本批次的报告" in html
    assert url("event", "restore", world.ly["event"].pk) in html
    for who in ("leader", "gl_ly", "m_ly", "nobody"):
        assert login(getattr(world.users, who)).get(reverse("web:withdrawn_list")).status_code == 403
    audit = login(world.users.admin).get(reverse("accounts:audit_log"), {"action": "withdraw"}).content.decode()
    assert "活动登记两次" in audit and "不是本批次的报告" in audit
    assert "ledger.event" in audit


def test_the_admin_withdraws_and_restores_instead_of_deleting(world, client):
    from django.contrib import admin

    from techmayor.accounts.models import User

    superuser = User.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(superuser)
    visit = world.ly["visit"]
    changelist = reverse("admin:ledger_visit_changelist")
    assert not admin.site._registry[Visit].has_delete_permission(None)
    assert client.post(reverse("admin:ledger_visit_delete", args=[visit.pk]), {"post": "yes"}).status_code == 403
    data = {"action": "delete_selected", "_selected_action": [visit.pk], "post": "yes"}
    client.post(changelist, data)
    assert Visit.objects.filter(pk=visit.pk).exists()

    confirm = client.post(changelist, {"action": "withdraw_selected", "_selected_action": [visit.pk]})
    assert confirm.status_code == 200 and "作废原因" in confirm.content.decode()
    client.post(changelist, {"action": "withdraw_selected", "_selected_action": [visit.pk], "reason": "后台作废"})
    assert Visit.all_objects.get(pk=visit.pk).withdrawn_reason == "后台作废"
    assert client.get(changelist + "?withdrawn=yes").content.decode().count(f"/{visit.pk}/change/") >= 1
    client.post(changelist, {"action": "restore_selected", "_selected_action": [visit.pk]})
    assert Visit.objects.filter(pk=visit.pk).exists()
    assert AuditLog.objects.filter(action=AuditAction.WITHDRAW, source="admin", object_id=str(visit.pk)).exists()

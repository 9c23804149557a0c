"""Late entries (补录): a city administrator enters a record into a past (closed) batch; it is marked as a
late entry on the record and in the audit trail; nobody else may."""

import datetime as dt

import pytest

from techmayor.core.audit import late_entry_of
from techmayor.core.models import AuditLog
from techmayor.ledger.models import Report, Visit
from techmayor.roster.models import Batch
from techmayor.roster.selectors import late_entry_batches
from tests.factories import BatchFactory, GroupFactory, member_in
from tests.web.conftest import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    w = build_world()
    w.past = BatchFactory(number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 5, 31), is_active=False)
    w.past_group = GroupFactory(batch=w.past, name="溧阳团", district=w.liyang.district)
    w.past_member = member_in(w.past_group, member__name="十三批团员")
    return w


def login(client, user):
    client.force_login(user)
    return client


def report_data(w, title="补录的调研报告"):
    return {"title": title, "date": "2021-03-15", "group": w.past_group.pk, "members": [w.past_member.pk]}


def test_city_admin_enters_a_report_late_and_it_is_marked(client, world):
    c = login(client, world.users.admin)
    assert late_entry_batches(world.users.admin) == [world.past]
    listing = c.get(url("report", "list")).content.decode()
    create = url("report", "create") + f"?batch={world.past.pk}"
    assert create in listing and "补录到常州市第十三批" in listing
    form = c.get(create).content.decode()
    assert "补录到往届批次：常州市第十三批" in form and "2021-05-31" in form  # the date defaults into its term
    response = c.post(create, report_data(world))
    report = Report.objects.get(title="补录的调研报告")
    assert response.status_code == 302 and response["Location"] == url("report", "detail", report.pk)
    assert report.batch == world.past and report.group == world.past_group
    assert list(report.members.all()) == [world.past_member]
    log = AuditLog.objects.get(model="ledger.report", object_id=str(report.pk), action="create")
    assert log.note == "补录" and log.actor == world.users.admin and log.source == "web"
    assert late_entry_of(report) == log
    page = c.get(url("report", "detail", report.pk)).content.decode()
    assert "补录" in page and "补录：" in page
    history = c.get(url("report", "detail", report.pk) + "?tab=history").content.decode()
    assert "补录" in history
    # a record entered the usual way is not marked
    normal = Report.objects.exclude(pk=report.pk).first()
    assert late_entry_of(normal) is None
    assert "补录" not in c.get(url("report", "detail", normal.pk)).content.decode()


def test_a_late_entry_keeps_to_the_past_batchs_term_and_members(client, world):
    c = login(client, world.users.admin)
    create = url("report", "create") + f"?batch={world.past.pk}"
    html = c.post(create, report_data(world) | {"date": "2021-09-01"}).content.decode()
    assert "不在常州市第十三批的期限" in html
    html = c.post(create, report_data(world) | {"members": [world.ly_a.pk]}).content.decode()
    assert "选择一个有效的选项" in html or "不是常州市第十三批的团员" in html
    assert not Report.objects.filter(title="补录的调研报告").exists()
    # the past batch has one group here: a group of the current batch posted is not taken
    assert c.post(create, report_data(world) | {"group": world.liyang.pk}).status_code == 302
    assert Report.objects.get(title="补录的调研报告").group == world.past_group


def test_others_cannot_enter_late(client, world):
    create = url("report", "create") + f"?batch={world.past.pk}"
    for who in ("gl_ly", "m_ly", "leader", "ds_jt", "ts_ly"):
        c = login(client, getattr(world.users, who))
        assert late_entry_batches(getattr(world.users, who)) == []
        assert c.get(create).status_code == 403, who
        assert c.post(create, report_data(world)).status_code == 403, who
        assert "补录到" not in c.get(url("report", "list")).content.decode()
    assert not Report.objects.filter(batch=world.past).exists()
    # an unknown or malformed batch is a 404, the current batch is an ordinary entry
    c = login(client, world.users.admin)
    assert c.get(url("report", "create") + "?batch=999999").status_code == 404
    assert c.get(url("report", "create") + "?batch=abc").status_code == 404
    assert c.get(url("report", "create") + "?batch=99999999999999999999999").status_code == 404
    page = c.get(url("report", "create") + f"?batch={world.batch.pk}").content.decode()
    assert "补录到往届批次" not in page


def test_an_admin_of_another_city_cannot_enter_late(client, world):
    from techmayor.accounts.choices import Role
    from tests.factories import RegionFactory
    from tests.web.conftest import account

    wuxi = RegionFactory(name="无锡市", level="city", code="320200", parent=None)
    other = account("wx_admin", (Role.CITY_ADMIN, {"region": wuxi}))
    assert late_entry_batches(other) == []
    assert login(client, other).get(url("report", "create") + f"?batch={world.past.pk}").status_code == 403


def test_the_provinces_administrator_enters_late_as_they_correct_and_another_provinces_does_not(client, world):
    """Who may correct a closed batch may enter into it late: its city's and its province's administrators."""
    from techmayor.accounts.choices import Role
    from techmayor.roster.selectors import batch_read_only
    from tests.factories import RegionFactory
    from tests.web.conftest import account

    province = world.users.prov_admin
    assert late_entry_batches(province) == [world.past] and not batch_read_only(province, world.past)
    c = login(client, province)
    assert c.post(url("report", "create") + f"?batch={world.past.pk}", report_data(world)).status_code == 302
    assert Report.objects.get(title="补录的调研报告").batch == world.past
    zhejiang = RegionFactory(name="浙江省", level="province", code="330000", parent=None)
    other = account("zj_admin_late", (Role.PROVINCE_ADMIN, {"region": zhejiang}))
    assert late_entry_batches(other) == [] and batch_read_only(other, world.past) is (world.past.closed_at is not None)
    assert login(client, other).get(url("report", "create") + f"?batch={world.past.pk}").status_code == 403


def test_a_visit_is_entered_late_through_the_quick_log(client, world):
    c = login(client, world.users.admin)
    create = url("visit", "create") + f"?batch={world.past.pk}"
    assert "补录到往届批次" in c.get(create).content.decode()
    data = {
        "enterprise": world.e_ly.pk,
        "date": "2021-04-02",
        "group": world.past_group.pk,
        "members": [world.past_member.pk],
        "note": "补录的走访",
    }
    response = c.post(create, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    visit = Visit.objects.get(note="补录的走访")
    assert visit.batch == world.past
    assert late_entry_of(visit).note == "补录"
    assert Batch.objects.get(pk=world.past.pk).is_active is False
    assert login(client, world.users.gl_ly).get(create).status_code == 403

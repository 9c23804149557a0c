"""Batch history: several batches per city, a member's tenures across them on their page, and a closed
batch read-only except for its administrators' corrections (audited)."""

import datetime as dt

import pytest

from techmayor.accounts.choices import Role
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.ledger.services import visit_log
from techmayor.roster.models import Batch
from techmayor.roster.selectors import write_context
from techmayor.roster.services import batch_close, batch_create, tenure_create
from tests.factories import DispatchUnitFactory, EnterpriseFactory, GroupFactory, city, district
from tests.web.conftest import account, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    current = GroupFactory()  # 常州市第十四批 · 溧阳团 (active)
    old_batch = batch_create(city=city(), number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 7, 31))
    old = GroupFactory(batch=old_batch, name="溧阳团", district=district())
    unit = DispatchUnitFactory()
    from tests.factories import MemberFactory

    member = MemberFactory(name="连任甲")
    for group, start in ((old, dt.date(2020, 8, 1)), (current, dt.date(2021, 8, 1))):
        tenure_create(member=member, batch=group.batch, group=group, dispatch_unit=unit, start_date=start)
    visit = visit_log(
        batch=old_batch, group=old, enterprise=EnterpriseFactory(), date=dt.date(2021, 3, 1), members=[member]
    )
    batch_close(batch=old_batch, note="第十三批结束")
    old_batch.refresh_from_db()
    users = {
        "member_user": account("lianren", (Role.MEMBER, {}), member=member),
        "admin": account("cz_admin", (Role.CITY_ADMIN, {"region": city()})),
    }
    return {"old": old_batch, "current": current.batch, "member": member, "visit": visit, **users}


def test_a_member_is_one_person_with_a_tenure_in_each_batch(client, history):
    client.force_login(history["member"].user)
    html = client.get(f"/roster/members/{history['member'].pk}/").content.decode()
    assert "历次任职" in html
    assert "常州市第十三批" in html and "常州市第十四批" in html
    assert "2020-08-01" in html and "已结束" in html and "当前批次" in html


def test_a_closed_batch_is_read_only_for_its_members(client, history):
    member, visit = history["member"], history["visit"]
    assert history["old"].is_closed and not history["old"].is_active
    assert write_context(member.user, history["old"]) is None
    assert write_context(member.user, history["current"]) is not None  # they go on writing in the 14th
    client.force_login(member.user)
    assert client.get(url("visit", "detail", visit.pk)).status_code == 200  # still readable
    response = client.get(url("visit", "edit", visit.pk))
    assert response.status_code == 403 and "已结束，记录只读" in response.content.decode()
    response = client.post(url("visit", "edit", visit.pk), {"date": "2021-03-02", "note": "改", "members": []})
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.note != "改"


def test_an_administrator_corrects_a_closed_batch_and_it_is_audited(client, history):
    visit = history["visit"]
    client.force_login(history["admin"])
    response = client.post(
        url("visit", "edit", visit.pk),
        {"date": "2021-03-02", "note": "管理员更正", "members": [history["member"].pk]},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.note == "管理员更正"
    log = AuditLog.objects.filter(model="ledger.visit", object_id=str(visit.pk), action="update").latest("id")
    assert log.actor == history["admin"] and "note" in log.changed_fields


def test_closing_is_audited_and_happens_once(history):
    batch = history["old"]
    log = AuditLog.objects.filter(model="roster.batch", object_id=str(batch.pk)).latest("id")
    assert log.note == "第十三批结束" and "closed_at" in log.changed_fields
    with pytest.raises(ApplicationError, match="已结束"):
        batch_close(batch=batch)
    assert Batch.objects.filter(city=batch.city).count() == 2

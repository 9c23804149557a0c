import datetime as dt

import pytest

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.ledger.models import Visit
from techmayor.ledger.services import visit_log
from techmayor.roster.choices import TenureRole
from techmayor.roster.models import Batch, Tenure
from techmayor.roster.services import batch_activate, batch_create, group_create, tenure_create
from tests.factories import (
    BatchFactory,
    DispatchUnitFactory,
    EnterpriseFactory,
    GroupFactory,
    MemberFactory,
    city,
    district,
    member_in,
)

pytestmark = pytest.mark.django_db


def test_tenure_outside_its_batch_is_refused_and_nothing_is_written():
    group = GroupFactory()
    before = AuditLog.objects.count()
    with pytest.raises(ApplicationError) as err:
        tenure_create(
            member=MemberFactory(),
            batch=group.batch,
            group=group,
            dispatch_unit=DispatchUnitFactory(),
            start_date=dt.date(2021, 7, 1),
        )
    assert "任职开始日期 2021-07-01 不在" in err.value.message
    assert err.value.field == "start_date"
    assert not Tenure.objects.exists()
    assert AuditLog.objects.count() == before


def test_tenure_end_after_batch_end_is_refused():
    group = GroupFactory()
    with pytest.raises(ApplicationError, match="任职结束日期"):
        tenure_create(
            member=MemberFactory(),
            batch=group.batch,
            group=group,
            dispatch_unit=DispatchUnitFactory(),
            start_date=dt.date(2021, 8, 1),
            end_date=dt.date(2022, 8, 1),
        )


def test_tenure_in_a_group_of_another_batch_is_refused():
    group = GroupFactory()
    other_batch = BatchFactory(
        number=15, start_date=dt.date(2022, 8, 1), end_date=dt.date(2023, 5, 31), is_active=False
    )
    with pytest.raises(ApplicationError, match="不属于"):
        tenure_create(
            member=MemberFactory(),
            batch=other_batch,
            group=group,
            dispatch_unit=DispatchUnitFactory(),
            start_date=dt.date(2022, 9, 1),
        )


def test_a_member_serves_in_several_batches_but_once_per_batch():
    group14 = GroupFactory()
    batch15 = batch_create(city=city(), number=15, start_date=dt.date(2022, 8, 1), end_date=dt.date(2023, 6, 30))
    group15 = group_create(batch=batch15, name="溧阳团", district=district())
    member = MemberFactory()
    unit = DispatchUnitFactory()
    tenure_create(member=member, batch=group14.batch, group=group14, dispatch_unit=unit, start_date=dt.date(2021, 8, 1))
    tenure_create(member=member, batch=batch15, group=group15, dispatch_unit=unit, start_date=dt.date(2022, 8, 1))
    assert member.tenures.count() == 2
    with pytest.raises(ApplicationError, match="已有任职"):
        tenure_create(member=member, batch=batch15, group=group15, dispatch_unit=unit, start_date=dt.date(2022, 9, 1))


def test_a_group_has_one_leader():
    group = GroupFactory()
    member_in(group, role=TenureRole.LEADER)
    with pytest.raises(ApplicationError, match="已有团长"):
        tenure_create(
            member=MemberFactory(),
            batch=group.batch,
            group=group,
            dispatch_unit=DispatchUnitFactory(),
            start_date=dt.date(2021, 8, 1),
            role=TenureRole.LEADER,
        )


def test_one_active_batch_per_city():
    batch14 = BatchFactory()
    batch15 = batch_create(
        city=batch14.city, number=15, start_date=dt.date(2022, 8, 1), end_date=dt.date(2023, 6, 30), is_active=True
    )
    batch14.refresh_from_db()
    assert not batch14.is_active and batch15.is_active
    batch_activate(batch=batch14)
    assert list(Batch.objects.filter(is_active=True)) == [batch14]


def test_batch_needs_a_city_and_ordered_dates():
    with pytest.raises(ApplicationError, match="地级市"):
        batch_create(city=district(), number=1, start_date=dt.date(2021, 8, 1), end_date=dt.date(2022, 5, 31))
    with pytest.raises(ApplicationError, match="晚于开始日期"):
        batch_create(city=city(), number=1, start_date=dt.date(2021, 8, 1), end_date=dt.date(2021, 8, 1))


def test_a_record_outside_the_batch_term_or_by_an_outsider_is_refused():
    group = GroupFactory()
    member = member_in(group)
    enterprise = EnterpriseFactory()
    with pytest.raises(ApplicationError, match="不在常州市第十四批的期限"):
        visit_log(batch=group.batch, group=group, enterprise=enterprise, date=dt.date(2022, 6, 1), members=[member])
    outsider = MemberFactory(name="外来人")
    with pytest.raises(ApplicationError, match="外来人 不是常州市第十四批的团员"):
        visit_log(batch=group.batch, group=group, enterprise=enterprise, date=dt.date(2022, 1, 1), members=[outsider])
    with pytest.raises(ApplicationError, match="至少需要一名团员"):
        visit_log(batch=group.batch, group=group, enterprise=enterprise, date=dt.date(2022, 1, 1), members=[])
    assert not Visit.objects.exists()


def test_every_service_write_is_audited_with_actor_and_snapshot():
    from tests.factories import UserFactory

    user = UserFactory()
    group = GroupFactory()
    member = member_in(group)
    visit = visit_log(
        batch=group.batch,
        group=group,
        enterprise=EnterpriseFactory(),
        date=dt.date(2022, 1, 5),
        members=[member],
        by=user,
    )
    log = AuditLog.objects.get(model="ledger.visit", object_id=str(visit.pk))
    assert log.actor == user
    assert log.action == "create"
    assert log.after["date"] == "2022-01-05"
    assert log.after["members"] == [member.pk]
    assert visit.created_by == user

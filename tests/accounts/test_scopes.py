"""Each role sees what its scope covers, and nothing else, through scope_q."""

import datetime as dt

import pytest
from django.db.models import Q

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import Paths, scope_q
from techmayor.accounts.services import role_grant, user_create
from techmayor.core.models import RegionLevel
from techmayor.ledger.models import Visit
from techmayor.ledger.services import visit_log
from techmayor.roster.services import group_create
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, city, district, member_in

pytestmark = pytest.mark.django_db

VISIT = Paths(city="batch__city", region="enterprise__region", group="group", member="members")


@pytest.fixture
def world():
    liyang = GroupFactory()
    jintan = group_create(batch=liyang.batch, name="金坛团", district=district("金坛区"))
    town_ly = RegionFactory(name="天目湖镇", level=RegionLevel.TOWN, parent=liyang.district)
    town_jt = RegionFactory(name="儒林镇", level=RegionLevel.TOWN, parent=jintan.district)
    a, b = member_in(liyang), member_in(jintan)
    v_ly = visit_log(
        batch=liyang.batch,
        group=liyang,
        enterprise=EnterpriseFactory(region=town_ly),
        date=dt.date(2021, 9, 1),
        members=[a],
    )
    v_jt = visit_log(
        batch=liyang.batch,
        group=jintan,
        enterprise=EnterpriseFactory(region=town_jt),
        date=dt.date(2021, 9, 1),
        members=[b],
    )
    return locals()


def visible(user):
    return set(Visit.objects.filter(scope_q(user, VISIT)).distinct())


def account(name, *grants, member=None):
    user = user_create(username=name, password=None, must_change_password=False)
    for role, kw in grants:
        role_grant(user=user, role=role, **kw)
    if member is not None:
        member.user = user
        member.save()
    return user


def test_each_role_sees_its_scope(world):
    w = world
    admin = account("admin", (Role.CITY_ADMIN, {"region": city()}))
    assert visible(admin) == {w["v_ly"], w["v_jt"]}
    district_staff = account("ds", (Role.DISTRICT_STAFF, {"region": w["jintan"].district}))
    assert visible(district_staff) == {w["v_jt"]}
    town_staff = account("ts", (Role.TOWN_STAFF, {"region": w["town_ly"]}))
    assert visible(town_staff) == {w["v_ly"]}
    leader = account("gl", (Role.GROUP_LEADER, {"group": w["liyang"]}))
    assert visible(leader) == {w["v_ly"]}
    member = account("m", (Role.MEMBER, {}), member=w["b"])
    assert visible(member) == {w["v_jt"]}
    nobody = account("nobody")
    assert visible(nobody) == set()


def test_several_roles_add_up(world):
    w = world
    user = account("both", (Role.TOWN_STAFF, {"region": w["town_ly"]}), (Role.MEMBER, {}), member=w["b"])
    assert visible(user) == {w["v_ly"], w["v_jt"]}


def test_inactive_users_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    admin = account("admin", (Role.CITY_ADMIN, {"region": city()}))
    admin.is_active = False
    admin.save()
    assert visible(admin) == set()
    assert scope_q(AnonymousUser(), VISIT) == Q(pk__in=[])


def test_role_assignment_requires_the_right_kind_of_scope(world):
    from techmayor.core.errors import ApplicationError

    user = account("x")
    with pytest.raises(ApplicationError, match="对应层级"):
        role_grant(user=user, role=Role.DISTRICT_STAFF, region=world["town_ly"])
    with pytest.raises(ApplicationError, match="须指定支团"):
        role_grant(user=user, role=Role.GROUP_LEADER)

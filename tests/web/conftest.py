"""A small world for the web tests: two groups of one batch (溧阳团, 金坛团), a user for every role,
and one record of every kind for each group, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest

from techmayor.accounts.choices import Role
from techmayor.accounts.services import role_grant, user_create
from techmayor.cooperation import services as coop
from techmayor.core.models import RegionLevel
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.services import enterprise_link
from techmayor.ledger import services as ledger
from techmayor.resources.models import Platform
from techmayor.roster.choices import TenureRole
from techmayor.roster.services import group_create
from tests.factories import (
    EnterpriseFactory,
    GroupFactory,
    RegionFactory,
    UniversityFactory,
    city,
    district,
    member_in,
)

DAY = dt.date(2021, 9, 1)
_n = itertools.count(1)


def account(username, *grants, member=None):
    user = user_create(username=username, password="pw-123456", must_change_password=False)
    for role, kwargs in grants:
        role_grant(user=user, role=role, **kwargs)
    if member is not None:
        member.user = user
        member.save()
    return user


def make_record(key: str, *, group, member, enterprise, town, date=DAY, title: str | None = None):
    """One record of kind ``key`` for ``group``, credited to ``member``, about ``enterprise`` (in ``town``)."""
    batch = group.batch
    n = next(_n)
    title = title or f"{key}-{group.name}-{n}"
    base = {"batch": batch, "group": group, "date": date, "members": [member]}
    university = UniversityFactory()
    if key == "visit":
        return ledger.visit_log(enterprise=enterprise, note=title, **base)
    if key == "event":
        return ledger.event_create(
            kind="matchmaking", title=title, enterprises=[enterprise], universities=[university], **base
        )
    if key == "visitor":
        return ledger.visitor_record_create(kind="expert", visitor_name=title, university=university, **base)
    if key == "report":
        return ledger.report_create(title=title, **base)
    if key == "talent":
        return ledger.talent_introduce(talent_name=title, enterprise=enterprise, person_count=2, **base)
    if key == "project":
        return ledger.project_broker(title=title, enterprise=enterprise, university=university, amount_wan=120, **base)
    if key == "platform":
        platform = Platform.objects.create(name=title, region=town, university=university)
        return ledger.platform_introduce(platform=platform, **base)
    if key == "landing":
        return ledger.enterprise_landing_create(enterprise=enterprise, note=title, **base)
    if key == "employment_base":
        return ledger.employment_base_create(enterprise=enterprise, university=university, **base)
    if key == "fund":
        return ledger.fund_landing_create(fund_name=title, amount_wan=3000, **base)
    if key == "application":
        return ledger.application_support_create(enterprise=enterprise, kind="technology", title=title, **base)
    if key == "cultivation":
        return ledger.cultivation_create(enterprise=enterprise, kind="high_tech", **base)
    if key == "pairing":
        return ledger.university_pairing_create(university=university, region=town, **base)
    if key == "intent":
        return coop.intent_create(title=title, enterprise=enterprise, university=university, **base)
    if key == "agreement":
        return coop.agreement_sign(
            title=title, enterprise=enterprise, university=university, contract_amount_wan="500", **base
        )
    if key == "link":
        return enterprise_link(enterprise=EnterpriseFactory(region=town, name=title), note=title, **base)
    raise KeyError(key)


# Kinds whose records reach a region (so town staff see those about their town).
REGIONAL = {
    "visit",
    "event",
    "talent",
    "project",
    "platform",
    "landing",
    "employment_base",
    "application",
    "cultivation",
    "pairing",
    "intent",
    "agreement",
    "link",
}
KEYS = [
    "visit",
    "event",
    "visitor",
    "report",
    "talent",
    "project",
    "platform",
    "landing",
    "employment_base",
    "fund",
    "application",
    "cultivation",
    "pairing",
    "intent",
    "agreement",
    "link",
]
APP = {"intent": "cooperation", "agreement": "cooperation", "link": "enterprises"}


def url(key: str, action: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"{APP.get(key, 'ledger')}:{key}_{action}", args=args)


def build_world() -> SimpleNamespace:
    """The world (call inside a test with database access; the ``world`` fixture does)."""
    liyang = GroupFactory()
    batch = liyang.batch
    jintan = group_create(batch=batch, name="金坛团", district=district("金坛区"))
    town_ly = RegionFactory(name="天目湖镇", level=RegionLevel.TOWN, parent=liyang.district)
    town_jt = RegionFactory(name="儒林镇", level=RegionLevel.TOWN, parent=jintan.district)
    ly_lead = member_in(liyang, member__name="溧阳团长", role=TenureRole.LEADER)
    ly_a = member_in(liyang, member__name="溧阳甲")
    ly_b = member_in(liyang, member__name="溧阳乙")
    jt_a = member_in(jintan, member__name="金坛甲")
    e_ly = EnterpriseFactory(name="常州恒远精密机械有限公司", region=town_ly)
    e_jt = EnterpriseFactory(name="金坛新材料科技有限公司", region=town_jt)
    users = SimpleNamespace(
        admin=account("admin", (Role.CITY_ADMIN, {"region": city()})),
        leader=account("leader", (Role.LEADER, {"region": city()})),
        ds_jt=account("ds_jt", (Role.DISTRICT_STAFF, {"region": jintan.district})),
        ts_ly=account("ts_ly", (Role.TOWN_STAFF, {"region": town_ly})),
        gl_ly=account("gl_ly", (Role.GROUP_LEADER, {"group": liyang}), (Role.MEMBER, {}), member=ly_lead),
        m_ly=account("m_ly", (Role.MEMBER, {}), member=ly_a),
        m_jt=account("m_jt", (Role.MEMBER, {}), member=jt_a),
        nobody=account("nobody"),
        prov_admin=account("prov_admin", (Role.PROVINCE_ADMIN, {"region": city().parent})),
        prov_leader=account("prov_leader", (Role.PROVINCE_LEADER, {"region": city().parent})),
    )
    ly, jt = {}, {}
    for key in KEYS:
        ly[key] = make_record(key, group=liyang, member=ly_a, enterprise=e_ly, town=town_ly)
        jt[key] = make_record(key, group=jintan, member=jt_a, enterprise=e_jt, town=town_jt)
    return SimpleNamespace(
        batch=batch,
        liyang=liyang,
        jintan=jintan,
        town_ly=town_ly,
        town_jt=town_jt,
        ly_lead=ly_lead,
        ly_a=ly_a,
        ly_b=ly_b,
        jt_a=jt_a,
        e_ly=e_ly,
        e_jt=e_jt,
        users=users,
        ly=ly,
        jt=jt,
    )


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def enterprises_named(name: str):
    return Enterprise.objects.filter(name=name)

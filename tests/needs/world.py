"""A small city for the need-loop page tests: two groups of one batch (溧阳团, 金坛团) and a second
city (无锡) — one user per role, one need per place, and ``place()`` to put a need in any state.

Roles (keys of ``World.users``):

admin          city administrator of 常州
leader         read-only leader of 常州
district       district staff of 溧阳市
town           town staff of 天目湖镇 (溧阳)
group_leader   团长 of 溧阳团 (also a member)
owner          member of 溧阳团 who owns the 溧阳 need once claimed
collaborator   member of 溧阳团, active collaborator of the 溧阳 need once claimed
invitee        member of 溧阳团, invited to the 溧阳 need once claimed
member         member of 溧阳团 with no link to the need
credited       member of 溧阳团 who collected the 溧阳 need (credited in ``members``)
nobody         a login with no role

Needs (keys of ``World.needs``): ``ly`` (溧阳团, 天目湖镇), ``jt`` (金坛团, 儒林镇), ``wx`` (无锡).
Each has its own owner, collaborators and credited member, none of them a user above.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from techmayor.accounts.choices import Role
from techmayor.accounts.services import role_grant, user_create
from techmayor.core.models import RegionLevel
from techmayor.needs.choices import CollaboratorStatus, NeedState
from techmayor.needs.models import Need, NeedCollaborator, OutcomeRound
from techmayor.needs.services import need_create
from techmayor.roster.choices import TenureRole
from techmayor.roster.services import batch_create, group_create
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, TenureFactory, city, district, member_in

ROLES = (
    "admin",
    "leader",
    "district",
    "town",
    "group_leader",
    "owner",
    "collaborator",
    "invitee",
    "member",
    "credited",
    "nobody",
)
MEMBERS = frozenset({"group_leader", "owner", "collaborator", "invitee", "member", "credited"})
OWNED = (NeedState.CLAIMED, NeedState.COMPLETION_SUBMITTED, NeedState.COMPLETED)
DAY = dt.date(2022, 1, 10)


def account(username: str, *grants, member=None):
    user = user_create(username=username, password="pw-For-Tests-1", must_change_password=False)
    for role, kw in grants:
        role_grant(user=user, role=role, **kw)
    if member is not None:
        member.user = user
        member.save()
    return user


@dataclass
class Place:
    """The people around one need (owner, collaborators, the member who collected it)."""

    group: object
    region: object
    need: Need
    keep: Need  # a second need of the same group (a merge target)
    owner: object
    collaborator: object
    invitee: object
    requester: object
    spare: object  # a member of the batch with no link (someone to invite)


@dataclass
class World:
    city: object
    liyang: object
    jintan: object
    town_ly: object
    town_jt: object
    users: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    places: dict = field(default_factory=dict)

    @property
    def needs(self) -> dict:
        return {key: place.need for key, place in self.places.items()}

    def place(self, key: str, state: str) -> Need:
        """Put the need ``key`` in ``state``: owned states get the owner and the collaboration links;
        completed needs get one outcome round waiting for approval."""
        p = self.places[key]
        need = p.need
        NeedCollaborator.objects.filter(need=need).delete()
        OutcomeRound.objects.filter(need=need).delete()
        owned = state in OWNED
        Need.objects.filter(pk=need.pk).update(
            state=state,
            owner=p.owner if owned else None,
            merged_into=None,
            state_reason="",
            title="电池低温续航不足",
            last_progress_at=None,
        )
        if owned:
            for member, status in (
                (p.collaborator, CollaboratorStatus.ACTIVE),
                (p.invitee, CollaboratorStatus.INVITED),
                (p.requester, CollaboratorStatus.REQUESTED),
            ):
                NeedCollaborator.objects.create(need=need, member=member, status=status)
        if state == NeedState.COMPLETED:
            OutcomeRound.objects.create(need=need, date=DAY, signed_amount_wan=Decimal("10"))
        need.refresh_from_db()
        return need

    def link(self, key: str, who: str) -> NeedCollaborator:
        p = self.places[key]
        return NeedCollaborator.objects.get(need=p.need, member=getattr(p, who))


def _place(group, region, *, owner=None, collaborator=None, invitee=None, credited=None) -> Place:
    owner = owner or member_in(group)
    collaborator = collaborator or member_in(group)
    invitee = invitee or member_in(group)
    credited = credited or member_in(group)
    enterprise = EnterpriseFactory(region=region)

    def need(title):
        return need_create(
            batch=group.batch,
            group=group,
            enterprise=enterprise,
            title=title,
            description="低温环境下电池容量衰减快，续航下降明显",
            date=DAY,
            members=[credited],
            region=region,
        )

    return Place(
        group=group,
        region=region,
        need=need("电池低温续航不足"),
        keep=need("储能系统热管理"),
        owner=owner,
        collaborator=collaborator,
        invitee=invitee,
        requester=member_in(group),
        spare=member_in(group),
    )


def build_world() -> World:
    changzhou = city()
    liyang = GroupFactory()  # 溧阳团, 第十四批, serving 溧阳市
    jintan = group_create(batch=liyang.batch, name="金坛团", district=district("金坛区"))
    town_ly = RegionFactory(name="天目湖镇", level=RegionLevel.TOWN, parent=liyang.district)
    town_jt = RegionFactory(name="儒林镇", level=RegionLevel.TOWN, parent=jintan.district)

    wuxi = RegionFactory(name="无锡市", level=RegionLevel.CITY, parent=changzhou.parent)
    jiangyin = RegionFactory(name="江阴市", level=RegionLevel.DISTRICT, parent=wuxi)
    town_wx = RegionFactory(name="华士镇", level=RegionLevel.TOWN, parent=jiangyin)
    wx_batch = batch_create(
        city=wuxi, number=14, start_date=dt.date(2021, 8, 1), end_date=dt.date(2022, 5, 31), is_active=True
    )
    jiangyin_group = group_create(batch=wx_batch, name="江阴团", district=jiangyin)

    world = World(city=changzhou, liyang=liyang, jintan=jintan, town_ly=town_ly, town_jt=town_jt)
    m = world.members
    m["group_leader"] = TenureFactory(group=liyang, batch=liyang.batch, role=TenureRole.LEADER).member
    for role in ("owner", "collaborator", "invitee", "member", "credited"):
        m[role] = member_in(liyang)

    world.places["ly"] = _place(
        liyang,
        town_ly,
        owner=m["owner"],
        collaborator=m["collaborator"],
        invitee=m["invitee"],
        credited=m["credited"],
    )
    world.places["jt"] = _place(jintan, town_jt)
    world.places["wx"] = _place(jiangyin_group, town_wx)

    u = world.users
    u["admin"] = account("admin", (Role.CITY_ADMIN, {"region": changzhou}))
    u["leader"] = account("leader", (Role.LEADER, {"region": changzhou}))
    u["district"] = account("district", (Role.DISTRICT_STAFF, {"region": liyang.district}))
    u["town"] = account("town", (Role.TOWN_STAFF, {"region": town_ly}))
    u["group_leader"] = account(
        "group_leader", (Role.GROUP_LEADER, {"group": liyang}), (Role.MEMBER, {}), member=m["group_leader"]
    )
    for role in ("owner", "collaborator", "invitee", "member", "credited"):
        u[role] = account(role, (Role.MEMBER, {}), member=m[role])
    u["nobody"] = account("nobody")
    return world

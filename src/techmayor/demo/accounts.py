"""Demo login accounts, one per role, shown on the login page in demo mode."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db.models import Count

from techmayor.accounts.choices import Role
from techmayor.accounts.services import DEMO_PASSWORD, role_grant, user_create
from techmayor.core.models import Region, RegionLevel
from techmayor.core.services import update_record
from techmayor.needs.models import Need
from techmayor.roster.choices import TenureRole
from techmayor.roster.models import Batch, Tenure


def build_demo_accounts(batch: Batch) -> list[str]:
    """Create the demo accounts for ``batch`` and return their usernames.

    溧阳团 is the example group: its leader, one member, the district's staff and the staff of the
    town with the most needs; the city's administrator and a read-only leader see the whole city, the province's
    administrator and leader every city of the province (decision 0020).
    """
    groups = {g.name: g for g in batch.groups.select_related("district")}
    liyang, jintan = groups["溧阳团"], groups["金坛团"]
    town = (
        Need.objects.filter(group=liyang, region__parent=liyang.district, region__level=RegionLevel.TOWN)
        .values("region")
        .annotate(n=Count("id"))
        .order_by("-n", "region")
        .first()
    )
    captain = Tenure.objects.select_related("member").get(group=liyang, role=TenureRole.LEADER).member
    member = Tenure.objects.select_related("member").filter(group=liyang, role=TenureRole.MEMBER).first().member
    jintan_member = Tenure.objects.select_related("member").filter(group=jintan, role=TenureRole.MEMBER).first().member

    accounts = [
        ("demo_admin", "市人才办管理员", [(Role.CITY_ADMIN, {"region": batch.city})], None),
        ("demo_leader", "市领导（只读）", [(Role.LEADER, {"region": batch.city})], None),
        ("demo_province", "省科技镇长团办公室", [(Role.PROVINCE_ADMIN, {"region": batch.city.parent})], None),
        ("demo_province_leader", "省领导（只读）", [(Role.PROVINCE_LEADER, {"region": batch.city.parent})], None),
        ("demo_district", "溧阳市科技局", [(Role.DISTRICT_STAFF, {"region": liyang.district})], None),
        ("demo_town", "镇科技办", [(Role.TOWN_STAFF, {"region_id": town["region"]})] if town else [], None),
        ("demo_captain", captain.name, [(Role.GROUP_LEADER, {"group": liyang}), (Role.MEMBER, {})], captain),
        ("demo_member", member.name, [(Role.MEMBER, {})], member),
        ("demo_member_jt", jintan_member.name, [(Role.MEMBER, {})], jintan_member),
    ]
    names = []
    # The password is public, so the accounts may share one salted hash: one Argon2 run instead of nine.
    password_hash = make_password(DEMO_PASSWORD)
    for username, display_name, roles, person in accounts:
        user = user_create(
            username=username,
            password=None,
            password_hash=password_hash,
            display_name=display_name,
            must_change_password=False,
            is_demo=True,
        )
        for role, scope in roles:
            if "region_id" in scope:
                scope = {"region": Region.objects.get(pk=scope["region_id"])}
            role_grant(user=user, role=role, **scope)
        if person is not None:
            update_record(person, user=user, audit_note="演示账号")
        names.append(username)
    return names

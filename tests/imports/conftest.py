"""A small world for the import tests: 溧阳团 and 金坛团 of one batch, two towns, members and accounts,
and helpers that write messy ledgers (title rows, merged two-row headers, GBK CSV …)."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import openpyxl
import pytest

from techmayor.accounts.choices import Role
from techmayor.core.models import RegionLevel
from techmayor.imports.engine import ImportContext
from techmayor.roster.services import group_create
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, UniversityFactory, city, district, member_in
from tests.web.conftest import account


@pytest.fixture
def w(db):
    liyang = GroupFactory()
    batch = liyang.batch
    jintan = group_create(batch=batch, name="金坛团", district=district("金坛区"))
    town_ly = RegionFactory(name="天目湖镇", level=RegionLevel.TOWN, parent=liyang.district)
    town_jt = RegionFactory(name="儒林镇", level=RegionLevel.TOWN, parent=jintan.district)
    zhang = member_in(liyang, member__name="张三")
    li = member_in(liyang, member__name="李四")
    wang = member_in(jintan, member__name="王五")
    hengyuan = EnterpriseFactory(name="常州恒远精密机械有限公司", region=town_ly)
    rulin = EnterpriseFactory(name="金坛新材料科技有限公司", region=town_jt)
    users = SimpleNamespace(
        admin=account("admin", (Role.CITY_ADMIN, {"region": city()})),
        ts_ly=account("ts_ly", (Role.TOWN_STAFF, {"region": town_ly})),
        m_zhang=account("m_zhang", (Role.MEMBER, {}), member=zhang),
        m_wang=account("m_wang", (Role.MEMBER, {}), member=wang),
        leader=account("leader", (Role.LEADER, {"region": city()})),
    )
    return SimpleNamespace(
        batch=batch, liyang=liyang, jintan=jintan, town_ly=town_ly, town_jt=town_jt, zhang=zhang, li=li, wang=wang,
        hengyuan=hengyuan, rulin=rulin, users=users, seu=UniversityFactory(name="东南大学"),
    )  # fmt: skip


def ctx_for(w, user, **kwargs) -> ImportContext:
    return ImportContext(user=user, batch=w.batch, **kwargs)


def xlsx(path, rows, merges=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def csv_file(path, rows, encoding="gbk"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path

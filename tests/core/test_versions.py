"""Lost updates: two people edit the same record; the second save is refused with what changed (field,
their value, yours), keeps the second person's input, and saves it when submitted again. Edits of
fields the form does not show (a need's state) are never written back by a stale form."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from techmayor.enterprises.models import Enterprise
from techmayor.ledger.models import Report
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from techmayor.needs.services import need_transition
from tests.needs.world import build_world as build_needs_world
from tests.web.conftest import url

pytestmark = pytest.mark.django_db


def version(response) -> str:
    match = re.search(r'name="version" value="([^"]+)"', response.content.decode())
    assert match, "the edit form carries its version"
    return match.group(1)


def enterprise_data(e: Enterprise, **changes) -> dict:
    data = {"name": e.name, "credit_code": e.credit_code or "", "region": e.region_id or "", "address": e.address}
    return {**data, "industry": e.industry_id or "", "description": e.description, **changes}


def test_a_stale_enterprise_save_is_refused_showing_what_changed_and_keeping_the_input(world):
    enterprise = world.e_ly
    edit = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    first, second = Client(), Client()
    first.force_login(world.users.admin)
    second.force_login(world.users.ts_ly)
    seen_first, seen_second = version(first.get(edit)), version(second.get(edit))

    data = enterprise_data(enterprise, description="第一人写的简介", version=seen_first)
    assert first.post(edit, data).status_code == 302

    data = enterprise_data(enterprise, address="第二人写的地址", description="", version=seen_second)
    response = second.post(edit, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "这条记录已被admin于" in html
    assert "「简介」他人改为：第一人写的简介；你填写：（空）" in html
    assert "第二人写的地址" in html  # the input is kept
    enterprise.refresh_from_db()
    assert (enterprise.description, enterprise.address) == ("第一人写的简介", "")

    # Submitting again, with the version the refusal carries, saves the second person's values on purpose.
    assert second.post(edit, {**data, "version": version(response)}).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.description, enterprise.address) == ("", "第二人写的地址")


def test_a_save_without_a_change_in_between_goes_through(login, world):
    enterprise = world.e_ly
    client = login(world.users.admin)
    edit = reverse("enterprises:enterprise_edit", args=[enterprise.pk])
    seen = version(client.get(edit))
    assert client.post(edit, enterprise_data(enterprise, address="新地址", version=seen)).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "新地址"


def test_every_record_edit_form_is_versioned(world):
    report = world.ly["report"]
    edit = url("report", "edit", report.pk)
    first, second = Client(), Client()
    first.force_login(world.users.m_ly)
    second.force_login(world.users.gl_ly)
    seen_first, seen_second = version(first.get(edit)), version(second.get(edit))
    base = {"date": str(report.date), "members": [world.ly_b.pk], "summary": ""}
    assert first.post(edit, {**base, "title": "第一人的题目", "version": seen_first}).status_code == 302
    response = second.post(edit, {**base, "title": "第二人的题目", "version": seen_second})
    html = response.content.decode()
    assert "「报告题目」他人改为：第一人的题目；你填写：第二人的题目" in html
    assert Report.objects.get(pk=report.pk).title == "第一人的题目"


def test_a_stale_need_edit_is_refused_and_never_writes_back_what_it_did_not_show(client):
    world = build_needs_world()
    need = world.place("ly", S.PENDING)
    edit = reverse("needs:need_edit", args=[need.pk])
    client.force_login(world.users["admin"])
    seen = version(client.get(edit))
    data = {"title": need.title, "description": "改过的描述", "kind": need.kind, "urgency": need.urgency}

    # Meanwhile the town verifies the need: a field the form does not show.
    need_transition(need=Need.objects.get(pk=need.pk), action="verify", by=world.users["town"])
    assert client.post(edit, {**data, "version": seen}).status_code == 302
    need.refresh_from_db()
    assert (need.state, need.description) == (S.VERIFIED, "改过的描述")

    # Meanwhile someone else changes the title: the form shows it, so the save is refused.
    seen = version(client.get(edit))
    Need.objects.filter(pk=need.pk).update(title="他人改的标题")
    Need.objects.get(pk=need.pk).save()  # a save moves the version on
    response = client.post(edit, {**data, "title": "我的标题", "version": seen})
    assert "「需求标题」他人改为：他人改的标题；你填写：我的标题" in response.content.decode()
    assert Need.objects.get(pk=need.pk).title == "他人改的标题"

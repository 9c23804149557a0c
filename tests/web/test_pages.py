"""Every page opens for the people who may use it, in Chinese, with the layout a phone needs."""

import re

import pytest
from django.urls import reverse

from techmayor.enterprises.choices import EnterpriseTagKind
from techmayor.enterprises.models import EnterpriseTag
from techmayor.roster.models import Tenure
from tests.web.conftest import KEYS, url

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    for path in ["/", url("visit", "list"), url("visit", "create"), "/enterprises/", "/roster/groups/", "/scorecard/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("accounts:login")), path


@pytest.mark.parametrize("who", ["admin", "m_ly", "gl_ly", "ts_ly", "ds_jt", "leader", "nobody"])
def test_home_page_opens_for_every_role(login, world, who):
    response = login(getattr(world.users, who)).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "我的待办" in html
    assert 'name="viewport"' in html


def test_home_page_of_a_member_shows_their_group_month_and_recent_work(login, world):
    html = login(world.users.m_ly).get("/").content.decode()
    assert "记一次走访" in html
    assert "溧阳团 · 本月" in html
    assert "我本人" in html
    assert "第十四批" in html
    assert "我最近的工作" in html
    assert url("visit", "detail", world.ly["visit"].pk) in html
    assert url("visit", "detail", world.jt["visit"].pk) not in html


def test_home_page_calls_the_need_to_dos_when_they_exist(login, world, monkeypatch):
    import techmayor.needs.selectors as need_selectors

    monkeypatch.setattr(
        need_selectors,
        "need_todos",
        lambda *, user: [{"label": "待核实的需求", "count": 3, "url": "/needs/?state=pending"}],
        raising=False,
    )
    html = login(world.users.m_ly).get("/").content.decode()
    assert "待核实的需求" in html
    assert "/needs/?state=pending" in html


def test_home_page_works_without_the_need_to_dos(login, world, monkeypatch):
    import techmayor.needs.selectors as need_selectors

    monkeypatch.delattr(need_selectors, "need_todos", raising=False)
    assert login(world.users.m_ly).get("/").status_code == 200


@pytest.mark.parametrize("key", KEYS)
def test_list_detail_create_and_edit_pages_open_for_an_administrator(login, world, key):
    client = login(world.users.admin)
    record = world.ly[key]
    for path in [url(key, "list"), url(key, "detail", record.pk), url(key, "create"), url(key, "edit", record.pk)]:
        response = client.get(path)
        assert response.status_code == 200, path
    response = client.get(url(key, "export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "path",
    [
        "/ledger/",
        "/enterprises/",
        "/enterprises/new/",
        "/roster/groups/",
        "/scorecard/",
        "/scorecard/drill/visits/",
        "/roster/me/",
    ],
)
def test_other_pages_open(login, world, path):
    assert login(world.users.gl_ly).get(path, follow=True).status_code == 200


def test_enterprise_group_and_member_pages_open(login, world):
    client = login(world.users.admin)
    assert client.get(f"/enterprises/{world.e_ly.pk}/").status_code == 200
    assert client.get(f"/enterprises/{world.e_ly.pk}/edit/").status_code == 200
    assert client.get(f"/roster/groups/{world.liyang.pk}/").status_code == 200
    assert client.get(f"/roster/groups/{world.liyang.pk}/?period=month").status_code == 200
    assert client.get(f"/roster/members/{world.ly_a.pk}/").status_code == 200
    assert client.get("/enterprises/export/").status_code == 200


def test_navigation_lists_the_built_pages(login, world):
    html = login(world.users.m_ly).get("/").content.decode()
    for path in ["/ledger/visits/", "/enterprises/", "/roster/groups/", "/ledger/"]:
        assert f'href="{path}"' in html


def test_a_link_can_fill_in_the_enterprise_of_a_new_record(login, world):
    client = login(world.users.m_ly)
    html = client.get(url("intent", "create") + f"?enterprise={world.e_ly.pk}").content.decode()
    assert f'<input type="hidden" name="enterprise" value="{world.e_ly.pk}">' in html
    html = client.get(url("visit", "create") + f"?enterprise={world.e_ly.pk}").content.decode()
    assert f'<input type="hidden" name="enterprise" value="{world.e_ly.pk}">' in html
    # An enterprise the user may not pick is not shown.
    html = login(world.users.gl_ly).get(url("intent", "create") + "?enterprise=999999").content.decode()
    assert 'name="enterprise" value="999999"' not in html


def test_pages_and_exports_work_in_english(login, world):
    client = login(world.users.admin)
    for path in ["/", url("visit", "list"), url("agreement", "detail", world.ly["agreement"].pk), "/enterprises/"]:
        assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").status_code == 200, path
    assert client.get(url("visit", "export"), HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_form_titles_read_as_english_phrases(login, world):
    client = login(world.users.admin)
    html = client.get(url("event", "create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Record " in html and "Record Record" not in html
    html = client.get(url("visit", "edit", world.ly["visit"].pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Edit " in html and "Update" not in html.split("</title>")[0]


@pytest.mark.parametrize(
    ("pin", "expected", "absent"),
    [
        # The demo's day: a batch in progress, May 2022 up to the 11th, and a badge saying today is pinned.
        ("2022-05-11", ["今天按 2022-05-11 计", "2022-05-01 — 2022-05-31"], ["已结束"]),
        # The real calendar (years later): the batch is over and its last month is shown.
        (None, ["（已结束）", "2022-05-01 — 2022-05-31", "批次已结束，显示最后一个月"], ["今天按"]),
    ],
)
def test_home_page_lives_on_the_business_day(login, world, settings, pin, expected, absent):
    import datetime as dt

    settings.TECHMAYOR_TODAY = dt.date.fromisoformat(pin) if pin else None
    html = login(world.users.m_ly).get("/").content.decode()
    for text in expected:
        assert text in html
    for text in absent:
        assert text not in html


def test_english_pages_use_english_punctuation_around_the_data(login, world):
    tenure = Tenure.objects.get(member=world.ly_a)
    Tenure.objects.filter(pk=tenure.pk).update(local_post="副镇长", local_region=world.town_ly)
    EnterpriseTag.objects.create(enterprise=world.e_ly, kind=EnterpriseTagKind.HIGH_TECH, year=2020)
    EnterpriseTag.objects.create(enterprise=world.e_ly, kind=EnterpriseTagKind.SRDI)
    client = login(world.users.m_ly)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"In post since \d{4}-\d\d-\d\d, day \d+", home)
    member = client.get(f"/roster/members/{world.ly_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Local post: {world.town_ly.name}副镇长" in member
    enterprises = login(world.users.admin).get("/enterprises/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "High-tech enterprise (2020), Specialised &amp; innovative SME" in enterprises
    chinese = login(world.users.admin).get("/enterprises/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "高新技术企业（2020）、专精特新" in chinese

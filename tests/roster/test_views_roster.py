"""Group and member pages: who serves, their figures linked to the records behind them, recent work."""

import pytest

from tests.web.conftest import build_world, make_record, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def test_group_page_shows_members_and_figures_that_drill_down(login, world):
    html = login(world.users.m_ly).get(f"/roster/groups/{world.liyang.pk}/").content.decode()
    assert "溧阳团长" in html and "团长" in html and "溧阳甲" in html
    assert f"/scorecard/drill/visits/?batch={world.batch.pk}&amp;group={world.liyang.pk}" in html
    assert "走访企业" in html and "家次" in html


def test_member_page_shows_their_figures_and_records(login, world):
    make_record("visit", group=world.liyang, member=world.ly_b, enterprise=world.e_ly, town=world.town_ly)
    client = login(world.users.gl_ly)
    html = client.get(f"/roster/members/{world.ly_a.pk}/").content.decode()
    assert f"member={world.ly_a.pk}" in html
    assert url("visit", "detail", world.ly["visit"].pk) in html
    drill = client.get(f"/scorecard/drill/visits/?member={world.ly_a.pk}").content.decode()
    assert url("visit", "detail", world.ly["visit"].pk) in drill
    assert drill.count("<tr><td") == 1


def test_a_member_sees_fellow_members_figures_but_only_their_own_records(login, world):
    other = make_record("visit", group=world.liyang, member=world.ly_b, enterprise=world.e_ly, town=world.town_ly)
    client = login(world.users.m_ly)
    html = client.get(f"/roster/members/{world.ly_b.pk}/").content.decode()
    assert response_ok(client, f"/roster/members/{world.ly_b.pk}/")
    assert url("visit", "detail", other.pk) not in html
    drill = client.get(f"/scorecard/drill/visits/?member={world.ly_b.pk}").content.decode()
    assert '走访企业 <span class="tm-figure">1</span>' in drill
    assert url("visit", "detail", other.pk) not in drill


def response_ok(client, path):
    return client.get(path).status_code == 200


def test_me_leads_to_the_members_page(login, world):
    response = login(world.users.m_ly).get("/roster/me/")
    assert response["Location"] == f"/roster/members/{world.ly_a.pk}/"
    assert login(world.users.admin).get("/roster/me/").status_code == 404


def test_the_period_switch(login, world):
    client = login(world.users.m_ly)
    html = client.get(f"/roster/groups/{world.liyang.pk}/?period=month").content.decode()
    assert "2022-05-01 — 2022-05-31" in html
    assert "start=2022-05-01" in html and "end=2022-05-31" in html


def test_scorecard_overview_shows_the_groups_the_reader_may_see(login, world):
    total = '<th scope="col" class="text-end">合计</th>'
    html = login(world.users.admin).get("/scorecard/").content.decode()
    assert total in html and "溧阳团" in html and "金坛团" in html
    html = login(world.users.m_ly).get("/scorecard/").content.decode()
    assert "溧阳团" in html and "金坛团" not in html and total not in html


def test_unknown_metric_and_bad_parameters_are_404(login, world):
    client = login(world.users.admin)
    assert client.get("/scorecard/drill/nothing/").status_code == 404
    assert client.get("/scorecard/drill/visits/?group=abc").status_code == 404
    assert client.get("/scorecard/drill/visits/?member=999999").status_code == 404


@pytest.mark.parametrize(
    "code",
    ["visits", "enterprises_visited", "needs_collected", "agreements", "received_amount_wan", "universities_engaged",
     "linked_enterprises", "outcome_signed_wan", "platforms_introduced", "talents_introduced"],
)  # fmt: skip
def test_every_kind_of_drill_down_opens(login, world, code):
    assert login(world.users.gl_ly).get(f"/scorecard/drill/{code}/?group={world.liyang.pk}").status_code == 200

"""Every role × scope × action on every list, detail, export, create and edit page.

The world has one record of each kind for 溧阳团 (about an enterprise in 天目湖镇, 溧阳市) and one
for 金坛团 (儒林镇, 金坛区). What each role must see is written out here, independently of the code:

- city admin and leader, province admin and province leader: both; district staff of 金坛区: 金坛团's;
  town staff of 天目湖镇: the 溧阳 records that concern a place in their town; group leader of 溧阳团:
  溧阳团's; a member: the records credited to them; a user without roles: nothing.
- create: city admin, province admin, group leader, members; everyone else 403.
- edit: city and province admin anything; group leader their group's; a member the records credited to them;
  read-only roles 403 on what they can read, and everyone 404 on what they cannot read.
"""

import io

import pytest
from openpyxl import load_workbook

from tests.web.conftest import KEYS, REGIONAL, url

pytestmark = pytest.mark.django_db

BOTH, LY, JT, NONE = {"ly", "jt"}, {"ly"}, {"jt"}, set()


def readable(who: str, key: str) -> set:
    return {
        "admin": BOTH,
        "leader": BOTH,
        "prov_admin": BOTH,
        "prov_leader": BOTH,
        "ds_jt": JT,
        "ts_ly": LY if key in REGIONAL else NONE,
        "gl_ly": LY,
        "m_ly": LY,
        "m_jt": JT,
        "nobody": NONE,
    }[who]


def editable(who: str) -> set:
    return {"admin": BOTH, "prov_admin": BOTH, "gl_ly": LY, "m_ly": LY, "m_jt": JT}.get(who, NONE)


WHO = ["admin", "leader", "prov_admin", "prov_leader", "ds_jt", "ts_ly", "gl_ly", "m_ly", "m_jt", "nobody"]
WRITERS = ("admin", "prov_admin", "gl_ly", "m_ly", "m_jt")


def records(world, side):
    return world.ly if side == "ly" else world.jt


# Each test runs every role against one kind of record (one world per kind keeps the suite quick).


@pytest.mark.parametrize("key", KEYS)
def test_lists_show_exactly_the_records_in_scope(login, world, key):
    for who in WHO:
        html = login(getattr(world.users, who)).get(url(key, "list")).content.decode()
        for side in ("ly", "jt"):
            link = url(key, "detail", records(world, side)[key].pk)
            assert (link in html) == (side in readable(who, key)), (who, key, side)


@pytest.mark.parametrize("key", KEYS)
def test_details_are_404_outside_the_scope(login, world, key):
    for who in WHO:
        client = login(getattr(world.users, who))
        for side in ("ly", "jt"):
            response = client.get(url(key, "detail", records(world, side)[key].pk))
            assert response.status_code == (200 if side in readable(who, key) else 404), (who, key, side)


@pytest.mark.parametrize("key", KEYS)
def test_exports_hold_exactly_the_records_in_scope(login, world, key):
    for who in WHO:
        response = login(getattr(world.users, who)).get(url(key, "export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row - 1 == len(readable(who, key)), (who, key)


@pytest.mark.parametrize("key", KEYS)
def test_create_forms_are_for_writers_only(login, world, key):
    for who in WHO:
        response = login(getattr(world.users, who)).get(url(key, "create"))
        assert response.status_code == (200 if who in WRITERS else 403), (who, key)


@pytest.mark.parametrize("key", KEYS)
def test_edit_is_404_outside_the_scope_and_403_when_read_only(login, world, key):
    for who in WHO:
        _check_edit(login(getattr(world.users, who)), world, who, key)


def _check_edit(client, world, who, key):
    for side in ("ly", "jt"):
        record = records(world, side)[key]
        if side in editable(who):
            expected = 200
        elif side in readable(who, key):
            expected = 403
        else:
            expected = 404
        assert client.get(url(key, "edit", record.pk)).status_code == expected, (who, key, side)
        # A POST fares no better than a GET, and changes nothing.
        if expected != 200:
            before = record.__class__.objects.get(pk=record.pk).date
            assert client.post(url(key, "edit", record.pk), {"date": "2021-10-01"}).status_code == expected
            assert record.__class__.objects.get(pk=record.pk).date == before


def test_a_liyang_member_cannot_reach_jintan_visits_through_any_url(login, world):
    client = login(world.users.m_ly)
    visit = world.jt["visit"]
    assert client.get(url("visit", "detail", visit.pk)).status_code == 404
    assert client.get(url("visit", "edit", visit.pk)).status_code == 404
    assert client.post(url("visit", "edit", visit.pk), {"date": "2021-09-02", "note": "x"}).status_code == 404
    assert visit.enterprise.name not in client.get(url("visit", "list")).content.decode()
    assert visit.enterprise.name not in client.get(url("visit", "list") + "?q=金坛").content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url("visit", "export")).content)).active
    assert all(visit.enterprise.name not in str(cell.value) for row in sheet.iter_rows() for cell in row)
    # Neither through the group filter, the enterprise page, the drill-down nor the home page.
    assert visit.enterprise.name not in client.get(url("visit", "list") + f"?group={world.jintan.pk}").content.decode()
    assert client.get(f"/enterprises/{visit.enterprise_id}/").status_code == 404
    assert client.get(f"/roster/groups/{world.jintan.pk}/").status_code == 404
    assert client.get(f"/scorecard/drill/visits/?group={world.jintan.pk}").status_code == 404
    assert client.get(f"/roster/members/{world.jt_a.pk}/").status_code == 404
    assert visit.enterprise.name not in client.get("/").content.decode()


def test_a_member_may_not_log_records_for_another_group(login, world):
    client = login(world.users.m_ly)
    response = client.post(
        url("report", "create"),
        {"title": "越权的报告", "date": "2021-09-05", "group": world.jintan.pk, "members": [world.jt_a.pk]},
    )
    # The group is not a field for a member: the report goes to their own group, credited to them.
    assert response.status_code == 302
    from techmayor.ledger.models import Report

    report = Report.objects.get(title="越权的报告")
    assert report.group == world.liyang
    assert set(report.members.all()) == {world.ly_a, world.jt_a}


def test_an_administrator_chooses_the_group_and_a_leader_only_their_own(login, world):
    admin_form = login(world.users.admin).get(url("report", "create")).content.decode()
    assert 'name="group"' in admin_form and "金坛团" in admin_form
    client = login(world.users.gl_ly)
    response = client.post(
        url("report", "create"),
        {"title": "团长的报告", "date": "2021-09-05", "group": world.jintan.pk, "members": [world.ly_b.pk]},
    )
    from techmayor.ledger.models import Report

    assert response.status_code == 302
    assert Report.objects.get(title="团长的报告").group == world.liyang


def test_an_edit_by_a_member_keeps_them_credited(login, world):
    client = login(world.users.m_ly)
    visit = world.ly["visit"]
    response = client.post(url("visit", "edit", visit.pk), {"date": "2021-09-03", "note": "改过", "members": []})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.note == "改过"
    assert list(visit.members.all()) == [world.ly_a]


def test_a_group_leader_edits_their_groups_records_but_not_others(login, world):
    client = login(world.users.gl_ly)
    visit = world.ly["visit"]
    response = client.post(
        url("visit", "edit", visit.pk), {"date": "2021-09-03", "note": "团长改", "members": [world.ly_b.pk]}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert list(visit.members.all()) == [world.ly_b]


def test_agreement_receipts_follow_the_edit_rights(login, world):
    agreement = world.jt["agreement"]
    data = {"date": "2021-10-01", "amount_wan": "10"}
    assert login(world.users.m_ly).post(f"/cooperation/agreements/{agreement.pk}/receipts/", data).status_code == 404
    assert login(world.users.ds_jt).post(f"/cooperation/agreements/{agreement.pk}/receipts/", data).status_code == 403
    assert login(world.users.m_jt).post(f"/cooperation/agreements/{agreement.pk}/receipts/", data).status_code == 302
    assert agreement.receipts.count() == 1


ENTERPRISE_READ = {
    "admin": BOTH,
    "leader": BOTH,
    "prov_admin": BOTH,
    "prov_leader": BOTH,
    "ds_jt": JT,
    "ts_ly": LY,
    "gl_ly": LY,
    "m_ly": LY,
    "m_jt": JT,
    "nobody": NONE,
}


def test_enterprise_pages_follow_the_scope(login, world):
    for who in WHO:
        client = login(getattr(world.users, who))
        html = client.get("/enterprises/").content.decode()
        sheet = load_workbook(io.BytesIO(client.get("/enterprises/export/").content)).active
        exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        for side, enterprise in (("ly", world.e_ly), ("jt", world.e_jt)):
            visible = side in ENTERPRISE_READ[who]
            assert (f'/enterprises/{enterprise.pk}/"' in html) == visible, (who, side)
            assert client.get(f"/enterprises/{enterprise.pk}/").status_code == (200 if visible else 404), (who, side)
            assert (enterprise.name in exported) == visible, (who, side)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("prov_admin", 200),
        ("gl_ly", 200),
        ("m_ly", 200),
        ("ts_ly", 200),
        ("leader", 403),
        ("prov_leader", 403),
        ("ds_jt", 404),
        ("m_jt", 404),
    ],
)
def test_enterprise_edit_rights(login, world, who, status):
    client = login(getattr(world.users, who))
    assert client.get(f"/enterprises/{world.e_ly.pk}/edit/").status_code == status
    response = client.post(f"/enterprises/{world.e_ly.pk}/contacts/", {"name": "王经理", "phone": "13800000000"})
    assert response.status_code == (302 if status == 200 else status)
    assert world.e_ly.contacts.filter(name="王经理").exists() == (status == 200)


def test_a_member_reads_enterprises_they_worked_with_outside_their_district(login, world):
    from tests.web.conftest import make_record

    client = login(world.users.m_ly)
    assert client.get(f"/enterprises/{world.e_jt.pk}/").status_code == 404
    make_record("visit", group=world.liyang, member=world.ly_a, enterprise=world.e_jt, town=world.town_jt)
    assert client.get(f"/enterprises/{world.e_jt.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "groups"),
    [
        ("admin", {"溧阳团", "金坛团"}),
        ("leader", {"溧阳团", "金坛团"}),
        ("prov_admin", {"溧阳团", "金坛团"}),
        ("prov_leader", {"溧阳团", "金坛团"}),
        ("ds_jt", {"金坛团"}),
        ("ts_ly", {"溧阳团"}),
        ("gl_ly", {"溧阳团"}),
        ("m_ly", {"溧阳团"}),
        ("m_jt", {"金坛团"}),
        ("nobody", set()),
    ],
)
def test_group_pages_and_figures_follow_the_scope(login, world, who, groups):
    client = login(getattr(world.users, who))
    html = client.get("/roster/groups/").content.decode()
    for group in (world.liyang, world.jintan):
        visible = group.name in groups
        assert (f"/roster/groups/{group.pk}/" in html) == visible
        assert client.get(f"/roster/groups/{group.pk}/").status_code == (200 if visible else 404)
        assert client.get(f"/scorecard/drill/visits/?group={group.pk}").status_code == (200 if visible else 404)


def test_drill_down_lists_only_the_records_the_reader_may_read(login, world):
    from tests.web.conftest import make_record

    # A visit of 溧阳团 by 溧阳乙 only: in the group's figure, but not readable by 溧阳甲.
    other = make_record("visit", group=world.liyang, member=world.ly_b, enterprise=world.e_ly, town=world.town_ly)
    client = login(world.users.m_ly)
    html = client.get(f"/scorecard/drill/visits/?group={world.liyang.pk}").content.decode()
    assert url("visit", "detail", world.ly["visit"].pk) in html
    assert url("visit", "detail", other.pk) not in html
    assert "共 2 条记录，你可查看其中 1 条" in html
    html = login(world.users.gl_ly).get(f"/scorecard/drill/visits/?group={world.liyang.pk}").content.decode()
    assert url("visit", "detail", other.pk) in html


def test_picker_search_offers_only_enterprises_the_user_may_pick(login, world):
    html = login(world.users.m_ly).get("/search/enterprise/?q=常州恒远").content.decode()
    assert world.e_ly.name in html
    # Writers may pick any enterprise of their city (public registry data) …
    assert world.e_jt.name in login(world.users.m_ly).get("/search/enterprise/?q=金坛新材料").content.decode()
    # … read-only roles only those they may read.
    assert world.e_jt.name not in login(world.users.ts_ly).get("/search/enterprise/?q=金坛新材料").content.decode()
    assert login(world.users.nobody).get("/search/enterprise/?q=金坛").content.decode().count("data-tm-pick") == 0

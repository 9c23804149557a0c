"""List pages of province and city roles over a province of several cities and batches (the benchmark's
builder on the test world): the same number of queries at every page size, the same rows in the same order
as the scope read record by record, and a count that stops at a bound without hiding later pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.province_build import build_province
from techmayor.accounts.scopes import scope_q
from techmayor.core import lists
from techmayor.ledger.models import Visit
from techmayor.ledger.selectors import PATHS, record_list
from techmayor.needs.models import Need
from techmayor.needs.selectors import need_paths, need_visible
from techmayor.needs.services import need_create
from techmayor.roster.models import Batch, Group, Tenure
from tests.scorecard.test_province_scale import another_city
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 9, 1)


@pytest.fixture
def province():
    """常州市 and two more cities, three batches each, every batch holding copies of the test world's
    records (with a few more needs): more than a page of 20 needs from nine batches of three cities."""
    world = build_world()
    for n in range(3):
        need_create(batch=world.batch, group=world.liyang, enterprise=world.e_ly, title=f"振动检测{n}",
                    description="振动检测", date=DAY, members=[world.ly_a])  # fmt: skip
    root = world.batch.city.parent
    another_city("无锡市", "320200", root)
    another_city("徐州市", "320300", root)
    build_province(template=world.batch, province=root, cities=3, batches=3, records=2000, log=lambda m: None)
    return world


def page(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def shown(response) -> list[int]:
    return [obj.pk for obj in response.context["page"].object_list]


@pytest.mark.parametrize("who", ["prov_admin", "admin"])
def test_the_need_list_costs_the_same_queries_at_20_and_100_rows_from_several_batches_and_cities(login, province, who):
    client = login(getattr(province.users, who))
    client.get("/needs/?per_page=20")  # warm up (session, content types)
    small, few = page(client, "/needs/?per_page=20")
    big, many = page(client, "/needs/?per_page=100")
    assert len(shown(big)) > len(shown(small)) == 20
    rows = Need.objects.filter(pk__in=shown(big)).order_by()
    cities = {"prov_admin": 3, "prov_leader": 3, "admin": 1}[who]
    assert rows.values("batch__city").distinct().count() == cities
    assert rows.values("batch").distinct().count() > cities  # several batches of each city
    assert many == few


def test_the_lists_show_the_rows_of_the_scope_in_date_order(login, province):
    """The need and visit lists give the rows and the order (-date, -id) of the records checked one by one
    against the reader's cities (readers of whole cities), or of the scope's sub-query (everyone)."""
    city = province.batch.city_id
    whole = {"prov_admin": None, "prov_leader": None, "admin": city, "leader": city}
    for who in ("prov_admin", "prov_leader", "admin", "leader", "m_ly", "gl_ly"):
        user = getattr(province.users, who)
        client = login(user)
        for model, path, paths in ((Need, "/needs/", need_paths(user)), (Visit, "/ledger/visits/", PATHS[Visit])):
            response = client.get(f"{path}?per_page=100")
            listed = shown(response)
            ordered = model.objects.select_related("batch").order_by("-date", "-id")
            inner = model.objects.filter(scope_q(user, paths)).values("pk")
            by_subquery = [r.pk for r in ordered.filter(pk__in=inner)]
            assert listed == by_subquery[:100], (who, path)
            assert response.context["page"].paginator.count == len(by_subquery) > 0
            if who in whole:
                one_by_one = [r.pk for r in ordered if whole[who] in (None, r.batch.city_id)]
                assert by_subquery == one_by_one, (who, path)


def test_a_count_past_the_bound_says_so_and_the_later_pages_stay_reachable(login, province, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_BOUND", 30)
    client = login(province.users.prov_admin)
    total = Need.objects.count()
    assert total > 60
    first = client.get("/needs/?per_page=20")
    paginator = first.context["page"].paginator
    assert (paginator.exact, paginator.count_label, paginator.pages_label) == (False, "30+", "2+")
    assert "共 30+ 条" in first.content.decode()
    assert "第 1 / 2+ 页" in first.content.decode()
    # Each page counts as far as it reaches: page 2 knows of page 3, and so on to the real last page.
    last = (total + 19) // 20
    seen = set(shown(first))
    for number in range(2, last + 1):
        response = client.get(f"/needs/?per_page=20&page={number}")
        assert response.context["page"].number == number
        assert response.context["page"].has_next() == (number < last)
        seen |= set(shown(response))
    assert len(seen) == total
    for absurd in ("9" * 40, "-3", "1e5", "二"):
        assert client.get(f"/needs/?per_page=20&page={absurd}").status_code == 200
    beyond = client.get(f"/needs/?per_page=20&page={last + 5}")
    assert beyond.context["page"].number == last and beyond.context["page"].paginator.exact
    assert beyond.context["page"].paginator.count == total


def test_the_visit_list_counts_with_the_bound_and_hides_the_last_page_link(login, province, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_BOUND", 30)
    client = login(province.users.prov_admin)
    assert Visit.objects.count() > 60
    html = client.get("/ledger/visits/?per_page=10").content.decode()
    assert ">30+</span>" in html and "1 / 4+" in html
    assert "最后一页" not in html and "下一页" in html
    few = Visit.objects.filter(batch=province.batch).count()
    assert 10 < few <= 30
    small = client.get(f"/ledger/visits/?per_page=10&batch={province.batch.pk}")
    assert small.context["page"].paginator.count == few  # fewer rows than the bound: an exact count
    assert "最后一页" in small.content.decode() and f">{few}</span>" in small.content.decode()


def test_the_need_filters_offer_the_readers_own_cities_groups_and_owners(login, province):
    """A city administrator's choices are their city's batches, groups and owners; a province
    administrator's every city's (the choices were every group and owner of the platform)."""
    for batch in Batch.objects.all():  # each batch's newest need owned by one of its members
        need = Need.objects.filter(batch=batch).first()
        need.owner = Tenure.objects.filter(batch=batch).first().member
        need.save(update_fields=["owner"])
    for who, cities in (("admin", {"常州市"}), ("prov_admin", {"常州市", "无锡市", "徐州市"})):
        form = login(getattr(province.users, who)).get("/needs/").context["filter"].form
        groups = Group.objects.filter(pk__in=form.fields["group"].queryset.values("pk"))
        assert set(groups.values_list("batch__city__name", flat=True)) == cities, who
        assert {b.city.name for b in form.fields["batch"].queryset} == cities, who
        owners = form.fields["owner"].queryset
        assert set(owners.values_list("tenures__batch__city__name", flat=True)) == cities, who


def test_the_owner_filter_offers_the_chosen_or_active_batches_owners_and_keeps_links_to_others(login, province):
    """A province's owners across its history are thousands: the filter offers the owners of the batch
    chosen, else of the reader's active batches; a link naming an owner of an old batch still filters, an
    owner of another city does not."""
    owned = {}
    for batch in Batch.objects.all():
        need = Need.objects.filter(batch=batch).first()
        need.owner = Tenure.objects.filter(batch=batch).order_by("pk").last().member
        need.save(update_fields=["owner"])
        owned[batch] = need.owner
    client = login(province.users.prov_admin)

    def offered(query=""):
        return set(client.get(f"/needs/{query}").context["filter"].form.fields["owner"].queryset)

    active = {b for b in owned if b.is_active}
    assert len({b.city_id for b in active}) == 3 and len(owned) > len(active)
    expected = {m for m in Need.objects.filter(batch__in=active).values_list("owner", flat=True) if m}
    assert {m.pk for m in offered()} == expected
    old = next(b for b in owned if not b.is_active and owned[b].pk not in expected)
    assert {m.pk for m in offered(f"?batch={old.pk}")} == set(
        Need.objects.filter(batch=old, owner__isnull=False).values_list("owner", flat=True)
    )
    response = client.get(f"/needs/?owner={owned[old].pk}")
    assert owned[old] in response.context["filter"].form.fields["owner"].queryset
    assert set(shown(response)) == set(Need.objects.filter(owner=owned[old]).values_list("pk", flat=True)) != set()
    elsewhere = next(m for b, m in owned.items() if b.city.name == "无锡市")
    response = login(province.users.admin).get(f"/needs/?owner={elsewhere.pk}")  # 常州市's administrator
    assert shown(response) == [] and response.context["filter"].form.errors


def test_whole_city_readers_are_scoped_on_the_batch_column_and_members_through_a_subquery(province):
    """Readers of whole cities filter the record's own batch column (an index serves it and the order); a
    scope through many-to-many relations (members) keeps the sub-query of primary keys that keeps rows
    unique."""
    for who in ("prov_admin", "prov_leader", "admin", "leader", "m_ly", "gl_ly"):
        user = getattr(province.users, who)
        for sql, table in ((str(need_visible(user).query), "needs_need"),
                           (str(record_list(Visit, user=user).query), "ledger_visit")):  # fmt: skip
            direct = f'"{table}"."batch_id" IN (SELECT' in sql and f'"{table}"."id" IN (SELECT' not in sql
            assert direct == (who in ("prov_admin", "prov_leader", "admin", "leader")), (who, table)


def test_the_ledger_member_filter_offers_the_chosen_or_active_batches_members(login, province):
    """The member filter of the ledger's lists follows the same rule as the need list's owners."""
    client = login(province.users.prov_admin)

    def offered(query=""):
        return {m.pk for m in client.get(f"/ledger/visits/{query}").context["filterset"].form.fields["member"].queryset}

    active = Batch.objects.filter(is_active=True)
    assert {b.city.name for b in active} == {"常州市", "无锡市", "徐州市"}
    assert offered() == set(Tenure.objects.filter(batch__in=active).values_list("member", flat=True))
    old = Batch.objects.filter(is_active=False).first()
    old_members = set(Tenure.objects.filter(batch=old).values_list("member", flat=True))
    assert offered(f"?batch={old.pk}") == old_members
    now = offered()
    credited = set(Visit.objects.filter(batch=old).values_list("members", flat=True))
    gone = next(pk for pk in old_members & credited if pk not in now)  # served in the old batch only
    response = client.get(f"/ledger/visits/?member={gone}")
    assert gone in {m.pk for m in response.context["filterset"].form.fields["member"].queryset}
    assert set(shown(response)) == set(Visit.objects.filter(members=gone).values_list("pk", flat=True)) != set()

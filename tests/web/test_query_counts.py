"""A list page costs the same number of SQL queries whatever its page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnterpriseFactory
from tests.web.conftest import KEYS, make_record, url

pytestmark = pytest.mark.django_db

EXTRA = 14  # with the world's record: 15 for the group, more than the small page holds


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def rows(response) -> int:
    return response.content.decode().count("<tr><td")


def add_many(world, *keys):
    """``EXTRA`` more records of each kind for 溧阳团, each credited to two members."""
    for key in keys:
        for n in range(EXTRA):
            enterprise = EnterpriseFactory(region=world.town_ly)
            member = world.ly_a if n % 2 else world.ly_b
            record = make_record(key, group=world.liyang, member=member, enterprise=enterprise, town=world.town_ly)
            record.members.add(world.ly_a, world.ly_b)
    return world


@pytest.fixture
def many(world):
    return add_many(world, "visit", "event", "agreement")


@pytest.mark.parametrize("key", KEYS)
def test_list_pages_cost_a_constant_number_of_queries(login, world, django_assert_num_queries, key):
    add_many(world, key)
    for who in ("admin", "m_ly", "gl_ly", "ts_ly"):
        client = login(getattr(world.users, who))
        small = queries(client, url(key, "list") + "?per_page=10")
        with django_assert_num_queries(small):
            response = client.get(url(key, "list") + "?per_page=50")
        if who in ("admin", "gl_ly", "m_ly"):
            assert rows(response) > 10, who  # the bigger page really holds more rows


@pytest.mark.parametrize("key", ["visit", "event", "agreement"])
def test_filtered_lists_and_exports_cost_a_constant_number_of_queries(login, many, django_assert_num_queries, key):
    client = login(many.users.admin)
    query = f"?group={many.liyang.pk}&member={many.ly_a.pk}&date_from=2021-08-01&mine=&q=-"
    small = queries(client, url(key, "list") + query + "&per_page=10")
    with django_assert_num_queries(small):
        client.get(url(key, "list") + query + "&per_page=100")
    few = queries(client, url(key, "export") + f"?group={many.jintan.pk}")
    with django_assert_num_queries(few):
        client.get(url(key, "export") + f"?group={many.liyang.pk}")


def test_enterprise_list_costs_a_constant_number_of_queries(login, many, django_assert_num_queries):
    for who in ("admin", "m_ly", "ts_ly"):
        client = login(getattr(many.users, who))
        small = queries(client, "/enterprises/?per_page=10")
        with django_assert_num_queries(small):
            response = client.get("/enterprises/?per_page=100")
        assert rows(response) > 10
        small = queries(client, "/enterprises/?per_page=10&q=cz")
        with django_assert_num_queries(small):
            client.get("/enterprises/?per_page=100&q=cz")


def test_drill_down_costs_a_constant_number_of_queries(login, many, django_assert_num_queries):
    client = login(many.users.gl_ly)
    path = f"/scorecard/drill/visits/?group={many.liyang.pk}"
    client.get(path)  # the batch's scorecard cells are built on first use
    small = queries(client, path + "&per_page=10")
    with django_assert_num_queries(small):
        response = client.get(path + "&per_page=50")
    assert rows(response) > 10

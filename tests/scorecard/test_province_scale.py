"""The synthetic province of the scale benchmark (``bench.province_build``) on a small template, and the
province's figures at a constant number of queries whatever the number of cities and batches."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.province_build import build_province
from techmayor.cooperation.services import agreement_receipt_add
from techmayor.core.models import Region, RegionLevel
from techmayor.enterprises.models import Enterprise
from techmayor.ledger.models import Visit
from techmayor.needs.services import need_create, need_transition
from techmayor.roster.models import Batch, Group, Tenure
from techmayor.scorecard import rollup
from techmayor.scorecard.comparisons import compare_batches, province_year
from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, live_value
from tests.factories import RegionFactory
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 9, 1)


def another_city(name: str, code: str, province: Region) -> Region:
    city = RegionFactory(name=name, level=RegionLevel.CITY, parent=province, code=code)
    district = RegionFactory(name=f"{name[:2]}区", level=RegionLevel.DISTRICT, parent=city, code=f"{code[:4]}02")
    RegionFactory(name=f"{name[:2]}镇", level=RegionLevel.TOWN, parent=district)
    return city


@pytest.fixture
def province():
    """The test world (常州市第十四批 with a record of every kind, a need on its way, money received) in a
    province of three cities; the other two have one district each (fewer than the template's groups)."""
    world = build_world()
    need = need_create(batch=world.batch, group=world.liyang, enterprise=world.e_ly, title="振动检测",
                       description="振动检测", date=DAY, members=[world.ly_a])  # fmt: skip
    need_transition(need=need, action="verify")
    agreement_receipt_add(agreement=world.ly["agreement"], date=DAY, amount_wan="3.5")
    root = world.batch.city.parent
    another_city("无锡市", "320200", root)
    another_city("徐州市", "320300", root)
    return world, root


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_builder_copies_the_template_into_every_batch_of_the_province_with_exact_cells(province):
    world, root = province
    template = world.batch
    before = {m.code: live_value(m, Scope(batch=template)) for m in SCORECARD_METRICS}
    visits = Visit.objects.filter(batch=template).count()
    built = build_province(template=template, province=root, cities=3, batches=2, records=1, log=lambda m: None)

    batches = list(Batch.objects.filter(city__parent=root).select_related("city"))
    assert built["batches"] == len(batches) == 6  # 3 cities × the 13th and 14th
    assert rollup.verify() == []  # the cells built in bulk are the cells the records give
    for batch in batches:
        assert Visit.objects.filter(batch=batch).count() == visits  # one copy each (the template is one)
        assert not Visit.objects.filter(batch=batch).exclude(date__range=(batch.start_date, batch.end_date)).exists()
        assert Tenure.objects.filter(batch=batch).count() >= 4
        figures = province_year(province=root, year=batch.start_date.year)
        totals = next(r["totals"] for r in figures["cities"] if r["city"] == batch.city.name)
        assert totals == {m.code: live_value(m, Scope(batch=batch)) for m in SCORECARD_METRICS}
        assert totals == before  # a copy counts what the template counts, 家 too (each city's own enterprises)
    wuxi = next(b for b in batches if b.city.name == "无锡市" and b.number == 13)
    assert wuxi.start_date == dt.date(2020, 8, 1)
    assert Group.objects.filter(batch=wuxi).count() == 2  # as many groups as the template, on its one district
    copied = Enterprise.objects.filter(visits__batch=wuxi).distinct()
    assert copied.count() == 2 and all(e.region.parent.parent.name == "无锡市" for e in copied)
    assert all(e.credit_code and e.credit_code != world.e_ly.credit_code for e in copied)


def test_the_province_and_a_citys_batches_cost_the_same_queries_whatever_their_number(province):
    world, root = province
    build_province(template=world.batch, province=root, cities=3, batches=3, records=1, log=lambda m: None)
    assert province_year(province=root, year=2021)["cities"][2]["totals"] is not None
    three_cities = queries(lambda: province_year(province=root, year=2021))
    three_batches = queries(lambda: compare_batches(city=world.batch.city, numbers=[12, 13, 14], months=3))

    elsewhere = RegionFactory(name="浙江省", level=RegionLevel.PROVINCE, parent=None)
    Region.objects.filter(parent=root, name__in=["无锡市", "徐州市"]).update(parent=elsewhere)
    result = province_year(province=root, year=2021)
    assert [r["city"] for r in result["cities"]] == ["常州市"]
    assert queries(lambda: province_year(province=root, year=2021)) == three_cities
    assert queries(lambda: compare_batches(city=world.batch.city, numbers=[13, 14], months=3)) == three_batches

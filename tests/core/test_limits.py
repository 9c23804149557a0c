"""Every count and amount lies in a sane range: the database refuses the rest, services and forms say so
on the field, an amount above the plausibility threshold needs "确认金额无误", and the scorecard
never meets a figure it cannot add up."""

import contextlib
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import DataError, IntegrityError, connection, transaction
from django.urls import reverse

from techmayor.cooperation.models import Agreement
from techmayor.core.errors import ApplicationError
from techmayor.core.limits import MAX_COUNT, MAX_WAN, MIGRATION_NOTE
from techmayor.core.models import AuditLog
from techmayor.ledger import models as ledger
from techmayor.ledger import services as ledger_services
from tests.web.conftest import url

pytestmark = pytest.mark.django_db

HUGE = 9223372036854775807
REFUSED = (IntegrityError, DataError)  # PostgreSQL's smallint refuses HUGE before the check does


@pytest.mark.parametrize(
    ("model", "key", "field", "value"),
    [
        (ledger.VisitorRecord, "visitor", "person_count", HUGE),
        (ledger.VisitorRecord, "visitor", "person_count", 0),
        (ledger.TalentIntroduction, "talent", "person_count", MAX_COUNT + 1),
        (ledger.ProjectBrokered, "project", "amount_wan", MAX_WAN + 1),
        (ledger.FundLanding, "fund", "amount_wan", Decimal("-1")),
        (Agreement, "agreement", "contract_amount_wan", MAX_WAN * 10),
    ],
)
def test_the_database_refuses_a_figure_out_of_range(world, model, key, field, value):
    record = world.ly[key]
    with pytest.raises(REFUSED), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: value})


def test_the_scorecard_shows_the_figures_after_a_refused_overflow(login, world):
    with pytest.raises(REFUSED), transaction.atomic():
        ledger.VisitorRecord.objects.filter(pk=world.ly["visitor"].pk).update(person_count=HUGE)
    client = login(world.users.admin)
    assert client.get(reverse("scorecard:overview")).status_code == 200
    assert client.get(reverse("roster:group_detail", args=[world.liyang.pk])).status_code == 200


def test_services_refuse_a_figure_out_of_range_naming_the_field(world):
    base = {"batch": world.batch, "group": world.liyang, "date": world.ly["visitor"].date, "members": [world.ly_a]}
    with pytest.raises(ApplicationError) as err:
        ledger_services.visitor_record_create(kind="expert", visitor_name="张教授", person_count=HUGE, **base)
    assert err.value.field == "person_count"
    with pytest.raises(ApplicationError) as err:
        ledger_services.fund_landing_create(fund_name="天量基金", amount_wan=MAX_WAN + 1, **base)
    assert err.value.field == "amount_wan"


def test_a_form_shows_the_range_in_chinese_on_the_field(login, world):
    client = login(world.users.m_ly)
    data = {"date": "2021-10-10", "kind": "expert", "visitor_name": "张教授", "person_count": str(HUGE)}
    response = client.post(url("visitor", "create"), data)
    assert response.status_code == 200
    assert "人次不能超过10000，请核对" in response.content.decode()
    assert not ledger.VisitorRecord.objects.filter(visitor_name="张教授").exists()

    data = {"date": "2021-10-10", "fund_name": "天量基金", "amount_wan": "99999999"}
    html = client.post(url("fund", "create"), data).content.decode()
    assert "规模(万元)不能超过10000000万元（1000亿元）" in html
    assert not ledger.FundLanding.objects.filter(fund_name="天量基金").exists()


def test_an_implausible_amount_needs_confirming_before_it_is_saved(login, world):
    client = login(world.users.m_ly)
    data = {"date": "2021-10-10", "fund_name": "大基金", "amount_wan": "200000"}
    html = client.post(url("fund", "create"), data).content.decode()
    assert "200000万元（20亿元）超过常见金额" in html
    assert 'name="confirm_amounts"' in html and "确认金额无误" in html
    assert not ledger.FundLanding.objects.filter(fund_name="大基金").exists()

    response = client.post(url("fund", "create"), {**data, "confirm_amounts": "on"})
    assert response.status_code == 302
    assert ledger.FundLanding.objects.get(fund_name="大基金").amount_wan == 200000


def test_an_ordinary_amount_asks_for_no_confirmation(login, world):
    html = login(world.users.m_ly).get(url("fund", "create")).content.decode()
    assert "confirm_amounts" not in html
    response = login(world.users.m_ly).post(
        url("fund", "create"), {"date": "2021-10-10", "fund_name": "小基金", "amount_wan": "100000"}
    )
    assert response.status_code == 302


@contextlib.contextmanager
def checks_off(model):
    """Let rows past the limits in, as a database migrated before the limits holds them (the test's
    transaction undoes it: SQLite's pragma lasts only for the block, PostgreSQL's DDL rolls back)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks before ALTER
            for constraint in model._meta.constraints:
                cursor.execute(f'ALTER TABLE "{model._meta.db_table}" DROP CONSTRAINT "{constraint.name}"')
        yield


def test_the_migration_brings_rows_past_the_limits_back_and_says_so_in_the_audit_log(world):
    OVER = MAX_COUNT + 5000  # within PostgreSQL's smallint, past the limit
    migration = importlib.import_module("techmayor.ledger.migrations.0002_figures_in_sane_range")
    huge, fine = world.ly["visitor"], world.jt["visitor"]
    fund = world.ly["fund"]
    with checks_off(ledger.VisitorRecord), checks_off(ledger.FundLanding):
        ledger.VisitorRecord.objects.filter(pk=huge.pk).update(person_count=OVER)
        ledger.FundLanding.objects.filter(pk=fund.pk).update(amount_wan=Decimal("-5"))
        migration.clamp(django_apps, None)
    assert ledger.VisitorRecord.objects.get(pk=huge.pk).person_count == MAX_COUNT
    assert ledger.VisitorRecord.objects.get(pk=fine.pk).person_count == fine.person_count
    assert ledger.FundLanding.objects.get(pk=fund.pk).amount_wan == 0
    notes = AuditLog.objects.filter(source="migration", note=MIGRATION_NOTE)
    changes = {(a.model, a.object_id, *(Decimal(v) for d in (a.before, a.after) for v in d.values())) for a in notes}
    assert changes == {
        ("ledger.visitorrecord", str(huge.pk), OVER, MAX_COUNT),
        ("ledger.fundlanding", str(fund.pk), -5, 0),
    }

"""Work already done cannot lie after today (the pinned day here): every record kind refuses a future date,
naming the field, on create and on edit; the day itself is accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from techmayor.cooperation.services import agreement_receipt_add
from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record
from techmayor.ledger.models import Visit
from techmayor.ledger.services import record_update
from techmayor.resources.models import Platform
from tests.web.conftest import KEYS, make_record

pytestmark = pytest.mark.django_db

PIN = dt.date(2022, 5, 11)
TOMORROW = PIN + dt.timedelta(days=1)  # still inside the batch's term (it ends on 2022-05-31)
MESSAGE = "晚于今天（2022-05-11）：已发生的工作不能填写未来的日期"


@pytest.fixture
def pinned(settings):
    settings.TECHMAYOR_TODAY = PIN


def _make(world, key, date):
    return make_record(key, group=world.liyang, member=world.ly_a, enterprise=world.e_ly, town=world.town_ly, date=date)


@pytest.mark.parametrize("key", KEYS)
def test_a_credited_record_dated_after_today_is_refused(world, pinned, key):
    with pytest.raises(ApplicationError) as exc:
        _make(world, key, TOMORROW)
    assert exc.value.field == "date"
    assert f"日期 {TOMORROW} {MESSAGE}" in exc.value.message
    assert _make(world, key, PIN).date == PIN  # today is fine


@pytest.mark.parametrize("key", ["visit", "report", "agreement"])
def test_an_edit_cannot_move_a_record_after_today(world, pinned, key):
    record = world.ly[key]
    with pytest.raises(ApplicationError) as exc:
        record_update(record=record, date=TOMORROW)
    assert exc.value.field == "date"
    record.refresh_from_db()
    assert record.date == dt.date(2021, 9, 1)


def test_a_receipt_dated_after_today_is_refused(world, pinned):
    agreement = world.ly["agreement"]
    with pytest.raises(ApplicationError) as exc:
        agreement_receipt_add(agreement=agreement, date=TOMORROW, amount_wan="10")
    assert exc.value.field == "date"
    assert exc.value.message.startswith("协议到账: 到账日期: ") and MESSAGE in exc.value.message
    assert agreement_receipt_add(agreement=agreement, date=PIN, amount_wan="10").date == PIN


def test_a_platform_cannot_be_founded_after_today_but_batches_may_be_planned(world, pinned):
    with pytest.raises(ApplicationError) as exc:
        create_record(Platform, name="常州智能制造研究院", established_on=TOMORROW)
    assert exc.value.field == "established_on" and "成立日期" in exc.value.message
    # A plan: a batch may start after today.
    from techmayor.roster.services import batch_create

    later = batch_create(
        city=world.batch.city, number=15, start_date=dt.date(2022, 8, 1), end_date=dt.date(2023, 5, 31)
    )
    assert later.start_date > PIN


def test_the_form_shows_the_refusal_on_the_date_field(world, pinned, login):
    client = login(world.users.m_ly)
    response = client.post(
        "/ledger/visits/new/",
        {"date": TOMORROW.isoformat(), "enterprise": world.e_ly.pk, "note": "", "need_title": [], "need_text": []},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert MESSAGE in " ".join(form.errors["date"])
    assert not Visit.objects.filter(date=TOMORROW).exists()

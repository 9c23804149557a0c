"""The need loop on the business day: a demo pinned to 2022-05-11 converts leads with the default date,
counts staleness from that day, and refuses progress or outcomes dated after it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.needs.choices import LeadSource
from techmayor.needs.choices import NeedState as S
from techmayor.needs.filters import stale_q
from techmayor.needs.models import Need, ProgressEntry
from techmayor.needs.services import lead_create, need_claim, outcome_round_add
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PIN = dt.date(2022, 5, 11)  # the demo's day
BATCH_END = dt.date(2022, 5, 31)


@pytest.fixture
def world():
    return build_world()


def date_value(html: str) -> str:
    """The value the date field shows the user."""
    return re.search(r'<input type="date" name="date" value="([^"]*)"', html).group(1)


def convert(client, lead, *, date: str):
    data = {
        "enterprise": "new",
        "new_enterprise_name": "常州天目电池有限公司",
        "credit_code": "",
        "group": "",
        "date": date,
        "title": "低温环境电池续航不足",
        "description": "冬季零下十度续航下降一半，寻求低温电解液合作",
        "kind": "technology",
        "urgency": "normal",
        "advance_to": S.VERIFIED,
    }
    page = client.get(reverse("needs:lead_convert", args=[lead.pk])).content.decode()
    data["group"] = re.search(r'<option value="(\d+)" selected>', page).group(1)  # the default group
    return client.post(reverse("needs:lead_convert", args=[lead.pk]), data)


@pytest.mark.parametrize(("pin", "expected"), [(PIN, PIN), (None, BATCH_END)])
def test_a_lead_received_today_converts_with_the_default_date(client, world, settings, pin, expected):
    """A public lead arrives now (the real clock says years after the batch); the page's default date is
    the pinned day (unpinned: the batch's end) and submitting it as it stands creates the need."""
    settings.TECHMAYOR_TODAY = pin
    lead = lead_create(source=LeadSource.PUBLIC, raw_text="冬天续航掉一半", title="低温续航", region=world.town_ly)
    client.force_login(world.users["town"])
    default = date_value(client.get(reverse("needs:lead_convert", args=[lead.pk])).content.decode())
    assert default == expected.isoformat()
    response = convert(client, lead, date=default)
    assert response.status_code == 302, response.content.decode()
    need = Need.objects.get(lead=lead)
    assert (need.date, need.group, need.state) == (expected, world.liyang, S.VERIFIED)


def test_a_lead_from_a_visit_converts_on_the_visit_day(client, world, settings):
    from techmayor.ledger.services import visit_log

    settings.TECHMAYOR_TODAY = PIN
    visit = visit_log(
        batch=world.liyang.batch,
        group=world.liyang,
        enterprise=world.places["ly"].need.enterprise,
        date=dt.date(2022, 3, 2),
        members=[world.members["credited"]],
    )
    lead = lead_create(source=LeadSource.VISIT, raw_text="走访时企业提到的需求", visit=visit)
    client.force_login(world.users["admin"])
    assert date_value(client.get(reverse("needs:lead_convert", args=[lead.pk])).content.decode()) == "2022-03-02"


def test_a_lead_received_on_the_pinned_day_carries_it_in_its_number(world, settings):
    settings.TECHMAYOR_TODAY = PIN
    lead = lead_create(source=LeadSource.TOWN, raw_text="线索原文", region=world.town_ly)
    assert lead.reference == "XQ202205110001"


def _last_progress(need, day: dt.date) -> Need:
    Need.objects.filter(pk=need.pk).update(last_progress_at=dt.datetime.combine(day, dt.time(9), tzinfo=SHANGHAI))
    return Need.objects.get(pk=need.pk)


@pytest.mark.parametrize(
    ("pin", "stale"),
    [
        (None, True),  # read in 2026, everything claimed in 2022 looks stale
        (PIN, False),  # on the demo's day: 21 days without progress
        (dt.date(2022, 5, 19), False),  # 29 days and some hours, whatever the real time of day
        (dt.date(2022, 5, 21), True),  # 30 days and more
    ],
)
def test_staleness_is_counted_from_the_business_day(client, world, settings, pin, stale):
    settings.TECHMAYOR_TODAY = pin
    need = _last_progress(world.place("ly", S.CLAIMED), dt.date(2022, 4, 20))
    assert need.is_stale is stale
    assert Need.objects.filter(stale_q(), pk=need.pk).exists() is stale
    client.force_login(world.users["owner"])
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert ("已超过30天没有填报进展" in page) is stale


def test_claiming_on_the_pinned_day_starts_the_30_days_there(world, settings):
    settings.TECHMAYOR_TODAY = PIN
    need = need_claim(need=world.place("ly", S.PUBLISHED), member=world.members["owner"])
    assert need.last_progress_at.astimezone(SHANGHAI).date() == PIN
    assert need.transitions.last().at.astimezone(SHANGHAI).date() == PIN
    assert not need.is_stale


@pytest.mark.parametrize(("pin", "expected"), [(PIN, PIN), (None, BATCH_END)])
def test_the_progress_form_defaults_to_the_business_day(client, world, settings, pin, expected):
    settings.TECHMAYOR_TODAY = pin
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["owner"])
    page = client.get(reverse("needs:need_progress", args=[need.pk])).content.decode()
    assert date_value(page) == expected.isoformat()


def test_progress_dated_after_the_pinned_day_is_refused_on_its_field(client, world, settings):
    settings.TECHMAYOR_TODAY = PIN
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["owner"])
    url = reverse("needs:need_progress", args=[need.pk])
    response = client.post(url, {"date": "2026-03-01", "current_status": "已联系专家", "next_step": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["进展日期 2026-03-01 不能晚于今天（2022-05-11）"]
    assert not ProgressEntry.objects.filter(need=need).exists()
    response = client.post(url, {"date": PIN.isoformat(), "current_status": "已联系专家", "next_step": ""})
    assert response.status_code == 302 and ProgressEntry.objects.get(need=need).date == PIN


def test_an_outcome_round_dated_after_the_pinned_day_is_refused(world, settings):
    settings.TECHMAYOR_TODAY = PIN
    need = world.place("ly", S.COMPLETED)
    with pytest.raises(ApplicationError) as exc:
        outcome_round_add(need=need, date=dt.date(2022, 5, 12), signed_amount_wan="20")
    assert exc.value.field == "date"
    assert "晚于今天（2022-05-11）" in exc.value.message
    assert outcome_round_add(need=need, date=PIN, signed_amount_wan="20").date == PIN

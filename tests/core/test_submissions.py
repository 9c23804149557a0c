"""Double submission: every create form carries a one-time key; the same form posted twice creates once
and the second post leads to what the first made. A form sent back with errors keeps its key and
goes through once corrected."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from techmayor.core.models import Submission
from techmayor.enterprises.models import Contact
from techmayor.ledger.models import Report
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import OutcomeRound
from tests.needs.world import build_world as build_needs_world
from tests.web.conftest import url

pytestmark = pytest.mark.django_db


def key(response) -> str:
    match = re.search(r'name="submission_key" value="([^"]+)"', response.content.decode())
    assert match, "the create form carries a one-time key"
    return match.group(1)


def test_an_outcome_submitted_twice_makes_one_round(client):
    world = build_needs_world()
    need = world.place("ly", S.COMPLETED)
    client.force_login(world.users["owner"])
    add = reverse("needs:outcome_add", args=[need.pk])
    before = OutcomeRound.objects.filter(need=need).count()
    data = {"date": "2022-03-01", "signed_amount_wan": "50", "received_amount_wan": "0", "investment_wan": "0"}
    data |= {"talents": "0", "patents": "1", "submission_key": key(client.get(add))}

    first = client.post(add, data)
    second = client.post(add, data, follow=True)
    assert first.status_code == 302
    assert OutcomeRound.objects.filter(need=need).count() == before + 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "该表单已经提交过，没有重复登记" in second.content.decode()


def test_every_record_create_form_submits_once(login, world):
    client = login(world.users.m_ly)
    create = url("report", "create")
    data = {"date": "2021-10-10", "title": "只登记一次的报告", "submission_key": key(client.get(create))}
    first, second = client.post(create, data), client.post(create, data)
    assert Report.objects.filter(title="只登记一次的报告").count() == 1
    assert second["Location"] == first["Location"]
    # Edit forms are versioned instead: they carry no one-time key.
    edit = client.get(url("report", "edit", Report.objects.get(title="只登记一次的报告").pk)).content.decode()
    assert "submission_key" not in edit


def test_a_form_sent_back_with_errors_goes_through_with_the_same_key_once_corrected(login, world):
    client = login(world.users.admin)
    enterprise = world.e_ly
    detail = reverse("enterprises:enterprise_detail", args=[enterprise.pk])
    add = reverse("enterprises:contact_add", args=[enterprise.pk])
    one_time = key(client.get(detail))
    refused = client.post(add, {"name": "", "submission_key": one_time})
    assert refused.status_code == 200 and key(refused) == one_time
    assert client.post(add, {"name": "王经理", "submission_key": one_time}).status_code == 302
    assert client.post(add, {"name": "王经理", "submission_key": one_time}).status_code == 302
    assert Contact.objects.filter(enterprise=enterprise, name="王经理").count() == 1


def test_keys_are_forgotten_after_a_day(login, world):
    client = login(world.users.m_ly)
    create = url("report", "create")
    Submission.objects.create(key="o" * 32)
    Submission.objects.filter(key="o" * 32).update(created_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    client.post(create, {"date": "2021-10-10", "title": "新报告", "submission_key": "n" * 32})
    assert list(Submission.objects.values_list("key", flat=True)) == ["n" * 32]


@pytest.mark.parametrize(
    "page",
    ["ledger:visit_create", "enterprises:enterprise_create", "needs:lead_create"],
)
def test_the_create_pages_carry_a_key(login, world, page):
    assert key(login(world.users.admin).get(reverse(page)))

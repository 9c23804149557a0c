"""The optional links through the forms and pages: an intent answers a need, an agreement comes from an intent."""

import datetime as dt

import pytest

from techmayor.cooperation.models import Agreement, Intent
from techmayor.needs.services import need_create
from tests.web.conftest import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def test_an_intent_names_its_need_and_an_agreement_its_intent_through_the_forms(client, world):
    need = need_create(batch=world.batch, group=world.liyang, enterprise=world.e_ly, title="振动检测",
                       description="产线振动", date=dt.date(2021, 9, 2), members=[world.ly_a])  # fmt: skip
    client.force_login(world.users.m_ly)
    form = client.get(url("intent", "create")).content.decode()
    assert 'name="need"' in form and "振动检测" in form
    data = {"date": "2021-10-10", "title": "振动检测合作意向", "enterprise": world.e_ly.pk,
            "university": world.ly["intent"].university_id, "need": need.pk}  # fmt: skip
    assert client.post(url("intent", "create"), data).status_code == 302
    intent = Intent.objects.get(title="振动检测合作意向")
    assert intent.need == need

    form = client.get(url("agreement", "create")).content.decode()
    assert 'name="intent"' in form and "振动检测合作意向" in form
    assert world.jt["intent"].title not in form  # another group's intent is not offered to this member
    data = {"date": "2021-11-10", "kind": "校企", "title": "振动检测技术服务合同", "enterprise": world.e_ly.pk,
            "university": intent.university_id, "contract_amount_wan": "50", "intent": intent.pk}  # fmt: skip
    assert client.post(url("agreement", "create"), data).status_code == 302
    agreement = Agreement.objects.get(title="振动检测技术服务合同")
    assert agreement.intent == intent

    detail = client.get(url("agreement", "detail", agreement.pk)).content.decode()
    assert url("intent", "detail", intent.pk) in detail and "来自意向" in detail
    detail = client.get(url("intent", "detail", intent.pk)).content.decode()
    assert url("agreement", "detail", agreement.pk) in detail and "振动检测技术服务合同" in detail


def test_a_form_refuses_an_intent_the_user_may_not_read(client, world):
    client.force_login(world.users.m_ly)
    data = {"date": "2021-11-10", "kind": "校企", "title": "越权合同", "enterprise": world.e_ly.pk,
            "university": world.ly["intent"].university_id, "contract_amount_wan": "50",
            "intent": world.jt["intent"].pk}  # fmt: skip
    response = client.post(url("agreement", "create"), data)
    assert response.status_code == 200 and not Agreement.objects.filter(title="越权合同").exists()
    assert response.context["form"].errors["intent"]

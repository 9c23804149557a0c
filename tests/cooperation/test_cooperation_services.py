import datetime as dt
from decimal import Decimal

import pytest

from techmayor.cooperation.models import Agreement, AgreementReceipt
from techmayor.cooperation.services import agreement_receipt_add, agreement_sign, agreement_update, intent_create
from techmayor.core.errors import ApplicationError
from techmayor.needs.services import need_create
from tests.factories import BatchFactory, EnterpriseFactory, GroupFactory, UniversityFactory, member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    group = GroupFactory()
    return group, member_in(group), EnterpriseFactory(), UniversityFactory()


def sign(world, amount, **kw):
    group, member, enterprise, university = world
    return agreement_sign(
        batch=group.batch,
        group=group,
        title="合作协议",
        university=university,
        enterprise=enterprise,
        contract_amount_wan=amount,
        date=dt.date(2022, 3, 1),
        members=[member],
        **kw,
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1", "合同金额不能为负数"),
        ("abc", "不是有效的金额"),
        ("1.00001", "最多保留4位小数"),
        ("NaN", "不是有效的金额"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_written(world, amount, message):
    with pytest.raises(ApplicationError, match=message):
        sign(world, amount)
    assert not Agreement.objects.exists()


def test_amounts_are_exact_decimals(world):
    agreement = sign(world, "1234.5678")
    agreement.refresh_from_db()
    assert agreement.contract_amount_wan == Decimal("1234.5678")


def test_receipts_are_increments_that_cannot_exceed_the_contract(world):
    agreement = sign(world, "100")
    agreement_receipt_add(agreement=agreement, date=dt.date(2022, 3, 5), amount_wan="60")
    agreement_receipt_add(agreement=agreement, date=dt.date(2022, 4, 5), amount_wan="40")
    with pytest.raises(ApplicationError, match="将超过合同金额"):
        agreement_receipt_add(agreement=agreement, date=dt.date(2022, 4, 6), amount_wan="0.01")
    with pytest.raises(ApplicationError, match="到账金额不能为0"):
        agreement_receipt_add(agreement=agreement, date=dt.date(2022, 4, 6), amount_wan="0")
    with pytest.raises(ApplicationError, match="早于协议签订日期"):
        agreement_receipt_add(agreement=agreement, date=dt.date(2022, 2, 1), amount_wan="1")
    assert AgreementReceipt.objects.count() == 2


def test_agreement_kind_needs_its_counterpart(world):
    with pytest.raises(ApplicationError, match="校地合作协议须指明合作地方"):
        sign(world, "10", kind="校地")
    group, _member, _, _university = world
    with pytest.raises(ApplicationError, match="须指明高校或专家"):
        intent_create(batch=group.batch, group=group, title="意向", enterprise=world[2], date=dt.date(2022, 1, 1))


def test_links_to_an_intent_or_a_need_stay_within_the_batch():
    group = GroupFactory()
    other = GroupFactory(batch=BatchFactory(number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 5, 31),
                                            is_active=False))  # fmt: skip
    member, old_member = member_in(group), member_in(other)
    enterprise, university = EnterpriseFactory(), UniversityFactory()
    old_need = need_create(batch=other.batch, group=other, enterprise=enterprise, title="旧需求", description="旧",
                           date=dt.date(2021, 1, 5), members=[old_member])  # fmt: skip
    base = {"batch": group.batch, "group": group, "members": [member], "enterprise": enterprise,
            "university": university, "date": dt.date(2021, 9, 1)}  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        intent_create(title="意向", need=old_need, **base)
    assert err.value.field == "need" and "第十三批" in str(err.value)
    old_intent = intent_create(**{**base, "batch": other.batch, "group": other, "members": [old_member],
                                  "date": dt.date(2021, 1, 9)}, title="旧意向")  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        agreement_sign(title="协议", contract_amount_wan="10", intent=old_intent, **base)
    assert err.value.field == "intent"
    intent = intent_create(title="意向", **base)
    agreement = agreement_sign(title="协议", contract_amount_wan="10", intent=intent, **base)
    assert agreement.intent == intent and list(intent.agreements.all()) == [agreement]
    with pytest.raises(ApplicationError):
        agreement_update(agreement=agreement, intent=old_intent)
    assert agreement_update(agreement=agreement, intent=None).intent is None

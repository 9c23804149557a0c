import datetime as dt
from decimal import Decimal

import pytest

from techmayor.cooperation.models import Agreement, AgreementReceipt
from techmayor.cooperation.services import agreement_receipt_add, agreement_sign, intent_create
from techmayor.core.errors import ApplicationError
from tests.factories import EnterpriseFactory, GroupFactory, UniversityFactory, member_in

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

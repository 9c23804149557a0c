import pytest

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.core.text import normalize_company_name
from techmayor.enterprises.choices import EnterpriseTagKind
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.services import clean_credit_code, enterprise_create, enterprise_duplicates
from tests.factories import credit_code

pytestmark = pytest.mark.django_db


def test_bad_check_digit_is_refused_with_a_chinese_message_and_nothing_written():
    good = credit_code(42)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ApplicationError) as err:
        enterprise_create(name="常州某某科技有限公司", credit_code=bad)
    assert err.value.message == f"统一社会信用代码「{bad}」校验位错误"
    assert err.value.field == "credit_code"
    assert not Enterprise.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [("91320412MA1", "应为18位，实际11位"), ("91320412MA1MXXXXXO", "格式错误")],
)
def test_malformed_credit_codes(code, message):
    with pytest.raises(ApplicationError, match=message):
        clean_credit_code(code)


def test_credit_code_is_normalised_and_empty_means_missing():
    code = credit_code(7)
    assert clean_credit_code(f" {code.lower()} ") == code
    assert clean_credit_code("") is None
    assert enterprise_create(name="无代码企业有限公司").credit_code is None


def test_a_credit_code_belongs_to_one_enterprise():
    code = credit_code(8)
    enterprise_create(name="常州甲科技有限公司", credit_code=code)
    with pytest.raises(ApplicationError, match="已属于企业「常州甲科技有限公司」"):
        enterprise_create(name="常州乙科技有限公司", credit_code=code)


def test_same_normalised_name_without_code_is_flagged_as_duplicate():
    enterprise_create(name="常州 恒远新材料 股份有限公司", tags=[(EnterpriseTagKind.HIGH_TECH, 2020)])
    with pytest.raises(ApplicationError, match="疑似重复企业"):
        enterprise_create(name="常州恒远新材料有限公司")
    with pytest.raises(ApplicationError, match="疑似重复企业"):
        enterprise_create(name="常州恒远新材料有限公司", credit_code=credit_code(9))
    confirmed = enterprise_create(name="常州恒远新材料有限公司", allow_similar_name=True)
    assert enterprise_duplicates(name="常州恒远新材料（有限公司）").count() == 2
    assert confirmed.normalized_name == "常州恒远新材料"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("常州ＡＢＣ科技有限公司", "常州abc科技股份有限公司"),
        ("江苏 胜伟策 有限公司", "江苏胜伟策有限责任公司"),
        ("常州（新北）精工有限公司", "常州(新北)精工有限公司"),
    ],
)
def test_normalised_names_match(a, b):
    assert normalize_company_name(a) == normalize_company_name(b)


def test_tags_are_written_with_their_year():
    enterprise = enterprise_create(
        name="常州丙科技有限公司", credit_code=credit_code(10), tags=[(EnterpriseTagKind.HIGH_TECH, 2021)]
    )
    tag = enterprise.tags.get()
    assert (tag.kind, tag.year, str(tag)) == ("high_tech", 2021, "高新技术企业（2021）")


def test_enterprise_names_are_cleaned_and_never_formulas():
    from techmayor.core.errors import ApplicationError
    from techmayor.enterprises.services import enterprise_create

    assert enterprise_create(name="常州\x00恒远\u200b机械有限公司").name == "常州恒远机械有限公司"
    with pytest.raises(ApplicationError, match="不能以「@」开头") as exc:
        enterprise_create(name="@SUM(1+1)*cmd|' /C calc'!A0")
    assert exc.value.field == "name"

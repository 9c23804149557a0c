"""Near-duplicate enterprises: the score, the form's hint, the page for administrators, the command, imports."""

import io

import pytest
from django.core.management import call_command

from techmayor.core.errors import ApplicationError
from techmayor.core.text import company_match_key, company_similarity
from techmayor.enterprises.dedupe import NameIndex
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.services import enterprise_create, enterprise_similar
from tests.factories import EnterpriseFactory, credit_code
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("常州恒远精密机械有限公司", "常州市恒远精密机械有限公司"),
        ("常州恒远精密机械有限公司", "常州恒远精密机械有限责任公司"),
        ("常州恒远（溧阳）精密机械有限公司", "常州恒远(溧阳)精密机械有限公司"),
        ("江苏省常州市恒远精密机械有限公司", "常州 恒远精密机械 有限公司"),
        ("常州ＡＢＣ科技有限公司", "常州abc科技股份有限公司"),
    ],
)
def test_the_same_company_written_differently_scores_100(a, b):
    assert company_match_key(a) == company_match_key(b)
    assert company_similarity(a, b) == 100


def test_near_names_score_below_100_and_different_companies_low():
    near = company_similarity("常州恒远精密机械有限公司", "常州恒远精密机器有限公司")
    assert 85 <= near < 100
    assert company_similarity("常州恒远精密机械有限公司", "金坛新材料科技有限公司") < 40
    # 市 is folded only as a city's level at the start, never inside a name.
    assert company_match_key("华润超市有限公司") == "华润超市"


def test_index_finds_near_names_best_first_and_pairs_once():
    rows = [
        (1, "常州恒远精密机械有限公司", "常州恒远精密机械"),
        (2, "常州市恒远精密机械有限责任公司", "常州市恒远精密机械"),
        (3, "常州恒远精密机器有限公司", "常州恒远精密机器"),
        (4, "金坛新材料科技有限公司", "金坛新材料科技"),
    ]
    index = NameIndex(rows)
    hits = index.near("常州市恒远精密机械有限公司")
    assert [(h.pk, h.score) for h in hits][:2] == [(1, 100), (2, 100)]
    assert hits[2].pk == 3 and 85 <= hits[2].score < 100
    assert index.best("金坛新材料科技（有限公司）").pk == 4
    assert index.best("无锡某某电子有限公司") is None
    pairs = [(a.pk, b.pk, s) for a, b, s in index.pairs(min_score=85)]
    assert pairs[0] == (1, 2, 100)
    assert {(a, b) for a, b, _s in pairs} == {(1, 2), (1, 3), (2, 3)}
    assert index.pairs(min_score=99) == [p for p in index.pairs(min_score=85) if p[2] >= 99]


def test_creating_a_near_duplicate_is_refused_with_its_score_until_confirmed():
    EnterpriseFactory(name="常州恒远精密机械有限公司")
    with pytest.raises(ApplicationError) as err:
        enterprise_create(name="常州市恒远精密机械有限责任公司")
    assert err.value.message == (
        "疑似重复企业：已有「常州恒远精密机械有限公司」（相似度 100%），请核对后选择已有企业或确认新建"
    )
    with pytest.raises(ApplicationError, match=r"相似度 (8[89]|9\d)%"):
        enterprise_create(name="常州恒远精密机械设备有限公司")
    made = enterprise_create(name="常州市恒远精密机械有限责任公司", allow_similar_name=True)
    assert Enterprise.objects.count() == 2
    assert [(e.pk, s) for e, s in enterprise_similar(name="常州恒远精密机械有限公司")][:2] == [
        (Enterprise.objects.first().pk, 100),
        (made.pk, 100),
    ]


def test_credit_code_holder_is_listed_first():
    code = credit_code(3)
    holder = EnterpriseFactory(name="另一个名字有限公司", credit_code=code)
    found = enterprise_similar(name="完全不同的企业", credit_code=code)
    assert found == [(holder, 100)]


@pytest.fixture
def world(db):
    return build_world()


def test_the_form_shows_near_duplicates_with_a_score_as_the_name_is_typed(client, world):
    client.force_login(world.users.m_ly)
    html = client.get("/enterprises/duplicates/", {"name": "常州市恒远精密机械有限责任公司"}).content.decode()
    assert "可能重复" in html and "相似度 100%" in html and f"/enterprises/{world.e_ly.pk}/" in html
    assert "相似度" not in client.get("/enterprises/duplicates/", {"name": "无关企业"}).content.decode()
    # editing excludes the enterprise itself
    html = client.get("/enterprises/duplicates/", {"name": world.e_ly.name, "exclude": world.e_ly.pk}).content
    assert "相似度" not in html.decode()
    assert client.get("/enterprises/duplicates/", {"name": "x", "exclude": "abc"}).status_code == 200
    # the form posts and shows the duplicate with its score; the page wires the check
    page = client.get("/enterprises/new/").content.decode()
    assert 'hx-get="/enterprises/duplicates/"' in page
    html = client.post("/enterprises/new/", {"name": "常州市恒远精密机械有限公司"}).content.decode()
    assert "疑似重复企业" in html and "相似度 100%" in html


def test_read_only_roles_get_no_hint(client, world):
    client.force_login(world.users.leader)
    html = client.get("/enterprises/duplicates/", {"name": world.e_ly.name}).content.decode()
    assert "相似度" not in html


def test_the_enterprise_page_lists_duplicates_for_city_admins_only(client, world):
    twin = EnterpriseFactory(name="常州市恒远精密机械有限责任公司", region=world.e_ly.region)
    client.force_login(world.users.admin)
    html = client.get(f"/enterprises/{world.e_ly.pk}/").content.decode()
    assert "可能重复的企业" in html and f"/enterprises/{twin.pk}/" in html and "相似度 100%" in html
    client.force_login(world.users.gl_ly)
    html = client.get(f"/enterprises/{world.e_ly.pk}/").content.decode()
    assert "可能重复的企业" not in html


def test_command_lists_pairs_above_the_minimum_score():
    a = EnterpriseFactory(name="常州恒远精密机械有限公司")
    b = EnterpriseFactory(name="常州市恒远精密机械有限责任公司")
    c = EnterpriseFactory(name="常州恒远精密机器有限公司")
    EnterpriseFactory(name="金坛新材料科技有限公司")
    out, err = io.StringIO(), io.StringIO()
    call_command("enterprises", "duplicates", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"100%\t{a.pk}\t{a.name}\t{b.pk}\t{b.name}"
    assert len(lines) == 3 and "3 对" in err.getvalue()
    out = io.StringIO()
    call_command("enterprises", "duplicates", "--min-score", "99", stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines() == [f"100%\t{a.pk}\t{a.name}\t{b.pk}\t{b.name}"]
    assert str(c.pk) not in out.getvalue()

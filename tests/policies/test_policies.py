"""The policy library (政策库): who reads and who maintains it, search and filters, files, demo entries,
and linking a policy to a need (哪项政策有帮助) shown on the need page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techmayor.core.attachments import attachments_of
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import NeedPolicy
from techmayor.policies.demo import DEMO_POLICIES, load_demo_policies
from techmayor.policies.models import Policy
from techmayor.policies.services import clean_tags, policy_create
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    w = build_world()
    w.talent = policy_create(
        title="常州市“龙城英才计划”实施办法",
        level="city",
        issuer="中共常州市委、常州市人民政府",
        document_number="常发〔2022〕测1号",
        issued_on=dt.date(2022, 2, 18),
        tags="人才引进、创新创业",
        summary="高层次人才来常创新创业的支持。",
    )
    w.old = policy_create(
        title="武进区促进产学研合作若干政策",
        level="district",
        issuer="常州市武进区人民政府",
        issued_on=dt.date(2021, 9, 1),
        valid_to=dt.date(2023, 12, 31),
        tags=["产学研", "校企合作"],
    )
    w.province = policy_create(
        title="江苏省科技成果转化专项资金管理办法",
        level="province",
        issuer="江苏省财政厅、江苏省科学技术厅",
        issued_on=dt.date(2021, 3, 15),
        tags="成果转化,专项资金",
        summary="支持企业承接高校院所科技成果开展产业化。",
    )
    return w


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def test_everyone_with_a_role_reads_the_library_only_city_admins_maintain_it(client, world):
    for role in ("admin", "leader", "district", "town", "group_leader", "member"):
        c = login(client, world, role)
        assert c.get("/policies/").status_code == 200, role
        assert c.get(f"/policies/{world.talent.pk}/").status_code == 200, role
        expected = 200 if role == "admin" else 403
        assert c.get("/policies/new/").status_code == expected, role
        assert c.get(f"/policies/{world.talent.pk}/edit/").status_code == expected, role
    c = login(client, world, "member")
    assert (
        c.post(
            "/policies/new/", {"title": "越权", "level": "city", "issuer": "x", "issued_on": "2022-01-01"}
        ).status_code
        == 403
    )
    assert not Policy.objects.filter(title="越权").exists()
    c = login(client, world, "nobody")
    assert c.get("/policies/").status_code == 403
    assert c.get(f"/policies/{world.talent.pk}/").status_code == 404


def test_search_and_filters(client, world):
    c = login(client, world, "member")

    def titles(**params):
        html = c.get("/policies/", params).content.decode()
        return {p.title for p in (world.talent, world.old, world.province) if p.title in html}

    assert titles(q="龙城英才") == {world.talent.title}
    assert titles(q="常发〔2022〕") == {world.talent.title}  # document number
    assert titles(q="产业化") == {world.province.title}  # summary
    assert titles(q="校企合作") == {world.old.title}  # tag
    assert titles(q="常州市 人才") == {world.talent.title}  # every word
    assert titles(level="province") == {world.province.title}
    assert titles(tag="专项资金") == {world.province.title}
    assert titles(validity="expired") == {world.old.title}
    assert titles(validity="valid") == {world.talent.title, world.province.title}
    assert titles(issued_from="2022-01-01") == {world.talent.title}
    assert c.get("/policies/", {"issued_from": "not a date", "validity": "nope"}).status_code == 200
    response = c.get("/policies/export/", {"level": "city"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_city_admin_adds_a_policy_with_its_file_and_changes_it(client, world):
    c = login(client, world, "admin")
    data = {
        "title": "常州市科技创新券管理办法",
        "level": "city",
        "issuer": "常州市科学技术局",
        "document_number": "",
        "issued_on": "2023-07-01",
        "valid_from": "2023-07-01",
        "tags": "创新券，检验检测 技术服务",
        "summary": "中小企业购买技术服务可用创新券抵扣。",
        "source_url": "https://kjj.changzhou.gov.cn/",
        "document": SimpleUploadedFile("创新券办法.pdf", PDF, content_type="application/pdf"),
    }
    response = c.post("/policies/new/", data)
    policy = Policy.objects.get(title="常州市科技创新券管理办法")
    assert response.status_code == 302 and response["Location"] == f"/policies/{policy.pk}/"
    assert policy.tag_list == ["创新券", "检验检测", "技术服务"] and policy.created_by == world.users["admin"]
    assert [a.original_name for a in attachments_of(policy)] == ["创新券办法.pdf"]
    assert AuditLog.objects.filter(model="policies.policy", object_id=str(policy.pk), action="create").exists()
    page = c.get(f"/policies/{policy.pk}/").content.decode()
    assert "创新券办法.pdf" in page and "有效" in page
    attachment = attachments_of(policy).get()
    download = login(client, world, "member").get(f"/files/{attachment.pk}/")
    assert download.status_code == 200  # whoever reads the library reads its files
    c = login(client, world, "admin")
    edit = {k: v for k, v in data.items() if k != "document"} | {"valid_to": "2025-12-31"}
    assert c.post(f"/policies/{policy.pk}/edit/", edit).status_code == 302
    policy.refresh_from_db()
    assert policy.valid_to == dt.date(2025, 12, 31)
    assert "有效期止" in c.get(f"/policies/{policy.pk}/?tab=history").content.decode()


def test_bad_input_gets_a_clear_message(client, world):
    c = login(client, world, "admin")
    base = {"title": "新政策", "level": "city", "issuer": "常州市科学技术局", "issued_on": "2023-01-01"}
    html = c.post("/policies/new/", base | {"valid_from": "2023-05-01", "valid_to": "2023-01-01"}).content.decode()
    assert "有效期止不能早于有效期起" in html
    html = c.post("/policies/new/", base | {"issued_on": "2999-01-01"}).content.decode()
    assert "发布日期不能晚于今天" in html
    html = c.post("/policies/new/", base | {"document_number": "常发〔2022〕测1号"}).content.decode()
    assert "文号「常发〔2022〕测1号」的政策已在政策库中" in html
    html = c.post("/policies/new/", base | {"title": "=CMD()"}).content.decode()
    assert "不能以「=」开头" in html
    bad_file = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    html = c.post("/policies/new/", base | {"document": bad_file}).content.decode()
    assert "附件" in html or "文件" in html
    assert not Policy.objects.filter(title="新政策").exists()
    with pytest.raises(ApplicationError, match="超过20个字"):
        clean_tags("这是一个非常非常非常非常非常长的标签名称啊")


def test_demo_policies_are_loaded_once_and_marked(world):
    before = Policy.objects.count()
    new = [p for p in DEMO_POLICIES if not Policy.objects.filter(title=p["title"]).exists()]
    assert len(new) == len(DEMO_POLICIES) - 3  # the world's three share their titles
    assert load_demo_policies() == f"政策库：新增 {len(new)} 条演示政策"
    assert load_demo_policies() == "政策库：新增 0 条演示政策"
    demo = Policy.objects.filter(is_demo=True)
    assert demo.count() == len(new) == Policy.objects.count() - before
    assert {p.level for p in demo} == {"province", "city", "district"}
    assert all("演示数据" in p.summary for p in demo)


def test_linking_a_policy_to_a_need_shows_on_the_need_page(client, world):
    need = world.place("ly", S.CLAIMED)
    c = login(client, world, "owner")
    page = c.get(f"/needs/{need.pk}/").content.decode()
    assert "有帮助的政策" in page and f'action="/needs/{need.pk}/policies/"' in page
    response = c.post(f"/needs/{need.pk}/policies/", {"policy": world.talent.pk, "note": "可申报人才项目资助"})
    assert response.status_code == 302
    link = NeedPolicy.objects.get(need=need, policy=world.talent)
    assert link.note == "可申报人才项目资助" and link.created_by == world.users["owner"]
    assert AuditLog.objects.filter(model="needs.needpolicy", object_id=str(link.pk), action="create").exists()
    page = c.get(f"/needs/{need.pk}/").content.decode()
    assert world.talent.title in page and "可申报人才项目资助" in page and f"/policies/{world.talent.pk}/" in page
    # the same policy twice is refused with a message; the form no longer offers it
    html = c.post(f"/needs/{need.pk}/policies/", {"policy": world.talent.pk}).content.decode()
    assert "选择一个有效的选项" in html or "已关联到这条需求" in html
    # readers of the need see the link, without the controls
    page = login(client, world, "leader").get(f"/needs/{need.pk}/").content.decode()
    assert world.talent.title in page and f"/needs/{need.pk}/policies/{link.pk}/remove/" not in page
    # removing hides it (kept for the audit trail); linking again shows it once more
    c = login(client, world, "admin")
    assert c.post(f"/needs/{need.pk}/policies/{link.pk}/remove/").status_code == 302
    link.refresh_from_db()
    assert link.is_removed
    assert f"/policies/{world.talent.pk}/" not in c.get(f"/needs/{need.pk}/").content.decode()
    assert c.post(f"/needs/{need.pk}/policies/{link.pk}/remove/").status_code == 404
    assert c.post(f"/needs/{need.pk}/policies/", {"policy": world.talent.pk}).status_code == 302
    assert NeedPolicy.objects.filter(need=need).count() == 1 and not NeedPolicy.objects.get(need=need).is_removed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("town", True),
        ("owner", True),
        ("collaborator", True),
        ("credited", True),
        ("group_leader", True),
        ("member", False),
        ("invitee", False),
        ("leader", False),
        ("district", False),
        ("nobody", False),
    ],
)
def test_who_may_link_a_policy(client, world, role, allowed):
    need = world.place("ly", S.CLAIMED)
    c = login(client, world, role)
    response = c.post(f"/needs/{need.pk}/policies/", {"policy": world.province.pk})
    if allowed:
        assert response.status_code == 302, role
        assert NeedPolicy.objects.filter(need=need, policy=world.province).exists()
    else:
        assert response.status_code in (403, 404), role
        assert not NeedPolicy.objects.exists()


def test_no_links_on_a_cancelled_need_or_one_out_of_scope(client, world):
    need = world.place("ly", S.CANCELLED)
    c = login(client, world, "admin")
    assert c.post(f"/needs/{need.pk}/policies/", {"policy": world.province.pk}).status_code == 403
    other = world.place("wx", S.CLAIMED)  # another city's need
    assert c.post(f"/needs/{other.pk}/policies/", {"policy": world.province.pk}).status_code == 404
    assert not NeedPolicy.objects.exists()


def test_demo_policies_load_on_the_demo_day(world, settings):
    """The demo is built again on an installation already pinned to its day (2022-05-11): no demo
    policy may be dated after it."""
    settings.TECHMAYOR_TODAY = dt.date(2022, 5, 11)
    assert all(entry["issued_on"] <= settings.TECHMAYOR_TODAY for entry in DEMO_POLICIES)
    load_demo_policies()  # refused ("发布日期不能晚于今天") when one was dated after the demo's day
    assert {p["title"] for p in DEMO_POLICIES} <= set(Policy.objects.values_list("title", flat=True))

"""The briefing on a small world: the roster sentence's rule, zeros left out, the CLI's errors, the page's rights."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as Docx

from techmayor.roster.models import DispatchUnit, Tenure
from techmayor.scorecard.briefing import Figure, briefing
from tests.factories import UniversityFactory, member_in
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db
URL = reverse("scorecard:briefing")
UNTIL = dt.date(2021, 12, 31)


@pytest.fixture
def world(db):
    return build_world()


def test_the_roster_sentence_names_national_then_provincial_bodies_then_universities(world):
    units = [
        ("南京大学", "university", "4132010284"),
        ("江苏省发展和改革委员会", "government", None),
        ("同济大学", "university", "4131010247"),
        ("中国科学院物理研究所", "institute", None),
        ("国家市场监督管理总局", "government", None),
        ("江苏省人民政府办公厅", "government", None),
    ]
    for name, kind, code in units:
        university = UniversityFactory(code=code, name=name) if code else None
        unit = DispatchUnit.objects.create(name=name, kind=kind, university=university)
        member_in(world.jintan, dispatch_unit=unit)
    member_in(world.liyang, dispatch_unit=DispatchUnit.objects.get(name="南京大学"))  # 南京大学 sends two

    text = briefing(batch=world.batch, until=UNTIL).sections[0].text
    units_count = Tenure.objects.filter(batch=world.batch).values("dispatch_unit").distinct().count()
    members = Tenure.objects.filter(batch=world.batch).values("member").distinct().count()
    assert text.startswith(
        f"常州市第十四批科技镇长团分2个支团共{members}名成员，分别来自"
        f"国家市场监管总局、省政府办公厅、省发改委、南京大学、同济大学等{units_count}家单位。"
    )


def test_figures_that_are_zero_are_left_out_and_every_figure_links_to_its_records(world):
    draft = briefing(batch=world.batch, until=UNTIL, group=world.liyang)
    assert draft.title == "常州市第十四批科技镇长团溧阳团工作简报"
    figures = draft.figures
    assert figures and all(f.value for f in figures)
    assert not re.search(r"(?<![\d.])0(余)?[^\d.万亿]", draft.document().markdown())
    codes = {f.code for f in figures}
    assert {"visits", "agreements", "contract_amount_wan"} <= codes and "needs_completed" not in codes
    assert all(f.url.startswith(reverse("scorecard:drill", args=[f.code])) for f in figures)
    assert all(f"group={world.liyang.pk}" in f.url and "end=2021-12-31" in f.url for f in figures)
    assert "2021年8月到位以来，截至2021年12月31日" in draft.document().markdown()


def test_a_batch_with_no_records_says_so(world):
    draft = briefing(batch=world.batch, until=dt.date(2021, 8, 2))
    assert not draft.figures
    assert "尚无统计到的工作成效" in draft.sections[0].text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"batch": 15}, "找不到常州市第15批"),
        ({"batch": 14, "group": "无此团"}, "没有支团「无此团」（已有：溧阳团、金坛团）"),
        ({"batch": 14, "until": "2020-01-01"}, "早于批次开始日期"),
        ({"batch": 14, "until": "2021-13-01"}, "日期格式应为 YYYY-MM-DD"),
        ({"batch": 14, "out": "/no/such/dir/x.docx"}, "输出目录不存在"),
    ],
)
def test_cli_errors_are_chinese_and_clear(world, tmp_path, args, message):
    options = {"city": "常州市", "format": "md", "out": str(tmp_path / "b.md"), **args}
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("briefing", *[f"--{k}={v}" for k, v in options.items()])


def test_cli_writes_a_group_briefing(world, tmp_path):
    out = tmp_path / "b.docx"
    call_command("briefing", "--batch=14", "--group=金坛团", "--until=2021-12-31", f"--out={out}", stdout=io.StringIO())
    text = "\n".join(p.text for p in Docx(str(out)).paragraphs)
    assert "金坛团工作简报" in text and "溧阳" not in text


def _login(client, user):
    client.force_login(user)
    return client


def test_a_city_administrator_sees_the_draft_edits_it_and_downloads_it(world, client):
    client = _login(client, world.users.admin)
    page = client.get(URL, {"until": "2021-12-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "常州市第十四批科技镇长团工作简报" in html and 'name="text"' in html
    draft = page.context["draft"]
    assert [s.text for s in draft.sections if s.kind == "heading"] == ["溧阳团：", "金坛团："]
    figure = next(f for f in draft.figures if isinstance(f, Figure))
    assert f'href="{figure.url.replace("&", "&amp;")}"' in html

    edited = "# 改过的简报\n\n## 溧阳团：\n\n走访企业很多。\n"
    response = client.post(URL, {"text": edited, "format": "docx"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert [p.text for p in Docx(io.BytesIO(response.content)).paragraphs] == [
        "改过的简报",
        "溧阳团：",
        "走访企业很多。",
    ]
    md = client.post(URL, {"text": edited, "format": "md"})
    assert md.content.decode() == edited
    pdf = client.post(URL, {"text": edited, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    bad = client.post(URL, {"text": "没有标题", "format": "pdf"})
    assert bad.status_code == 400 and "标题" in bad.content.decode()


def test_a_leader_reads_and_downloads_the_draft_but_may_not_edit(world, client):
    client = _login(client, world.users.leader)
    page = client.get(URL)
    assert page.status_code == 200 and 'name="text"' not in page.content.decode()
    assert page.context["group"] is None  # the whole batch
    download = client.get(URL, {"format": "md"})
    assert download.content.decode().startswith("# 常州市第十四批科技镇长团工作简报")
    assert client.post(URL, {"text": "# 标题\n\n正文", "format": "md"}).status_code == 403


def test_group_readers_get_their_group_and_nothing_outside_their_scope(world, client):
    client = _login(client, world.users.ds_jt)
    page = client.get(URL)
    assert page.status_code == 200 and page.context["draft"].title.endswith("金坛团工作简报")
    assert client.get(URL, {"group": world.liyang.pk}).status_code == 404
    assert client.get(URL, {"group": "x"}).status_code == 404

    client = _login(client, world.users.m_ly)
    assert client.get(URL).context["draft"].title.endswith("溧阳团工作简报")
    assert client.get(URL, {"group": world.jintan.pk}).status_code == 404
    assert client.post(URL, {"text": "# 标题\n\n正文", "format": "md"}).status_code == 403

    assert _login(client, world.users.nobody).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world, client):
    assert client.get(URL).status_code == 302


def test_the_scorecard_page_links_to_the_briefing(world, client):
    page = _login(client, world.users.admin).get(reverse("scorecard:overview"))
    assert f'href="{URL}?batch={world.batch.pk}"' in page.content.decode()

"""The briefing of the demo (常州市第十四批): the seed's totals exactly, one section per group, and every
rounded figure in agreement with the scorecard under the rounding policy, as .docx and as .pdf.

Run by tests/demo/test_demo.py on the demo it builds once (the fixtures ``demo`` and ``card`` are there).
"""

import datetime as dt
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from docx import Document as Docx
from pypdf import PdfReader

from techmayor.roster.models import Group
from techmayor.scorecard.briefing import briefing
from techmayor.scorecard.metrics import METRICS
from techmayor.scorecard.rounding import render
from techmayor.scorecard.services import scorecard
from tests.scorecard.test_rounding import holds

pytestmark = pytest.mark.django_db
__all__ = [
    "draft",
    "meeting_card",
    "test_every_figure_agrees_with_the_scorecard_under_the_policy",
    "test_one_section_per_group_in_the_batchs_order",
    "test_roster_and_totals_sentences_are_the_seeds",
    "test_the_docx_and_pdf_of_the_demo",
]
UNTIL = dt.date(2022, 5, 11)  # the day of the exchange meeting the seed reports
SEED_TOTALS = (
    "组织产学研专场活动83场次，挂钩服务企业567家（其中高新技术企业152家），协助引进科创平台13家，"
    "牵线科技项目36项，助力引才92人，组织其他活动79场次。"
)
SEED_ROSTER = "常州市第十四批科技镇长团分4个支团共37名成员，分别来自国家市场监管总局、省政府办公厅、省发改委、"


@pytest.fixture(scope="module")
def meeting_card(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return scorecard(batch=demo.batch, end=UNTIL)


@pytest.fixture(scope="module")
def draft(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return briefing(batch=demo.batch, until=UNTIL)


def test_roster_and_totals_sentences_are_the_seeds(draft):
    opening = draft.sections[0].text
    assert opening.startswith(SEED_ROSTER) and "等32家单位。" in opening
    assert "2021年8月到位以来，截至2022年5月11日" in opening
    assert SEED_TOTALS in opening


def test_one_section_per_group_in_the_batchs_order(draft):
    kinds = [s.kind for s in draft.sections]
    assert kinds == ["paragraph"] + ["heading", "paragraph"] * 4
    assert [s.text for s in draft.sections if s.kind == "heading"] == ["溧阳团：", "金坛团：", "武进团：", "新北团："]
    liyang = draft.sections[2].text
    assert "推动7个项目列入全省重大项目名单" in liyang and "累计走访企业360余家次" in liyang
    assert "合同总金额2212万元" in liyang and "撰写调研报告8篇" in liyang
    assert "规模3亿元" in draft.sections[6].text  # 武进团's fund


def test_every_figure_agrees_with_the_scorecard_under_the_policy(draft, meeting_card, demo, django_db_blocker):
    with django_db_blocker.unblock():
        names = dict(Group.objects.filter(batch=demo.batch).values_list("pk", "name"))
    assert len(draft.figures) > 60
    for figure in draft.figures:
        query = parse_qs(urlparse(figure.url).query)
        assert query["end"] == ["2022-05-11"]
        values = meeting_card["groups"][names[int(query["group"][0])]] if "group" in query else meeting_card["totals"]
        assert figure.value == values[figure.code] != 0
        assert figure.rendered.text == render(figure.code, values[figure.code], figure.rendered.unit).text
        assert holds(values[figure.code], figure.rendered.text), figure
        assert figure.rendered.unit in (METRICS[figure.code].unit, "个", "亿元")


def test_the_docx_and_pdf_of_the_demo(demo, tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("briefing", "--batch=14", "--city=常州市", "--until=2022-05-11", "--format=docx",
                     f"--out={tmp_path / 'b.docx'}", stdout=io.StringIO())  # fmt: skip
        call_command("briefing", "--batch=14", "--city=常州市", "--until=2022-05-11", "--format=pdf",
                     f"--out={tmp_path / 'b.pdf'}", stdout=io.StringIO())  # fmt: skip
    paragraphs = [p.text for p in Docx(str(tmp_path / "b.docx")).paragraphs]
    assert paragraphs[0] == "常州市第十四批科技镇长团工作简报"
    assert SEED_TOTALS in paragraphs[1]
    assert [p for p in paragraphs if p.endswith("团：")] == ["溧阳团：", "金坛团：", "武进团：", "新北团："]
    reader = PdfReader(str(tmp_path / "b.pdf"))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert SEED_TOTALS in text and "新北团：" in text
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("+NotoSerifSC-Regular" in f for f in fonts)

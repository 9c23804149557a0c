"""The platform's document writer: Markdown in and out, .docx fonts and layout, .pdf fonts embedded."""

import io
import re

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from pypdf import PdfReader

from techmayor.core.documents import HEADING, PARAGRAPH, Block, Document, docx_bytes, pdf_bytes
from techmayor.core.errors import ApplicationError

DOC = Document(
    "常州市第十四批科技镇长团工作简报",
    (
        Block(
            PARAGRAPH, "常州市第十四批科技镇长团分4个支团共37名成员。组织产学研专场活动83场次，R&D <投入> 2212万元。"
        ),
        Block(HEADING, "溧阳团："),
        Block(PARAGRAPH, "累计走访企业360余家次，撰写调研报告8篇。" * 40),
    ),
)


def test_markdown_round_trip_and_edited_text():
    assert Document.from_markdown(DOC.markdown()) == DOC
    edited = "# 标题\r\n\r\n第一段\n接着写\n\n## 小标题\n## 另一个小标题\n\n# 不是标题的井号行\n"
    doc = Document.from_markdown(edited)
    assert doc.title == "标题"
    assert doc.blocks == (
        Block(PARAGRAPH, "第一段接着写"),
        Block(HEADING, "小标题"),
        Block(HEADING, "另一个小标题"),
        Block(PARAGRAPH, "不是标题的井号行"),
    )


@pytest.mark.parametrize(("text", "message"), [("没有标题的正文", "标题"), ("# 只有标题", "不能为空"), ("", "标题")])
def test_markdown_without_title_or_body_is_a_clear_error(text, message):
    with pytest.raises(ApplicationError, match=message):
        Document.from_markdown(text)


def _east_asian(run_or_style) -> str:
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    return element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_follows_gbt_9704_with_official_fonts_and_fallbacks():
    docx = Docx(io.BytesIO(docx_bytes(DOC)))
    section = docx.sections[0]

    def mm(*lengths):  # stored in twips: compare to a tenth of a millimetre
        return tuple(round(Length(n).mm, 1) for n in lengths)

    assert mm(section.page_width, section.page_height, section.top_margin, section.left_margin) == (210, 297, 37, 28)
    assert mm(section.page_width - section.left_margin - section.right_margin) == (156,)  # the type area
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == (225,)
    normal = docx.styles["Normal"]
    assert _east_asian(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)  # 3号仿宋
    assert normal.font.name == "Times New Roman"
    title, first, heading, body = docx.paragraphs
    assert title.text == DOC.title and _east_asian(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)  # 2号
    assert heading.text == "溧阳团：" and _east_asian(heading.runs[0]) == "黑体"
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters
    assert "R&D <投入>" in first.text
    footer = section.footer.paragraphs[0]
    assert footer._p.xpath(".//w:fldSimple[@w:instr='PAGE']")
    font_table = next(r.target_part for r in docx.part.rels.values() if r.reltype.endswith("/fontTable")).blob.decode()
    for name, alternative in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "宋体"), ("黑体", "SimHei")):
        assert f'w:name="{name}"><w:altName w:val="{alternative}"/>' in font_table


def test_pdf_embeds_subsets_of_a_cjk_font_and_numbers_its_pages():
    reader = PdfReader(io.BytesIO(pdf_bytes(DOC)))
    assert len(reader.pages) >= 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    cjk_fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "NotoSerifSC" in font["/BaseFont"]:
                descriptor = font["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor  # the TrueType program is in the file
                cjk_fonts.append(str(font["/BaseFont"]))
    subsets = [re.fullmatch(r"/[A-Z]{6}\+(NotoSerifSC-\w+)", name) for name in cjk_fonts]
    assert all(subsets)  # subsets, named ABCDEF+NotoSerifSC-…
    assert {m.group(1) for m in subsets} == {"NotoSerifSC-Regular", "NotoSerifSC-Bold"}
    text = reader.pages[0].extract_text().replace("\n", "")
    assert "组织产学研专场活动83场次" in text and "R&D <投入>" in text
    assert "— 1 —" in text and "— 2 —" in reader.pages[1].extract_text()

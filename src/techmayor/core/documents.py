"""The platform's one writer of documents (.docx, .pdf, .md), laid out after GB/T 9704-2012.

A :class:`Document` is a title and a sequence of blocks (first-level headings and paragraphs).
It reads and writes a small Markdown (``# 标题``, ``## 一级标题``, paragraphs separated by a
blank line), so a text edited by a person comes back as the same structure.

Layout (docs/decisions/0006-briefing-and-rounding.md): A4; margins top 37 mm, left 28 mm, type
area 156 × 225 mm; title 2号 (22 pt) 小标宋, centred; headings 3号 (16 pt) 黑体; body 3号 仿宋
with a two-character first-line indent, 22 lines a page; page numbers "— N —" at the foot.

The .docx names the official fonts (方正小标宋简体, 黑体, 仿宋_GB2312) as East-Asian fonts and
declares fallbacks (宋体, 仿宋) in its font table, for machines without the official fonts. The
.pdf embeds subsets of Noto Serif SC (SIL OFL 1.1, from the npm package
``@expo-google-fonts/noto-serif-sc``), so it renders on a machine with no Chinese font at all.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache, partial
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext

from .errors import ApplicationError

HEADING, PARAGRAPH = "heading", "paragraph"

# GB/T 9704-2012 page, in millimetres and points.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # type area 156 × 225 mm
TITLE_PT, TEXT_PT, FOOTER_PT = 22, 16, 14  # 2号, 3号, 4号
LINE_PT = 28.95  # 225 mm / 22 lines
INDENT_PT = 2 * TEXT_PT  # two characters

# Official fonts by name, and what a machine without them uses instead.
TITLE_FONT, HEADING_FONT, BODY_FONT, LATIN_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312", "Times New Roman"
FALLBACKS = {TITLE_FONT: "宋体", HEADING_FONT: "SimHei", BODY_FONT: "仿宋"}

PDF_FONT_DIR = ("@expo-google-fonts", "noto-serif-sc")
PDF_FONTS = {"regular": "400Regular/NotoSerifSC_400Regular.ttf", "bold": "700Bold/NotoSerifSC_700Bold.ttf"}


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING or PARAGRAPH
    text: str


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]

    def markdown(self) -> str:
        parts = [f"# {self.title}"]
        parts += [f"## {b.text}" if b.kind == HEADING else b.text for b in self.blocks]
        return "\n\n".join(parts) + "\n"

    @classmethod
    def from_markdown(cls, text: str) -> Document:
        """``# 标题``, then ``## 标题`` headings and paragraphs; lines of one paragraph are joined."""
        title, blocks = "", []
        for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
            lines = [line.strip() for line in chunk.split("\n") if line.strip()]
            if not lines:
                continue
            for line in lines if lines[0].startswith("#") else ["".join(lines)]:
                if line.startswith("## "):
                    blocks.append(Block(HEADING, line[3:].strip()))
                elif line.startswith("# ") and not title and not blocks:
                    title = line[2:].strip()
                else:
                    blocks.append(Block(PARAGRAPH, line.lstrip("#").strip()))
        if not title:
            raise ApplicationError(gettext("正文第一行应为以“# ”开头的标题"), field="text")
        if not blocks:
            raise ApplicationError(gettext("正文不能为空"), field="text")
        return cls(title, tuple(blocks))


# --- .docx ------------------------------------------------------------------------------------


def docx_bytes(document: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    doc = Docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    section.footer_distance = Mm(28 - 7)  # the page number sits 7 mm below the type area

    normal = doc.styles["Normal"]
    _set_fonts(normal, BODY_FONT, TEXT_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.6)
    title.paragraph_format.space_after = Pt(LINE_PT)
    _set_fonts(title.add_run(document.title), TITLE_FONT, TITLE_PT)
    for block in document.blocks:
        paragraph = doc.add_paragraph()
        if block.kind == HEADING:
            _set_fonts(paragraph.add_run(block.text), HEADING_FONT, TEXT_PT)
            paragraph.paragraph_format.first_line_indent = Pt(INDENT_PT)
        else:
            paragraph.add_run(block.text)
            paragraph.paragraph_format.first_line_indent = Pt(INDENT_PT)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _page_number(section.footer.paragraphs[0])
    _declare_fallbacks(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _set_fonts(target, east_asian: str, size_pt: float) -> None:
    """A run's or style's font: ``east_asian`` for Chinese (w:eastAsia), Times New Roman for Latin."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    target.font.name = LATIN_FONT
    target.font.size = Pt(size_pt)
    element = target.element if hasattr(target, "element") else target._element
    r_pr = element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), east_asian)
    r_fonts.set(qn("w:hint"), "eastAsia")


def _page_number(paragraph) -> None:
    """ "— N —" centred, the number a PAGE field, in 4号 Latin figures."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_fonts(paragraph.add_run("— "), "宋体", FOOTER_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _set_fonts(paragraph.add_run(" —"), "宋体", FOOTER_PT)


def _declare_fallbacks(doc) -> None:
    """Add the official fonts to the font table with w:altName: Word uses the alternative when one is missing."""
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    for name, alternative in FALLBACKS.items():
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alternative})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern" if name == HEADING_FONT else "roman"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # a plain Part


# --- .pdf -------------------------------------------------------------------------------------


@cache
def _pdf_fonts() -> tuple[str, str]:
    """Register the embedded fonts once per process; their names for regular and bold text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = settings.NODE_MODULES.joinpath(*PDF_FONT_DIR)
    names = []
    for weight, file in PDF_FONTS.items():
        path = folder / file
        if not path.is_file():
            raise ApplicationError(
                gettext("缺少 PDF 所需的中文字体 %(path)s，请先运行 make venv（npm ci）安装") % {"path": path},
                field="format",
            )
        name = f"NotoSerifSC-{weight}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names.append(name)
    return names[0], names[1]


def pdf_bytes(document: Document) -> bytes:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, bold = _pdf_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=TEXT_PT, leading=LINE_PT, firstLineIndent=INDENT_PT,
                          alignment=TA_JUSTIFY, wordWrap="CJK", bulletFontName=regular)  # fmt: skip
    heading = ParagraphStyle("heading", parent=body, fontName=bold, alignment=0)
    title = ParagraphStyle("title", fontName=bold, fontSize=TITLE_PT, leading=TITLE_PT * 1.6, alignment=TA_CENTER,
                           spaceAfter=LINE_PT, wordWrap="CJK", bulletFontName=bold)  # fmt: skip

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, FOOTER_PT)
        canvas.drawCentredString(PAGE_MM[0] * mm / 2, (MARGINS_MM["bottom"] - 7) * mm - FOOTER_PT,
                                 f"— {doc.page} —")  # fmt: skip
        canvas.restoreState()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=(PAGE_MM[0] * mm, PAGE_MM[1] * mm),
        topMargin=MARGINS_MM["top"] * mm,
        bottomMargin=MARGINS_MM["bottom"] * mm,
        leftMargin=MARGINS_MM["left"] * mm,
        rightMargin=MARGINS_MM["right"] * mm,
        title=document.title,
        invariant=True,  # the same text gives the same bytes
    )
    flowables = [Paragraph(escape(document.title), title)]
    flowables += [Paragraph(escape(b.text), heading if b.kind == HEADING else body) for b in document.blocks]
    canvas = partial(Canvas, initialFontName=regular)  # no unembedded Helvetica in the file
    pdf.build(flowables, onFirstPage=footer, onLaterPages=footer, canvasmaker=canvas)
    return buffer.getvalue()


FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx_bytes),
    "pdf": ("application/pdf", pdf_bytes),
    "md": ("text/markdown; charset=utf-8", lambda document: document.markdown().encode("utf-8")),
}

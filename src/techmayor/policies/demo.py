"""Demo entries of the policy library: a handful of Jiangsu and Changzhou policies of the kind the
program works with. Titles and issuers follow what such documents are called; the summaries are
short paraphrases written for the demo, and no document number is invented (is_demo marks them all)."""

from __future__ import annotations

import datetime as dt

from .models import Policy
from .services import policy_create

DEMO_NOTE = "（演示数据：概述为示意，以发文机关公布的原文为准）"

DEMO_POLICIES = [
    {
        "title": "关于进一步加强科技镇长团工作的意见",
        "level": "province",
        "issuer": "中共江苏省委组织部、江苏省科学技术厅",
        "issued_on": dt.date(2019, 6, 20),
        "valid_from": dt.date(2019, 6, 20),
        "tags": ["科技镇长团", "人才", "产学研"],
        "summary": "明确科技镇长团的选派、管理和考核，要求团员围绕地方产业需求开展企业走访、"
        "对接高校院所资源、推动科技成果转化，并将工作成效纳入考核。",
    },
    {
        "title": "江苏省科技成果转化专项资金管理办法",
        "level": "province",
        "issuer": "江苏省财政厅、江苏省科学技术厅",
        "issued_on": dt.date(2021, 3, 15),
        "valid_from": dt.date(2021, 4, 1),
        "valid_to": dt.date(2025, 12, 31),
        "tags": ["成果转化", "专项资金", "项目申报"],
        "summary": "支持企业承接高校院所科技成果开展产业化，采用无偿资助、贷款贴息等方式，"
        "规定申报条件、评审程序和资金监管要求。",
    },
    {
        "title": "江苏省企业研究开发费用加计扣除政策指引",
        "level": "province",
        "issuer": "国家税务总局江苏省税务局",
        "issued_on": dt.date(2021, 11, 10),
        "valid_from": dt.date(2022, 1, 1),
        "tags": ["研发费用", "税收优惠", "加计扣除"],
        "summary": "梳理企业研发费用税前加计扣除的适用范围、归集口径和申报流程，"
        "提示委托高校研发、合作研发费用的处理方式。",
    },
    {
        "title": "常州市“龙城英才计划”实施办法",
        "level": "city",
        "issuer": "中共常州市委、常州市人民政府",
        "issued_on": dt.date(2022, 2, 18),
        "valid_from": dt.date(2022, 2, 18),
        "tags": ["人才引进", "创新创业", "人才"],
        "summary": "面向海内外高层次人才和团队来常创新创业，给予项目资助、股权投资、住房和子女入学等支持，"
        "企业引进急需人才可按程序申报。",
    },
    {
        "title": "常州市高新技术企业培育实施方案",
        "level": "city",
        "issuer": "常州市科学技术局",
        "issued_on": dt.date(2022, 5, 9),
        "valid_from": dt.date(2022, 5, 9),
        "valid_to": dt.date(2024, 12, 31),
        "tags": ["高新技术企业", "企业培育", "研发投入"],
        "summary": "建立高新技术企业培育库，对入库企业在研发机构建设、知识产权和认定申报等方面给予辅导和奖励。",
    },
    {
        "title": "常州市科技创新券管理办法",
        "level": "city",
        "issuer": "常州市科学技术局、常州市财政局",
        "issued_on": dt.date(2021, 7, 1),
        "valid_from": dt.date(2021, 7, 1),
        "tags": ["创新券", "检验检测", "技术服务"],
        "summary": "中小企业向高校院所和服务机构购买检验检测、技术开发等服务，可使用创新券抵扣部分费用。",
    },
    {
        "title": "武进区促进产学研合作若干政策",
        "level": "district",
        "issuer": "常州市武进区人民政府",
        "issued_on": dt.date(2021, 9, 1),
        "valid_from": dt.date(2021, 9, 1),
        "valid_to": dt.date(2023, 12, 31),
        "tags": ["产学研", "校企合作", "技术合同"],
        "summary": "对企业与高校院所签订并履行的技术合同、共建研发平台给予奖励，对校地合作项目给予配套支持。",
    },
    {
        "title": "溧阳市支持企业建设研发机构的实施意见",
        "level": "district",
        "issuer": "溧阳市人民政府",
        "issued_on": dt.date(2022, 3, 20),
        "valid_from": dt.date(2022, 3, 20),
        "tags": ["研发机构", "工程技术研究中心", "研发投入"],
        "summary": "鼓励企业建设工程技术研究中心、企业研究院等研发机构，按认定级别给予一次性奖励。",
    },
]


def load_demo_policies(*, by=None) -> str:
    """Add the demo policies not in the library yet (by title); says how many were added."""
    added = 0
    for entry in DEMO_POLICIES:
        if Policy.objects.filter(title=entry["title"]).exists():
            continue
        policy_create(**{**entry, "summary": entry["summary"] + DEMO_NOTE}, is_demo=True, by=by)
        added += 1
    return f"政策库：新增 {added} 条演示政策"

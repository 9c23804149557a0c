"""Each kind of import from a file the test writes, through the services, idempotent, within scope."""

import datetime as dt
from decimal import Decimal

import pytest

from techmayor.cooperation.models import Agreement, AgreementReceipt, Intent
from techmayor.core.errors import ApplicationError
from techmayor.enterprises.models import Enterprise
from techmayor.imports.services import import_execute, import_preview
from techmayor.ledger.models import (
    Event,
    PlatformIntroduction,
    ProjectBrokered,
    Report,
    TalentIntroduction,
    VisitorRecord,
)
from techmayor.needs.models import Lead, Need
from techmayor.roster.models import DispatchUnit, Group, Tenure
from tests.factories import credit_code
from tests.imports.conftest import csv_file, ctx_for, xlsx


def run(w, user, kind, path, **kwargs):
    preview = import_preview(kind, path, ctx=ctx_for(w, user, **kwargs))
    assert preview.errors == []
    return preview, import_execute(preview, ctx=ctx_for(w, user, **kwargs))


def twice(w, user, kind, path):
    """Import, then import again: the second run finds every row unchanged."""
    _, log = run(w, user, kind, path)
    again = import_preview(kind, path, ctx=ctx_for(w, user))
    assert {p.action for p in again.rows} == {"unchanged"}, [(p.number, p.changes, p.errors) for p in again.rows]
    return log


def test_enterprises_with_tags_contacts_and_full_width_codes(w, tmp_path):
    code = credit_code(4242)
    wide = code.translate(
        str.maketrans(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
        )
    )
    path = xlsx(
        tmp_path / "企业名录.xlsx",
        [
            ["2021年重点企业名录"],
            [],
            ["公司名称", "社会信用代码", "镇街", "企业资质", "是否高企", "联系人", "电话"],
            ["常州新星电子有限公司", wide, "天目湖镇", "专精特新、规上", "是", "陈经理", "13800000000"],
            ["常州恒远精密机械有限公司", "", "天目湖镇", "", "", "周工", ""],
        ],
    )
    log = twice(w, w.users.admin, "enterprises", path)
    new = Enterprise.objects.get(credit_code=code)
    assert new.region == w.town_ly
    assert {t.kind for t in new.tags.all()} == {"srdi", "above_scale", "high_tech"}
    assert new.contacts.get().phone == "13800000000"
    assert w.hengyuan.contacts.get().name == "周工"  # an update of the one already known
    assert (log.created_count, log.updated_count) == (1, 1)


def test_town_staff_add_enterprises_only_in_their_town(w, tmp_path):
    path = csv_file(
        tmp_path / "e.csv", [["企业名称", "所属镇（街道）"], ["常州甲公司", "天目湖镇"], ["常州乙公司", "儒林镇"]]
    )
    preview = import_preview("enterprises", path, ctx=ctx_for(w, w.users.ts_ly))
    with pytest.raises(ApplicationError) as info:
        import_execute(preview, ctx=ctx_for(w, w.users.ts_ly))
    assert info.value.errors == ["第3行: 所属镇（街道）: 你不能在「儒林镇」登记企业"]
    assert not Enterprise.objects.filter(name__in=["常州甲公司", "常州乙公司"]).exists()


NEEDS = [
    ["企业名称", "需求描述", "日期", "类型", "紧急程度", "卡脖子", "镇街"],
    ["常州恒远精密机械有限公司", "高精度主轴热变形补偿", "2021年10月8日", "技术", "紧急", "是", "天目湖镇"],
]


def test_needs_keep_their_text_as_a_lead_and_are_credited_to_the_group(w, tmp_path):
    path = csv_file(tmp_path / "needs.csv", NEEDS)
    twice(w, w.users.admin, "needs", path)
    need = Need.objects.get()
    assert (need.group, need.kind, need.urgency, need.is_bottleneck) == (w.liyang, "technology", "urgent", True)
    assert need.lead.raw_text == "高精度主轴热变形补偿" and need.date == dt.date(2021, 10, 8)


def test_town_staff_import_the_needs_of_their_town_only(w, tmp_path):
    rows = [*NEEDS, ["金坛新材料科技有限公司", "电池隔膜涂层", "2021-10-9", "", "", "", "儒林镇"]]
    preview = import_preview("needs", csv_file(tmp_path / "n.csv", rows), ctx=ctx_for(w, w.users.ts_ly))
    assert preview.errors == ["第3行: 所属镇（街道）: 你不能为「儒林镇」登记需求"]
    import_execute(preview, ctx=ctx_for(w, w.users.ts_ly), skip_bad=True)
    assert Lead.objects.get().source == "town"
    assert Need.objects.get().region == w.town_ly


def test_events_visitors_reports_talents_projects(w, tmp_path):
    events = csv_file(
        tmp_path / "ev.csv",
        [
            ["活动主题", "举办时间", "类别", "参加企业", "参加高校", "参加团员"],
            ["新能源产学研对接会", "2021-11-2", "对接活动", "常州恒远精密机械有限公司", "东南大学", "张三 李四"],
        ],
    )
    visitors = csv_file(
        tmp_path / "vi.csv",
        [["来访专家", "来访时间", "单位", "人数", "团员"], ["王教授", "2021.11.3", "东南大学", "3人", "张三"]],
    )
    reports = csv_file(
        tmp_path / "re.csv", [["报告名称", "日期", "撰写人"], ["溧阳市装备制造业调研", "2022/1/5", "李四"]]
    )
    talents = csv_file(
        tmp_path / "ta.csv",
        [
            ["人才姓名", "日期", "人数", "用人单位", "团员"],
            ["锂电团队", "2021-12-1", "５", "常州恒远精密机械有限公司", "张三"],
        ],
    )
    projects = csv_file(
        tmp_path / "pr.csv",
        [
            ["项目名称", "立项日期", "承担企业", "高校", "省重大项目", "总投资", "团员"],
            ["高端轴承", "2022-02-10", "常州恒远精密机械有限公司", "东南大学", "√", "1,200万元", "李四"],
        ],
    )
    for kind, path in [
        ("events", events),
        ("visitors", visitors),
        ("reports", reports),
        ("talents", talents),
        ("projects", projects),
    ]:
        twice(w, w.users.admin, kind, path)
    event = Event.objects.get()
    assert (event.kind, [e.name for e in event.enterprises.all()]) == ("docking", ["常州恒远精密机械有限公司"])
    assert VisitorRecord.objects.get().person_count == 3
    assert [m.name for m in Report.objects.get().members.all()] == ["李四"]
    assert TalentIntroduction.objects.get().person_count == 5
    project = ProjectBrokered.objects.get()
    assert (project.amount_wan, project.is_provincial_major, project.university) == (Decimal(1200), True, w.seu)


def test_intents_and_agreements_with_receipts(w, tmp_path):
    intents = csv_file(
        tmp_path / "in.csv",
        [
            ["合作意向", "企业名称", "合作高校", "日期", "团员"],
            ["共建热处理实验室", "常州恒远精密机械有限公司", "东南大学", "2021-9-20", "张三"],
        ],
    )
    agreements = xlsx(
        tmp_path / "ag.xlsx",
        [
            ["协议名称", "企业名称", "高校", "合同金额（万元）", "签订日期", "实际到账", "到账日期", "团员"],
            [
                "热处理工艺合作",
                "常州恒远精密机械有限公司",
                "东南大学",
                "1,000",
                dt.date(2021, 10, 1),
                "300万元",
                "2021-12-1",
                "张三",
            ],
        ],
    )
    twice(w, w.users.admin, "intents", intents)
    twice(w, w.users.admin, "agreements", agreements)
    assert Intent.objects.get().university == w.seu
    agreement = Agreement.objects.get()
    assert agreement.contract_amount_wan == 1000 and agreement.kind == "校企"
    assert AgreementReceipt.objects.get().amount_wan == 300


def test_platforms_are_added_to_the_pool_and_introduced(w, tmp_path):
    path = csv_file(
        tmp_path / "pf.csv",
        [
            ["平台名称", "平台类型", "依托高校", "所在地", "揭牌日期", "团员"],
            ["东南大学溧阳研究院", "研究院", "东南大学", "天目湖镇", "2021-12-8", "张三"],
        ],
    )
    twice(w, w.users.admin, "platforms", path)
    intro = PlatformIntroduction.objects.get()
    assert (intro.platform.kind, intro.platform.university) == ("institute", w.seu)


def test_roster_adds_groups_units_members_and_tenures_for_an_administrator(w, tmp_path):
    from tests.factories import district

    district("新北区")
    path = csv_file(
        tmp_path / "roster.csv",
        [
            ["序号", "姓名", "性别", "支团", "团内职务", "派出单位", "挂职职务", "挂职地", "手机号"],
            ["1", "钱七", "女", "新北团", "团长", "南京工业大学", "区长助理", "", "13900000001"],
            ["2", "孙八", "男", "溧阳团", "", "江苏省科技厅", "副镇长", "天目湖镇", ""],
        ],
    )
    with pytest.raises(ApplicationError, match="没有在常州市第十四批导入名册的权限"):
        import_preview("roster", path, ctx=ctx_for(w, w.users.m_zhang))
    twice(w, w.users.admin, "roster", path)
    qian = Tenure.objects.get(member__name="钱七")
    assert (qian.group.name, qian.role, qian.dispatch_unit.kind) == ("新北团", "团长", "university")
    assert Group.objects.get(name="新北团").district.name == "新北区"
    sun = Tenure.objects.get(member__name="孙八")
    assert (sun.local_region, DispatchUnit.objects.get(name="江苏省科技厅").kind) == (w.town_ly, "government")

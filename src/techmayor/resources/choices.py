import re

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UniversityLevel(models.TextChoices):
    UNDERGRADUATE = "本科", _("本科")
    VOCATIONAL = "专科", _("专科")


class AchievementKind(models.TextChoices):
    PAPER = "paper", _("论文")
    PATENT = "patent", _("专利")
    OFFER = "offer", _("技术成果")


class PlatformKind(models.TextChoices):
    INSTITUTE = "institute", _("研究院")
    JOINT_LAB = "joint_lab", _("联合实验室")
    RD_CENTER = "rd_center", _("工程技术研究中心")
    WORKSTATION = "workstation", _("专家/院士工作站")
    INCUBATOR = "incubator", _("孵化器/创新中心")
    OTHER = "other", _("其他")


class AchievementStage(models.TextChoices):
    """How far a result is from a factory: the nine 技术就绪水平 (TRL) levels of GB/T 22900-2022
    grouped into the three stages enterprises and transfer offices speak of (see decision 0025)."""

    LAB = "lab", _("实验室/小试")  # TRL 1–4: principle, concept, key function, lab prototype
    PILOT = "pilot", _("中试")  # TRL 5–6: validated and demonstrated in a relevant environment
    INDUSTRY = "industry", _("产业化")  # TRL 7–9: operational prototype, qualified, in production


TRL_STAGES = {
    **dict.fromkeys(range(1, 5), AchievementStage.LAB),
    **dict.fromkeys(range(5, 7), AchievementStage.PILOT),
    **dict.fromkeys(range(7, 10), AchievementStage.INDUSTRY),
}

STAGE_ALIASES = {
    "实验室": AchievementStage.LAB,
    "小试": AchievementStage.LAB,
    "实验室阶段": AchievementStage.LAB,
    "小试阶段": AchievementStage.LAB,
    "实验室/小试": AchievementStage.LAB,
    "实验室小试": AchievementStage.LAB,
    "样品": AchievementStage.LAB,
    "样机": AchievementStage.LAB,
    "原理样机": AchievementStage.LAB,
    "中试阶段": AchievementStage.PILOT,
    "中试熟化": AchievementStage.PILOT,
    "工程化": AchievementStage.PILOT,
    "试生产": AchievementStage.PILOT,
    "产业化阶段": AchievementStage.INDUSTRY,
    "已产业化": AchievementStage.INDUSTRY,
    "产业化应用": AchievementStage.INDUSTRY,
    "量产": AchievementStage.INDUSTRY,
    "批量生产": AchievementStage.INDUSTRY,
    "规模化生产": AchievementStage.INDUSTRY,
    "推广应用": AchievementStage.INDUSTRY,
}
TRL = re.compile(r"^(?:TRL|技术就绪度|技术就绪水平|技术成熟度)?[-:：]?([1-9])级?$", re.IGNORECASE)


def parse_stage(text: str) -> str:
    """A stage from a cell or a form: its label (中试), its value (pilot), a usual synonym (小试,
    量产), or a TRL level 1–9 (``TRL6``, ``6级``, ``技术就绪度7``); empty is unknown (""). A
    ValueError names what may be written."""
    value = re.sub(r"\s+", "", str(text or ""))
    if not value:
        return ""
    table = {str(label): key for key, label in AchievementStage.choices} | {key: key for key in AchievementStage.values}
    table |= {k: str(v) for k, v in STAGE_ALIASES.items()}
    if value in table or value.lower() in table:
        return table.get(value) or table[value.lower()]
    if match := TRL.match(value):
        return str(TRL_STAGES[int(match.group(1))])
    raise ValueError(
        gettext("「%(text)s」不是有效的成熟度：请填写 实验室/小试、中试、产业化，或技术就绪度 1–9 级")
        % {"text": str(text).strip()}
    )

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchTarget(models.TextChoices):
    ACHIEVEMENT = "achievement", _("成果")
    EXPERT = "expert", _("专家")
    UNIVERSITY = "university", _("高校")


class DeclineReason(models.TextChoices):
    """The coded reasons the engine understands (``techmayor.matching.ranker.DECLINE_REASONS``)."""

    MISMATCH = "不对口", _("不对口")
    TOO_EARLY = "太早期", _("太早期")
    UNCLEAR_BENEFIT = "效益不明", _("效益不明")
    ALREADY = "已有合作", _("已有合作")
    UNREACHABLE = "联系不上", _("联系不上")
    OTHER = "其他", _("其他")


class MatchFeedback(models.Model):
    """One judgement on a match shown for a need: accepted, or declined with a coded reason.

    The target is an achievement (by its external id, as the engine knows it), an expert or a
    university. Judgements are never edited; a later one on the same target supersedes it, and
    an undo (撤销) is a later one with ``accepted`` left empty: the target is unjudged again.
    """

    need = models.ForeignKey("needs.Need", verbose_name=_("需求"), on_delete=models.CASCADE, related_name="+")
    target = models.CharField(_("匹配对象"), max_length=12, choices=MatchTarget.choices)
    external_id = models.CharField(_("成果外部编号"), max_length=80, blank=True)
    expert = models.ForeignKey(
        "resources.Expert", verbose_name=_("专家"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("高校"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    accepted = models.BooleanField(_("采纳"), null=True, blank=True, help_text=_("空：撤销了此前的采纳或婉拒"))
    reason = models.CharField(_("婉拒原因"), max_length=8, choices=DeclineReason.choices, blank=True)
    reason_text = models.CharField(_("说明"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("匹配反馈")
        verbose_name_plural = _("匹配反馈")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["need", "target"])]

    def __str__(self) -> str:
        verdict = _("撤销") if self.accepted is None else _("采纳") if self.accepted else _("婉拒")
        return f"{self.need_id} {self.get_target_display()} {self.target_key} {verdict}"

    @property
    def target_key(self) -> str:
        """The id the engine knows the target by: external id, expert pk, or 学校标识码."""
        if self.target == MatchTarget.EXPERT:
            return str(self.expert_id or "")
        if self.target == MatchTarget.UNIVERSITY:
            return self.university.code if self.university_id else ""
        return self.external_id


class MatchLevel(models.TextChoices):
    """Coarse levels of :class:`~techmayor.matching.ranker.Assessment` (plus a confirmed match)."""

    GOOD = "good", _("匹配良好")
    FAIR = "fair", _("有一定匹配")
    WEAK = "weak", _("匹配较弱")
    NONE = "none", _("暂无匹配")


class NeedMatch(models.Model):
    """The engine's standing answer for one need, kept so that lists can sort needs by "has a
    good match": the best result's evidence (specific terms in common), those terms, the result
    and the top expert. Refreshed by a job when the need's text or the index changes."""

    need = models.OneToOneField(
        "needs.Need", verbose_name=_("需求"), on_delete=models.CASCADE, related_name="match_summary"
    )
    level = models.CharField(_("匹配程度"), max_length=8, choices=MatchLevel.choices, default=MatchLevel.NONE)
    evidence = models.FloatField(
        _("匹配依据强度"), default=0.0, help_text=_("与最佳成果共有的专指词数（按专指程度加权）")
    )
    matched_terms = models.JSONField(_("共有词"), default=list, blank=True)
    external_id = models.CharField(_("最佳成果外部编号"), max_length=80, blank=True)
    title = models.CharField(_("最佳成果"), max_length=500, blank=True)
    expert = models.ForeignKey(
        "resources.Expert",
        verbose_name=_("首位专家"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    has_accepted = models.BooleanField(_("已有采纳的匹配"), default=False)
    text_digest = models.CharField(_("需求文本摘要"), max_length=40, blank=True, editable=False)
    assessed_at = models.DateTimeField(_("评估时间"))

    class Meta:
        verbose_name = _("需求匹配概况")
        verbose_name_plural = _("需求匹配概况")
        indexes = [models.Index(fields=["has_accepted", "evidence"])]

    def __str__(self) -> str:
        return f"{self.need_id} {self.get_level_display()}"

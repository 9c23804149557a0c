"""The scorecard's pre-aggregated cells: derived data, rebuilt from the records whenever in doubt.

A cell holds one figure of one group on one day (``key`` empty), or, for a figure that counts distinct
things (家, 所), one of the things counted that day (``key`` its identity). Figures over any period are
sums or distinct counts of cells, so the scorecard of a batch of a million records reads a few thousand
rows. ``scorecard.rollup`` keeps the cells equal to what the records count after every write.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core.models import BaseModel


class FigureCell(models.Model):
    metric = models.CharField(max_length=40)
    batch = models.ForeignKey("roster.Batch", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("roster.Group", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    key = models.CharField(max_length=255, blank=True, default="")
    value = models.DecimalField(max_digits=28, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "batch", "group", "date", "key"], name="figure_cell_unique")
        ]
        indexes = [models.Index(fields=["metric", "batch", "date"], name="figure_cell_metric_batch_date")]

    def __str__(self) -> str:
        return f"{self.metric} {self.group_id} {self.date} {self.key} {self.value}"


class RollupState(models.Model):
    """A batch whose cells have been built; without a row here, its cells are built on first use."""

    batch = models.OneToOneField("roster.Batch", on_delete=models.CASCADE, primary_key=True, related_name="+")
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"rollup of batch {self.batch_id} built at {self.built_at}"


class CountyRanking(BaseModel):
    """Whether a city or a province ranks its counties (县（市、区）) on the comparison pages, the exports
    and the command line. Off by default (without a row): counties are then neither listed nor
    ranked anywhere. Switched by that city's or province's administrators, audited
    (``services.county_ranking_set``; docs/decisions/0026-county-ranking.md)."""

    region = models.OneToOneField(
        "core.Region", verbose_name=_("城市或省份"), on_delete=models.PROTECT, related_name="county_ranking"
    )
    enabled = models.BooleanField(_("县（市、区）排名"), default=False)

    class Meta:
        verbose_name = _("县（市、区）排名设置")
        verbose_name_plural = _("县（市、区）排名设置")

    def __str__(self) -> str:
        return _("%(region)s 县（市、区）排名") % {"region": self.region}

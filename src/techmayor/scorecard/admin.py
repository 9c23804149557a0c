"""The scorecard's cells, read-only: derived from the records, never edited by hand."""

from django.contrib import admin

from techmayor.core.admin import ReadOnlyModelAdmin

from .models import CountyRanking, FigureCell, RollupState


@admin.register(FigureCell)
class FigureCellAdmin(ReadOnlyModelAdmin):
    list_display = ("metric", "batch", "group", "date", "key", "value")
    list_filter = ("metric", "batch")
    list_select_related = ("batch__city", "group")


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyModelAdmin):
    list_display = ("batch", "built_at")
    list_select_related = ("batch__city",)


@admin.register(CountyRanking)
class CountyRankingAdmin(ReadOnlyModelAdmin):
    """Switched on the comparison pages by the region's administrators (audited), not here."""

    list_display = ("region", "enabled", "updated_at")
    list_select_related = ("region",)

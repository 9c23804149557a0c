"""The scorecard's cells, read-only: derived from the records, never edited by hand."""

from django.contrib import admin

from techmayor.core.admin import ReadOnlyModelAdmin

from .models import FigureCell, RollupState


@admin.register(FigureCell)
class FigureCellAdmin(ReadOnlyModelAdmin):
    list_display = ("metric", "batch", "group", "date", "key", "value")
    list_filter = ("metric", "batch")
    list_select_related = ("batch__city", "group")


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyModelAdmin):
    list_display = ("batch", "built_at")
    list_select_related = ("batch__city",)

from django.contrib import admin

from techmayor.core.admin import ReadOnlyModelAdmin

from .models import MatchFeedback, NeedMatch


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(admin.ModelAdmin):
    list_display = ("at", "need", "target", "external_id", "expert", "university", "accepted", "reason", "user")
    list_filter = ("target", "accepted", "reason")
    raw_id_fields = ("need", "expert", "university", "user")
    readonly_fields = ("at",)


@admin.register(NeedMatch)
class NeedMatchAdmin(ReadOnlyModelAdmin):
    """The engine's standing assessments, read-only (recomputed by jobs)."""

    list_display = ("need", "level", "evidence", "has_accepted", "title", "assessed_at")
    list_filter = ("level", "has_accepted")
    raw_id_fields = ("need", "expert")
    readonly_fields = ("assessed_at",)

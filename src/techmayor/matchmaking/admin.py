from django.contrib import admin

from .models import MatchFeedback


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(admin.ModelAdmin):
    list_display = ("at", "need", "target", "external_id", "expert", "university", "accepted", "reason", "user")
    list_filter = ("target", "accepted", "reason")
    raw_id_fields = ("need", "expert", "university", "user")
    readonly_fields = ("at",)

from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin, ReadOnlyTabularInline, WithdrawableAdmin
from techmayor.roster.admin import CreditedRecordAdmin

from .models import IntakeChannel, Lead, Need, NeedCollaborator, NeedPolicy, NeedTransition, OutcomeRound, ProgressEntry


@admin.register(Lead)
class LeadAdmin(WithdrawableAdmin):
    list_display = ("reference", "title", "source", "enterprise_name", "enterprise", "region", "status", "created_at")
    list_filter = ("source", "status", ("region", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("enterprise", "region")
    search_fields = ("reference", "title", "raw_text", "enterprise_name", "contact_name")
    autocomplete_fields = ("enterprise", "region", "visit")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # The original text of a lead is kept as it arrived.
        return ("source", "reference", "raw_text") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # leads are kept forever


class NeedCollaboratorInline(admin.TabularInline):
    model = NeedCollaborator
    extra = 0
    fields = ("member", "status")
    autocomplete_fields = ("member",)


class NeedTransitionInline(ReadOnlyTabularInline):
    model = NeedTransition
    fields = ("at", "action", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields


class ProgressEntryInline(ReadOnlyTabularInline):
    model = ProgressEntry
    fields = ("date", "member", "current_status", "next_step")
    readonly_fields = fields


class OutcomeRoundInline(ReadOnlyTabularInline):
    model = OutcomeRound
    fields = (
        "date",
        "signed_amount_wan",
        "received_amount_wan",
        "investment_wan",
        "talents",
        "patents",
        "is_approved",
    )
    readonly_fields = fields


@admin.register(Need)
class NeedAdmin(CreditedRecordAdmin):
    list_display = ("title", "enterprise", "kind", "urgency", "is_bottleneck", "state", "owner", "group", "date")
    list_filter = ("state", "kind", "urgency", "is_bottleneck", "batch", "group")
    list_select_related = ("enterprise", "owner", "group", "batch__city")
    search_fields = ("title", "description", "enterprise__name", "lead__reference")
    autocomplete_fields = ("lead", "enterprise", "region", "industry", "owner", "merged_into")
    # The state moves only through the need services (state machine, transitions, audit).
    readonly_fields = ("state", "state_reason", "last_progress_at", "completed_at")
    inlines = (NeedCollaboratorInline, NeedTransitionInline, ProgressEntryInline, OutcomeRoundInline)

    def has_delete_permission(self, request, obj=None):
        return False  # needs are cancelled or merged through the services, never deleted


@admin.register(NeedCollaborator)
class NeedCollaboratorAdmin(AuditedModelAdmin):
    list_display = ("need", "member", "status")
    list_filter = ("status",)
    list_select_related = ("need", "member")
    search_fields = ("need__title", "member__name")
    autocomplete_fields = ("need", "member")


@admin.register(NeedTransition)
class NeedTransitionAdmin(admin.ModelAdmin):
    """The need's timeline, written by the services; read-only here."""

    list_display = ("need", "action", "from_state", "to_state", "actor", "at")
    list_filter = ("action", "to_state")
    list_select_related = ("need", "actor")
    search_fields = ("need__title", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressEntry)
class ProgressEntryAdmin(AuditedModelAdmin):
    list_display = ("need", "date", "member", "short_status")
    list_select_related = ("need", "member")
    search_fields = ("need__title", "current_status", "next_step", "member__name")
    autocomplete_fields = ("need", "member")
    date_hierarchy = "date"

    @admin.display(description="当前进展")
    def short_status(self, obj: ProgressEntry) -> str:
        return obj.current_status[:60]


@admin.register(OutcomeRound)
class OutcomeRoundAdmin(AuditedModelAdmin):
    list_display = (
        "need",
        "date",
        "signed_amount_wan",
        "received_amount_wan",
        "investment_wan",
        "talents",
        "patents",
        "is_approved",
    )
    list_filter = ("is_approved",)
    list_select_related = ("need",)
    search_fields = ("need__title", "description")
    autocomplete_fields = ("need",)
    date_hierarchy = "date"


@admin.register(IntakeChannel)
class IntakeChannelAdmin(AuditedModelAdmin):
    """The towns' public intake links; the token is made once and never changes (see needs.services)."""

    list_display = ("region", "token", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("region",)
    search_fields = ("region__name", "token")
    readonly_fields = ("region", "token")

    def has_add_permission(self, request):
        return False  # opened from the intake-link page, which makes the token

    def has_delete_permission(self, request, obj=None):
        return False  # printed QR codes point to it; close it instead


@admin.register(NeedPolicy)
class NeedPolicyAdmin(AuditedModelAdmin):
    """哪项政策有帮助: policies linked to needs (removed links are kept, marked removed)."""

    list_display = ("need", "policy", "note", "is_removed", "created_at")
    list_filter = ("is_removed",)
    list_select_related = ("need", "policy")
    search_fields = ("need__title", "policy__title", "note")
    autocomplete_fields = ("need", "policy")

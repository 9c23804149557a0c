from django.contrib import admin
from django.db.models import Sum

from techmayor.core.admin import WithdrawableAdmin
from techmayor.core.models import live_related
from techmayor.roster.admin import CreditedRecordAdmin

from .models import Agreement, AgreementReceipt, Intent


@admin.register(Intent)
class IntentAdmin(CreditedRecordAdmin):
    list_display = ("date", "title", "enterprise", "university", "expert", "group")
    list_select_related = ("enterprise", "university", "expert__university", "group", "batch__city")
    search_fields = ("title", "enterprise__name", "university__name", "expert__name")
    autocomplete_fields = ("enterprise", "university", "expert", "need")


class AgreementReceiptInline(admin.TabularInline):
    model = AgreementReceipt
    extra = 0
    fields = ("date", "amount_wan", "note")
    can_delete = False  # a receipt entered by mistake is withdrawn (作废), never deleted


@admin.register(Agreement)
class AgreementAdmin(CreditedRecordAdmin):
    list_display = ("date", "title", "kind", "enterprise", "university", "contract_amount_wan", "received", "group")
    list_filter = ("kind", "batch", "group")
    list_select_related = ("enterprise", "university", "group", "batch__city")
    search_fields = ("title", "enterprise__name", "university__name", "expert__name")
    autocomplete_fields = ("enterprise", "region", "university", "expert", "need", "intent")
    inlines = (AgreementReceiptInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(received_wan=Sum("receipts__amount_wan", filter=live_related("receipts")))
        )

    @admin.display(description="实际到账(万元)", ordering="received_wan")
    def received(self, obj: Agreement):
        return obj.received_wan or 0


@admin.register(AgreementReceipt)
class AgreementReceiptAdmin(WithdrawableAdmin):
    list_display = ("agreement", "date", "amount_wan", "note")
    list_select_related = ("agreement",)
    search_fields = ("agreement__title", "note")
    autocomplete_fields = ("agreement",)
    date_hierarchy = "date"

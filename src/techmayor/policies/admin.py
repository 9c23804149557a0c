from django.contrib import admin

from techmayor.core.admin import AuditedModelAdmin

from .models import Policy


@admin.register(Policy)
class PolicyAdmin(AuditedModelAdmin):
    list_display = ("title", "level", "issuer", "document_number", "issued_on", "valid_to", "is_demo")
    list_filter = ("level", "is_demo")
    search_fields = ("title", "issuer", "document_number", "summary")
    date_hierarchy = "issued_on"

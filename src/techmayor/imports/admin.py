from django.contrib import admin

from techmayor.core.admin import ReadOnlyModelAdmin

from .models import ImportLayout, ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(ReadOnlyModelAdmin):
    """Imports as they happened (rolled back from the import's page, not here)."""

    list_display = ("created_at", "file_name", "kind", "batch", "created_by", "created_count", "updated_count",
                    "unchanged_count", "skipped_count", "rolled_back_at")  # fmt: skip
    list_filter = ("kind", "source")
    search_fields = ("file_name", "sha256")
    exclude = ("created", "changed")  # thousands of ids: the import's page summarises them


@admin.register(ImportLayout)
class ImportLayoutAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "digest", "updated_at", "updated_by")
    list_filter = ("kind",)

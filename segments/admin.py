from django.contrib import admin

from segments.models import LoggedSegment


@admin.register(LoggedSegment)
class LoggedSegmentAdmin(admin.ModelAdmin):
    """Logged segments are made by logging a segment; canceling one must also cancel
    its entries, so both happen through the segment services, not here."""

    list_display = ["segment_no", "description", "created_at", "created_by", "canceled"]
    list_filter = ["canceled"]
    list_select_related = ["created_by"]
    search_fields = ["segment_no", "description"]
    date_hierarchy = "created_at"
    readonly_fields = ["segment_no", "created_at", "created_by", "canceled"]

    def has_add_permission(self, request):
        return False

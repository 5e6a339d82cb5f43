from django.contrib import admin

from audit.models import AuditRecord
from web.admin import CappedCountAdminMixin


@admin.register(AuditRecord)
class AuditRecordAdmin(CappedCountAdminMixin, admin.ModelAdmin):
    """Read-only: records are written by the services, and kept."""

    list_display = (
        "at",
        "username",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "count",
    )
    # A range filter on the time, not a date hierarchy: its list of years or days
    # reads every record (issue 19).
    list_filter = (("at", admin.DateFieldListFilter), "action", "object_type")
    search_fields = ("username", "object_id", "object_repr")

    # An audit trail that can be edited proves nothing: the admin only reads it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.admin import FormFieldsMixin, ModelAdmin
from crm.models import MISSING_SERIES_MESSAGES, MarketingSetup
from segments.models import LoggedSegment, Segment, SegmentLine
from segments.services import log_segment, set_logged_segment_canceled

# Beyond this many lines the segment page links to the line list instead of an inline:
# a segment may hold 100,000 contacts.
INLINE_LINE_LIMIT = 200


class SegmentLineInline(FormFieldsMixin, admin.TabularInline):
    model = SegmentLine
    extra = 0
    fields = [
        "contact",
        "template",
        "description",
        "cost",
        "duration",
        "correspondence_type",
        "salesperson",
    ]
    autocomplete_fields = ["contact", "template", "salesperson"]
    show_change_link = True


class SegmentAdminForm(forms.ModelForm):
    def clean(self):
        # A new segment takes its number from the series when saved; check it is set.
        if self.instance._state.adding and MarketingSetup.load().segment_nos is None:
            raise ValidationError(MISSING_SERIES_MESSAGES["segment_nos"])
        return super().clean()


@admin.register(Segment)
class SegmentAdmin(ModelAdmin):
    """Site administrators' view of segments; header changes here do not touch the
    lines (the Segments pages offer that)."""

    form = SegmentAdminForm
    list_display = [
        "no",
        "description",
        "date",
        "salesperson",
        "template",
        "number_of_lines",
    ]
    list_filter = ["date", "salesperson"]
    list_select_related = ["salesperson", "template"]
    search_fields = ["no", "description"]
    date_hierarchy = "date"
    autocomplete_fields = ["salesperson", "template"]
    readonly_fields = ["no", "created_by", "created_at", "line_list"]
    actions = ["log"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_statistics()

    def get_inlines(self, request, obj):
        if obj is not None and obj.lines.count() > INLINE_LINE_LIMIT:
            return []
        return [SegmentLineInline]

    @admin.display(description=_("lines"), ordering="line_count")
    def number_of_lines(self, obj):
        return obj.line_count

    @admin.display(description=_("segment lines"))
    def line_list(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:segments_segmentline_changelist")
        return format_html(
            '<a href="{}?segment__id__exact={}">{}</a>',
            url,
            obj.pk,
            _("Show the lines"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.no = MarketingSetup.load().next_no("segment_nos")
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Log"), permissions=["change"])
    def log(self, request, queryset):
        for segment in queryset.order_by("no"):
            try:
                log_segment(segment, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Segment %(no)s has been logged.") % {"no": segment.no},
                    messages.SUCCESS,
                )


@admin.register(SegmentLine)
class SegmentLineAdmin(ModelAdmin):
    list_display = [
        "segment",
        "contact",
        "template",
        "description",
        "cost",
        "duration",
        "correspondence_type",
        "salesperson",
    ]
    list_filter = ["segment", "template"]
    list_select_related = ["segment", "contact", "template", "salesperson"]
    search_fields = ["segment__no", "contact__no", "contact__name", "description"]
    autocomplete_fields = ["segment", "contact", "template", "salesperson"]


@admin.register(LoggedSegment)
class LoggedSegmentAdmin(ModelAdmin):
    """Logged segments are made by logging a segment; canceling one must also cancel
    its entries, so both happen through the segment services, not here."""

    list_display = [
        "segment_no",
        "description",
        "interactions",
        "created_at",
        "created_by",
        "canceled",
    ]
    list_filter = ["canceled"]
    list_select_related = ["created_by"]
    search_fields = ["segment_no", "description"]
    date_hierarchy = "created_at"
    readonly_fields = ["segment_no", "created_at", "created_by", "canceled"]
    actions = ["mark_canceled", "remove_canceled_mark"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_interaction_count()

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("no. of interactions"), ordering="interaction_count")
    def interactions(self, obj):
        return obj.interaction_count

    def _set_canceled(self, request, queryset, canceled):
        count = 0
        for logged_segment in queryset:
            count += set_logged_segment_canceled(
                logged_segment, canceled, user=request.user
            )
        return count

    @admin.action(description=_("Mark canceled"), permissions=["change"])
    def mark_canceled(self, request, queryset):
        count = self._set_canceled(request, queryset, True)
        self.message_user(
            request,
            ngettext(
                "%(count)d interaction log entry marked canceled.",
                "%(count)d interaction log entries marked canceled.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove canceled mark"), permissions=["change"])
    def remove_canceled_mark(self, request, queryset):
        count = self._set_canceled(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "Canceled mark removed from %(count)d interaction log entry.",
                "Canceled mark removed from %(count)d interaction log entries.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

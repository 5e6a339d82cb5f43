from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.admin import FormFieldsMixin, ModelAdmin
from crm.models import Contact
from segments import services
from segments.models import (
    LoggedSegment,
    SavedSegmentCriteria,
    SavedSegmentCriteriaAction,
    Segment,
    SegmentLine,
)
from web.admin import (
    CappedCountAdminMixin,
    IndexedSearchAdminMixin,
    ServiceAdminMixin,
)

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


def changed_values(form, fields):
    """The form's values among `fields` that the user changed, as a page sends them
    to the services (forms.FilledFromTemplateMixin without the htmx refill): the
    service takes the others from the template or the header."""
    values = {name: form.cleaned_data[name] for name in form.changed_data}
    values = {name: value for name, value in values.items() if name in fields}
    if values.get("attachment") is False:  # "Clear" ticked
        values["attachment"] = ""
    return values


@admin.register(Segment)
class SegmentAdmin(CappedCountAdminMixin, ServiceAdminMixin, ModelAdmin):
    """Site administrators' view of segments; header changes here do not touch the
    lines (the Segments pages offer that)."""

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
    # The date is a range filter above, not a date hierarchy: its list of years or
    # days reads every segment (issue 19).
    search_fields = ["no", "description"]
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

    def save_service(self, request, obj, form, change):
        values = changed_values(form, services.HEADER_FIELDS)
        if change:
            # Fresh from the database: the form has changed `obj` already, and
            # update_header compares the old values with the new.
            return services.update_header(
                Segment.objects.get(pk=obj.pk),
                user=request.user,
                update_lines=False,
                **values,
            )
        # Numbered from Marketing setup's series by the service.
        return services.create_segment(user=request.user, **values)

    def save_formset(self, request, form, formset, change):
        """The inline lines: added, changed and deleted through the line services."""
        try:
            self.save_lines(request, form.instance, formset)
        except ValidationError as error:
            # At the top of the form: under a field it would sit under the header's
            # field of the same name.
            raise ValidationError(error.messages) from error

    def save_lines(self, request, segment, formset):
        # What Django's formset.save() would record, for the admin's history message.
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = []
        deleted = formset.deleted_forms
        for line_form in formset.initial_forms:
            line = line_form.instance
            if line_form in deleted:
                services.delete_line(line, user=request.user)
                formset.deleted_objects.append(line)
            elif line_form.has_changed():
                formset.changed_objects.append(
                    (save_line(request, line_form, line), line_form.changed_data)
                )
        for line_form in formset.extra_forms:
            if line_form.has_changed() and line_form not in deleted:
                formset.new_objects.append(save_line(request, line_form, segment))

    def delete_service(self, request, obj):
        services.delete_segment(obj, user=request.user)

    @admin.action(description=_("Log"), permissions=["change"])
    def log(self, request, queryset):
        for segment in queryset.order_by("no"):
            try:
                services.log_segment(segment, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Segment %(no)s has been logged.") % {"no": segment.no},
                    messages.SUCCESS,
                )


def save_line(request, form, target):
    """Save a line form through the services: `target` is the line to change, or
    the segment to add the form's contact to. Returns the saved line."""
    values = changed_values(form, services.LINE_FIELDS)
    if isinstance(target, Segment):
        return services.add_line(
            target,
            contact=form.cleaned_data["contact"],
            user=request.user,
            **values,
        )
    if {"segment", "contact"} & set(form.changed_data):
        # A line is its contact in its segment: another one is another line.
        raise ValidationError(
            _("Remove the line and add the other contact instead."),
            code="contact_changed",
        )
    return services.update_line(target, user=request.user, **values)


@admin.register(SegmentLine)
class SegmentLineAdmin(
    CappedCountAdminMixin, IndexedSearchAdminMixin, ServiceAdminMixin, ModelAdmin
):
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

    def get_readonly_fields(self, request, obj=None):
        # A line is its contact in its segment (see save_line).
        return ["segment", "contact"] if obj is not None else []

    def save_service(self, request, obj, form, change):
        target = obj if change else form.cleaned_data["segment"]
        return save_line(request, form, target)

    def delete_service(self, request, obj):
        services.delete_line(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        # One DELETE per segment (remove_contacts), not one per line: a segment may
        # hold 100,000 lines.
        for segment in Segment.objects.filter(pk__in=queryset.values("segment")):
            services.remove_contacts(
                segment,
                Contact.objects.filter(
                    segment_lines__in=queryset.filter(segment=segment)
                ),
            )


@admin.register(LoggedSegment)
class LoggedSegmentAdmin(CappedCountAdminMixin, ServiceAdminMixin, ModelAdmin):
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
    # A range filter on the creation date, not a date hierarchy: its list of years
    # or days reads every logged segment (issue 19).
    list_filter = [("created_at", admin.DateFieldListFilter), "canceled"]
    list_select_related = ["created_by"]
    search_fields = ["segment_no", "description"]
    readonly_fields = [
        "segment_no",
        "created_at",
        "created_by",
        "canceled",
        "letters",
        "delivery_job",
    ]
    actions = ["mark_canceled", "remove_canceled_mark"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_interaction_count()

    def has_add_permission(self, request):
        return False

    def save_service(self, request, obj, form, change):
        # Only the description is editable here; the canceled mark goes with the
        # entries' (the actions below).
        return services.update_logged_segment(
            obj, user=request.user, description=form.cleaned_data["description"]
        )

    def delete_service(self, request, obj):
        services.delete_logged_segment(obj, user=request.user)

    @admin.display(description=_("no. of interactions"), ordering="interaction_count")
    def interactions(self, obj):
        return obj.interaction_count

    def _set_canceled(self, request, queryset, canceled):
        count = 0
        for logged_segment in queryset:
            count += services.set_logged_segment_canceled(
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


class SavedSegmentCriteriaActionInline(admin.TabularInline):
    """The saved actions, as saved: replayed as they are, never edited."""

    model = SavedSegmentCriteriaAction
    extra = 0
    fields = ["sequence", "action", "criteria", "options"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SavedSegmentCriteria)
class SavedSegmentCriteriaAdmin(ServiceAdminMixin, ModelAdmin):
    """Saved criteria are made on a segment's criteria page ("Save criteria"); here
    their description changes and they are deleted, through the same services."""

    list_display = ["code", "description", "number_of_actions", "owner", "created_at"]
    list_select_related = ["owner"]
    search_fields = ["code", "description"]
    date_hierarchy = "created_at"
    readonly_fields = ["code", "owner", "created_at"]
    fields = ["code", "description", "owner", "created_at"]
    inlines = [SavedSegmentCriteriaActionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_action_count()

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("no. of actions"), ordering="_action_count")
    def number_of_actions(self, obj):
        return obj.action_count

    def save_service(self, request, obj, form, change):
        return services.update_saved_criteria(
            SavedSegmentCriteria.objects.get(pk=obj.pk),
            user=request.user,
            description=form.cleaned_data["description"],
        )

    def save_formset(self, request, form, formset, change):
        # The actions are read-only: nothing of them is saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )

    def delete_service(self, request, obj):
        services.delete_saved_criteria(obj, user=request.user)

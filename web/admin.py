"""The admin as one more interface to the services: a model admin with this mixin
adds, changes and deletes through the same service functions as the pages, so the
admin validates, numbers and refuses exactly as they do. Also: the admins of
django-axes and django-tasks-db, with what they leave in English translated."""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin import actions, helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks_db import admin as tasks_db_admin
from django_tasks_db.models import DBTaskResult

from web.pagination import CappedCountPaginator
from web.versions import FIELD as VERSION
from web.versions import lock_unchanged, row_version
from web.views import add_service_error

# Where the first pass of a change form leaves the service's refusal for the second.
REFUSAL = "_admin_service_refusal"


class ServiceAdminMixin:
    """Admin writes through services. A subclass defines `save_service(request, obj,
    form, change)` (returns the saved object) and `delete_service(request, obj)`;
    both raise ValidationError to refuse.

    A refused add or change shows the form again with the service's message; a
    refused delete, single or bulk, deletes nothing and shows the message. A change
    form carries the version of the row it was opened on (web.versions, hidden in
    templates/admin/change_form.html): saving it after someone else changed the row
    is refused, as on the CRM's own edit pages."""

    def save_service(self, request, obj, form, change):
        raise NotImplementedError

    def delete_service(self, request, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            # The row read again under its lock (until the view's transaction
            # ends): refused when it is no longer as the page showed it.
            lock_unchanged(obj, request.POST.get(VERSION) or None)
        saved = self.save_service(request, obj, form, change)
        if saved is not None and saved is not obj:
            # The admin goes on with its own instance (change message, redirect).
            vars(obj).update(vars(saved))

    def delete_model(self, request, obj):
        self.delete_service(request, obj)

    def delete_queryset(self, request, queryset):
        # One transaction: when one row is refused, none is deleted.
        with transaction.atomic():
            for obj in queryset:
                self.delete_service(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The admin saves once the form is valid, so a refusal of the service comes
        after validation, inside the view's transaction. That transaction is rolled
        back, and the view runs again with the refusal as an error of the form."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if getattr(request, REFUSAL, None) is not None:
                raise  # a second refusal would mean the form passed it: a bug
            setattr(request, REFUSAL, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None:
            # A form shown again (a refusal, an error) keeps the version it was
            # opened on: only opening the page again takes the row as it is now.
            context["row_version"] = (
                request.POST.get(VERSION, "")
                if request.method == "POST"
                else row_version(obj)
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, REFUSAL, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                add_service_error(self, refusal)
                return cleaned_data

        return RefusedForm

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        # A confirmed delete (the confirmation page posts "post") of rows still in
        # use goes to the service, which refuses it with its own message and
        # deletes nothing (so no permission to delete what protects them is
        # needed); the confirmation page before it still lists what protects them.
        if protected and request.method == "POST" and request.POST.get("post"):
            protected, perms_needed = [], set()
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            # Rolled back with the view's transaction: nothing deleted, nothing logged.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            opts = self.opts
            return redirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )

    def get_actions(self, request):
        found = super().get_actions(request)
        if "delete_selected" in found:
            _function, name, description = found["delete_selected"]
            found["delete_selected"] = (delete_selected, name, description)
        return found


class CappedCountAdminMixin:
    """For the change lists of big tables (entries, contacts, segments and their
    lines, logged segments, audit records): no COUNT(*) of the whole table, neither
    of the list (counted up to 10,000, then "more than 10,000";
    templates/admin/pagination.html) nor of the table unfiltered
    (`show_full_result_count`). Fifty rows a page, not a hundred: the admin draws
    each cell through its own templates, and a search that matches a few rows in a
    hundred reads about a hundred rows per row shown."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        # Django's markup written directly: its CheckboxInput renders a template per
        # row, a third of a change list's time.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), obj),
        )


class IndexedSearchAdminMixin:
    """For the change lists of models whose queryset has a `search(text)` (entries,
    contacts): the admin's search box, and the autocomplete drop-downs that choose
    such a row, find what the list page's search finds, through the same indexes
    (web.search). Every word must match, as in Django's own search; `search_fields`
    names the columns for the admin's checks and the search box's hint."""

    def get_search_results(self, request, queryset, search_term):
        # The list's search form refuses NUL with a message; nothing stored has one.
        if "\x00" in search_term:
            return queryset.none(), False
        for term in smart_split(search_term):
            if term[0] in "\"'" and term[-1] == term[0]:
                term = unescape_string_literal(term)
            if term:
                queryset = queryset.search(term)
        return queryset, False


def delete_selected(modeladmin, request, queryset):
    """Django's "Delete selected" action, in one transaction with its log entries;
    a row the service refuses deletes none and says why."""
    try:
        with transaction.atomic():
            return actions.delete_selected(modeladmin, request, queryset)
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None


# The admins of two libraries, registered again with what their own code leaves in
# English (labels written without gettext, a message built with an f-string), too
# wide for the screen or broken. Imported here so they are registered before they
# are replaced, whichever app's admin module is read first.


def user_agent_last(columns):
    """axes' columns with the path and the browser's long user agent moved to the
    end: in the middle they pushed the status and the lock out past the right edge
    at 1280 px."""
    last = ["path_info", "user_agent"]
    return [*(column for column in columns if column not in last), *last]


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """django-axes' counted login attempts."""

    list_display = user_agent_last(axes_admin.AccessAttemptAdmin.list_display)

    @admin.action(description=gettext_lazy("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        # axes' handler reads the time its middleware stamps on a login request;
        # an admin request has none (AttributeError, a 500), so stamp it here.
        AxesProxyHandler.update_request(request)
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d expired login attempt removed.",
                "%(count)d expired login attempts removed.",
                count,
            )
            % {"count": count},
        )

    @admin.display(description=gettext_lazy("Status"))
    def status(self, obj):
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return _("Locked Out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {
            "count": left
        }


class AccessFailureLogAdmin(axes_admin.AccessFailureLogAdmin):
    list_display = user_agent_last(axes_admin.AccessFailureLogAdmin.list_display)


class AccessLogAdmin(axes_admin.AccessLogAdmin):
    list_display = user_agent_last(axes_admin.AccessLogAdmin.list_display)


class TaskResultAdmin(tasks_db_admin.DBTaskResultAdmin):
    """django-tasks-db's rows of the queue, read-only."""

    @admin.display(description=gettext_lazy("task name"))
    def task_name(self, obj):
        return obj.task_name

    @admin.display(description=gettext_lazy("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=gettext_lazy("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)


for _model, _model_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
    (AccessLog, AccessLogAdmin),
    (DBTaskResult, TaskResultAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _model_admin)

"""Bulk actions on the rows of a list: ticked rows, or all that match the filters."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    QueryDict,
)
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    TemplateView,
)

from crm.forms import RowsField
from interactions.models import (
    Evaluation,
    InteractionLogEntry,
)
from web.views import back_to_list, next_url


class SelectionForm(forms.Form):
    """The entries a bulk action works on: ticked rows, or all matching the filter."""

    action = forms.ChoiceField(
        choices=[
            ("cancel", _("Mark canceled")),
            ("uncancel", _("Remove canceled mark")),
            ("evaluate", _("Evaluate")),
            ("delete", _("Delete")),
        ]
    )
    scope = forms.ChoiceField(
        choices=[("selected", ""), ("all", "")], initial="selected"
    )
    selected = RowsField(queryset=InteractionLogEntry.objects.all(), required=False)
    query = forms.CharField(required=False)
    evaluation = forms.ChoiceField(choices=Evaluation.choices[1:], required=False)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, queryset, filterset_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_queryset = queryset
        self.filterset_class = filterset_class
        self.fields["selected"].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        selected = cleaned.get("selected") or "selected" in self.errors
        if cleaned.get("scope") == "selected" and not selected:
            raise ValidationError(_("Select at least one line first."))
        if cleaned.get("action") == "evaluate" and not cleaned.get("evaluation"):
            raise ValidationError(_("Choose an evaluation."))
        # A filter it cannot read would be left out, and "all matching" would then be
        # more than the list showed (it shows none).
        if cleaned.get("scope") == "all" and not self.filterset.is_valid():
            raise ValidationError(
                _("The list's filters are not valid. Filter the list again.")
            )
        return cleaned

    @cached_property
    def filterset(self):
        query = QueryDict(self.cleaned_data.get("query", ""))
        return self.filterset_class(query, queryset=self.base_queryset)

    def entries(self):
        if self.cleaned_data["scope"] == "all":
            return self.filterset.qs
        return self.cleaned_data["selected"]

    def criteria(self):
        """How the entries were chosen, for the service's audit record."""
        if self.cleaned_data["scope"] == "all":
            return {"filters": self.filterset.criteria()}
        return {"entries": sorted(entry.pk for entry in self.cleaned_data["selected"])}


class BulkActionView(PermissionRequiredMixin, TemplateView):
    """POST the selection → a confirmation naming the count → POST again → service."""

    template_name = "interactions/bulk_confirm.html"
    http_method_names = ["post"]
    form_class = SelectionForm
    queryset = None
    filterset_class = None
    list_url = None
    allowed_actions = ()

    def get_queryset(self):
        return self.queryset

    # POST only: it changes data, which a GET (a prefetch, a crawler) never may,
    # and a selection of many rows is more than a URL holds.
    def post(self, request):
        form = self.form_class(
            request.POST,
            queryset=self.get_queryset(),
            filterset_class=self.filterset_class,
        )
        # Back to the list, or to the page the action was started from (`next`).
        back = next_url(
            request, back_to_list(self.list_url, request.POST.get("query", ""))
        )
        if (
            not form.is_valid()
            or form.cleaned_data["action"] not in self.allowed_actions
        ):
            for error in form.errors.get("__all__", []) or [
                _("The request was not valid.")
            ]:
                messages.error(request, error)
            return redirect(back)
        entries = form.entries()
        action = form.cleaned_data["action"]
        # The first POST only counts and asks; the confirmation posts the selection
        # again.
        if not form.cleaned_data["confirmed"]:
            return self.render_to_response(
                {
                    "form": form,
                    "count": entries.count(),
                    "action": action,
                    "back": back,
                    "next": request.POST.get("next", ""),
                    "question": self.question(
                        action, entries.count(), form.cleaned_data
                    ),
                }
            )
        try:
            job = self.start_job(action, entries, form)
            if job is None:
                count = self.perform(
                    action, entries, form.cleaned_data, form.criteria()
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        # Someone else's draft in the selection (delete_postponed): a message, not a 403
        # page, since the rest of the list is still the user's to work on.
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You may not do this."))
        else:
            if job is None:
                messages.success(request, self.done_message(action, count))
            else:
                messages.info(request, self.job_message(action, job))
        return redirect(back)

    def start_job(self, action, entries, form):
        """Start a background job for a selection too large for the request and
        return it; None (the default) does it here."""
        return None

"""The view plumbing every app's pages share: permission-first mixins, service
errors on forms, the lookup endpoint, the "database unavailable" error page."""

import sys

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import MAX_URL_REDIRECT_LENGTH, url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View, defaults
from django.views.generic import DeleteView

from web.lookups import MAX_QUERY, BadLookup
from web.lookups import PAGE_SIZE as LOOKUP_PAGE_SIZE
from web.versions import STALE


def server_error(request):
    """handler500: a 503 "try again" page when the database cannot be reached.

    Django calls it while handling the exception, so sys.exc_info() names it. The
    page touches nothing that needs the database (no user, no messages); once the
    database is back, CONN_HEALTH_CHECKS replaces the broken connection by itself.
    """
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": str(
                    _("The database cannot be reached; try again in a minute.")
                )
            },
            status=503,
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = "30"
    return response


def page_not_found(request, exception):
    """handler404. A form sent for a record that someone else deleted (or a segment
    logged) since the page was opened is told its changes were not saved, not only
    "page not found"."""
    if request.method == "POST":
        return render(request, "404.html", {"posted": True}, status=404)
    return defaults.page_not_found(request, exception)


def back_to_list(name, query=""):
    """The list page `name` with the query string it was shown with, to go back to
    after an action on it; without the query when that is too long to redirect to."""
    url = reverse(name)
    if query and len(url) + len(query) < MAX_URL_REDIRECT_LENGTH:
        url = f"{url}?{query}"
    return url


def next_url(request, default):
    """Where to go after an action: the `next` posted or in the address when it is
    a page of ours (the page the action was started from: a path), else
    `default`."""
    url = request.POST.get("next") or request.GET.get("next", "")
    # A path, never a bare word: redirect() would take "0" for a URL's name.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, {request.get_host()}
    ):
        return url
    return default


def add_service_error(form, error):
    """Show a service's ValidationError next to its field, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
        # A form refused for being older than the row (web.versions) shows an
        # "Open again" button beside Save (partials/form_buttons.html).
        if any(item.code == STALE for item in error.error_list):
            form.stale = True


class PermissionFirstMixin(PermissionRequiredMixin):
    """A page that loads the object it works on in `load()`, after the permission
    check: without the permission, whether the object exists stays unknown (403,
    never 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        return self.load(request, **kwargs) or super().dispatch(
            request, *args, **kwargs
        )

    def load(self, request, **kwargs):
        """Set the page's objects; a response returned ends the request there."""


class ServiceFormMixin:
    """Save a valid form through a service; its ValidationError goes onto the form."""

    success_message = ""

    def perform(self, form):
        return form.save()

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(
                self.request, self.success_message % self.success_message_values()
            )
        return HttpResponseRedirect(self.get_success_url())

    def success_message_values(self):
        """The values the success message names: the saved object, and what a
        view adds."""
        return {"object": self.object}


class BadInputMixin:
    """A form with errors is shown again with them, as a 400 (the client's error).

    The one answer to bad input on every page: a FormView gets it by itself, other
    views call `form_invalid(form, **context)` with what their page shows besides."""

    def form_invalid(self, form, **context):
        return self.render_to_response(
            self.get_context_data(form=form, **context), status=400
        )


class DeleteLinkMixin:
    """An edit page's Delete button (partials/form_buttons.html), shown to users who
    may delete the row: it opens `delete_url_name`, a ServiceDeleteView."""

    delete_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.object._meta
        if self.request.user.has_perm(f"{meta.app_label}.delete_{meta.model_name}"):
            context["delete_url"] = reverse(self.delete_url_name, args=[self.object.pk])
        return context


class ServiceDeleteView(PermissionRequiredMixin, BadInputMixin, DeleteView):
    """Delete a row once the user confirms (confirm_delete_setup.html): `service`
    deletes it, or refuses naming what still uses it, which the row's page then
    shows. A subclass sets model, permission_required, service and success_url, and
    may set its own template_name."""

    template_name = "confirm_delete_setup.html"
    service = None  # staticmethod(delete_x): (row, *, user)

    def get_context_data(self, **kwargs):
        kind = self.object._meta.verbose_name
        return super().get_context_data(
            kind=kind,
            heading=capfirst(_("Delete %(kind)s") % {"kind": kind}),
            **kwargs,
        )

    def deleted_message(self):
        return _("%(kind)s %(object)s has been deleted.") % {
            "kind": capfirst(self.object._meta.verbose_name),
            "object": self.object,
        }

    def refused_url(self):
        """Where a refusal is shown: the row's page, which names what uses it."""
        return self.object.get_absolute_url()

    def form_valid(self, form):
        try:
            self.service(self.object, user=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.refused_url())
        messages.success(self.request, self.deleted_message())
        return HttpResponseRedirect(self.get_success_url())


class SetupFormMixin:
    """Heading, introduction, breadcrumb and Cancel target for the shared
    crm/setup_form.html."""

    title = ""
    intro = ""
    # The pages above this one as (url, label), the start page unless a view says.
    trail = ((reverse_lazy("home"), _("Start")),)

    def get_title(self):
        return self.title

    def get_trail(self):
        return self.trail

    @property
    def cancel_url(self):
        """Back to the page above this one."""
        return self.get_trail()[-1][0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            intro=self.intro,
            trail=self.get_trail(),
            cancel_url=self.cancel_url,
        )
        return context


class LookupView(PermissionRequiredMixin, View):
    """The JSON a lookup field searches: `?q=` text, `page=` from 1, 20 rows a page.

    Answers {"results": [...], "more": bool}; a query it cannot read gets a 400 with
    {"error": message}. Each model has its own subclass with the permission to view it.
    """

    lookup_class = None
    # Deeper pages than this are a scroll nobody does; OFFSET would read them all.
    max_page = 50

    def get(self, request, *args, **kwargs):
        lookup = self.lookup_class()
        try:
            text, page = self.read_query(request.GET)
            queryset = lookup.offered(request.GET)
            if text:
                queryset = lookup.search(queryset, text)
            start = (page - 1) * LOOKUP_PAGE_SIZE
            # One row more than the page tells whether there is a next one.
            found = list(
                queryset.order_by(*lookup.order(text))[
                    start : start + LOOKUP_PAGE_SIZE + 1
                ]
            )
            results = lookup.rows(found[:LOOKUP_PAGE_SIZE], request.GET)
        except BadLookup as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"results": results, "more": len(found) > LOOKUP_PAGE_SIZE})

    def read_query(self, query):
        text = query.get("q", "")
        if "\x00" in text:
            raise BadLookup(_("The search contains a character that is not allowed."))
        text = text.strip()
        if len(text) > MAX_QUERY:
            raise BadLookup(
                _("Search with at most %(max)s characters.") % {"max": MAX_QUERY}
            )
        page = query.get("page", "1")
        if not (page.isdecimal() and len(page) < 4 and 1 <= int(page) <= self.max_page):
            raise BadLookup(
                _("The page must be a number from 1 to %(max)s.")
                % {"max": self.max_page}
            )
        return text, int(page)


# Rows a list page shows.
PAGE_SIZE = 25

# The name of a warning's "… anyway" button, where a page asks before making what
# may be a duplicate (Nieuw contact, Interactie maken); its value is the row the
# page named, the newest, so one made in the meantime is asked about in turn.
CONFIRM_DUPLICATE = "duplicate_of"


def duplicate_confirmed(data, duplicate):
    """Whether the posted `data` come from "… anyway" on the warning that named
    `duplicate`."""
    return data.get(CONFIRM_DUPLICATE) == str(duplicate.pk)
